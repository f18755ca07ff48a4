"""Golden vignettes: each ``NAME.patient.json`` must give exactly ``NAME.report.json``.

Regenerate after a deliberate rule change with ``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/rules`` and
review the diff: the golden files are the clinical sign-off of the ruleset.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cd38_guide.rules import check_patient, load_profile

GOLDEN_DIR = Path(__file__).parent / "golden"

PATIENTS = sorted(GOLDEN_DIR.glob("*.patient.json"))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _report_path(patient: Path) -> Path:
    return patient.with_name(patient.name.replace(".patient.json", ".report.json"))


def test_enough_vignettes() -> None:
    assert len(PATIENTS) >= 25


def test_every_report_has_a_patient() -> None:
    reports = {p.name.replace(".report.json", "") for p in GOLDEN_DIR.glob("*.report.json")}
    patients = {p.name.replace(".patient.json", "") for p in PATIENTS}
    assert reports == patients


@pytest.mark.parametrize("patient", PATIENTS, ids=lambda p: p.name.removesuffix(".patient.json"))
def test_golden_report(patient: Path) -> None:
    report = check_patient(load_profile(patient))
    got = json.loads(report.model_dump_json())
    expected_path = _report_path(patient)
    if UPDATE:
        expected_path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert expected_path.exists(), f"no golden report for {patient.name}; run with UPDATE_GOLDEN=1 and review it"
    assert got == json.loads(expected_path.read_text(encoding="utf-8"))


# --- verdict changes against the previous ruleset (2026.11.0), each with its reason -----------------------------

PREVIOUS = json.loads((GOLDEN_DIR / "verdicts-2026.11.0.json").read_text(encoding="utf-8"))
"""Verdicts of ruleset 2026.11.0 on the same vignettes (taken from the golden reports before the change)."""

CARDIAC = "LVEF or blood-pressure control not stated: carfilzomib-cardiovascular-risk asks for a cardiac assessment"
CHANGED: dict[tuple[str, str], str] = {
    ("anc_0_8", "DPd"): "ANC 0.8 < 1.0: grade 3/4 neutropenia was frequent with DPd in APOLLO (apollo-toxicity)",
    ("anc_0_8", "IsaPd"): "ANC 0.8 < 1.0: grade 4 neutropenia in 61% with IsaPd (icaria-neutropenia)",
}
"""(vignette, regimen) -> why its verdict differs from 2026.11.0; DKd/IsaKd going option -> caution for CARDIAC is
the general case. dpd_without_prior_pi now states bortezomib and carfilzomib as never given: its name says so, and
an omitted drug has become unknown."""


@pytest.mark.parametrize("name", sorted(PREVIOUS))
def test_verdict_changes_have_reasons(name: str) -> None:
    profile = load_profile(GOLDEN_DIR / f"{name}.patient.json")
    report = check_patient(profile)
    now = {"anti_cd38": report.anti_cd38.status, **{r.code: r.verdict for r in report.regimens}}
    for key, before in PREVIOUS[name].items():
        if now[key] == before:
            continue
        cardiac_unknown = profile.lvef_percent is None or profile.uncontrolled_hypertension is None
        if key in ("DKd", "IsaKd") and (before, now[key]) == ("option", "caution") and cardiac_unknown:
            continue  # CARDIAC
        assert (name, key) in CHANGED, f"{name} {key}: {before} -> {now[key]} has no reason in CHANGED"
