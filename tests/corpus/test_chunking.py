import itertools
import json
import os
from pathlib import Path

import pytest

from cd38_guide.config import ChunkingSettings
from cd38_guide.corpus import load_corpus
from cd38_guide.corpus.chunking import chunk_passage, chunk_passages
from cd38_guide.index.embedder import MiniLMEmbedder

DATA = Path(__file__).resolve().parents[1] / "data"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "chunks.json"


@pytest.fixture(scope="module")
def count_tokens():
    return MiniLMEmbedder().count_tokens  # the real word-piece tokenizer; no model weights are loaded


@pytest.fixture(scope="module")
def passages():
    return list(load_corpus([DATA / "corpus", DATA / "long"]).passages.values())


def test_chunks_match_golden_file(passages, count_tokens):
    chunks = chunk_passages(passages, count_tokens, ChunkingSettings(chunk_tokens=64, overlap_tokens=16))
    got = [c.model_dump(include={"id", "passage_id", "start", "end", "text"}) for c in chunks]
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n")
    assert got == json.loads(GOLDEN.read_text())


def test_no_chunk_spans_two_passages_and_sentences_are_whole(passages, count_tokens):
    settings = ChunkingSettings(chunk_tokens=64, overlap_tokens=16)
    for p in passages:
        chunks = chunk_passage(p, count_tokens, settings)
        starts = {s.start for s in p.sentences}
        ends = {s.end for s in p.sentences}
        for c in chunks:
            assert c.passage_id == p.id and c.id == f"{p.id}#{c.ordinal}"
            assert c.text == p.text[c.start : c.end]
            assert c.start in starts and c.end in ends
            assert c.embed_text.endswith(c.text) and p.heading in c.embed_text
        assert chunks[0].start == 0 and chunks[-1].end == len(p.text)


def test_long_passage_is_split_with_overlap_and_sized_for_the_model(passages, count_tokens):
    long = next(p for p in passages if p.id == "long-doc-long")
    settings = ChunkingSettings(chunk_tokens=64, overlap_tokens=16)
    chunks = chunk_passage(long, count_tokens, settings)
    assert len(chunks) >= 3
    for a, b in itertools.pairwise(chunks):
        assert b.start < a.end, "consecutive chunks overlap"
        assert b.start > a.start
    # Each chunk's body stays near the budget; never near MiniLM's 256 limit.
    assert max(count_tokens(c.text) for c in chunks) <= 64 + 40
    assert max(count_tokens(c.embed_text) for c in chunks) < 256


def test_short_passage_is_one_chunk(passages, count_tokens):
    p = next(p for p in passages if p.id == "alpha-design")
    assert [c.id for c in chunk_passage(p, count_tokens, ChunkingSettings())] == ["alpha-design#0"]


@pytest.mark.slow
def test_the_passage_sentence_step_chunks_the_shipped_corpus_as_nltk_punkt_does(count_tokens, monkeypatch):
    """The splitter's sentence step is the passage's own sentences, not nltk's punkt (a 3 s import on every cold
    build); on the whole shipped corpus the chunks are the same."""
    from cd38_guide.config import Settings
    from cd38_guide.corpus import chunking

    shipped = list(load_corpus(Settings().corpus_dirs).passages.values())
    ours = chunk_passages(shipped, count_tokens, ChunkingSettings())
    monkeypatch.setattr(chunking, "_sentence_pieces", lambda passage, sentences: None)  # the splitter's default
    punkt = chunk_passages(shipped, count_tokens, ChunkingSettings())
    assert [(c.id, c.start, c.end) for c in ours] == [(c.id, c.start, c.end) for c in punkt]
    assert any(len(chunk_passage(p, count_tokens, ChunkingSettings())) > 1 for p in shipped)  # some were split
