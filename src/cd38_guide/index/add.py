"""Add converted documents to the corpus and rebuild the index as one transaction.

A replaced document stays on disk (renamed aside, under a name the corpus loader never reads) until the new
version has been converted, validated with the whole corpus and indexed; any failure puts the old one back.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cd38_guide.config import Settings
from cd38_guide.corpus import load_corpus
from cd38_guide.corpus.convert import convert_file, slugify
from cd38_guide.errors import IndexStateError, InputError
from cd38_guide.index.embedder import Embedder
from cd38_guide.index.manifest import Manifest
from cd38_guide.index.store import Progress, build_index

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AddResult:
    """The index after the transaction and the corpus files it wrote."""

    manifest: Manifest
    written: tuple[Path, ...]


def added_doc_id(path: Path, position: int) -> str:
    """The document id an added file gets by default: ``added-<file stem>``."""
    return f"added-{slugify(path.stem, 40) or position}"


def add_documents(
    files: Sequence[Path],
    *,
    citation: str,
    settings: Settings,
    embedder: Embedder,
    doc_id: str | None = None,
    replace: bool = False,
    force: bool = False,
    meta: dict[str, object] | None = None,
    progress: Progress | None = None,
) -> AddResult:
    """Convert ``files``, write them to the added folder and rebuild the index; all or nothing.

    Raises:
        InputError: a file cannot be used, two files would get the same id, or an id exists without ``replace``.
        CorpusError / IndexStateError: the corpus with the new documents does not load or cannot be indexed;
            the added folder is then exactly as it was.
    """
    if not citation or not citation.strip():
        raise InputError("--citation is required with --add: say where the text comes from")
    existing = load_corpus(settings.all_corpus_dirs)
    staged: dict[str, tuple[Path, str]] = {}
    for i, path in enumerate(files):
        did = doc_id if (doc_id and len(files) == 1) else added_doc_id(path, i)
        if did in staged:
            raise InputError(
                f"{path} and {staged[did][0]} would both become document {did!r}; rename one of them, "
                "or add them one at a time with --id"
            )
        if any(d.id == did for d in existing.documents) and not replace:
            raise InputError(f"a document with id {did!r} is already indexed; pass --replace to update it")
        staged[did] = (path, convert_file(path, citation=citation, doc_id=did, **dict(meta or {})))

    added = settings.added_dir
    try:
        added.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise IndexStateError(
            f"cannot create {added} ({err.strerror or err}); set CD38_GUIDE_HOME to a writable folder"
        ) from None
    aside: list[tuple[Path, Path]] = []
    written: list[Path] = []
    try:
        for did, (_, text) in staged.items():
            target = added / f"{did}.md"
            if target.exists():
                old = added / f".{did}.md.replaced"  # not *.md: the corpus loader never reads it
                os.replace(target, old)
                aside.append((old, target))
            tmp = added / f".{did}.md.tmp"
            try:
                tmp.write_text(text, encoding="utf-8")
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
            written.append(target)
        manifest = build_index(
            load_corpus(settings.all_corpus_dirs), embedder, settings, force=force, progress=progress
        )
    except BaseException:
        for target in written:
            target.unlink(missing_ok=True)
        for old, target in aside:
            os.replace(old, target)
        raise
    for old, _ in aside:
        try:
            old.unlink()
        except OSError as err:  # the new version is live; a stale copy aside is harmless
            log.warning("could not remove the replaced copy %s (%s)", old, err.strerror or err)
    return AddResult(manifest=manifest, written=tuple(written))
