"""Turn a guideline file (.md, .txt, .pdf, .html, JATS .xml) into a corpus markdown document.

Sections become passages (split by headings, else by paragraphs); long sections are cut at paragraph
boundaries so each passage stays a citable unit. The result is validated by the corpus parser before it
is written, so a file that converts badly is refused, not half-indexed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from cd38_guide.corpus.markdown import parse_document
from cd38_guide.corpus.sentences import question_language
from cd38_guide.errors import CorpusError, InputError
from cd38_guide.types import TOPICS

SUPPORTED = (".md", ".markdown", ".txt", ".pdf", ".html", ".htm", ".xml")
MAX_PASSAGE_WORDS = 220
MAX_INPUT_BYTES = 50 * 1024 * 1024

_TOPIC_KEYWORDS: dict[str, tuple[str, ...]] = {
    "regimen_selection": ("regimen", "lenalidomide", "pomalidomide", "bortezomib", "carfilzomib", "selection"),
    "dosing": ("dose", "dosing", "mg/kg", "subcutaneous", "infusion rate", "schedule"),
    "renal": ("renal", "creatinine", "egfr", "crcl", "dialysis", "kidney"),
    "comorbidity": ("comorbid", "cardiac", "heart failure", "hypertension", "neuropathy"),
    "frailty": ("frail", "elderly", "older", "geriatric"),
    "high_risk": ("high-risk", "high risk", "1q21", "del(17p)", "t(4;14)", "cytogenetic"),
    "hematologic_toxicity": ("neutropenia", "thrombocytopenia", "cytopenia", "anemia", "anaemia", "g-csf"),
    "infections": ("infection", "zoster", "hepatitis", "hbv", "vaccin", "immunoglobulin"),
    "infusion_reactions": ("infusion reaction", "infusion-related", "premedication"),
    "lab_interference": ("blood bank", "transfusion", "antibody screen", "spep", "immunofixation", "interference"),
    "definitions": ("refractory is defined", "definition", "defined as"),
    "resistance": ("resistance", "resistant"),
    "rechallenge": ("rechallenge", "retreatment", "re-treatment", "washout"),
    "tcr_combinations": (
        "bispecific",
        "car-t",
        "car t",
        "teclistamab",
        "talquetamab",
        "elranatamab",
        "cilta-cel",
        "ide-cel",
    ),
}


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Extracted:
    """Text pulled out of a source file, before it becomes markdown."""

    title: str | None
    sections: list[Section]
    doi: str | None = None
    pmid: str | None = None
    year: int | None = None


def slugify(text: str, max_len: int = 48) -> str:
    """Lowercase ASCII slug for ids; empty when the text has no ASCII letters or digits."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:max_len].rstrip("-")


def _norm(text: str) -> str:
    return " ".join(text.split())


_LEADING_HASHES = re.compile(r"^\s*(#+)", re.M)
_COMMENT_OPEN = re.compile(r"<\s*!\s*-\s*-")
_COMMENT_CLOSE = re.compile(r"-\s*-\s*>")


def neutralise(text: str) -> str:
    """Escape the corpus syntax in converted text, so a file can only ever supply passage text.

    A line starting with '#' would become a passage heading, ``{#id}`` a passage id and ``<!-- ... -->`` passage
    metadata (citation, PMID, ``translation_of``): the hashes are backslash-escaped, ``{#`` becomes ``{\\#`` and
    comment markers lose their meaning (``<!--`` -> ``<!‐‐``, ``-->`` -> ``‐‐>``, with U+2010 hyphens).
    """
    text = _LEADING_HASHES.sub(lambda m: "\\" + m.group(1), text)
    text = text.replace("{#", "{\\#")
    text = _COMMENT_OPEN.sub("<!\u2010\u2010", text)
    return _COMMENT_CLOSE.sub("\u2010\u2010>", text)


