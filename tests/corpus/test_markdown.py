import pytest

from cd38_guide.corpus import load_corpus
from cd38_guide.corpus.markdown import parse_document, read_document
from cd38_guide.errors import CorpusError

GOOD = """---
id: doc-x
title: "Doc X"
source_kind: review
citation: "X et al. J 2020"
pmid: 12345
doi: null
url: null
year: 2020
language: en
topics: [background]
---

Editor's note, ignored.

## First {#doc-x-first}
<!--
citation: "X et al. J 2021"
pmid: "999"
secondary: "label page"
topics: [dosing]
-->

One sentence here. Another one.

## Second {#doc-x-second}

Text of the second passage.
"""


def test_parses_front_matter_passages_and_overrides():
    doc = parse_document(GOOD, "x.md")
    assert doc.id == "doc-x" and doc.provenance.pmid == "12345"
    first, second = doc.passages
    assert (first.id, first.heading, first.text) == ("doc-x-first", "First", "One sentence here. Another one.")
    assert first.provenance.citation == "X et al. J 2021" and first.provenance.pmid == "999"
    assert first.provenance.secondary == "label page" and first.topics == ("dosing",)
    assert first.sentence_texts() == ["One sentence here.", "Another one."]
    assert second.provenance.citation == "X et al. J 2020" and second.topics == ("background",)
    assert first.line == 16


@pytest.mark.parametrize(
    ("mutate", "message", "line"),
    [
        (lambda t: t.replace("source_kind: review", "source_kind: blog"), "source_kind", 2),
        (lambda t: t.replace("topics: [background]", "topics: [astrology]"), "unknown topic", 2),
        (lambda t: t.replace("## Second {#doc-x-second}", "## Second"), "explicit id", 26),
        (lambda t: t.replace("{#doc-x-second}", "{#doc-x-first}"), "duplicate passage id", 26),
        (lambda t: t.replace("year: 2020\n", ""), "year", 2),
        (lambda t: t.replace('title: "Doc X"', 'title: "Doc X'), "not valid YAML", None),
        (lambda t: t.replace("secondary:", "secondry:"), "secondry", 17),
        (lambda t: t.replace("## Second {#doc-x-second}", "## Second {#Doc_X}"), "lowercase", 26),
        (lambda t: t[4:], "front matter", 1),
    ],
)
def test_malformed_documents_name_file_and_line(mutate, message, line):
    with pytest.raises(CorpusError) as err:
        parse_document(mutate(GOOD), "bad.md")
    assert message in str(err.value)
    assert str(err.value).startswith("bad.md")
    if line is not None:
        assert err.value.line == line


def test_empty_file(tmp_path):
    p = tmp_path / "empty.md"
    p.write_text("   \n")
    with pytest.raises(CorpusError, match="empty"):
        read_document(p)


def test_non_utf8_names_the_line(tmp_path):
    p = tmp_path / "latin1.md"
    p.write_bytes(GOOD.replace("Another one.", "Caf\xe9.").encode("latin-1"))
    with pytest.raises(CorpusError) as err:
        read_document(p)
    assert "UTF-8" in str(err.value) and err.value.line == 24


def test_duplicate_ids_across_files_refuse_the_whole_corpus(tmp_path):
    (tmp_path / "a.md").write_text(GOOD)
    (tmp_path / "b.md").write_text(GOOD.replace("id: doc-x", "id: doc-y"))
    with pytest.raises(CorpusError, match="also used at"):
        load_corpus([tmp_path])


def test_dangling_translation_is_refused(tmp_path):
    (tmp_path / "a.md").write_text(GOOD.replace('secondary: "label page"', "translation_of: nowhere"))
    with pytest.raises(CorpusError, match="translation_of"):
        load_corpus([tmp_path])


def test_test_corpus_loads_with_translations(test_corpus_dir):
    corpus = load_corpus([test_corpus_dir])
    assert set(corpus.passages) == {"alpha-design", "alpha-washout", "alpha-neutropenia", "alpha-zh-washout"}
    assert corpus.translations["alpha-washout"] == ["alpha-zh-washout"]
    assert len(corpus.glossary) == 3
    assert len(corpus.hash) == 64


def test_notes_are_read_and_kept_out_of_the_text():
    text = GOOD.replace(
        'secondary: "label page"', 'secondary: "label page"\nnotes: >-\n  The label itself\n  was not read.'
    )
    first, second = parse_document(text, "x.md").passages
    assert first.notes == "The label itself was not read."
    assert "not read" not in first.text and second.notes is None


def test_explicit_null_clears_the_document_identifier_but_absence_inherits_it():
    doc = parse_document(GOOD.replace('pmid: "999"', "pmid: null\ndoi: null"), "x.md")
    first, second = doc.passages
    assert first.provenance.pmid is None and first.provenance.citation == "X et al. J 2021"
    assert second.provenance.pmid == "12345"
    # citation cannot be cleared: a null there keeps the document's citation
    kept = parse_document(GOOD.replace('citation: "X et al. J 2021"', "citation: null"), "x.md").passages[0]
    assert kept.provenance.citation == "X et al. J 2020"


def test_unknown_meta_key_is_still_refused():
    with pytest.raises(CorpusError, match="note"):
        parse_document(GOOD.replace("secondary:", "note:"), "bad.md")
