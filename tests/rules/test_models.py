"""The profile and report models: strict types, ranges, unknown fields refused at every level."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from cd38_guide.rules import PatientProfile, Report, check_patient


def errors(data: dict) -> list[tuple[tuple, str]]:
    with pytest.raises(ValidationError) as info:
        PatientProfile.model_validate(data)
    return [(tuple(e["loc"]), e["type"]) for e in info.value.errors()]


def test_minimal_profile_defaults() -> None:
    # Omitted = unknown (ruleset 2026.11.1): a drug not mentioned is never assumed "never given".
    p = PatientProfile.model_validate({"age": 70, "prior_lines": 1})
    assert p.exposure.lenalidomide == "unknown"
    assert p.anti_cd38.status == "unknown" and p.anti_cd38.months_since_last_dose is None
    assert p.hbv == "unknown"
    assert p.cytogenetics == ()
    assert (p.uncontrolled_hypertension, p.neuropathy_grade, p.recurrent_infections) == (None, None, None)
    assert p.crcl_ml_min is None and p.ecog is None


@pytest.mark.parametrize(
    ("field", "low_ok", "high_ok", "low_bad", "high_bad"),
    [
        ("age", 18, 120, 17, 121),
        ("prior_lines", 1, 30, 0, 31),
        ("ecog", 0, 4, -1, 5),
        ("adl", 0, 6, -1, 7),
        ("iadl", 0, 8, -1, 9),
        ("charlson", 0, 40, -1, 41),
        ("neuropathy_grade", 0, 4, -1, 5),
        ("heart_failure_nyha", 0, 4, -1, 5),
        ("crcl_ml_min", 0, 250, -0.1, 250.1),
        ("lvef_percent", 5, 90, 4.9, 90.1),
        ("anc", 0, 100, -0.1, 100.1),
        ("platelets", 0, 2000, -1, 2001),
        ("igg_mg_dl", 0, 10000, -1, 10001),
    ],
)
def test_ranges(field: str, low_ok: float, high_ok: float, low_bad: float, high_bad: float) -> None:
    base = {"age": 60, "prior_lines": 1}
    for ok in (low_ok, high_ok):
        assert getattr(PatientProfile.model_validate({**base, field: ok}), field) == ok
    assert errors({**base, field: low_bad}) == [((field,), "greater_than_equal")]
    assert errors({**base, field: high_bad}) == [((field,), "less_than_equal")]


def test_months_since_last_dose_not_negative() -> None:
    assert errors(
        {"age": 60, "prior_lines": 1, "anti_cd38": {"status": "refractory", "months_since_last_dose": -1}}
    ) == [(("anti_cd38", "months_since_last_dose"), "greater_than_equal")]


@pytest.mark.parametrize("value", ["72", 72.0, 72.5, True, [72]])
def test_age_is_strictly_an_integer(value: object) -> None:
    assert errors({"age": value, "prior_lines": 1})[0][0] == ("age",)


@pytest.mark.parametrize("value", ["45", True, False])
def test_lab_is_strictly_a_number(value: object) -> None:
    assert errors({"age": 60, "prior_lines": 1, "crcl_ml_min": value}) == [(("crcl_ml_min",), "float_type")]


def test_int_accepted_for_float_field() -> None:
    assert PatientProfile.model_validate({"age": 60, "prior_lines": 1, "crcl_ml_min": 45}).crcl_ml_min == 45.0


@pytest.mark.parametrize("value", ["yes", 1, 0, "true"])
def test_bool_fields_are_strict(value: object) -> None:
    assert errors({"age": 60, "prior_lines": 1, "uncontrolled_hypertension": value}) == [
        (("uncontrolled_hypertension",), "bool_type")
    ]


def test_nan_and_infinity_refused() -> None:
    assert errors({"age": 60, "prior_lines": 1, "anc": float("nan")})[0][0] == ("anc",)
    assert errors({"age": 60, "prior_lines": 1, "platelets": float("inf")})[0][0] == ("platelets",)


def test_unknown_fields_refused_at_every_level() -> None:
    assert errors({"age": 60, "prior_lines": 1, "agee": 1}) == [(("agee",), "extra_forbidden")]
    assert errors({"age": 60, "prior_lines": 1, "exposure": {"thalidomide": "exposed"}}) == [
        (("exposure", "thalidomide"), "extra_forbidden")
    ]
    assert errors({"age": 60, "prior_lines": 1, "anti_cd38": {"status": "exposed", "drug": "x"}}) == [
        (("anti_cd38", "drug"), "extra_forbidden")
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hbv", "positive"),
        ("exposure", {"lenalidomide": "resistant"}),
        ("anti_cd38", {"status": "refractory", "agent": "elotuzumab"}),
        ("cytogenetics", ["del13"]),
    ],
)
def test_literals(field: str, value: object) -> None:
    assert errors({"age": 60, "prior_lines": 1, field: value})[0][1] == "literal_error"


def test_cytogenetics_accepts_the_five_values_and_refuses_duplicates() -> None:
    five = ["del17p", "t(4;14)", "t(14;16)", "gain1q", "amp1q"]
    assert PatientProfile.model_validate({"age": 60, "prior_lines": 1, "cytogenetics": five}).cytogenetics == tuple(
        five
    )
    assert errors({"age": 60, "prior_lines": 1, "cytogenetics": ["del17p", "del17p"]}) == [
        (("cytogenetics",), "value_error")
    ]
    assert errors({"age": 60, "prior_lines": 1, "cytogenetics": "del17p"})[0][0] == ("cytogenetics",)


def test_naive_anti_cd38_with_a_last_dose_is_a_contradiction() -> None:
    assert errors({"age": 60, "prior_lines": 1, "anti_cd38": {"status": "naive", "months_since_last_dose": 3}}) == [
        (("anti_cd38",), "value_error")
    ]
    assert errors({"age": 60, "prior_lines": 1, "anti_cd38": {"agent": "daratumumab"}})[0][1] == "value_error"


def test_nothing_is_required() -> None:
    # age and prior_lines became optional in 2026.11.1: unknown is a state the rules report, not an error.
    p = PatientProfile.model_validate({})
    assert (p.age, p.prior_lines) == (None, None)


def test_profile_and_report_are_frozen() -> None:
    p = PatientProfile(age=60, prior_lines=1)
    with pytest.raises(ValidationError):
        p.age = 61  # type: ignore[misc]
    r = check_patient(p)
    with pytest.raises(ValidationError):
        r.ruleset_version = "x"  # type: ignore[misc]


def test_report_round_trips_through_json() -> None:
    r = check_patient(PatientProfile(age=60, prior_lines=2, crcl_ml_min=40))
    assert Report.model_validate_json(r.model_dump_json()) == r


def test_report_refuses_regimens_out_of_order() -> None:
    data = check_patient(PatientProfile(age=60, prior_lines=1)).model_dump()
    data["regimens"] = list(reversed(data["regimens"]))
    with pytest.raises(ValidationError, match="in that order"):
        Report.model_validate(data)
    data["regimens"] = data["regimens"][:5]
    with pytest.raises(ValidationError):
        Report.model_validate(data)
