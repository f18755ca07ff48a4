"""Text and Markdown rendering: everything in the report is shown, with its evidence ids."""

from __future__ import annotations

from cd38_guide.rules import check_patient, report_to_markdown, report_to_text


def _report(make_profile):
    return check_patient(
        make_profile(
            age=81, charlson=2, adl=6, iadl=8, crcl_ml_min=45, anc=0.8, exposure={"lenalidomide": "refractory"}
        )
    )


def test_text_shows_every_verdict_reason_flag_and_id(make_profile) -> None:
    report = _report(make_profile)
    text = report_to_text(report)
    assert text.startswith(f"Anti-CD38 eligibility report (ruleset {report.ruleset_version})\n")
    assert "Frailty: frail (IMWG score 3)" in text
    assert "Anti-CD38 status: candidate for an anti-CD38 regimen" in text
    flat = " ".join(text.split())
    for r in report.regimens:
        assert f"{r.code:<6} {r.verdict.upper()}" in text
        for reason in r.reasons:
            assert " ".join(reason.split()) in flat
    for f in report.flags:
        assert f"[{f.severity.upper()}] {f.code}:" in text
    cited = {pid for r in report.regimens for pid in r.evidence} | {pid for f in report.flags for pid in f.evidence}
    for pid in cited:
        assert pid in text  # ids are never broken across lines
    assert max(len(line) for line in text.splitlines()) <= 100


def test_text_unknown_frailty_lists_missing(make_profile) -> None:
    assert "Frailty: unknown (missing: charlson, adl, iadl, ecog)" in report_to_text(check_patient(make_profile()))


def test_text_simplified_says_what_imwg_lacked(make_profile) -> None:
    text = report_to_text(check_patient(make_profile(charlson=1, ecog=1)))
    assert "Frailty: intermediate (simplified score 1)" in text
    assert "IMWG score not computed, missing: adl, iadl" in text


def test_markdown_table_and_flags(make_profile) -> None:
    report = _report(make_profile)
    md = report_to_markdown(report)
    assert "| Regimen | Verdict | Why | Evidence |" in md
    rows = [line for line in md.splitlines() if line.startswith("| ") and "**" in line]
    assert [row.split("|")[1].strip() for row in rows] == ["DRd", "DVd", "DKd", "DPd", "IsaPd", "IsaKd"]
    for row in rows:
        assert row.count("|") == 5  # no reason leaks a column separator
    assert "- **critical** `neutropenia_hold`:" in md
    assert "`lenalidomide-renal-dosing`" in md


def test_rendering_is_deterministic(make_profile) -> None:
    a, b = _report(make_profile), _report(make_profile)
    assert report_to_text(a) == report_to_text(b)
    assert report_to_markdown(a) == report_to_markdown(b)
