"""FHIR R4 record -> patient profile: every example bundle gives its JSON profile; gaps stay unknown and are said."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path

import pytest

from cd38_guide.cds.codes import load_codes
from cd38_guide.cds.record import read_record
from cd38_guide.errors import InputError
from cd38_guide.rules import validate_profile

DATA = Path(__file__).resolve().parent / "data"
TODAY = datetime.date(2026, 11, 29)
CASES = sorted(p.name.removesuffix(".request.json") for p in DATA.glob("*.request.json"))


def _prefetch(name: str) -> dict:
    return json.loads((DATA / f"{name}.request.json").read_text(encoding="utf-8"))["request"]["prefetch"]


@pytest.mark.parametrize("name", CASES)
def test_bundle_reads_as_its_json_profile(name: str) -> None:
    want = validate_profile(json.loads((DATA / f"{name}.profile.json").read_text(encoding="utf-8")))
    reading = read_record(_prefetch(name), TODAY)
    assert reading.profile == want
    assert reading.myeloma


def test_missing_data_stays_unknown_and_is_listed() -> None:
    reading = read_record(_prefetch("missing-data"), TODAY)
    p = reading.profile
    assert p.age == 70 and p.prior_lines is None and p.anc is None and p.crcl_ml_min is None and p.hbv == "unknown"
    assert p.exposure.lenalidomide == "unknown" and p.anti_cd38.status == "unknown"
    for field in ("prior_lines", "anc", "crcl_ml_min", "exposure.lenalidomide", "anti_cd38.status"):
        assert field in reading.unknown
    assert reading.assumptions == ()


def test_unstated_anti_cd38_outcome_is_read_strictly_and_said() -> None:
    reading = read_record(_prefetch("isa-unstated"), TODAY)
    assert reading.profile.anti_cd38.status == "refractory"
    assert any("refractoriness not stated: read as refractory" in a for a in reading.assumptions)


def test_egfr_stands_in_for_crcl_and_says_so() -> None:
    reading = read_record(_prefetch("renal"), TODAY)
    assert reading.profile.crcl_ml_min == 25
    assert any("eGFR 25 mL/min/1.73 m2 read as CrCl" in a for a in reading.assumptions)


def test_units_convert_and_unknown_units_leave_the_value_unknown() -> None:
    prefetch = _prefetch("neutropenia")
    assert read_record(prefetch, TODAY).profile.anc == 0.8  # 800 /uL
    obs = prefetch["observations"]["entry"][0]["resource"]
    obs["valueQuantity"].update(unit="mmol/L", code="mmol/L")
    reading = read_record(prefetch, TODAY)
    assert reading.profile.anc is None
    assert any("unit 'mmol/L' not understood" in a for a in reading.assumptions)


def test_latest_result_wins_and_unfinished_results_are_ignored() -> None:
    prefetch = _prefetch("neutropenia")
    entries = prefetch["observations"]["entry"]
    older = copy.deepcopy(entries[0])
    older["resource"].update(id="older", effectiveDateTime="2020-01-01")
    older["resource"]["valueQuantity"].update(value=3000)
    prelim = copy.deepcopy(entries[0])
    prelim["resource"].update(id="prelim", status="preliminary", effectiveDateTime="2026-11-28")
    prelim["resource"]["valueQuantity"].update(value=100)
    entries += [older, prelim]
    assert read_record(prefetch, TODAY).profile.anc == 0.8


def test_running_anti_cd38_without_an_end_date_has_no_last_dose() -> None:
    prefetch = _prefetch("dara-last-dose")
    stmt = prefetch["medications"]["entry"][0]["resource"]
    stmt["status"] = "active"
    stmt["effectivePeriod"] = {"start": "2026-06-01"}
    profile = read_record(prefetch, TODAY).profile
    assert profile.anti_cd38.status == "refractory" and profile.anti_cd38.months_since_last_dose is None


def test_entered_in_error_and_not_taken_do_not_count() -> None:
    prefetch = _prefetch("len-refractory")
    for e in prefetch["medications"]["entry"]:
        e["resource"]["status"] = "entered-in-error"
    assert read_record(prefetch, TODAY).profile.exposure.lenalidomide == "unknown"


def test_drug_names_match_whole_words_only() -> None:
    prefetch = _prefetch("missing-data")
    prefetch["medications"] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [
            {"resource": {"resourceType": "MedicationStatement", "id": "m", "status": "completed",
                          "subject": {"reference": "Patient/x"},
                          "medicationCodeableConcept": {"text": "antidaratumumabx serum"}}},
        ],
    }  # fmt: skip
    assert read_record(prefetch, TODAY).profile.anti_cd38.status == "unknown"


def test_invalid_fhir_is_an_input_error() -> None:
    prefetch = _prefetch("renal")
    prefetch["observations"]["entry"][0]["resource"]["valueQuantity"]["value"] = "lots"
    with pytest.raises(InputError, match=r"prefetch.observations: invalid FHIR R4 Bundle"):
        read_record(prefetch, TODAY)
    with pytest.raises(InputError, match="not a FHIR resource"):
        read_record({"patient": [1, 2]}, TODAY)


def test_every_code_has_a_source_page() -> None:
    table = load_codes()
    codes = [*table.observations, *table.myeloma, *table.results.positive, *table.results.negative]
    assert codes and all(c.source.startswith("https://") for c in codes)
    assert {o.field for o in table.observations} >= {"anc", "platelets", "egfr", "hbsag", "anti_hbc", "ecog"}
