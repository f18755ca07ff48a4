"""The verified fact table: every value of every row occurs verbatim in its passage; bad rows are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from cd38_guide.corpus import load_corpus
from cd38_guide.errors import CorpusError
from cd38_guide.facts import FactRow, load_facts, read_facts, verify_facts

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus([CORPUS])


def test_every_fact_value_is_verbatim_in_its_passage(corpus) -> None:
    rows = read_facts(CORPUS / "facts")
    assert len(rows) >= 200
    assert verify_facts(rows, corpus.passages) == []


def test_fact_rows_cover_every_pivotal_trial(corpus) -> None:
    sources = {r.source for r in read_facts(CORPUS / "facts")}
    for trial in ("POLLUX", "CASTOR", "CANDOR", "APOLLO", "ICARIA-MM", "IKEMA", "DREAMM-7", "IRAKLIA"):
        assert trial in sources


def test_a_value_its_passage_does_not_hold_is_refused(corpus, tmp_path: Path) -> None:
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "bad.yaml").write_text(
        "- passage: pollux-final-os\n  kind: outcome\n  source: POLLUX\n  endpoint: OS\n  values: ['99.9', '51.8']\n"
    )
    with pytest.raises(CorpusError, match=r"99\.9"):
        load_facts([tmp_path], corpus.passages)


def test_unknown_passage_and_malformed_rows_are_refused(corpus, tmp_path: Path) -> None:
    row = FactRow(passage="no-such-passage", kind="outcome", source="X", values=("1",))
    assert verify_facts([row], corpus.passages) == ["no-such-passage: no such passage"]
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "bad.yaml").write_text("- passage: pollux-final-os\n  kind: guess\n  source: POLLUX\n")
    with pytest.raises(CorpusError, match=r"bad\.yaml.*row 1.*kind"):
        read_facts(tmp_path / "facts")
    (tmp_path / "facts" / "bad.yaml").write_text("passage: not a list\n")
    with pytest.raises(CorpusError, match="a YAML list"):
        read_facts(tmp_path / "facts")


def test_no_facts_folder_means_no_rows(tmp_path: Path) -> None:
    assert read_facts(tmp_path / "facts") == []
