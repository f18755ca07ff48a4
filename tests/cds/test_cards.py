"""Cards from a rules report: summary length, indicator from verdicts and flags, evidence links, the ordered regimen."""

from __future__ import annotations

from cd38_guide.cds.cards import SUMMARY_MAX, _clip, order_select_cards, patient_view_cards
from cd38_guide.cds.record import RecordReading
from cd38_guide.cds.service import regimens_of
from cd38_guide.rules import check_patient, validate_profile


def _reading(data: dict) -> RecordReading:
    return RecordReading(profile=validate_profile(data), myeloma=True, facts=("age 70",), assumptions=(), unknown=())


def _url(pid: str) -> str:
    return f"https://cds.example/v1/passages/{pid}"


def test_summary_is_clipped_under_140() -> None:
    text = _clip("word " * 60)
    assert len(text) == SUMMARY_MAX < 140 and text.endswith("…")
    assert _clip("short") == "short"


def test_hbsag_positive_gives_a_critical_card_of_its_own() -> None:
    reading = _reading({"age": 70, "prior_lines": 2, "hbv": "hbsag_positive"})
    report = check_patient(reading.profile)
    critical = [f for f in report.flags if f.severity == "critical"]
    cards = patient_view_cards(report, reading, _url)
    assert critical and len(cards) == 1 + len(critical)
    assert cards[0].indicator == "critical" and all(c.indicator == "critical" for c in cards[1:])
    assert all(link.url.startswith("https://cds.example/v1/passages/") for c in cards for link in c.links)


def test_too_early_rechallenge_is_a_warning_at_least() -> None:
    profile = {"age": 66, "prior_lines": 2, "anti_cd38": {"status": "refractory", "months_since_last_dose": 2.0}}
    reading = _reading(profile)
    report = check_patient(reading.profile)
    assert report.anti_cd38.status == "rechallenge_too_early"
    card = patient_view_cards(report, reading, _url)[0]
    assert card.indicator in ("warning", "critical") and "rechallenge too early" in card.summary


def test_order_select_indicator_follows_the_ordered_regimen() -> None:
    reading = _reading({"age": 70, "prior_lines": 1, "exposure": {"lenalidomide": "refractory"}, "hbv": "negative"})
    report = check_patient(reading.profile)
    drd = report.regimen("DRd")
    card = order_select_cards(report, reading, _url, ["DRd"], "daratumumab")[0]
    assert card.summary.startswith(f"DRd ordered: {drd.verdict}.")
    assert drd.verdict != "avoid" or card.indicator == "critical"


def test_antibody_alone_lists_that_antibodys_regimens() -> None:
    reading = _reading({"age": 70, "prior_lines": 2})
    card = order_select_cards(check_patient(reading.profile), reading, _url, [], "isatuximab")[0]
    assert "IsaPd" in card.summary and "IsaKd" in card.summary and "DRd" not in card.summary


def test_regimens_from_ordered_drugs() -> None:
    assert regimens_of({"daratumumab", "pomalidomide", "dexamethasone"}) == ["DPd"]
    assert regimens_of({"isatuximab", "carfilzomib"}) == ["IsaKd"]
    assert regimens_of({"daratumumab"}) == []
