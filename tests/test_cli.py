"""The CLI through its real entry point, main([...]), with the real bundled model (slow)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cd38_guide.cli import main

INPUTS = Path(__file__).resolve().parent / "data" / "inputs"


@pytest.fixture
def small_corpus(monkeypatch, test_corpus_dir):
    monkeypatch.setenv("CD38_GUIDE_CORPUS_DIRS", json.dumps([str(test_corpus_dir)]))
    return test_corpus_dir


def test_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("index", "ask", "serve"):
        assert command in out


def test_usage_errors_exit_2_without_traceback(capsys):
    assert main(["ask"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err
    assert main(["nonsense"]) == 2
    assert main(["ask", "x", "--k", "0"]) == 2


@pytest.mark.slow
def test_index_then_ask_json(small_corpus, capsys):
    assert main(["index"]) == 0
    assert "4 passages" in capsys.readouterr().out
    assert main(["ask", "How long is the washout before drug A is given again?", "--json"]) == 0
    ans = json.loads(capsys.readouterr().out)
    assert set(ans) >= {"question", "answer", "abstained", "sentences", "citations", "latency_ms"}
    assert not ans["abstained"] and ans["citations"][0]["passage_id"] == "alpha-washout"
    c = ans["citations"][0]
    assert set(c) >= {
        "n",
        "passage_id",
        "document_id",
        "title",
        "source_kind",
        "citation",
        "pmid",
        "doi",
        "url",
        "text",
        "score",
    }


@pytest.mark.slow
def test_ask_text_output_shows_sources(small_corpus, capsys):
    assert main(["ask", "Were drug A doses delayed for neutropenia?"]) == 0
    out = capsys.readouterr().out
    assert "Sources:" in out and "[1]" in out and "PMID" in out


@pytest.mark.slow
def test_empty_question_exits_2(small_corpus, capsys):
    assert main(["ask", "   "]) == 2
    assert "empty" in capsys.readouterr().err


@pytest.mark.slow
def test_batch_keeps_ids_and_reports_bad_lines(small_corpus, tmp_path, capsys):
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        '{"id": "a", "question": "Washout before drug A retreatment?"}\n'
        "\n"
        "{broken\n"
        '{"id": "c", "question": ""}\n'
        '{"id": "d", "question": "Neutropenia with drug A?"}\n'
    )
    out = tmp_path / "answers.jsonl"
    assert main(["ask", "--batch", str(batch), "--out", str(out)]) == 2
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x.get("id") for x in lines] == ["a", None, "c", "d"]
    assert "answer" in lines[0] and "answer" in lines[3]
    assert "line 3" in lines[1]["error"] and "empty" in lines[2]["error"]
    assert "2 of 4" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("name", ["guideline.md", "guideline.txt", "guideline.pdf", "guideline.html", "article.xml"])
def test_index_add_each_format(small_corpus, name, capsys, _isolated_home):
    assert main(["index", "--add", str(INPUTS / name), "--citation", "Test guideline 2025", "--doi", "10.9/x"]) == 0
    out = capsys.readouterr().out
    assert "added" in out
    added = list((_isolated_home / "added").glob("*.md"))
    assert len(added) == 1 and "Test guideline 2025" in added[0].read_text()


@pytest.mark.slow
def test_index_add_refuses_bad_input_and_keeps_corpus_clean(small_corpus, capsys, _isolated_home):
    assert main(["index", "--add", str(INPUTS / "scanned.pdf"), "--citation", "x"]) == 2
    assert "no extractable text" in capsys.readouterr().err
    assert main(["index", "--add", str(INPUTS / "guideline.md")]) == 2
    assert "--citation" in capsys.readouterr().err
    assert not list((_isolated_home / "added").glob("*.md")) if (_isolated_home / "added").exists() else True


def test_python_dash_m_runs_the_cli():
    proc = subprocess.run(
        [sys.executable, "-m", "cd38_guide", "--version"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and proc.stdout.startswith("cd38-guide ")
