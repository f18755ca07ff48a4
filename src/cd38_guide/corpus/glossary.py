"""The query-expansion glossary: user terms (Chinese, Japanese, abbreviations) mapped to English text."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from cd38_guide.errors import CorpusError
from cd38_guide.types import Frozen

GLOSSARY_HEADER = ("term", "language", "expansion", "kind", "source")


class GlossaryEntry(Frozen):
    """One row of ``glossary.tsv``."""

    term: str = Field(min_length=1)
    language: Literal["en", "zh", "ja"]
    expansion: str = Field(min_length=1)
    kind: str
    source: str


def parse_glossary(text: str, path: str = "glossary.tsv") -> tuple[GlossaryEntry, ...]:
    """Parse the TSV text; every row needs both a term and its English expansion.

    Raises:
        CorpusError: naming the line of a malformed row.
    """
    lines = text.splitlines()
    if not lines or tuple(c.strip() for c in lines[0].split("\t")) != GLOSSARY_HEADER:
        raise CorpusError(f"first line must be the header: {'<TAB>'.join(GLOSSARY_HEADER)}", path, 1)
    entries = []
    for no, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) != len(GLOSSARY_HEADER):
            raise CorpusError(f"expected {len(GLOSSARY_HEADER)} tab-separated cells, found {len(cells)}", path, no)
        term, language, expansion, kind, source = cells
        if not term or not expansion:
            raise CorpusError("a glossary row needs both a term and its English expansion", path, no)
        if language not in ("en", "zh", "ja"):
            raise CorpusError(f"language must be en, zh or ja, not {language!r}", path, no)
        entries.append(GlossaryEntry(term=term, language=language, expansion=expansion, kind=kind, source=source))  # type: ignore[arg-type]
    return tuple(entries)


def read_glossary(path: Path) -> tuple[GlossaryEntry, ...]:
    """Read ``glossary.tsv``; a missing file means an empty glossary."""
    if not path.exists():
        return ()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CorpusError("not UTF-8 text; save the file as UTF-8", str(path)) from None
    return parse_glossary(text, str(path))
