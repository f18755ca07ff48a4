"""The index manifest: what built the index, from what, and the hash of every file it wrote."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from cd38_guide.errors import IndexStateError

# Bump when the on-disk layout, the chunker, the BM25 tokenizer or the embedded text changes: every existing
# index then reads as stale and is rebuilt (embeddings of unchanged text still come from the cache).
FORMAT_VERSION = 3
MANIFEST_NAME = "manifest.json"


class Manifest(BaseModel):
    """Written last during a build; an index without a valid manifest does not exist."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format_version: int
    key: str
    build_id: str
    model_id: str
    weights_sha256: str
    # sha256 of the ONNX encoder that embedded the index (None: built through sentence-transformers). Part of the
    # key, so an index is never queried through another export than the one that built it.
    onnx_sha256: str | None = None
    dim: int
    chunking: dict[str, int]
    index: dict[str, int]
    index_kind: str
    corpus_hash: str
    n_passages: int
    n_chunks: int
    n_sentences: int
    files: dict[str, str]
    versions: dict[str, str]
    built_at: str
    build_seconds: float
    embedded_new: int


def build_key(
    corpus_hash: str, weights_sha256: str, dim: int, chunking: dict, index: dict, onnx_sha256: str | None = None
) -> str:
    """Everything that, when changed, makes an existing index stale."""
    parts: list = [FORMAT_VERSION, corpus_hash, weights_sha256, dim, chunking, index]
    if onnx_sha256 is not None:  # appended only when set, so keys of sentence-transformers builds are unchanged
        parts.append({"onnx_sha256": onnx_sha256})
    payload = json.dumps(parts, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def read_manifest(directory: Path) -> Manifest:
    """Parse the manifest of an index directory.

    Raises:
        IndexStateError: missing or unreadable manifest.
    """
    path = directory / MANIFEST_NAME
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise IndexStateError(f"index at {directory} has no manifest (an interrupted build?)") from None
    except (ValidationError, ValueError, OSError) as err:
        raise IndexStateError(f"index manifest {path} is corrupt ({type(err).__name__})") from None
