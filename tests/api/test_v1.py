"""The /v1 REST API over a real uvicorn server and a real HTTP client (fast: the hashing embedder, test corpus)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from cd38_guide.cli import main

ROOT = Path(__file__).resolve().parents[2]
PROBLEM = "application/problem+json"


def _problem(resp: httpx.Response, status: int) -> dict:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith(PROBLEM)
    body = resp.json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    assert "\n" not in body["detail"] and body["errors"]
    return body


def _cli_errors(capsys: pytest.CaptureFixture, argv: list[str]) -> list[str]:
    assert main(argv) == 2
    return [line.removeprefix("error: ") for line in capsys.readouterr().err.splitlines()]


def test_health_names_index_corpus_ruleset_and_worker(client: httpx.Client, api_fake_service) -> None:
    from cd38_guide.rules import RULESET_VERSION

    body = client.get("/v1/health").json()
    assert body["ruleset_version"] == RULESET_VERSION
    assert body["index_id"] == api_fake_service.assistant.index.manifest.build_id
    assert body["corpus_version"].endswith(api_fake_service.assistant.corpus.hash[:12])
    assert body["pid"] == os.getpid() and body["rss_mb"] > 10 and "retreatment" in body["education_topics"]


def test_ask_returns_the_answer_contract(client: httpx.Client) -> None:
    from cd38_guide.types import Answer

    resp = client.post("/v1/ask", json={"question": "What is the washout before anti-CD38 rechallenge?", "id": "q1"})
    assert resp.status_code == 200, resp.text
    answer = Answer.model_validate(resp.json())
    assert answer.id == "q1" and answer.question.startswith("What is the washout")


def test_ask_error_is_the_cli_message(client: httpx.Client, capsys: pytest.CaptureFixture) -> None:
    body = _problem(client.post("/v1/ask", json={"question": "\u200b \u200b"}), 422)
    assert [body["detail"]] == body["errors"] == _cli_errors(capsys, ["ask", "\u200b \u200b"])
    assert body["detail"].startswith("the question is empty")


def test_ask_request_problems(client: httpx.Client) -> None:
    assert _problem(client.post("/v1/ask", json={}), 422)["errors"] == ["question: required"]
    assert (
        "unknown field 'colour'" in _problem(client.post("/v1/ask", json={"question": "x", "colour": 1}), 422)["errors"]
    )
    assert _problem(client.post("/v1/ask", json={"question": "dose?", "k": 99}), 422)["errors"][0].startswith("k: ")
    malformed = client.post("/v1/ask", content=b'{"question": ', headers={"content-type": "application/json"})
    assert "not valid JSON" in _problem(malformed, 400)["detail"]


def test_check_returns_the_report_of_the_cli(
    client: httpx.Client, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    profile = {"age": 72, "prior_lines": 2, "exposure": {"lenalidomide": "refractory"}, "crcl_ml_min": 28}
    resp = client.post("/v1/check", json=profile)
    assert resp.status_code == 200, resp.text
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile))
    assert main(["check", str(path), "--json"]) == 0
    assert resp.json() == json.loads(capsys.readouterr().out)


def test_check_errors_are_the_cli_lines(client: httpx.Client, capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    bad = {"age": 150, "prior_lines": 0, "colour": "red"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    body = _problem(client.post("/v1/check", json=bad), 422)
    assert body["errors"] == _cli_errors(capsys, ["check", str(path)])
    assert len(body["errors"]) == 3 and body["detail"].startswith("invalid patient profile: 3 problems:")


def test_check_broken_json_is_400_with_the_cli_line(
    client: httpx.Client, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    raw = b'{"age": 70,, "prior_lines": 1}'
    path = tmp_path / "broken.json"
    path.write_bytes(raw)
    body = _problem(client.post("/v1/check", content=raw, headers={"content-type": "application/json"}), 400)
    (cli,) = _cli_errors(capsys, ["check", str(path)])
    assert body["detail"] == cli.removeprefix(f"{path}: ")
    assert _problem(client.post("/v1/check", json=[1, 2]), 400)["detail"].startswith("a patient profile must be")


def test_body_limit_is_413_declared_or_streamed(client: httpx.Client) -> None:
    big = b'{"age": 70, "prior_lines": 1, "pad": "' + b"x" * 1_100_000 + b'"}'
    assert "limit is 1,000,000 bytes" in _problem(client.post("/v1/check", content=big), 413)["detail"]

    def chunks():  # no Content-Length: the guard counts what arrives
        for i in range(0, len(big), 65536):
            yield big[i : i + 65536]

    _problem(client.post("/v1/check", content=chunks()), 413)


def test_passage_by_id_and_unknown_id(client: httpx.Client, api_fake_service) -> None:
    from cd38_guide.types import Passage

    pid = next(iter(api_fake_service.assistant.corpus.passages))
    assert Passage.model_validate(client.get(f"/v1/passages/{pid}").json()).id == pid
    assert "no passage with id 'nope'" in _problem(client.get("/v1/passages/nope"), 404)["detail"]


def test_educate_draft_and_cli_message(client: httpx.Client, capsys: pytest.CaptureFixture) -> None:
    from cd38_guide.education.draft import Draft

    resp = client.post("/v1/educate", json={"topic": "retreatment", "lang": "en", "regimen": "DPd"})
    assert resp.status_code == 200, resp.text
    assert Draft.model_validate(resp.json()).date == "2026-11-29"
    html = client.post("/v1/educate", json={"topic": "infections", "format": "html"}).json()["html"]
    assert html.lstrip().lower().startswith("<!doctype html")
    body = _problem(client.post("/v1/educate", json={"topic": "nope"}), 422)
    assert body["errors"] == _cli_errors(capsys, ["educate", "--topic", "nope"])
    bad_patient = _problem(client.post("/v1/educate", json={"topic": "infections", "patient": {"age": 5}}), 422)
    assert any(line.startswith("age: must be between 18 and 120") for line in bad_patient["errors"])


def test_unknown_route_and_method_are_problems(client: httpx.Client) -> None:
    assert "no API route /v1/nope" in _problem(client.get("/v1/nope"), 404)["detail"]
    _problem(client.get("/v1/ask"), 405)


def test_committed_openapi_matches_the_app(client: httpx.Client) -> None:
    from cd38_guide.api import create_app

    committed = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert create_app().openapi() == committed, "regenerate with: python -m cd38_guide.api.openapi > docs/openapi.json"
    assert client.get("/v1/openapi.json").json() == committed


def test_login_required_when_credentials_are_set(api_fake_service, make_server) -> None:
    from cd38_guide.api import create_app

    with make_server(create_app(api_fake_service, credentials=("clinic", "s3cret"))) as live:
        with httpx.Client(base_url=live.url, timeout=30) as c:
            denied = c.post("/v1/check", json={"age": 70, "prior_lines": 1})
            assert _problem(denied, 401) and denied.headers["www-authenticate"].startswith("Basic")
            _problem(c.get("/cds-services", auth=("clinic", "wrong")), 401)
            assert c.post("/v1/check", json={"age": 70, "prior_lines": 1}, auth=("clinic", "s3cret")).status_code == 200
            assert c.get("/v1/health").status_code == 200  # probes carry no credentials


def test_api_refuses_a_public_host_without_login(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.delenv("CD38_GUIDE_USER", raising=False)
    monkeypatch.delenv("CD38_GUIDE_PASSWORD", raising=False)
    assert main(["api", "--host", "0.0.0.0", "--port", "7899"]) == 2
    assert "refusing to serve on 0.0.0.0 without login" in capsys.readouterr().err
    assert main(["api", "--workers", "0"]) == 2


def test_passage_is_a_page_for_a_browser(client: httpx.Client, api_fake_service) -> None:
    passage = next(iter(api_fake_service.assistant.corpus.passages.values()))
    resp = client.get(f"/v1/passages/{passage.id}", headers={"accept": "text/html,application/xhtml+xml"})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    assert "<h1>" in resp.text and passage.id in resp.text and "<script" not in resp.text
    assert client.get(f"/v1/passages/{passage.id}", headers={"accept": "*/*"}).json()["id"] == passage.id
