"""Drugs a question joins into one regimen (question/combinations)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from cd38_guide.corpus import load_corpus
from cd38_guide.question.analysis import QuestionAnalysis, analyse

ROOT = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=1)
def _glossary():  # type: ignore[no-untyped-def]
    return load_corpus([ROOT / "corpus"]).glossary


def _analyse(question: str) -> QuestionAnalysis:
    return analyse(question, _glossary())


@pytest.mark.parametrize(
    ("question", "regimen"),
    [
        ("Any data for dara plus pom after len failure?", "DPd"),
        ("daratumumab with bortezomib and dexamethasone: PFS?", "DVd"),
        ("达雷妥尤单抗联合卡非佐米在透析患者中的安全性？", "DKd"),
        ("After DRd, is isatuximab plus carfilzomib an option?", "IsaKd"),
    ],
)
def test_a_spelled_out_regimen_is_read_as_its_code(question: str, regimen: str) -> None:
    assert regimen in _analyse(question).entities.regimens


@pytest.mark.parametrize(
    "question",
    [
        "Outcomes of isatuximab-lenalidomide-dexamethasone (Isa-Rd) at first relapse?",  # no code for it in the corpus
        "伊沙妥昔单抗联合来那度胺地塞米松治疗复发患者效果如何？",
    ],
)
def test_drugs_no_regimen_code_covers_stay_a_combination(question: str) -> None:
    a = _analyse(question)
    assert set(a.combination) == {"isatuximab", "lenalidomide"}
    assert not any(r.startswith("Isa") for r in a.entities.regimens)


def test_alternatives_are_no_combination() -> None:
    """ "dara or isa" names two drugs of one class: alternatives, not a regimen."""
    a = _analyse("Which is better, dara or isa?")
    assert a.combination == () and not a.entities.regimens
