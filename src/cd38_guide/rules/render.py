"""Render a Report for people: plain text for the terminal, Markdown for the chat and the UI.

Both show every verdict with its reasons and the passage ids behind them, so a reader can open the evidence.
"""

from __future__ import annotations

import textwrap

from cd38_guide.rules.models import Frailty, Report

_STATUS_TEXT = {
    "candidate": "candidate for an anti-CD38 regimen",
    "rechallenge_feasible": "rechallenge feasible",
    "rechallenge_too_early": "rechallenge too early",
    "needs_last_dose_date": "needs the date of the last anti-CD38 dose",
}
_WIDTH = 100


def frailty_text(f: Frailty) -> str:
    """'frail (IMWG score 3)', 'fit (simplified score 0)' or 'unknown (missing: charlson, ecog)'."""
    if f.category == "unknown":
        return f"unknown (missing: {', '.join(f.missing)})" if f.missing else "unknown"
    method = "IMWG" if f.method == "imwg" else "simplified"
    return f"{f.category} ({method} score {f.score})"


def _wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        width=_WIDTH,
        initial_indent=first if first is not None else indent,
        subsequent_indent=indent,
        break_on_hyphens=False,  # passage ids are hyphenated and must stay whole
        break_long_words=False,
    ) or [indent.rstrip()]


def report_to_text(report: Report) -> str:
    """A readable terminal report: frailty, anti-CD38 status, the six regimens, then the flags."""
    lines = [f"Anti-CD38 eligibility report (ruleset {report.ruleset_version})", ""]
    f = report.frailty
    lines.append(f"Frailty: {frailty_text(f)}")
    if f.method == "simplified" and f.missing:
        lines.append(f"  IMWG score not computed, missing: {', '.join(f.missing)}")
    if f.evidence:
        lines.extend(_wrap(f"evidence: {', '.join(f.evidence)}", "  "))
    a = report.anti_cd38
    lines += ["", f"Anti-CD38 status: {_STATUS_TEXT[a.status]}"]
    for reason in a.reasons:
        lines.extend(_wrap(reason, "    ", "  - "))
    lines.extend(_wrap(f"evidence: {', '.join(a.evidence)}", "  "))
    lines += ["", "Regimens"]
    if report.order:
        lines.extend(_wrap(f"Ranked by verdict, then fit to the supporting trial: {', '.join(report.order)}", "  "))
    for r in report.regimens:
        lines.append(f"  {r.code:<6} {r.verdict.upper()}")
        for reason in r.reasons:
            lines.extend(_wrap(reason, "           ", "         - "))
        lines.extend(_wrap(f"evidence: {', '.join(r.evidence)}", "           ", "         "))
        if r.depends_on:
            lines.extend(_wrap(f"depends on unknown: {', '.join(r.depends_on)}", "           ", "         "))
    if report.unknown:
        lines += ["", *_wrap(f"Not stated (unknown): {', '.join(report.unknown)}", "  ", "")]
    lines += ["", "Flags"]
    if not report.flags:
        lines.append("  (none)")
    for flag in report.flags:
        lines.extend(_wrap(f"[{flag.severity.upper()}] {flag.code}: {flag.message}", "      ", "  "))
        lines.extend(_wrap(f"evidence: {', '.join(flag.evidence)}", "      "))
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Escape what would break a Markdown table cell or start unintended formatting."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def _ids(ids: tuple[str, ...]) -> str:
    return ", ".join(f"`{i}`" for i in ids)


def report_to_markdown(report: Report) -> str:
    """The report as Markdown: a regimen table with reasons and evidence, then the flags as a list."""
    f = report.frailty
    a = report.anti_cd38
    out = [
        "### Patient eligibility (rules core)",
        "",
        f"- **Frailty:** {_md(frailty_text(f))}" + (f" ({_ids(f.evidence)})" if f.evidence else ""),
        f"- **Anti-CD38 status:** {_md(_STATUS_TEXT[a.status])} ({_ids(a.evidence)})",
    ]
    out += [f"  - {_md(reason)}" for reason in a.reasons]
    if report.order:
        out += ["", f"Ranked by verdict, then fit to the supporting trial: {', '.join(report.order)}"]
    out += ["", "| Regimen | Verdict | Why | Evidence |", "|---|---|---|---|"]
    for r in report.regimens:
        why = "<br>".join(_md(reason) for reason in r.reasons)
        if r.depends_on:
            why += "<br>_" + _md(f"Depends on unknown: {', '.join(r.depends_on)}") + "_"
        out.append(f"| {r.code} | **{r.verdict}** | {why} | {_ids(r.evidence)} |")
    if report.unknown:
        out += ["", f"**Not stated (unknown):** {_md(', '.join(report.unknown))}"]
    out += ["", "**Flags**", ""]
    out += [
        f"- **{flag.severity}** `{flag.code}`: {_md(flag.message)} ({_ids(flag.evidence)})" for flag in report.flags
    ]
    if not report.flags:
        out.append("- none")
    out += [
        "",
        f"_Ruleset {report.ruleset_version}. Decision support only: check each point against the cited sources._",
    ]
    return "\n".join(out) + "\n"