def _paragraph_sections(paragraphs: list[str], looks_like_heading) -> list[Section]:
    sections: list[Section] = []
    current = Section(heading="")
    for para in paragraphs:
        if looks_like_heading(para):
            if current.paragraphs:
                sections.append(current)
            current = Section(heading=para.rstrip(":"))
        else:
            current.paragraphs.append(para)
    if current.paragraphs:
        sections.append(current)
    return sections


def _text_heading(para: str) -> bool:
    words = para.split()
    if not words or len(words) > 12 or para.endswith((".", ",", ";")):
        return False
    return bool(re.match(r"^(\d+(\.\d+)*\.?\s+)?[A-Z]", para)) and len(para) < 100


def extract_text(text: str) -> Extracted:
    """Plain text: blank-line paragraphs; short capitalised lines without a final period are headings."""
    paragraphs = [_norm(p) for p in re.split(r"\n\s*\n", text) if p.strip()]
    if not paragraphs:
        raise CorpusError("the file has no text")
    return Extracted(title=None, sections=_paragraph_sections(paragraphs, _text_heading))


def extract_markdown(text: str) -> Extracted:
    """Markdown: '#' headings make sections; the first '# ' heading is the title."""
    title = None
    sections: list[Section] = []
    current = Section(heading="")
    buf: list[str] = []

    def flush() -> None:
        para = _norm(" ".join(buf))
        if para:
            current.paragraphs.append(para)
        buf.clear()

    for line in text.splitlines():
        m = re.match(r"^(#{1,6})\s+(.*?)\s*(\{#[^}]*\})?\s*$", line)
        if m:
            flush()
            if m.group(1) == "#" and title is None and not sections and not current.paragraphs:
                title = m.group(2)
                continue
            if current.paragraphs:
                sections.append(current)
            current = Section(heading=m.group(2))
        elif not line.strip():
            flush()
        else:
            buf.append(re.sub(r"^\s*([-*+]|\d+\.)\s+", "", line))
    flush()
    if current.paragraphs:
        sections.append(current)
    if not sections:
        raise CorpusError("the file has no text")
    return Extracted(title=title, sections=sections)


