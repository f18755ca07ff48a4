"""Unit tests per rule, on both sides of every threshold, and the fold that combines the rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from cd38_guide.rules import RULES, RULESET_VERSION, PatientProfile, Report, check_patient
from cd38_guide.rules import evidence as ev
from cd38_guide.rules.models import REGIMEN_CODES

REPO_ROOT = Path(__file__).resolve().parents[2]


def verdicts(report: Report) -> dict[str, str]:
    return {r.code: r.verdict for r in report.regimens}


def reasons(report: Report, code: str) -> str:
    return " ".join(report.regimen(code).reasons)


def flag_codes(report: Report) -> list[str]:
    return [f.code for f in report.flags]


def test_base_patient_has_every_regimen_as_option(make_profile) -> None:
    assert set(verdicts(check_patient(make_profile())).values()) == {"option"}


# --- frailty ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("age", "points"), [(18, 0), (75, 0), (76, 1), (80, 1), (81, 2), (120, 2)])
def test_imwg_age_points(make_profile, age: int, points: int) -> None:
    f = check_patient(make_profile(age=age, charlson=0, adl=6, iadl=8)).frailty
    assert (f.method, f.score, f.missing) == ("imwg", points, ())
    assert f.category == ["fit", "intermediate", "frail"][points]


@pytest.mark.parametrize(
    ("charlson", "adl", "iadl", "score"),
    [(1, 6, 8, 0), (2, 6, 8, 1), (1, 5, 8, 0), (1, 4, 8, 1), (1, 6, 6, 0), (1, 6, 5, 1), (5, 0, 0, 3)],
)
def test_imwg_comorbidity_and_function_points(make_profile, charlson: int, adl: int, iadl: int, score: int) -> None:
    f = check_patient(make_profile(age=70, charlson=charlson, adl=adl, iadl=iadl)).frailty
    assert f.score == score
    assert f.evidence == ev.FRAILTY_IMWG


def test_imwg_preferred_over_simplified_when_both_computable(make_profile) -> None:
    f = check_patient(make_profile(age=70, charlson=0, adl=6, iadl=8, ecog=3)).frailty
    assert (f.method, f.score, f.category) == ("imwg", 0, "fit")


@pytest.mark.parametrize(
    ("charlson", "ecog", "score"), [(1, 0, 0), (2, 0, 1), (0, 1, 1), (0, 2, 2), (0, 3, 2), (0, 4, 2), (3, 4, 3)]
)
def test_simplified_points(make_profile, charlson: int, ecog: int, score: int) -> None:
    f = check_patient(make_profile(age=70, charlson=charlson, ecog=ecog)).frailty
    assert (f.method, f.score) == ("simplified", score)
    assert f.missing == ("adl", "iadl")


def test_simplified_lists_only_what_imwg_lacked(make_profile) -> None:
    assert check_patient(make_profile(charlson=0, ecog=0, adl=6)).frailty.missing == ("iadl",)


@pytest.mark.parametrize(
    ("known", "missing"),
    [
        ({}, ("charlson", "adl", "iadl", "ecog")),
        ({"ecog": 1}, ("charlson", "adl", "iadl")),
        ({"charlson": 1, "adl": 6}, ("iadl", "ecog")),
    ],
)
def test_unknown_frailty_lists_missing_fields(make_profile, known: dict, missing: tuple) -> None:
    f = check_patient(make_profile(**known)).frailty
    assert (f.category, f.method, f.score, f.missing) == ("unknown", None, None, missing)


def test_frail_patient_gets_carfilzomib_caution_and_monitoring_flag(make_profile) -> None:
    r = check_patient(make_profile(age=81, charlson=2, adl=6, iadl=8))
    assert r.frailty.category == "frail"
    assert verdicts(r)["DKd"] == verdicts(r)["IsaKd"] == "caution"
    assert "candor-frail-subgroup" in r.regimen("DKd").evidence
    assert r.flag("frail_monitoring") is not None


def test_intermediate_patient_gets_no_frailty_caution(make_profile) -> None:
    r = check_patient(make_profile(age=76, charlson=1, adl=6, iadl=8))
    assert r.frailty.category == "intermediate"
    assert verdicts(r)["DKd"] == "option"
    assert r.flag("frail_monitoring") is None


# --- anti-CD38 status ------------------------------------------------------------------------------------------


def test_naive_is_candidate(make_profile) -> None:
    a = check_patient(make_profile()).anti_cd38
    assert a.status == "candidate"
    assert a.evidence == ev.CD38_NAIVE


def test_exposed_is_candidate_even_soon_after_the_last_dose(make_profile) -> None:
    r = check_patient(
        make_profile(anti_cd38={"status": "exposed", "agent": "daratumumab", "months_since_last_dose": 1})
    )
    assert r.anti_cd38.status == "candidate"
    assert "not refractory" in r.anti_cd38.reasons[0]
    assert set(verdicts(r).values()) == {"option"}


@pytest.mark.parametrize(
    ("months", "status", "verdict"),
    [
        (0.0, "rechallenge_too_early", "avoid"),
        (5.9, "rechallenge_too_early", "avoid"),
        (5.99, "rechallenge_too_early", "avoid"),
        (6.0, "rechallenge_feasible", "caution"),
        (12.0, "rechallenge_feasible", "caution"),
        (30.0, "rechallenge_feasible", "caution"),
        (None, "needs_last_dose_date", "caution"),
    ],
)
def test_refractory_washout(make_profile, months: float | None, status: str, verdict: str) -> None:
    r = check_patient(
        make_profile(anti_cd38={"status": "refractory", "agent": "daratumumab", "months_since_last_dose": months})
    )
    assert r.anti_cd38.status == status
    assert set(verdicts(r).values()) == {verdict}
    assert "consensus-rechallenge-washout" in r.anti_cd38.evidence


def test_too_early_reason_names_the_months(make_profile) -> None:
    r = check_patient(make_profile(anti_cd38={"status": "refractory", "months_since_last_dose": 4}))
    assert "4 months ago" in r.anti_cd38.reasons[0]
    assert r.regimen("IsaKd").reasons[0].startswith("Rechallenge too early")


def test_feasible_reason_says_within_or_beyond_the_window(make_profile) -> None:
    within = check_patient(make_profile(anti_cd38={"status": "refractory", "months_since_last_dose": 8}))
    beyond = check_patient(make_profile(anti_cd38={"status": "refractory", "months_since_last_dose": 13}))
    assert "within the usual washout window of 6 to 12 months" in within.anti_cd38.reasons[0]
    assert "beyond the usual washout window of 6 to 12 months" in beyond.anti_cd38.reasons[0]


# --- partner drugs and prerequisites ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("drug", "avoided"),
    [
        ("lenalidomide", {"DRd"}),
        ("bortezomib", {"DVd"}),
        ("carfilzomib", {"DKd", "IsaKd"}),
        ("pomalidomide", {"DPd", "IsaPd"}),
    ],
)
def test_refractory_partner_is_avoided(make_profile, drug: str, avoided: set[str]) -> None:
    r = check_patient(make_profile(prior_lines=3, exposure={drug: "refractory"}))
    assert {c for c, v in verdicts(r).items() if v == "avoid"} == avoided
    for code in avoided:
        assert f"{drug.capitalize()}-refractory disease" in reasons(r, code)
        assert r.regimen(code).reasons[0].startswith(drug.capitalize())  # the deciding reason comes first


def test_lenalidomide_refractory_reason_is_exact(make_profile) -> None:
    r = check_patient(make_profile(exposure={"lenalidomide": "refractory"}))
    assert "Lenalidomide-refractory disease: DRd relies on lenalidomide." in r.regimen("DRd").reasons
    assert "castor-lenalidomide-refractory" in r.regimen("DVd").evidence
    assert r.regimen("DVd").verdict == "option"


def test_exposed_partner_is_not_avoided(make_profile) -> None:
    r = check_patient(make_profile(prior_lines=3, exposure={"carfilzomib": "exposed"}))
    assert verdicts(r)["DKd"] == verdicts(r)["IsaKd"] == "option"


@pytest.mark.parametrize(
    ("lines", "exposure", "verdict"),
    [
        (1, {"lenalidomide": "refractory", "bortezomib": "exposed"}, "avoid"),
        (2, {"lenalidomide": "refractory", "bortezomib": "exposed"}, "option"),
        (2, {"lenalidomide": "naive", "bortezomib": "exposed"}, "avoid"),
        (2, {"lenalidomide": "exposed", "bortezomib": "naive"}, "avoid"),
        (2, {"lenalidomide": "exposed", "bortezomib": "naive", "carfilzomib": "exposed"}, "option"),
        (3, {"lenalidomide": "exposed", "bortezomib": "exposed", "pomalidomide": "exposed"}, "caution"),
    ],
)
def test_isapd_prerequisites(make_profile, lines: int, exposure: dict, verdict: str) -> None:
    r = check_patient(make_profile(prior_lines=lines, exposure=exposure))
    assert r.regimen("IsaPd").verdict == verdict


def test_isapd_one_line_reason_names_what_is_missing(make_profile) -> None:
    r = check_patient(make_profile(prior_lines=1, exposure={"bortezomib": "naive"}))
    # One sentence per unmet criterion since 2026.11.1 (each can be rendered in Chinese on its own).
    assert "ICARIA-MM required at least 2 prior lines; this patient has had 1." in reasons(r, "IsaPd")
    assert (
        "ICARIA-MM required a prior proteasome inhibitor; this patient has had neither bortezomib nor carfilzomib."
        in (reasons(r, "IsaPd"))
    )


def test_isapd_anti_cd38_refractory_reason(make_profile) -> None:
    r = check_patient(make_profile(anti_cd38={"status": "refractory", "months_since_last_dose": 10}))
    assert "ICARIA-MM excluded it" in reasons(r, "IsaPd")
    assert "ICARIA-MM excluded it" not in reasons(r, "DPd")


@pytest.mark.parametrize(
    ("lines", "exposure", "verdict"),
    [
        (2, {"lenalidomide": "naive"}, "avoid"),
        (2, {"bortezomib": "naive"}, "avoid"),
        (2, {"bortezomib": "naive", "carfilzomib": "refractory"}, "option"),
        (1, {"lenalidomide": "exposed"}, "caution"),
        (1, {"lenalidomide": "refractory"}, "option"),
    ],
)
def test_dpd_prerequisites(make_profile, lines: int, exposure: dict, verdict: str) -> None:
    r = check_patient(make_profile(prior_lines=lines, exposure=exposure))
    assert r.regimen("DPd").verdict == verdict


@pytest.mark.parametrize(("lines", "verdict"), [(3, "option"), (4, "caution"), (8, "caution")])
def test_carfilzomib_regimens_beyond_three_lines(make_profile, lines: int, verdict: str) -> None:
    r = check_patient(make_profile(prior_lines=lines))
    assert r.regimen("DKd").verdict == r.regimen("IsaKd").verdict == verdict


# --- comorbidity -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nyha", "verdict"), [(None, "option"), (0, "option"), (1, "caution"), (2, "caution"), (3, "avoid"), (4, "avoid")]
)
def test_heart_failure(make_profile, nyha: int | None, verdict: str) -> None:
    r = check_patient(make_profile(heart_failure_nyha=nyha))
    assert r.regimen("DKd").verdict == r.regimen("IsaKd").verdict == verdict
    assert r.regimen("DPd").verdict == "option"


def test_nyha_reason_uses_roman_numerals(make_profile) -> None:
    assert "NYHA class III heart failure" in reasons(check_patient(make_profile(heart_failure_nyha=3)), "DKd")


@pytest.mark.parametrize(("lvef", "verdict"), [(39.9, "avoid"), (35, "avoid"), (40, "option"), (60, "option")])
def test_lvef(make_profile, lvef: float, verdict: str) -> None:
    r = check_patient(make_profile(lvef_percent=lvef))
    assert r.regimen("DKd").verdict == r.regimen("IsaKd").verdict == verdict


def test_uncontrolled_hypertension(make_profile) -> None:
    r = check_patient(make_profile(uncontrolled_hypertension=True))
    assert {c: v for c, v in verdicts(r).items() if v != "option"} == {"DKd": "caution", "IsaKd": "caution"}
    assert "ikema-hypertension" in r.regimen("IsaKd").evidence


@pytest.mark.parametrize(
    ("grade", "verdict"), [(0, "option"), (1, "option"), (2, "caution"), (3, "caution"), (4, "avoid")]
)
def test_neuropathy(make_profile, grade: int, verdict: str) -> None:
    assert check_patient(make_profile(neuropathy_grade=grade)).regimen("DVd").verdict == verdict


def test_neuropathy_with_bortezomib_refractory_is_avoid_with_both_reasons(make_profile) -> None:
    r = check_patient(make_profile(neuropathy_grade=2, exposure={"bortezomib": "refractory"}))
    dvd = r.regimen("DVd")
    assert dvd.verdict == "avoid"
    assert dvd.reasons[0].startswith("Bortezomib-refractory")
    assert any(x.startswith("Grade 2 peripheral neuropathy") for x in dvd.reasons)


@pytest.mark.parametrize(
    ("crcl", "drd", "flagged"),
    [(None, "option", False), (60, "option", False), (59.9, "caution", True), (45, "caution", True)],
)
def test_renal_lenalidomide(make_profile, crcl: float | None, drd: str, flagged: bool) -> None:
    r = check_patient(make_profile(crcl_ml_min=crcl))
    assert r.regimen("DRd").verdict == drd
    assert (r.flag("lenalidomide_renal_dose") is not None) is flagged


def test_renal_notes_cite_antibody_renal_data(make_profile) -> None:
    r = check_patient(make_profile(crcl_ml_min=45))
    for code in ("DRd", "DVd", "DKd", "DPd"):
        assert "daratumumab-renal" in r.regimen(code).evidence
        assert "Daratumumab needs no dose adjustment for renal impairment." in r.regimen(code).reasons
    for code in ("IsaPd", "IsaKd"):
        assert "isatuximab-renal-data" in r.regimen(code).evidence
    assert {c: v for c, v in verdicts(r).items() if v != "option"} == {"DRd": "caution"}


@pytest.mark.parametrize(("crcl", "verdict"), [(19.9, "caution"), (20, "option")])
def test_dkd_below_candor_crcl(make_profile, crcl: float, verdict: str) -> None:
    r = check_patient(make_profile(crcl_ml_min=crcl))
    assert r.regimen("DKd").verdict == verdict
    assert r.regimen("IsaKd").verdict == "option"


# --- flags -----------------------------------------------------------------------------------------------------


def test_blood_bank_flags(make_profile) -> None:
    naive = check_patient(make_profile())
    exposed = check_patient(make_profile(anti_cd38={"status": "exposed"}))
    assert naive.flag("blood_bank_baseline_typing").severity == "warning"
    assert naive.flag("blood_bank_interference") is None
    assert exposed.flag("blood_bank_baseline_typing") is None
    assert exposed.flag("blood_bank_interference") is not None


@pytest.mark.parametrize(
    ("hbv", "code", "severity"),
    [
        ("unknown", "hbv_screening", "warning"),
        ("hbsag_positive", "hbv_reactivation_risk", "critical"),
        ("anti_hbc_positive", "hbv_reactivation_risk", "warning"),
        ("negative", None, None),
    ],
)
def test_hbv_flags(make_profile, hbv: str, code: str | None, severity: str | None) -> None:
    r = check_patient(make_profile(hbv=hbv))
    hbv_flags = [f for f in r.flags if f.code.startswith("hbv_")]
    assert [(f.code, f.severity) for f in hbv_flags] == ([(code, severity)] if code else [])


def test_hbv_default_is_unknown() -> None:
    r = check_patient(PatientProfile(age=60, prior_lines=1))
    assert r.flag("hbv_screening") is not None


@pytest.mark.parametrize(("age", "flagged"), [(74, False), (75, True), (76, True)])
def test_dexamethasone_reduced_dose(make_profile, age: int, flagged: bool) -> None:
    assert (check_patient(make_profile(age=age)).flag("dexamethasone_reduced_dose") is not None) is flagged


@pytest.mark.parametrize(("anc", "flagged"), [(None, False), (1.0, False), (0.99, True), (0.8, True), (0, True)])
def test_neutropenia_hold(make_profile, anc: float | None, flagged: bool) -> None:
    f = check_patient(make_profile(anc=anc)).flag("neutropenia_hold")
    assert (f is not None) is flagged
    if f:
        assert f.severity == "critical"
        assert "do not reduce the antibody dose" in f.message and "G-CSF" in f.message


@pytest.mark.parametrize(("platelets", "flagged"), [(None, False), (50, False), (49, True)])
def test_low_platelets_info(make_profile, platelets: float | None, flagged: bool) -> None:
    f = check_patient(make_profile(platelets=platelets)).flag("low_platelets")
    assert (f is not None) is flagged
    assert f is None or f.severity == "info"


@pytest.mark.parametrize(
    ("igg", "infections", "flagged"),
    [
        (300, True, True),
        (399, True, True),
        (400, True, False),
        (300, False, False),
        (149, False, True),
        (150, False, False),
        (None, True, False),
    ],
)
def test_ivig_consider(make_profile, igg: float | None, infections: bool, flagged: bool) -> None:
    r = check_patient(make_profile(igg_mg_dl=igg, recurrent_infections=infections))
    assert (r.flag("ivig_consider") is not None) is flagged


def test_always_on_flags(make_profile) -> None:
    r = check_patient(make_profile())
    assert r.flag("spep_ife_interference").severity == "info"
    assert r.flag("zoster_prophylaxis") is not None
    assert r.flag("infusion_premedication") is not None


def test_high_risk_flag_names_the_abnormalities(make_profile) -> None:
    f = check_patient(make_profile(cytogenetics=["t(4;14)", "amp1q"])).flag("high_risk_cytogenetics")
    assert f is not None and "t(4;14), amp1q" in f.message
    assert check_patient(make_profile()).flag("high_risk_cytogenetics") is None


# --- the fold --------------------------------------------------------------------------------------------------


def test_flags_sorted_by_severity_then_code(make_profile) -> None:
    r = check_patient(make_profile(age=80, anc=0.5, hbv="hbsag_positive", crcl_ml_min=30, platelets=20))
    rank = {"critical": 0, "warning": 1, "info": 2}
    keys = [(rank[f.severity], f.code) for f in r.flags]
    assert keys == sorted(keys)
    assert [f.code for f in r.flags][:2] == ["hbv_reactivation_risk", "neutropenia_hold"]


def test_regimens_in_fixed_order_and_evidence_sorted(make_profile) -> None:
    r = check_patient(make_profile(crcl_ml_min=30, exposure={"lenalidomide": "refractory"}))
    assert tuple(x.code for x in r.regimens) == REGIMEN_CODES
    for item in (*r.regimens, *r.flags, r.anti_cd38, r.frailty):
        assert list(item.evidence) == sorted(set(item.evidence))


def test_worst_verdict_wins_and_reasons_accumulate(make_profile) -> None:
    r = check_patient(make_profile(uncontrolled_hypertension=True, heart_failure_nyha=3, prior_lines=5))
    dkd = r.regimen("DKd")
    assert dkd.verdict == "avoid"
    assert dkd.reasons[0].startswith("NYHA class III")  # the avoid reason first
    assert any("Uncontrolled hypertension" in x for x in dkd.reasons)
    assert any("5 prior lines" in x for x in dkd.reasons)


def test_report_carries_ruleset_version(make_profile) -> None:
    assert check_patient(make_profile()).ruleset_version == RULESET_VERSION


def test_check_patient_refuses_a_dict() -> None:
    with pytest.raises(TypeError, match="load_profile"):
        check_patient({"age": 60, "prior_lines": 1})  # type: ignore[arg-type]


def test_reasons_are_sentences(make_profile) -> None:
    r = check_patient(make_profile(age=80, crcl_ml_min=30, neuropathy_grade=3, exposure={"lenalidomide": "refractory"}))
    for text in [*r.anti_cd38.reasons, *(x for g in r.regimens for x in g.reasons), *(f.message for f in r.flags)]:
        assert text[0].isupper() and text.endswith("."), text


# --- the rule table and its evidence ---------------------------------------------------------------------------


def test_rule_table_matches_evidence_table() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(ev.RULE_EVIDENCE)
    for rule in RULES:
        assert rule.description and rule.evidence == ev.RULE_EVIDENCE[rule.id]
        assert rule.evidence, rule.id


def test_evidence_ids_come_from_the_required_list() -> None:
    """Cite only ids the corpus promises (docs/required_passages.md, plus the consensus ids)."""
    text = (REPO_ROOT / "docs" / "required_passages.md").read_text(encoding="utf-8")
    promised = set()
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("| id"):
            promised.update(x.strip() for x in line.split("|")[1].split(","))
    assert ev.KNOWN_IDS <= promised, sorted(ev.KNOWN_IDS - promised)


def test_every_evidence_id_exists_in_the_corpus() -> None:
    from cd38_guide.corpus import load_corpus

    corpus = load_corpus([REPO_ROOT / "corpus"])
    missing = sorted(ev.KNOWN_IDS - set(corpus.passages))
    assert not missing, f"passages cited by the rules but absent from corpus/: {missing}"
