"""Rules report -> CDS Hooks cards: a summary under 140 characters, an indicator from the verdicts and
flags, and markdown detail that names every verdict's evidence passages with links to them."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from cd38_guide.cds.models import INDICATOR_RANK, Card, Indicator, Link, Source
from cd38_guide.cds.record import RecordReading
from cd38_guide.rules.messages import field_label
from cd38_guide.rules.models import Report

SUMMARY_MAX = 139
"""CDS Hooks 2.0: a one-sentence summary of fewer than 140 characters."""
CD38_TEXT = {
    "candidate": "candidate",
    "rechallenge_feasible": "rechallenge feasible",
    "rechallenge_too_early": "rechallenge too early",
    "needs_last_dose_date": "needs the last-dose date",
}
VERDICT_INDICATOR: dict[str, Indicator] = {"option": "info", "caution": "warning", "avoid": "critical"}
CD38_INDICATOR: dict[str, Indicator] = {
    "candidate": "info",
    "rechallenge_feasible": "info",
    "rechallenge_too_early": "warning",
    "needs_last_dose_date": "warning",
}
FOOTER = "_Decision support from the cited sources only; check them before acting._"
MAX_LINKS = 12

PassageUrl = Callable[[str], str]


def _worst(*indicators: Indicator) -> Indicator:
    return max(indicators, key=INDICATOR_RANK.__getitem__)


def _clip(text: str) -> str:
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1].rstrip() + "…"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _evidence(ids: Sequence[str], url: PassageUrl) -> str:
    return ", ".join(f"[{pid}]({url(pid)})" for pid in ids) or "—"


def source() -> Source:
    """The card source: cd38-guide and the ruleset version its verdicts come from."""
    from cd38_guide import __version__
    from cd38_guide.rules import RULESET_VERSION

    return Source(label=f"cd38-guide {__version__}, ruleset {RULESET_VERSION}")


def detail_markdown(report: Report, reading: RecordReading, url: PassageUrl, regimens: Sequence[str] = ()) -> str:
    """The card detail: anti-CD38 status, the regimens (all, or the ordered ones first), flags, what was read."""
    a = report.anti_cd38
    lines = [
        f"**Anti-CD38 antibody: {CD38_TEXT[a.status]}.** {' '.join(a.reasons)}",
        f"Evidence: {_evidence(a.evidence, url)}",
        "",
        "| Regimen | Verdict | Why | Evidence |",
        "|---|---|---|---|",
    ]
    order = [r for r in report.regimens if r.code in regimens] + [r for r in report.regimens if r.code not in regimens]
    for r in order:
        why = " ".join(r.reasons) or "no rule against it"
        if r.depends_on:  # the verdict could change once these are known
            why += " Could change with: " + ", ".join(field_label(f, "en") for f in r.depends_on) + "."
        lines.append(f"| {r.code} | {r.verdict} | {_cell(why)} | {_evidence(r.evidence, url)} |")
    f = report.frailty
    lines += ["", f"**Frailty:** {f.category}" + (f" ({f.method}, score {f.score})" if f.method else "")]
    if f.missing:
        lines[-1] += f"; missing: {', '.join(f.missing)}"
    if report.flags:
        lines += ["", "**Flags**"]
        lines += [f"- {x.severity}: {x.message} Evidence: {_evidence(x.evidence, url)}" for x in report.flags]
    lines += ["", f"**Read from the record:** {'; '.join(reading.facts) or 'no coded data the rules use'}."]
    lines += [f"- {note}" for note in reading.assumptions]
    if reading.unknown:
        lines += [f"- Not in the record (unknown): {', '.join(field_label(f, 'en') for f in reading.unknown)}."]
    lines += ["", FOOTER]
    return "\n".join(lines)


def _links(report: Report, url: PassageUrl, regimens: Sequence[str]) -> list[Link]:
    ids: list[str] = list(report.anti_cd38.evidence)
    for r in report.regimens:
        if not regimens or r.code in regimens:
            ids += r.evidence
    ids += [pid for x in report.flags if x.severity != "info" for pid in x.evidence]
    unique = list(dict.fromkeys(ids))[:MAX_LINKS]
    return [Link(label=f"Evidence {pid}", url=url(pid)) for pid in unique]


def _extension(report: Report, reading: RecordReading, ordered: Sequence[str]) -> dict:
    return {
        "cd38-guide": {
            "report": report.model_dump(mode="json"),
            "profile": reading.profile.model_dump(mode="json"),
            "assumptions": list(reading.assumptions),
            "unknown": list(reading.unknown),
            "ordered_regimens": list(ordered),
        }
    }


def _card(summary: str, detail: str, indicator: Indicator, links: list[Link], extension: dict | None) -> Card:
    return Card(
        uuid=str(uuid.uuid4()),
        summary=_clip(summary),
        detail=detail,
        indicator=indicator,
        source=source(),
        links=links,
        extension=extension,
    )


def _flag_cards(report: Report, url: PassageUrl) -> list[Card]:
    """One card per critical flag: it must not hide inside the main card's detail."""
    return [
        _card(
            x.message,
            f"{x.message}\n\nEvidence: {_evidence(x.evidence, url)}\n\n{FOOTER}",
            "critical",
            [Link(label=f"Evidence {pid}", url=url(pid)) for pid in x.evidence[:MAX_LINKS]],
            None,
        )
        for x in report.flags
        if x.severity == "critical"
    ]


