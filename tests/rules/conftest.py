"""Fixtures for the rules-core tests: a profile factory and the golden-file directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cd38_guide.rules import PatientProfile

GOLDEN_DIR = Path(__file__).parent / "golden"
REPO_ROOT = Path(__file__).resolve().parents[2]

BASE: dict[str, Any] = {
    "age": 65,
    "prior_lines": 2,
    "exposure": {"lenalidomide": "exposed", "bortezomib": "exposed", "pomalidomide": "naive", "carfilzomib": "naive"},
    "anti_cd38": {"status": "naive"},
    "hbv": "negative",
    "lvef_percent": 60.0,
    "uncontrolled_hypertension": False,
}
"""A patient for whom every regimen is an option: each unit test changes one thing. Every field a verdict reads
is stated (since ruleset 2026.11.1 an unstated drug or LVEF is unknown, not "never given" or normal)."""


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


@pytest.fixture
def make_profile() -> Callable[..., PatientProfile]:
    """``make_profile(age=80, exposure={"lenalidomide": "refractory"})``: BASE with nested fields merged."""

    def make(**changes: Any) -> PatientProfile:
        return PatientProfile.model_validate(_merge(BASE, changes))

    return make
