"""A subgroup's age or kidney-function cut-off asked against the cut-offs a named trial reports (evidence_cutoffs)."""

from __future__ import annotations

import pytest

from cd38_guide.evidence_cutoffs import cutoffs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IKEMA: PFS in patients aged 75 or older?", {("age", "above", 75)}),
        ("POLLUX PFS for pts 75+?", {("age", "above", 75)}),
        ("pts over 80", {("age", "above", 80)}),
        ("the 70-or-older subgroup", {("age", "above", 70)}),
        ("75 years and older", {("age", "above", 75)}),
        ("IKEMA ≥75岁患者的PFS获益？", {("age", "above", 75)}),
        ("70岁及以上患者", {("age", "above", 70)}),
        ("HR 0.69 in patients younger than 65", {("age", "below", 65)}),
        ("APOLLO: PFS with CrCl < 30?", {("renal", "below", 30)}),
        ("肌酐清除率<30的患者", {("renal", "below", 30)}),
        ("patients with creatinine clearance of 60 mL/min or less had", {("renal", "below", 60)}),
        ("eGFR below 60 and 0.58 in those with eGFR of 60 or more", {("renal", "below", 60), ("renal", "above", 60)}),
        # a kidney cut-off is not an age; a patient's age or weight is not a cut-off
        ("eGFR ≥60", {("renal", "above", 60)}),
        ("median age 67 years", set()),
        ("78M on DRd, weight over 65 kg", set()),
        ("platelets > 75 × 10^9/L", set()),
    ],
)
def test_cutoffs_are_read_with_their_measure_and_side(text: str, expected: set) -> None:
    assert cutoffs(text) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("IKEMA: PFS benefit in patients aged 75 or older?", "IKEMA (aged 75 or older)"),
        ("IKEMA ≥75岁患者的PFS获益？", "IKEMA (75岁及以上)"),
        ("CASTOR: PFS in patients aged 70 or older?", "CASTOR (aged 70 or older)"),
        ("APOLLO - any PFS data for DPd in pts with CrCl <30?", "APOLLO (CrCl or eGFR below 30)"),
    ],
)
def test_a_cutoff_the_named_trial_reports_only_for_another_group_is_declined(
    real_assistant, question: str, missing: str
) -> None:
    answer = real_assistant.ask(question)
    assert answer.abstained
    assert missing in (answer.missing or "")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("CASTOR: PFS in patients aged 75 or older?", "17.9"),
        ("IKEMA PFS in patients aged 70 or older?", "0.36"),
        ("ICARIA eGFR<60 PFS HR?", "0.50"),
        # a case note's age is the patient, not a subgroup asked
        ("81F, 1 prior line - CASTOR median PFS in the 75+ subgroup?", "17.9"),
    ],
)
def test_the_reported_cutoff_is_answered(real_assistant, question: str, fact: str) -> None:
    answer = real_assistant.ask(question)
    assert not answer.abstained
    assert fact in answer.answer
