"""The ``educate`` subcommand through ``register()`` on a parser built here, and through ``main`` once wired."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from cd38_guide.education import EDUCATION_TOPICS, REGIMEN_CODES
from cd38_guide.education.cli import register
from cd38_guide.errors import InputError


def parser() -> argparse.ArgumentParser:
    """A stand-in for ``cd38_guide.cli.build_parser``: subparsers plus the shared ``common`` parent."""
    p = argparse.ArgumentParser(prog="cd38-guide")
    sub = p.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS)
    register(sub, common)
    return p


def run(*argv: str) -> str:
    args = parser().parse_args(["educate", *argv])
    out = io.StringIO()
    assert args.func(args, out=out) == 0
    return out.getvalue()


def test_json_contract() -> None:
    data = json.loads(run("--topic", "infections", "--json"))
    assert {"topic", "language", "text", "grade", "statements", "references"} <= set(data)
    assert data["topic"] == "infections" and data["language"] == "en"
    assert isinstance(data["grade"], float) and data["grade"] <= 8
    assert all(set(s) >= {"text", "evidence"} and s["evidence"] for s in data["statements"])
    assert all(set(r) >= {"n", "passage_id", "citation", "pmid", "doi", "url", "title"} for r in data["references"])
    assert "DRAFT for clinician review" in data["text"]


def test_json_in_chinese_has_no_grade() -> None:
    data = json.loads(run("--topic", "retreatment", "--lang", "zh", "--json"))
    assert data["language"] == "zh" and data["grade"] is None
    assert "达雷妥尤单抗" in data["text"]


def test_markdown_is_the_default_and_html_is_a_page() -> None:
    md = run("--topic", "low_blood_counts", "--regimen", "DVd")
    assert md.startswith("# Low blood counts\n") and "Your medicines: DVd" in md
    page = run("--topic", "low_blood_counts", "--format", "html", "--lang", "zh")
    assert page.startswith("<!DOCTYPE html>") and "<article" in page
    data = json.loads(run("--topic", "low_blood_counts", "--format", "html", "--json"))
    assert data["html"].startswith("<!DOCTYPE html>")


def test_patient_file_changes_the_draft(tmp_path: Path) -> None:
    patient = tmp_path / "patient.json"
    patient.write_text(json.dumps({"age": 81, "prior_lines": 2, "hbv": "hbsag_positive"}), encoding="utf-8")
    data = json.loads(run("--topic", "about_anti_cd38", "--patient", str(patient), "--json"))
    keys = {s["key"] for s in data["statements"]}
    assert {"profile.dex_reduced", "profile.hbv_monitor"} <= keys
    assert data["profile_notes"]
    assert "81" not in " ".join(s["text"] for s in data["statements"])


def test_bad_patient_file_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"age": "old"}', encoding="utf-8")
    with pytest.raises(InputError):
        run("--topic", "infections", "--patient", str(bad))
    with pytest.raises(InputError):
        run("--topic", "infections", "--patient", str(tmp_path / "missing.json"))


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (("--topic", "diet"), "about_anti_cd38"),
        (("--topic", "infections", "--regimen", "VRd"), "IsaKd"),
        (("--topic", "infections", "--lang", "de"), "en, zh"),
    ],
)
def test_unknown_values_are_input_errors_listing_the_valid_ones(argv: tuple[str, ...], needle: str) -> None:
    with pytest.raises(InputError) as err:
        run(*argv)
    assert needle in str(err.value)


def test_help_lists_topics_and_regimens(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        parser().parse_args(["educate", "--help"])
    assert exc.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert all(t in text for t in EDUCATION_TOPICS)
    assert all(c in text for c in REGIMEN_CODES)


def test_cli_help_constants_match_the_library() -> None:
    from cd38_guide.education.cli import REGIMEN_HELP

    assert REGIMEN_HELP == ", ".join(REGIMEN_CODES)


def test_bad_format_and_missing_topic_are_usage_errors() -> None:
    for argv in (["educate"], ["educate", "--topic", "infections", "--format", "pdf"]):
        with pytest.raises(SystemExit) as exc:
            parser().parse_args(argv)
        assert exc.value.code == 2


def _wired() -> bool:
    from cd38_guide.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return "educate" in sub.choices


@pytest.mark.skipif(not _wired(), reason="educate is not yet registered in cd38_guide.cli")
def test_through_main(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from cd38_guide.cli import main

    assert main(["educate", "--topic", "infusion_reactions", "--regimen", "IsaKd", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["topic"] == "infusion_reactions" and data["grade"] <= 8
    assert main(["educate", "--topic", "nope"]) == 2
    assert "about_anti_cd38" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert main(["educate", "--topic", "infections", "--patient", str(bad)]) == 2