def patient_view_cards(report: Report, reading: RecordReading, url: PassageUrl) -> list[Card]:
    """The patient-view cards: one overview of the six regimens, then one per critical flag."""
    counts = {v: sum(r.verdict == v for r in report.regimens) for v in ("option", "caution", "avoid")}
    summary = (
        f"Anti-CD38 {CD38_TEXT[report.anti_cd38.status]}; regimens: {counts['option']} option, "
        f"{counts['caution']} caution, {counts['avoid']} avoid"
    )
    indicator = _worst(
        CD38_INDICATOR[report.anti_cd38.status],
        *(x.severity for x in report.flags),
        "warning" if counts["option"] == 0 else "info",
    )
    main = _card(
        summary,
        detail_markdown(report, reading, url),
        indicator,
        _links(report, url, ()),
        _extension(report, reading, ()),
    )
    return [main, *_flag_cards(report, url)]


def order_select_cards(
    report: Report, reading: RecordReading, url: PassageUrl, regimens: Sequence[str], agent: str
) -> list[Card]:
    """The order-select cards for an anti-CD38 order: the ordered regimen(s) first, then one per critical flag.

    Args:
        regimens: the regimen codes the draft orders make up (empty when only the antibody is ordered).
        agent: the antibody ordered (daratumumab or isatuximab).
    """
    cd38 = CD38_TEXT[report.anti_cd38.status]
    chosen = [r for r in report.regimens if r.code in regimens]
    if chosen:
        r = chosen[0]
        why = r.reasons[0] if r.reasons else "no rule against it"
        summary = f"{r.code} ordered: {r.verdict}. {why}"
        indicator = _worst(VERDICT_INDICATOR[r.verdict], CD38_INDICATOR[report.anti_cd38.status])
    else:
        mine = [r for r in report.regimens if r.code.startswith("Isa" if agent == "isatuximab" else "D")]
        listed = ", ".join(f"{r.code} {r.verdict}" for r in mine)
        summary = f"{agent.capitalize()} ordered: anti-CD38 {cd38}; {listed}"
        indicator = CD38_INDICATOR[report.anti_cd38.status]
    indicator = _worst(indicator, *(x.severity for x in report.flags if x.severity != "critical"))
    main = _card(
        summary,
        detail_markdown(report, reading, url, regimens),
        indicator,
        _links(report, url, regimens),
        _extension(report, reading, regimens),
    )
    return [main, *_flag_cards(report, url)]
