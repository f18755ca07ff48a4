"""HTML for a rules report: frailty, anti-CD38 status, the six regimens with verdicts, flags by severity.

Verdicts carry a text label and a symbol as well as a colour (never colour alone). Every evidence id links to the
passage, listed at the end of the report in a collapsible block the link opens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cd38_guide.ui.html_base import dom_id, esc, links_html
from cd38_guide.ui.i18n import t
from cd38_guide.ui.vocab import field_name, flag_label, rule_text, source_kind

REGIMEN_NAMES: dict[str, tuple[str, str]] = {
    "DRd": ("daratumumab, lenalidomide, dexamethasone", "达雷妥尤单抗 + 来那度胺 + 地塞米松"),
    "DVd": ("daratumumab, bortezomib, dexamethasone", "达雷妥尤单抗 + 硼替佐米 + 地塞米松"),
    "DKd": ("daratumumab, carfilzomib, dexamethasone", "达雷妥尤单抗 + 卡非佐米 + 地塞米松"),
    "DPd": ("daratumumab, pomalidomide, dexamethasone", "达雷妥尤单抗 + 泊马度胺 + 地塞米松"),
    "IsaPd": ("isatuximab, pomalidomide, dexamethasone", "艾沙妥昔单抗 + 泊马度胺 + 地塞米松"),
    "IsaKd": ("isatuximab, carfilzomib, dexamethasone", "艾沙妥昔单抗 + 卡非佐米 + 地塞米松"),
}
VERDICT_SYMBOL = {"option": "✓", "caution": "!", "avoid": "✕"}
SEVERITY_ORDER = ("critical", "warning", "info")


def verdict_badge(verdict: str, lang: str) -> str:
    """A coloured badge that also says the verdict in words."""
    return (
        f'<span class="verdict v-{esc(verdict)}"><span aria-hidden="true">{VERDICT_SYMBOL.get(verdict, "")}</span> '
        f"{esc(t('v_' + verdict, lang))}</span>"
    )


def _ev_links(ids: Sequence[str], scope: str) -> str:
    return ", ".join(
        f'<a class="evlink" href="#{dom_id("ev", scope, pid)}" data-open="{dom_id("ev", scope, pid)}">{esc(pid)}</a>'
        for pid in ids
    )


def _reasons(reasons: Sequence[str], lang: str) -> str:
    if not reasons:
        return ""
    return "<ul>" + "".join(f"<li>{esc(rule_text('reason', r, lang))}</li>" for r in reasons) + "</ul>"


def evidence_ids(report: Mapping[str, Any]) -> list[str]:
    """Every passage id the report cites, in first-seen order."""
    seen: dict[str, None] = {}
    for pid in report["frailty"].get("evidence", []):
        seen[pid] = None
    for pid in report["anti_cd38"].get("evidence", []):
        seen[pid] = None
    for r in report["regimens"]:
        for pid in r.get("evidence", []):
            seen[pid] = None
    for f in report["flags"]:
        for pid in f.get("evidence", []):
            seen[pid] = None
    return list(seen)


def _passage_block(pid: str, passage: Any, scope: str, lang: str) -> str:
    eid = dom_id("ev", scope, pid)
    if passage is None:
        return f'<details class="ev" id="{eid}" tabindex="-1"><summary><code>{esc(pid)}</code></summary></details>'
    prov = passage.provenance
    links = links_html(prov.model_dump(), lang)
    return (
        f'<details class="ev" id="{eid}" tabindex="-1"><summary><code>{esc(pid)}</code> '
        f"{esc(passage.title)}: {esc(passage.heading)}</summary>"
        f'<p class="passage">{esc(passage.text)}</p>'
        f'<p class="cit">{esc(source_kind(prov.source_kind, lang))} · {esc(prov.citation)}'
        + (f" · {links}" if links else "")
        + "</p>"
        + (f'<p class="secondary">{esc(t("via", lang))}: {esc(prov.secondary)}</p>' if prov.secondary else "")
        + (
            f'<p class="secondary src-note">{esc(t("src_note", lang))}: {esc(passage.notes)}</p>'
            if getattr(passage, "notes", None)
            else ""
        )
        + "</details>"
    )


def in_language(report: Mapping[str, Any], lang: str) -> Mapping[str, Any]:
    """The report with its reasons, flag messages and field names written in ``lang`` by the rules core's own
    message table (``rules.localize``); a report it cannot read is shown as it is."""
    if lang != "zh":
        return report
    from pydantic import ValidationError

    from cd38_guide.rules import Report, localize

    try:
        return localize(Report.model_validate(report), "zh").model_dump(mode="json")
    except (ValidationError, KeyError):
        return report


def _depends(fields: Sequence[str], lang: str) -> str:
    """'Could change with: creatinine clearance, LVEF' for a verdict resting on unstated fields."""
    if not fields:
        return ""
    sep = "、" if lang == "zh" else ", "
    names = sep.join(field_name(x, lang) for x in fields)
    return f'<p class="depends">{esc(t("r_depends", lang))}{"：" if lang == "zh" else ": "}{esc(names)}</p>'


def render_report(
    report: Mapping[str, Any], passages: Mapping[str, Any], lang: str, *, compact: bool = False, scope: str = "pt"
) -> str:
    """The report as tables. ``compact`` (inside a chat answer) drops the headings' verbosity and the ruleset line;
    ``scope`` keeps element ids unique when several reports are on the page."""
    report = in_language(report, lang)
    f, a = report["frailty"], report["anti_cd38"]
    h = "h5" if compact else "h3"
    out = [f'<div class="report{" compact" if compact else ""}">']
    if not compact:
        out.append(f'<h2 class="report-title">{esc(t("r_title", lang))}</h2>')
    # frailty
    category = t("fr_" + f["category"], lang)
    method = {"imwg": "IMWG", "simplified": t("r_simplified", lang)}.get(f.get("method") or "", "—")
    missing = (", " if lang == "en" else "、").join(field_name(m, lang) for m in f.get("missing", [])) or "—"
    out.append(
        f'<{h}>{esc(t("r_frailty", lang))}</{h}><table class="kv"><tbody>'
        f'<tr><th scope="row">{esc(t("r_category", lang))}</th><td><strong>{esc(category)}</strong></td></tr>'
        f'<tr><th scope="row">{esc(t("r_score", lang))}</th>'
        f"<td>{esc(f['score'] if f.get('score') is not None else '—')}"
        f" ({esc(method)})</td></tr>"
        f'<tr><th scope="row">{esc(t("r_missing", lang))}</th><td>{esc(missing)}</td></tr>'
        + (
            f'<tr><th scope="row">{esc(t("r_evidence", lang))}</th>'
            f'<td class="evcell">{_ev_links(f["evidence"], scope)}</td></tr>'
            if f.get("evidence")
            else ""
        )
        + "</tbody></table>"
    )
    # anti-CD38 status
    out.append(
        f'<{h}>{esc(t("r_cd38", lang))}</{h}><table class="kv"><tbody>'
        f'<tr><th scope="row">{esc(t("r_status", lang))}</th>'
        f'<td><strong class="cd38-{esc(a["status"])}">{esc(t("st_" + a["status"], lang))}</strong></td></tr>'
        f'<tr><th scope="row">{esc(t("r_reasons", lang))}</th><td>{_reasons(a.get("reasons", []), lang)}'
        f"{_depends(a.get('depends_on', []), lang)}</td></tr>"
        f'<tr><th scope="row">{esc(t("r_evidence", lang))}</th>'
        f'<td class="evcell">{_ev_links(a.get("evidence", []), scope)}</td></tr>'
        "</tbody></table>"
    )
    # regimens
    li = 1 if lang == "zh" else 0
    rows = "".join(
        f'<tr class="row-{esc(r["verdict"])}"><th scope="row"><span class="code">{esc(r["code"])}</span>'
        f'<br><span class="rname">{esc(REGIMEN_NAMES.get(r["code"], ("", ""))[li])}</span></th>'
        f'<td class="vcell" data-label="{esc(t("r_verdict", lang))}">{verdict_badge(r["verdict"], lang)}</td>'
        f'<td class="rcell" data-label="{esc(t("r_reasons", lang))}">{_reasons(r.get("reasons", []), lang)}'
        f"{_depends(r.get('depends_on', []), lang)}</td>"
        f'<td class="evcell" data-label="{esc(t("r_evidence", lang))}">'
        f"{_ev_links(r.get('evidence', []), scope)}</td></tr>"
        for r in report["regimens"]
    )
    out.append(
        f'<{h}>{esc(t("r_regimens", lang))}</{h}><table class="regimens">'
        '<colgroup><col class="c-reg"><col class="c-verdict">'
        '<col class="c-reasons"><col class="c-ev"></colgroup><thead><tr>'
        f'<th scope="col">{esc(t("r_regimen", lang))}</th><th scope="col">{esc(t("r_verdict", lang))}</th>'
        f'<th scope="col">{esc(t("r_reasons", lang))}</th><th scope="col">{esc(t("r_evidence", lang))}</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )
    # flags by severity
    out.append(f"<{h}>{esc(t('r_flags', lang))}</{h}>")
    flags = report.get("flags", [])
    if not flags:
        out.append(f"<p>{esc(t('r_no_flags', lang))}</p>")
    for sev in SEVERITY_ORDER:
        group = [fl for fl in flags if fl["severity"] == sev]
        if not group:
            continue
        items = "".join(
            f'<li data-code="{esc(fl["code"])}"><strong class="flag-label">{esc(flag_label(fl["code"], lang))}</strong>'
            f"{'：' if lang == 'zh' else ': '}{esc(rule_text('flag', fl['message'], lang))}"
            + (f' <span class="evs">({_ev_links(fl.get("evidence", []), scope)})</span>' if fl.get("evidence") else "")
            + "</li>"
            for fl in group
        )
        out.append(
            f'<div class="flags sev-{sev}"><p class="sev-head">'
            f'<span class="sev sev-{sev}">{esc(t("s_" + sev, lang))}</span>'
            f" ({len(group)})</p><ul>{items}</ul></div>"
        )
    # evidence passages, opened by the links above
    blocks = "".join(_passage_block(pid, passages.get(pid), scope, lang) for pid in evidence_ids(report))
    out.append(
        f'<details class="evidence"><summary>{esc(t("evidence_passages", lang))} '
        f"({len(evidence_ids(report))})</summary>"
        f"{blocks}</details>"
    )
    if not compact:
        out.append(
            f'<p class="ruleset">{esc(t("r_ruleset", lang))} {esc(report.get("ruleset_version", ""))}. '
            f"{esc(t('r_disclaimer', lang))}</p>"
        )
    out.append("</div>")
    return "".join(out)
