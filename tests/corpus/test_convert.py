from pathlib import Path

import pytest

from cd38_guide.corpus.convert import convert_file, slugify
from cd38_guide.corpus.markdown import parse_document
from cd38_guide.errors import CorpusError, InputError

INPUTS = Path(__file__).resolve().parents[1] / "data" / "inputs"


def convert(name: str, **kw):
    text = convert_file(INPUTS / name, citation="Test citation 2025", **kw)
    return parse_document(text, name)


def test_markdown_sections_become_passages():
    doc = convert("guideline.md")
    assert doc.title == "Test guideline on drug B"
    headings = [p.heading for p in doc.passages]
    assert headings == ["Paragraph 1", "Dosing of drug B", "Washout"]
    dosing = doc.passages[1]
    assert "Premedicate with an antihistamine." in dosing.text
    assert "renal" in dosing.topics and "dosing" in dosing.topics
    assert doc.provenance.citation == "Test citation 2025"
    assert doc.id == "added-guideline"


def test_text_headings_are_detected():
    doc = convert("guideline.txt")
    assert [p.heading for p in doc.passages] == ["Dosing of drug C", "Infections"]
    assert "infections" in doc.passages[1].topics


def test_pdf_text_is_extracted():
    doc = convert("guideline.pdf", doi="10.1/pdf")
    text = " ".join(p.text for p in doc.passages)
    assert "20 mg/kg every two weeks" in text and "washout of six months" in text
    assert doc.provenance.doi == "10.1/pdf"


def test_pdf_without_text_is_refused_with_advice():
    with pytest.raises(CorpusError, match="no extractable text") as err:
        convert("scanned.pdf")
    assert "scanned.pdf" in str(err.value)


def test_html_drops_scripts_and_navigation():
    doc = convert("guideline.html")
    assert doc.title == "Guideline on drug D"
    all_text = " ".join(p.text for p in doc.passages)
    assert "alert" not in all_text and "Home | About" not in all_text and "copyright" not in all_text
    assert [p.heading for p in doc.passages] == ["Blood bank", "Neutropenia"]
    assert "Consider G-CSF." in doc.passages[1].text


def test_jats_takes_title_abstract_and_nested_sections_but_not_ids():
    doc = convert("article.xml")
    assert doc.title == "Drug E in relapsed myeloma: a test article"
    # provenance comes only from the command's flags (issue 15, item 1)
    assert (doc.provenance.pmid, doc.provenance.doi, doc.provenance.source_kind) == (None, None, "user_added")
    assert [p.heading for p in doc.passages] == ["Abstract", "Methods", "Methods - Statistics", "Results"]
    assert doc.passages[0].text == "Drug E improved progression-free survival in a test population."


def test_malformed_xml_is_a_corpus_error(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<article><front></article>")
    with pytest.raises(CorpusError, match="well-formed") as err:
        convert_file(bad, citation="x")
    assert "bad.xml" in str(err.value)


def test_xml_entities_are_not_expanded(tmp_path):
    evil = tmp_path / "evil.xml"
    evil.write_text(
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<article><body><p>before &x; after</p></body></article>"
    )
    text = convert_file(evil, citation="x")
    assert "root:" not in text


@pytest.mark.parametrize(
    ("name", "error"),
    [("missing.md", "no such file"), ("notes.docx", "unsupported file type")],
)
def test_bad_paths(tmp_path, name, error):
    path = tmp_path / name
    if name.endswith(".docx"):
        path.write_bytes(b"PK")
    with pytest.raises(InputError, match=error):
        convert_file(path, citation="x")


def test_citation_required():
    with pytest.raises(InputError, match="citation"):
        convert_file(INPUTS / "guideline.md", citation="  ")


def test_long_sections_are_cut_at_paragraphs(tmp_path):
    para = " ".join(["word"] * 100) + "."
    src = tmp_path / "long.md"
    src.write_text("## Big section\n\n" + "\n\n".join([para] * 5))
    doc = parse_document(convert_file(src, citation="x"), "long.md")
    assert [p.heading for p in doc.passages] == ["Big section", "Big section (part 2)", "Big section (part 3)"]
    assert len({p.id for p in doc.passages}) == 3


def test_slugify():
    assert slugify("Dosing of Drug B (IV)!") == "dosing-of-drug-b-iv"
    assert slugify("洗脱期") == ""
