"""The corpus: guideline documents as passages with provenance, plus the query-expansion glossary."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from cd38_guide.corpus.glossary import GlossaryEntry, read_glossary
from cd38_guide.corpus.markdown import parse_document, read_document
from cd38_guide.errors import CorpusError
from cd38_guide.types import Document, Passage

__all__ = ["Corpus", "GlossaryEntry", "corpus_files", "load_corpus", "parse_document"]

GLOSSARY_NAME = "glossary.tsv"
_SKIP = {"README.md"}


def corpus_files(dirs: Iterable[Path]) -> list[Path]:
    """Every corpus markdown file under ``dirs`` (sorted, README excepted) and each glossary file."""
    files: list[Path] = []
    for d in dirs:
        if not d.is_dir():
            continue
        files.extend(sorted(p for p in d.glob("*.md") if p.name not in _SKIP))
        if (d / GLOSSARY_NAME).exists():
            files.append(d / GLOSSARY_NAME)
    return files


def content_hash(files: Iterable[Path]) -> str:
    """sha256 over file names and bytes: the index is stale when this changes."""
    h = hashlib.sha256()
    for p in files:
        h.update(p.name.encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


@dataclass(frozen=True)
class Corpus:
    """All documents and passages, indexed by id; immutable once loaded."""

    documents: tuple[Document, ...]
    glossary: tuple[GlossaryEntry, ...] = ()
    hash: str = ""
    files: tuple[str, ...] = field(default=())

    @cached_property
    def passages(self) -> dict[str, Passage]:
        """Passages by id, in corpus order."""
        return {p.id: p for d in self.documents for p in d.passages}

    def passage(self, passage_id: str) -> Passage:
        """The passage with this id; KeyError if absent."""
        return self.passages[passage_id]

    @cached_property
    def translations(self) -> dict[str, list[str]]:
        """English passage id -> ids of passages that translate it (and each translation -> its original)."""
        out: dict[str, list[str]] = {}
        for p in self.passages.values():
            if p.translation_of:
                out.setdefault(p.translation_of, []).append(p.id)
                out.setdefault(p.id, []).append(p.translation_of)
        return out


def load_corpus(dirs: Iterable[Path]) -> Corpus:
    """Load and validate every document under ``dirs``.

    Raises:
        CorpusError: for the first malformed file, a duplicate document or passage id across files, or a
            ``translation_of`` that names no passage. Nothing is half-loaded.
    """
    dirs = list(dirs)
    files = corpus_files(dirs)
    docs: list[Document] = []
    glossary: list[GlossaryEntry] = []
    for f in files:
        if f.name == GLOSSARY_NAME:
            glossary.extend(read_glossary(f))
        else:
            docs.append(read_document(f))
    if not docs:
        raise CorpusError("no corpus documents found (*.md with front matter)", ", ".join(str(d) for d in dirs))
    seen_docs: dict[str, str] = {}
    seen: dict[str, Passage] = {}
    for d in docs:
        if d.id in seen_docs:
            raise CorpusError(f"document id {d.id!r} is also used by {seen_docs[d.id]}", d.path, 2)
        seen_docs[d.id] = d.path
        for p in d.passages:
            if p.id in seen:
                other = seen[p.id]
                raise CorpusError(f"passage id {p.id!r} is also used at {other.path}:{other.line}", p.path, p.line)
            seen[p.id] = p
    for p in seen.values():
        if p.translation_of and p.translation_of not in seen:
            raise CorpusError(f"translation_of names no passage: {p.translation_of!r}", p.path, p.line)
    return Corpus(
        documents=tuple(docs), glossary=tuple(glossary), hash=content_hash(files), files=tuple(map(str, files))
    )
