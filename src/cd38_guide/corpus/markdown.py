"""Parse one corpus markdown file (YAML front matter + ``## Heading {#id}`` passages) into a Document."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml's safe loader when present: the same documents as yaml.safe_load, 4x faster on a cold ``ask``
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader  # type: ignore[assignment]
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cd38_guide.corpus.sentences import split_sentences
from cd38_guide.errors import CorpusError
from cd38_guide.types import TOPICS, Document, Language, Passage, Provenance, SourceKind

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HEADING = re.compile(r"^##\s+(?P<heading>.+?)\s*\{#(?P<id>[^}\s]+)\}\s*$")
_BARE_HEADING = re.compile(r"^##\s+\S")
_META = re.compile(r"\A\s*<!--(?P<body>.*?)-->\s*", re.S)


def _str_or_none(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value).strip()


class _Topics(BaseModel):
    @field_validator("topics", check_fields=False)
    @classmethod
    def _known_topics(cls, value: list[str] | None) -> list[str] | None:
        for topic in value or []:
            if topic not in TOPICS:
                raise ValueError(f"unknown topic {topic!r}; use one of: {', '.join(TOPICS)}")
        return value


class FrontMatter(_Topics):
    """Document-level metadata; every field is required so provenance is never implicit."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ID_PATTERN.pattern)
    title: str = Field(min_length=1)
    source_kind: SourceKind
    citation: str = Field(min_length=1)
    pmid: str | None
    doi: str | None
    url: str | None
    year: int = Field(ge=1900, le=2100)
    language: Language
    topics: list[str] = Field(min_length=1)

    _norm = field_validator("pmid", "doi", "url", mode="before")(classmethod(lambda cls, v: _str_or_none(v)))


class PassageMeta(_Topics):
    """Optional per-passage overrides, for follow-up publications and translations.

    A key written with an explicit ``null`` (``url: null``) clears the document's value for this passage, so a
    follow-up paper with its own PMID does not carry the parent document's link.
    """

    model_config = ConfigDict(extra="forbid")

    citation: str | None = None
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)
    topics: list[str] | None = None
    secondary: str | None = None
    translation_of: str | None = Field(default=None, pattern=ID_PATTERN.pattern)
    notes: str | None = Field(
        default=None, description="Provenance note for the reader (never passage text): how the passage was sourced."
    )

    _norm = field_validator("pmid", "doi", "url", "secondary", "notes", mode="before")(
        classmethod(lambda cls, v: _str_or_none(v))
    )


def _validation_message(err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "(block)"
        parts.append(f"{loc}: {e['msg']}")
    return "; ".join(parts)


def safe_load_yaml(text: str) -> Any:
    """``yaml.safe_load(text)``, through libyaml's safe loader when PyYAML has it (4x faster on a cold start)."""
    loader = SafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _load_yaml(body: str, path: str, line: int, what: str) -> dict[str, Any]:
    try:
        data = safe_load_yaml(body)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = line + (mark.line if mark else 0)
        raise CorpusError(f"{what} is not valid YAML ({getattr(exc, 'problem', exc)})", path, at) from None
    if not isinstance(data, dict):
        raise CorpusError(f"{what} must be a YAML mapping of key: value lines", path, line)
    return data


def parse_document(text: str, path: str | Path = "<string>") -> Document:
    """Parse the markdown ``text`` of one corpus file.

    Raises:
        CorpusError: naming the file and line of the first problem found.
    """
    path = str(path)
    if not text.strip():
        raise CorpusError("file is empty; a corpus document needs front matter and at least one passage", path)
    lines = text.splitlines()
    if lines[0].strip() != "---":
        raise CorpusError("file must start with '---' front matter", path, 1)
    try:
        close = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise CorpusError("front matter is not closed by a '---' line", path, 1) from None
    raw = _load_yaml("\n".join(lines[1:close]), path, 2, "front matter")
    try:
        fm = FrontMatter.model_validate(raw)
    except ValidationError as err:
        raise CorpusError(f"front matter: {_validation_message(err)}", path, 2) from None

    doc_prov = Provenance(
        source_kind=fm.source_kind, citation=fm.citation, pmid=fm.pmid, doi=fm.doi, url=fm.url, year=fm.year
    )
    # Collect (heading line index, heading, id) for each passage.
    heads: list[tuple[int, str, str]] = []
    for i in range(close + 1, len(lines)):
        m = _HEADING.match(lines[i])
        if m:
            heads.append((i, m.group("heading").strip(), m.group("id")))
        elif _BARE_HEADING.match(lines[i]):
            raise CorpusError("passage heading needs an explicit id: '## Heading {#passage-id}'", path, i + 1)
    if not heads:
        raise CorpusError("no passages: add at least one '## Heading {#passage-id}' section", path, close + 2)

    passages: list[Passage] = []
    seen: set[str] = set()
    for n, (i, heading, pid) in enumerate(heads):
        lineno = i + 1
        if not ID_PATTERN.match(pid):
            raise CorpusError(f"passage id {pid!r} must be lowercase letters, digits and hyphens", path, lineno)
        if pid in seen:
            raise CorpusError(f"duplicate passage id {pid!r}", path, lineno)
        seen.add(pid)
        end = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        body = "\n".join(lines[i + 1 : end])
        meta = PassageMeta()
        m = _META.match(body)
        if m:
            data = _load_yaml(m.group("body"), path, lineno + 1, f"metadata of passage {pid!r}")
            try:
                meta = PassageMeta.model_validate(data)
            except ValidationError as err:
                raise CorpusError(
                    f"metadata of passage {pid!r}: {_validation_message(err)}", path, lineno + 1
                ) from None
            body = body[m.end() :]
        passage_text = " ".join(body.split())
        if not passage_text:
            raise CorpusError(f"passage {pid!r} has no text", path, lineno)
        # Identifiers written in the block override the document's, an explicit null included; citation and
        # year are only ever replaced by a value.
        clearable = {"pmid", "doi", "url", "secondary"}
        prov = doc_prov.model_copy(
            update={
                k: v
                for k, v in {
                    "citation": meta.citation,
                    "pmid": meta.pmid,
                    "doi": meta.doi,
                    "url": meta.url,
                    "year": meta.year,
                    "secondary": meta.secondary,
                }.items()
                if v is not None or (k in clearable and k in meta.model_fields_set)
            }
        )
        passages.append(
            Passage(
                id=pid,
                document_id=fm.id,
                title=fm.title,
                heading=heading,
                text=passage_text,
                language=fm.language,
                topics=tuple(meta.topics or fm.topics),
                provenance=prov,
                translation_of=meta.translation_of,
                notes=" ".join(meta.notes.split()) if meta.notes else None,
                sentences=split_sentences(passage_text),
                path=path,
                line=lineno,
            )
        )
    return Document(
        id=fm.id,
        title=fm.title,
        language=fm.language,
        topics=tuple(fm.topics),
        provenance=doc_prov,
        passages=tuple(passages),
        path=path,
    )


def read_document(path: Path) -> Document:
    """Read and parse a corpus file, refusing bytes that are not UTF-8."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        line = path.read_bytes()[: err.start].count(b"\n") + 1
        raise CorpusError(f"not UTF-8 text (byte {err.start}); save the file as UTF-8", str(path), line) from None
    except OSError as err:
        raise CorpusError(f"cannot read file: {err.strerror}", str(path)) from None
    return parse_document(text, path)
