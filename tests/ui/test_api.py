"""The named endpoints through gradio_client against a real server: /ask and /check return their contracts."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.slow

ANSWER_KEYS = {
    "id": (str, type(None)),
    "question": str,
    "answer": str,
    "abstained": bool,
    "sentences": list,
    "citations": list,
    "latency_ms": (int, float),
    "language": str,
    "resolved_question": (str, type(None)),
    "notes": list,
    "covered_topics": list,
    "patient_report": (dict, type(None)),
}
CITATION_KEYS = {
    "n": int,
    "passage_id": str,
    "document_id": str,
    "title": str,
    "heading": str,
    "source_kind": str,
    "citation": str,
    "pmid": (str, type(None)),
    "doi": (str, type(None)),
    "url": (str, type(None)),
    "year": (int, type(None)),
    "text": str,
    "score": (int, float),
    "supporting": list,
}


def test_ask_returns_the_answer_contract(client) -> None:
    ans = client.predict(
        "How long a washout is needed before rechallenging with an anti-CD38 antibody?", api_name="/ask"
    )
    for key, kind in ANSWER_KEYS.items():
        assert isinstance(ans[key], kind), key
    assert not ans["abstained"] and ans["citations"]
    for c in ans["citations"]:
        for key, kind in CITATION_KEYS.items():
            assert isinstance(c[key], kind), key
    assert "consensus-rechallenge-washout" in {c["passage_id"] for c in ans["citations"]}
    assert all(n in {c["n"] for c in ans["citations"]} for s in ans["sentences"] for n in s["citations"])


def test_ask_in_chinese_and_with_patient_facts(client) -> None:
    zh = client.predict("抗CD38单抗再次治疗前需要多长的洗脱期？", api_name="/ask")
    assert zh["language"] == "zh" and zh["citations"]
    facts = client.predict(
        "72-year-old, lenalidomide-refractory, daratumumab 4 months ago: can I rechallenge?", api_name="/ask"
    )
    assert facts["patient_report"]["anti_cd38"]["status"] == "rechallenge_too_early"


def test_ask_refuses_an_empty_question(client) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="question is empty"):
        client.predict("   ", api_name="/ask")


def test_check_returns_the_report_contract(client) -> None:
    profile = {"age": 72, "prior_lines": 2, "exposure": {"lenalidomide": "refractory"}, "hbv": "negative"}
    report = client.predict(json.dumps(profile), api_name="/check")
    # the contract keys are all there (the rules core may add more, such as "order" and "unknown")
    assert {"frailty", "anti_cd38", "regimens", "flags", "ruleset_version"} <= set(report)
    assert [r["code"] for r in report["regimens"]] == ["DRd", "DVd", "DKd", "DPd", "IsaPd", "IsaKd"]
    assert {r["verdict"] for r in report["regimens"]} <= {"option", "caution", "avoid"}
    assert report["regimens"][0]["verdict"] == "avoid"  # lenalidomide-refractory -> DRd avoid
    assert all({"code", "severity", "message", "evidence"} <= set(f) for f in report["flags"])
    assert report["anti_cd38"]["status"] == "candidate"


@pytest.mark.parametrize(
    ("patient", "expected"),
    [
        ('{"age": 150, "prior_lines": 2}', "age: must be between 18 and 120 (got 150)"),
        (
            '{"age": 70, "prior_lines": 2, "anti_cd38": {"status": "refractory", "months_since_last_dose": -1}}',
            "anti_cd38.months_since_last_dose",
        ),
        ('{"age": 70, "prior_lines": 2, "ecgo": 1}', "unknown field 'ecgo' (did you mean 'ecog'?)"),
        ('{"age": "70", "prior_lines": 2}', "age: must be a whole number"),
        ('{"age": 70,', "not valid JSON at line 1"),
        ("/etc/passwd", "not valid JSON"),  # text is never taken for a server-side path
    ],
)
def test_check_names_each_bad_field(client, patient: str, expected: str) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as info:
        client.predict(patient, api_name="/check")
    assert expected in str(info.value)
