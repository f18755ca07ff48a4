"""Free-text extraction: the patient facts a clinician's question carries, and what had to be assumed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cd38_guide.rules import build_profile, check_patient, extract_patient_facts
from cd38_guide.rules.extract import ExtractedFacts

EXAMPLE = "72-year-old, lenalidomide-refractory, daratumumab 4 months ago: can I rechallenge?"


def facts(question: str) -> ExtractedFacts:
    f = extract_patient_facts(question)
    assert f is not None, question
    return f


def test_issue_example() -> None:
    f = facts(EXAMPLE)
    assert f.age == 72
    assert f.exposure == {"lenalidomide": "refractory"}
    assert (f.anti_cd38_agent, f.anti_cd38_status, f.months_since_last_dose) == ("daratumumab", "refractory", 4.0)
    assert f.facts == ("age 72", "lenalidomide refractory", "last daratumumab dose 4 months ago")
    assert any(a.startswith("Daratumumab status assumed refractory (not stated)") for a in f.assumptions)
    assert "prior_lines assumed 1 (not stated); IsaPd needs at least 2." in f.assumptions
    assert "Not mentioned, so assumed never given: pomalidomide, bortezomib, carfilzomib." in f.assumptions


def test_issue_example_runs_through_the_rules() -> None:
    report = check_patient(build_profile(facts(EXAMPLE)))
    assert report.anti_cd38.status == "rechallenge_too_early"
    assert {r.verdict for r in report.regimens} == {"avoid"}


def test_chinese_example() -> None:
    f = facts("72岁，来那度胺难治，达雷妥尤单抗 4个月前，可以再挑战吗？")
    assert f.age == 72
    assert f.exposure == {"lenalidomide": "refractory"}
    assert (f.anti_cd38_agent, f.anti_cd38_status, f.months_since_last_dose) == ("daratumumab", "refractory", 4.0)


def test_chinese_without_spaces_and_full_width_digits() -> None:
    f = facts("患者７８岁，既往3线治疗，对硼替佐米耐药，达雷妥尤单抗难治，停药8个月前")
    assert f.age == 78
    assert f.prior_lines == 3
    assert f.exposure == {"bortezomib": "refractory"}
    assert f.anti_cd38_status == "refractory"
    assert not any("assumed refractory" in a for a in f.assumptions)


@pytest.mark.parametrize(
    "question",
    [
        "What is the washout before rechallenge?",
        "What is the washout before anti-CD38 rechallenge, 6 or 12 months?",
        "How is daratumumab dosed when CrCl is below 30 mL/min?",
        "Should ANC < 1.0 delay isatuximab?",
        "In lenalidomide-refractory patients, is DKd better than DPd?",
        "Which trials enrolled patients after 1-3 prior lines?",
        "Does daratumumab interfere with the blood bank crossmatch?",
        "洗脱期多长时间可以再次使用达雷妥尤单抗？",
        "",
    ],
)
def test_general_questions_return_none(question: str) -> None:
    assert extract_patient_facts(question) is None


def test_two_facts_without_age_are_enough_and_age_is_assumed() -> None:
    f = facts("Lenalidomide-refractory with CrCl 40: which regimen?")
    assert f.age is None and f.crcl_ml_min == 40
    assert any(a.startswith("Age assumed 65 (not stated)") for a in f.assumptions)
    assert build_profile(f).age == 65


def test_explicit_anti_cd38_refractory_is_not_an_assumption() -> None:
    f = facts("68 yo, refractory to daratumumab, last dose 7 months ago")
    assert (f.anti_cd38_status, f.months_since_last_dose) == ("refractory", 7.0)
    assert "daratumumab refractory" in f.facts
    assert not any("assumed refractory" in a for a in f.assumptions)
    assert check_patient(build_profile(f)).anti_cd38.status == "rechallenge_feasible"


def test_progression_on_the_drug_means_refractory() -> None:
    f = facts("A 70-year-old who progressed on isatuximab and lenalidomide maintenance")
    assert f.anti_cd38_agent == "isatuximab" and f.anti_cd38_status == "refractory"
    assert f.exposure["lenalidomide"] == "refractory"


@pytest.mark.parametrize(
    "question",
    [
        "70-year-old, daratumumab-exposed, not refractory",
        "70-year-old, not refractory to daratumumab, prior bortezomib",
    ],
)
def test_exposed_not_refractory(question: str) -> None:
    f = facts(question)
    assert f.anti_cd38_status == "exposed"
    assert check_patient(build_profile(f)).anti_cd38.status == "candidate"


def test_weeks_are_converted_and_said() -> None:
    f = facts("75-year-old, last daratumumab dose 8 weeks ago")
    assert f.months_since_last_dose == 1.8
    assert "'8 weeks' since the last anti-CD38 dose read as 1.8 months." in f.assumptions


def test_number_words_and_years() -> None:
    assert facts("80 year old, off daratumumab for one year").months_since_last_dose == 12
    assert facts("80 year old, dara six months ago").months_since_last_dose == 6


def test_lists_of_refractory_drugs() -> None:
    f = facts("66-year-old refractory to lenalidomide and bortezomib, exposed to carfilzomib")
    assert f.exposure == {"lenalidomide": "refractory", "bortezomib": "refractory", "carfilzomib": "exposed"}


def test_prior_lines_forms() -> None:
    assert facts("70 yo after 2 prior lines").prior_lines == 2
    assert facts("70 yo, three lines of therapy").prior_lines == 3
    assert facts("70 yo at second relapse").prior_lines == 2
    assert facts("70 yo, third-line treatment").prior_lines == 2
    assert facts("70 yo at first relapse").prior_lines == 1


def test_labs_comorbidity_and_serology() -> None:
    q = (
        "81-year-old, ECOG 2, Charlson 3, CrCl 35 mL/min, LVEF 35%, NYHA class III, uncontrolled hypertension, "
        "grade 2 neuropathy, ANC 0.8, platelets 45, IgG 300 mg/dL with recurrent infections, HBsAg positive, del(17p) "
        "and 1q21 amplification"
    )
    f = facts(q)
    assert (f.age, f.ecog, f.charlson, f.crcl_ml_min, f.lvef_percent, f.heart_failure_nyha) == (81, 2, 3, 35, 35, 3)
    assert (f.uncontrolled_hypertension, f.neuropathy_grade, f.anc, f.platelets) == (True, 2, 0.8, 45)
    assert (f.igg_mg_dl, f.recurrent_infections, f.hbv) == (300, True, "hbsag_positive")
    assert f.cytogenetics == ("del17p", "amp1q")
    report = check_patient(build_profile(f))
    assert report.frailty.method == "simplified"
    assert {x.code for x in report.flags} >= {"neutropenia_hold", "ivig_consider", "hbv_reactivation_risk"}


def test_units_are_read_and_said() -> None:
    f = facts("65 yo, ANC 800, IgG 3 g/L, platelets 45000")
    assert (f.anc, f.igg_mg_dl, f.platelets) == (0.8, 300, 45)
    assert "ANC 800 read as cells/µL, i.e. 0.8 x10^9/L." in f.assumptions
    assert facts("65 yo, IgG 4").igg_mg_dl == 400
    assert any("IgG 4 with no unit read as g/L" in a for a in facts("65 yo, IgG 4").assumptions)


def test_thresholds_in_questions_are_not_patient_values() -> None:
    f = facts("72-year-old: is DRd fine when CrCl < 60?")
    assert f.crcl_ml_min is None


def test_implausible_age_ignored() -> None:
    assert extract_patient_facts("a 150-year-old question about daratumumab") is None


def test_anti_cd38_naive_assumed_when_not_mentioned() -> None:
    f = facts("60-year-old, lenalidomide-refractory")
    assert f.anti_cd38_status is None
    assert "No prior anti-CD38 antibody mentioned: assumed anti-CD38 naive." in f.assumptions
    assert build_profile(f).anti_cd38.status == "naive"


def test_build_profile_uses_stated_defaults_only() -> None:
    p = build_profile(facts(EXAMPLE))
    assert (p.age, p.prior_lines, p.hbv, p.crcl_ml_min, p.uncontrolled_hypertension) == (72, 1, "unknown", None, False)
    assert p.exposure.bortezomib == "naive"
    assert p.anti_cd38.agent == "daratumumab" and p.anti_cd38.months_since_last_dose == 4.0


def test_extraction_is_deterministic() -> None:
    assert facts(EXAMPLE) == facts(EXAMPLE)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789 -.,:;%<>/()+abcdefgilmnoprstuxyz岁个月前来那度胺难治达雷妥尤单抗")),
        max_size=200,
    )
)
def test_any_text_gives_none_or_a_valid_profile(question: str) -> None:
    f = extract_patient_facts(question)
    if f is not None:
        check_patient(build_profile(f))


def test_long_adversarial_input_is_fast() -> None:
    import time

    text = ("daratumumab " + "1 " * 50 + "lenalidomide and bortezomib and " * 20) * 30
    start = time.perf_counter()
    extract_patient_facts(text + " 70 yo")
    assert time.perf_counter() - start < 1.0
