"""Fixtures for the education tests: the real corpus (loaded once), a fixed date and a profile factory."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cd38_guide.corpus import Corpus, load_corpus
from cd38_guide.rules import PatientProfile

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = REPO_ROOT / "corpus"
GOLDEN_DIR = Path(__file__).parent / "golden"
TODAY = datetime.date(2025, 6, 1)

FIT_NAIVE: dict[str, Any] = {
    "age": 60,
    "prior_lines": 1,
    "charlson": 0,
    "adl": 6,
    "iadl": 8,
    "ecog": 0,
    "exposure": {"lenalidomide": "exposed", "bortezomib": "exposed"},
    "hbv": "negative",
}
"""A fit 60-year-old, never given an anti-CD38 antibody, hepatitis B negative: no personal statement applies."""


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return load_corpus([CORPUS_DIR])


@pytest.fixture
def today() -> datetime.date:
    return TODAY


@pytest.fixture
def make_profile() -> Callable[..., PatientProfile]:
    """``make_profile(age=80, hbv="hbsag_positive")``: the fit naive patient with some fields changed."""

    def _make(**changes: Any) -> PatientProfile:
        data = {**FIT_NAIVE, **changes}
        return PatientProfile.model_validate(data)

    return _make