def extract_pdf(path: Path) -> Extracted:
    """PDF via pypdf; a PDF without a text layer (a scan) is refused with advice."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PyPdfError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except LimitReachedError:  # a decompression bomb: pypdf stops before memory runs out
        raise CorpusError("the PDF expands beyond pypdf's safety limits (a decompression bomb?)", str(path)) from None
    except (PyPdfError, ValueError, OSError, RecursionError, KeyError, TypeError) as err:
        raise CorpusError(f"cannot read the PDF ({type(err).__name__}: {str(err)[:200]})", str(path)) from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise CorpusError("the PDF has no extractable text (a scanned image?); run OCR on it first", str(path))
    # pypdf keeps line breaks inside paragraphs; a line ending without punctuation continues the paragraph.
    text = re.sub(r"(?<![.:;!?])\n(?!\n)", " ", text)
    extracted = extract_text(text)
    meta_title = (reader.metadata.title if reader.metadata else None) or None
    extracted.title = meta_title
    return extracted


_HTML_BLOCKS = frozenset({"h2", "h3", "h4", "p", "li"})
MAX_HTML_BYTES = 5 * 1024 * 1024
"""html.parser takes about 6 s per MB of deeply nested markup here; a guideline page is far smaller."""


def _html_blocks(soup) -> list[tuple[str, str]]:
    """(tag name, text) of each heading, paragraph and list item, in document order, in one pass.

    Each text node belongs to its nearest block ancestor only, so nested lists are neither repeated in their
    parent item nor walked again per level: linear in the size of the page, however deep the nesting.
    """
    from bs4 import CData, NavigableString, Tag

    order: list[Tag] = []
    texts: dict[int, list[str]] = {}
    stack: list[tuple[object, Tag | None]] = [(soup, None)]
    while stack:
        node, block = stack.pop()
        if isinstance(node, NavigableString):
            if block is not None and type(node) in (NavigableString, CData):  # not comments or doctypes
                texts[id(block)].append(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        if node.name in _HTML_BLOCKS:
            block = node
            order.append(node)
            texts[id(node)] = []
        stack.extend((child, block) for child in reversed(node.contents))
    return [(el.name, _norm(" ".join(texts[id(el)]))) for el in order]


def extract_html(text: str) -> Extracted:
    """HTML: h1 is the title, h2-h4 start sections, p/li are paragraphs; scripts and navigation dropped.

    Raises:
        CorpusError: the page is over ``MAX_HTML_BYTES`` or has no paragraph text.
    """
    from bs4 import BeautifulSoup

    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_HTML_BYTES:
        raise CorpusError(
            f"the HTML page is {size / 1e6:.1f} MB; the limit is {MAX_HTML_BYTES // (1024 * 1024)} MB. "
            "Save the relevant part, or print it to PDF and add that"
        )
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript", "form"]):
        tag.decompose()
    title_tag = soup.find("h1") or soup.find("title")
    title = _norm(title_tag.get_text(" ")) if title_tag else None
    sections: list[Section] = []
    current = Section(heading="")
    for name, words in _html_blocks(soup):
        if not words:
            continue
        if name in ("h2", "h3", "h4"):
            if current.paragraphs:
                sections.append(current)
            current = Section(heading=words)
        else:
            current.paragraphs.append(words)
    if current.paragraphs:
        sections.append(current)
    if not sections:
        raise CorpusError("the HTML page has no paragraph text")
    return Extracted(title=title, sections=sections)


def extract_jats(data: bytes) -> Extracted:
    """JATS XML (PMC's format): title, ids and year from the front matter; abstract and body sections."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        raise CorpusError(f"not well-formed XML ({err.msg}, line {err.lineno})") from None

    def text_of(el) -> str:
        return _norm("".join(el.itertext()))

    def first(xpath: str) -> str | None:
        found = root.xpath(xpath)
        return text_of(found[0]) if found else None

    title = first(".//front//article-title")
    doi = first(".//front//article-id[@pub-id-type='doi']")
    pmid = first(".//front//article-id[@pub-id-type='pmid']")
    year_text = first(".//front//pub-date/year")
    sections: list[Section] = []
    for abstract in root.xpath(".//front//abstract"):
        sec = Section(heading="Abstract")
        sec.paragraphs = [text_of(p) for p in abstract.xpath(".//p") if text_of(p)]
        if sec.paragraphs:
            sections.append(sec)

    def walk(sec, prefix: str) -> None:
        heading = text_of(sec.find("title")) if sec.find("title") is not None else ""
        name = f"{prefix} - {heading}" if prefix and heading else heading or prefix
        paras = [text_of(p) for p in sec.findall("p") if text_of(p)]
        if paras:
            sections.append(Section(heading=name or "Section", paragraphs=paras))
        for child in sec.findall("sec"):
            walk(child, name)

    for body in root.xpath(".//body"):
        loose = [text_of(p) for p in body.findall("p") if text_of(p)]
        if loose:
            sections.append(Section(heading="Text", paragraphs=loose))
        for sec in body.findall("sec"):
            walk(sec, "")
    if not sections:
        raise CorpusError("the JATS file has no abstract or body paragraphs")
    year = int(year_text) if year_text and year_text.isdigit() else None
    return Extracted(title=title, sections=sections, doi=doi, pmid=pmid, year=year)


def extract(path: Path) -> Extracted:
    """Dispatch on the file extension.

    Raises:
        InputError: unsupported extension, missing or over-large file.
        CorpusError: the file cannot be read as its format says.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise InputError(f"{path}: unsupported file type {suffix or '(none)'}; use one of {', '.join(SUPPORTED)}")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise InputError(f"{path}: file is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB")
    try:
        if suffix == ".pdf":
            return extract_pdf(path)
        data = path.read_bytes()
        if suffix == ".xml":
            return extract_jats(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            raise CorpusError(f"not UTF-8 text (byte {err.start}); save the file as UTF-8", str(path), line) from None
        if suffix in (".html", ".htm"):
            return extract_html(text)
        if suffix in (".md", ".markdown"):
            return extract_markdown(text)
        return extract_text(text)
    except CorpusError as err:
        if err.path is None:
            raise CorpusError(str(err), str(path)) from None
        raise


def infer_topics(text: str) -> list[str]:
    """Topics whose keywords appear in ``text``; 'background' when none do."""
    lower = text.lower()
    found = [t for t, words in _TOPIC_KEYWORDS.items() if any(w in lower for w in words)]
    return found or ["background"]


def _split_long(paragraphs: list[str]) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    count = 0
    for para in paragraphs:
        n = len(para.split())
        if parts[-1] and count + n > MAX_PASSAGE_WORDS:
            parts.append([])
            count = 0
        parts[-1].append(para)
        count += n
    return parts


def to_markdown(
    extracted: Extracted,
    *,
    doc_id: str,
    citation: str,
    title: str | None = None,
    doi: str | None = None,
    pmid: str | None = None,
    url: str | None = None,
    year: int | None = None,
    language: str = "en",
) -> str:
    """Render extracted sections as a corpus document (front matter + one passage per section part).

    Provenance comes only from the keyword arguments (the command's flags), never from the file: the document is
    marked ``source_kind: user_added``, and ids or years found in the file (JATS front matter) are not used.
    """
    body: list[str] = []
    used: set[str] = set()
    all_text = []
    n = 0
    for sec in extracted.sections:
        for part_no, paras in enumerate(_split_long(sec.paragraphs), start=1):
            n += 1
            heading = sec.heading or f"Paragraph {n}"
            if part_no > 1:
                heading = f"{heading} (part {part_no})"
            base = f"{doc_id}-{slugify(heading, 40) or f'p{n}'}"
            pid, k = base, 2
            while pid in used:
                pid, k = f"{base}-{k}", k + 1
            used.add(pid)
            text = "\n\n".join(neutralise(p) for p in paras)
            all_text.append(text)
            topics = infer_topics(f"{heading} {text}")
            meta = yaml.safe_dump({"topics": topics}, default_flow_style=None, allow_unicode=True).strip()
            heading_line = neutralise(heading.replace("{", "(").replace("}", ")"))
            body.append(f"## {heading_line} {{#{pid}}}\n<!--\n{meta}\n-->\n\n{text}\n")
    if not body:
        raise CorpusError("no passages could be made from the file")
    front = {
        "id": doc_id,
        "title": title or extracted.title or doc_id,
        "source_kind": "user_added",
        "citation": citation,
        "pmid": pmid,
        "doi": doi,
        "url": url,
        "year": year or 2025,
        "language": language,
        "topics": sorted(set(infer_topics(" ".join(all_text))), key=TOPICS.index),
    }
    fm = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000).strip()
    return f"---\n{fm}\n---\n\n" + "\n".join(body)


def convert_file(path: Path, *, citation: str, doc_id: str | None = None, **meta: object) -> str:
    """Convert ``path`` to corpus markdown and check that it parses.

    Raises:
        InputError / CorpusError: unusable input; the message names the file.
    """
    if not citation or not citation.strip():
        raise InputError("--citation is required: say where the text comes from (authors, journal, year)")
    extracted = extract(path)
    doc_id = doc_id or f"added-{slugify(path.stem, 40) or 'document'}"
    sample = " ".join(p for s in extracted.sections for p in s.paragraphs)[:4000]
    language = str(meta.pop("language", None) or question_language(sample))
    text = to_markdown(extracted, doc_id=doc_id, citation=citation.strip(), language=language, **meta)  # type: ignore[arg-type]
    parse_document(text, f"{path} (converted)")
    return text
