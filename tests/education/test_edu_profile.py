"""A patient profile changes a draft where the rules report says it should, and leaks nothing identifying."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest

from cd38_guide.corpus import Corpus
from cd38_guide.education import EDUCATION_TOPICS, REGIMEN_CODES, Draft, make_draft, patient_text
from cd38_guide.rules import PatientProfile, check_patient

Make = Callable[..., PatientProfile]
PERSONAL = {"profile.dex_reduced", "profile.hbv_monitor", "profile.wait"}


def keys(draft: Draft) -> set[str]:
    return {s.key for s in draft.statements}


def test_fit_naive_60_year_old_gets_none_of_the_personal_statements(
    corpus: Corpus, today: datetime.date, make_profile: Make
) -> None:
    profile = make_profile()
    report = check_patient(profile)
    assert report.frailty.category == "fit" and report.anti_cd38.status == "candidate"
    for topic in EDUCATION_TOPICS:
        for lang in ("en", "zh"):
            draft = make_draft(topic, corpus=corpus, today=today, profile=profile, lang=lang)
            assert not keys(draft) & PERSONAL, topic
            assert not [k for k in keys(draft) if k.startswith("profile.")], topic
            assert draft.profile_notes == ()
            assert "wait longer" not in draft.text
            # The draft says it was adapted, and otherwise matches the generic one.
            plain = make_draft(topic, corpus=corpus, today=today, lang=lang)
            assert draft.statements == plain.statements


@pytest.mark.parametrize("topic", ["about_anti_cd38", "older_or_frail", "infusion_reactions"])
def test_age_80_adds_the_reduced_dexamethasone_statement(
    topic: str, corpus: Corpus, today: datetime.date, make_profile: Make
) -> None:
    profile = make_profile(age=80)
    assert check_patient(profile).flag("dexamethasone_reduced_dose") is not None
    draft = make_draft(topic, corpus=corpus, today=today, profile=profile)
    st = next(s for s in draft.statements if s.key == "profile.dex_reduced")
    assert "lower dose of dexamethasone" in st.text and st.evidence == ("dexamethasone-elderly-dose",)
    assert st.section == "profile" and "## What this means for you" in draft.text
    assert "added the reduced dexamethasone dose statement" in draft.profile_notes
    zh = make_draft(topic, corpus=corpus, today=today, profile=profile, lang="zh")
    assert "地塞米松" in next(s.text for s in zh.statements if s.key == "profile.dex_reduced")
    assert "## 和您有关的要点" in zh.text
    young = make_draft(topic, corpus=corpus, today=today, profile=make_profile(age=74))
    assert "profile.dex_reduced" not in keys(young)


@pytest.mark.parametrize("hbv", ["hbsag_positive", "anti_hbc_positive"])
def test_hepatitis_b_positive_adds_monitoring(
    hbv: str, corpus: Corpus, today: datetime.date, make_profile: Make
) -> None:
    profile = make_profile(hbv=hbv)
    for topic in ("infections", "about_anti_cd38"):
        for regimen in (None, "DKd", "IsaPd"):
            draft = make_draft(topic, corpus=corpus, today=today, profile=profile, regimen=regimen)
            st = next(s for s in draft.statements if s.key == "profile.hbv_monitor")
            assert "hepatitis B" in st.text and "at least 6 months" in st.text
            assert "hbv-screening-monitoring" in st.evidence
            assert any("hepatitis B monitoring" in n for n in draft.profile_notes)
    unknown = make_draft("infections", corpus=corpus, today=today, profile=make_profile(hbv="unknown"))
    assert "profile.hbv_monitor" not in keys(unknown) and "profile.hbv_test" in keys(unknown)


def test_rechallenge_too_early_adds_the_wait_statement(
    corpus: Corpus, today: datetime.date, make_profile: Make
) -> None:
    profile = make_profile(anti_cd38={"status": "refractory", "agent": "daratumumab", "months_since_last_dose": 3.0})
    assert check_patient(profile).anti_cd38.status == "rechallenge_too_early"
    for lang in ("en", "zh"):
        draft = make_draft("retreatment", corpus=corpus, today=today, profile=profile, lang=lang)
        st = next(s for s in draft.statements if s.key == "profile.wait")
        assert "consensus-rechallenge-washout" in st.evidence
        if lang == "en":
            assert "wait longer before this medicine is used again" in st.text
        else:
            assert "再多等一段时间" in st.text
        wait_note = "wait longer before rechallenge" if lang == "en" else "再次使用前需再等待"
        assert any(wait_note in n for n in draft.profile_notes)
    later = make_profile(anti_cd38={"status": "refractory", "agent": "daratumumab", "months_since_last_dose": 9.0})
    draft = make_draft("retreatment", corpus=corpus, today=today, profile=later)
    assert "profile.wait" not in keys(draft) and "profile.rechallenge_ok" in keys(draft)
    undated = make_profile(anti_cd38={"status": "refractory"})
    assert "profile.last_dose_date" in keys(make_draft("retreatment", corpus=corpus, today=today, profile=undated))


def test_items_only_touch_their_topics(corpus: Corpus, today: datetime.date, make_profile: Make) -> None:
    profile = make_profile(age=80, hbv="hbsag_positive")
    draft = make_draft("blood_tests_and_transfusion", corpus=corpus, today=today, profile=profile)
    assert not keys(draft) & PERSONAL and draft.profile_notes == ()
    assert "no item changes this topic" in draft.text


def test_counts_immunoglobulin_kidneys_and_frailty(corpus: Corpus, today: datetime.date, make_profile: Make) -> None:
    profile = make_profile(
        anc=0.6, platelets=30.0, igg_mg_dl=250.0, recurrent_infections=True, crcl_ml_min=40.0, charlson=4, adl=3
    )
    report = check_patient(profile)
    assert report.frailty.category == "frail"
    about = make_draft("about_anti_cd38", corpus=corpus, today=today, profile=profile, regimen="DRd")
    assert {
        "profile.neutropenia",
        "profile.platelets",
        "profile.ivig",
        "profile.lenalidomide_kidney",
        "profile.daratumumab_kidney",
        "profile.frail",
    } <= keys(about)
    # Kidney statements follow the regimen: no lenalidomide outside DRd, no daratumumab line for isatuximab.
    isa = make_draft("about_anti_cd38", corpus=corpus, today=today, profile=profile, regimen="IsaKd")
    assert not {"profile.lenalidomide_kidney", "profile.daratumumab_kidney"} & keys(isa)
    assert not any("lenalidomide kidney dose" in n for n in isa.profile_notes)
    counts = make_draft("low_blood_counts", corpus=corpus, today=today, profile=profile)
    assert {"profile.neutropenia", "profile.platelets"} <= keys(counts)


def test_a_regimen_the_rules_advise_against_is_noted_for_the_clinician(
    corpus: Corpus, today: datetime.date, make_profile: Make
) -> None:
    profile = make_profile(anti_cd38={"status": "refractory", "agent": "daratumumab", "months_since_last_dose": 2.0})
    draft = make_draft("retreatment", corpus=corpus, today=today, profile=profile, regimen="DPd")
    assert any("rates DPd 'avoid'" in n for n in draft.profile_notes)
    assert "'avoid'" not in patient_text(draft.text)


# Values chosen to be unmistakable: none occurs in any draft text on its own.
LEAKY = {
    "age": 83,
    "anc": 0.73,
    "platelets": 41.5,
    "igg_mg_dl": 287.0,
    "recurrent_infections": True,
    "crcl_ml_min": 37.0,
    "charlson": 3,
    "adl": 4,
    "iadl": 5,
    "ecog": 2,
    "hbv": "hbsag_positive",
    "anti_cd38": {"status": "refractory", "agent": "daratumumab", "months_since_last_dose": 3.5},
}
NEEDLES = ("83", "0.73", "41.5", "287", "37", "3.5")


@pytest.mark.parametrize("regimen", [None, *REGIMEN_CODES])
def test_no_identifying_numbers_leak(
    regimen: str | None, corpus: Corpus, today: datetime.date, make_profile: Make
) -> None:
    profile = make_profile(**LEAKY)
    for topic in EDUCATION_TOPICS:
        for lang in ("en", "zh"):
            draft = make_draft(topic, corpus=corpus, today=today, profile=profile, regimen=regimen, lang=lang)
            plain = make_draft(topic, corpus=corpus, today=today, regimen=regimen, lang=lang)
            # Compared with the same draft made without a profile, no profile value shows up anywhere.
            for needle in NEEDLES:
                pattern = rf"(?<![\d.]){re.escape(needle)}(?![\d.])"
                assert len(re.findall(pattern, draft.text)) == len(re.findall(pattern, plain.text)), (topic, needle)
                assert not re.search(pattern, " ".join(draft.profile_notes)), (topic, needle)
                assert not re.search(pattern, " ".join(s.text for s in draft.statements)), (topic, needle)
            assert "mL/min" not in draft.text and "x10^9" not in draft.text and "mg/dL" not in draft.text


def test_profile_notes_read_as_words_in_the_draft_language() -> None:
    """The clinician appendix says what changed in words, in the draft's language, never as rule codes."""
    from cd38_guide.education.profile import PROFILE_ITEMS

    for item in PROFILE_ITEMS:
        en, zh = item.note
        assert not re.search(r"[a-z]+_[a-z_]+|flag:", en + zh), item.code
        assert re.search(r"[\u4e00-\u9fff]", zh), item.code
