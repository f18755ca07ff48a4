"""CDS Hooks 2.0 over HTTP: discovery and card contracts, and verdicts equal to `check` on the same patient."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest

DATA = Path(__file__).resolve().parents[1] / "cds" / "data"
CASES = sorted(p.name.removesuffix(".request.json") for p in DATA.glob("*.request.json"))
INDICATORS = {"info", "warning", "critical"}


def _case(name: str) -> tuple[str, dict, dict]:
    req = json.loads((DATA / f"{name}.request.json").read_text(encoding="utf-8"))
    profile = json.loads((DATA / f"{name}.profile.json").read_text(encoding="utf-8"))
    return req["service"], req["request"], profile


def _assert_card_contract(card: dict) -> None:
    """The fields CDS Hooks 2.0 requires of a card, with their constraints."""
    assert str(uuid.UUID(card["uuid"])) == card["uuid"]
    assert isinstance(card["summary"], str) and 0 < len(card["summary"]) < 140
    assert card["indicator"] in INDICATORS
    assert card["source"]["label"].startswith("cd38-guide ") and "ruleset" in card["source"]["label"]
    for link in card.get("links", []):
        assert link["label"] and link["url"].startswith("http") and link["type"] in ("absolute", "smart")


def test_at_least_eight_patients_cover_the_vignettes() -> None:
    assert len(CASES) >= 8
    for needed in ("len-refractory", "dara-last-dose", "renal", "neutropenia", "hbv-positive", "frail-elderly",
                   "missing-data", "order-dpd"):  # fmt: skip
        assert needed in CASES


def test_discovery_contract(client: httpx.Client) -> None:
    services = client.get("/cds-services").json()["services"]
    assert {s["hook"] for s in services} == {"patient-view", "order-select"}
    for s in services:
        assert s["id"] and s["description"] and isinstance(s["prefetch"], dict)
        assert all(isinstance(v, str) and "{{context.patientId}}" in v for v in s["prefetch"].values())


@pytest.mark.parametrize("name", CASES)
def test_cds_verdicts_equal_check_on_the_json_profile(client: httpx.Client, name: str) -> None:
    from cd38_guide.rules import check_patient, validate_profile

    service, request, profile = _case(name)
    resp = client.post(f"/cds-services/{service}", json=request)
    assert resp.status_code == 200, resp.text
    cards = resp.json()["cards"]
    assert cards, "a myeloma patient (or an anti-CD38 order) gets at least one card"
    for card in cards:
        _assert_card_contract(card)
    main = cards[0]
    ours = main["extension"]["cd38-guide"]
    expected = check_patient(validate_profile(profile)).model_dump(mode="json")
    assert ours["profile"] == validate_profile(profile).model_dump(mode="json")
    assert ours["report"] == expected
    verdicts = {r["code"]: r["verdict"] for r in expected["regimens"]}
    for code, verdict in verdicts.items():
        assert f"| {code} | {verdict} |" in main["detail"]
    for r in expected["regimens"]:
        for pid in r["evidence"]:
            assert f"/v1/passages/{pid})" in main["detail"]
    critical = [f for f in expected["flags"] if f["severity"] == "critical"]
    assert len(cards) == 1 + len(critical)
    if critical:
        assert main["indicator"] == "critical" or service.endswith("order-select")


def test_order_select_speaks_about_the_ordered_regimen(client: httpx.Client) -> None:
    from cd38_guide.rules import check_patient, validate_profile

    service, request, profile = _case("order-dpd")
    card = client.post(f"/cds-services/{service}", json=request).json()["cards"][0]
    dpd = check_patient(validate_profile(profile)).regimen("DPd")
    assert card["summary"].startswith(f"DPd ordered: {dpd.verdict}.")
    assert (
        card["indicator"]
        in ({"option": {"info", "warning"}, "caution": {"warning"}, "avoid": {"critical"}}[dpd.verdict])
    )
    assert card["detail"].index("| DPd |") < card["detail"].index("| DRd |")  # the ordered regimen comes first
    assert card["extension"]["cd38-guide"]["ordered_regimens"] == ["DPd"]


def test_order_without_an_anti_cd38_gets_no_card(client: httpx.Client) -> None:
    service, request, _ = _case("order-dpd")
    entries = request["context"]["draftOrders"]["entry"]
    request["context"]["draftOrders"]["entry"] = [e for e in entries if e["resource"]["id"] != "mr-dara"]
    request["context"]["selections"] = ["MedicationRequest/mr-pom"]
    assert client.post(f"/cds-services/{service}", json=request).json() == {"cards": []}


def test_patient_without_myeloma_gets_no_card(client: httpx.Client) -> None:
    service, request, _ = _case("renal")
    request["prefetch"]["conditions"] = {"resourceType": "Bundle", "type": "searchset", "entry": []}
    assert client.post(f"/cds-services/{service}", json=request).json() == {"cards": []}


def test_missing_prefetch_is_412(client: httpx.Client) -> None:
    service, request, _ = _case("renal")
    del request["prefetch"]["observations"]
    resp = client.post(f"/cds-services/{service}", json=request)
    assert resp.status_code == 412 and resp.headers["content-type"].startswith("application/problem+json")
    assert resp.json()["detail"].startswith("prefetch observations missing")


def test_bad_calls_are_problems(client: httpx.Client) -> None:
    service, request, _ = _case("renal")
    wrong_hook = client.post(f"/cds-services/{service}", json={**request, "hook": "order-select"})
    assert wrong_hook.status_code == 422 and "sent to the patient-view service" in wrong_hook.json()["detail"]
    bad = json.loads(json.dumps(request))
    bad["prefetch"]["patient"]["birthDate"] = "the seventies"
    resp = client.post(f"/cds-services/{service}", json=bad)
    assert resp.status_code == 422 and resp.json()["detail"].startswith("prefetch.patient: invalid FHIR R4 Patient")
    assert client.post("/cds-services/nope", json=request).status_code == 404
    assert client.post(f"/cds-services/{service}", json={"hook": "patient-view"}).status_code == 422


def test_hook_calls_are_audited_like_check(
    client: httpx.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "audit.jsonl"
    monkeypatch.setenv("CD38_GUIDE_AUDIT", str(log))
    service, request, _ = _case("hbv-positive")
    assert client.post(f"/cds-services/{service}", json=request).status_code == 200
    (record,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert record["event"] == "check" and record["passages"] and "profile" not in record
