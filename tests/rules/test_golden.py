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
