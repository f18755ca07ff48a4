"""Build, verify and load the on-disk index: vectors, BM25, chunk and sentence stores, manifest.

Layout under ``home``: ``builds/<id>/`` holds complete builds; ``current`` is a symlink swapped atomically
once a build is fully written, so a killed build never replaces a usable index. Builds are serialised by a
file lock. Loading checks the manifest key (corpus, model, settings) and every file's sha256 before any
file is parsed; a mismatch raises IndexStateError, and ``ensure_index`` rebuilds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from cd38_guide.config import Settings
from cd38_guide.corpus import Corpus
from cd38_guide.corpus.chunking import chunk_passages
from cd38_guide.errors import IndexStateError
from cd38_guide.index.embedder import Embedder, file_sha256
from cd38_guide.index.lexical import LexicalIndex
from cd38_guide.index.manifest import FORMAT_VERSION, MANIFEST_NAME, Manifest, build_key, read_manifest
from cd38_guide.index.vectors import build_vector_index, index_kind, load_vector_index, save_vector_index, set_ef_search
from cd38_guide.types import Chunk

log = logging.getLogger(__name__)

VECTORS = "vectors.faiss"
CHUNKS = "chunks.jsonl"
SENTENCES = "sentences.json"
SENTENCE_VECTORS = "sentence_vectors.npy"
BM25_DIR = "bm25"
EMBED_BATCH = 64  # texts per progress step while building

Progress = Callable[[int, int], None]
"""``progress(done, total)``: texts embedded so far out of those a build has to embed."""


_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_OWN_PARTIAL = re.compile(r"^\.partial-")  # the hidden name every build is written under until it is complete


def chunk_int_id(chunk_id: str) -> int:
    """A stable positive int64 FAISS id derived from the chunk id."""
    return int.from_bytes(hashlib.sha256(chunk_id.encode()).digest()[:8], "big") >> 1


def sentence_embed_text(heading: str, sentence: str) -> str:
    """A sentence embedded with its section heading, so 'The HR was 0.44.' keeps its subject."""
    return f"{heading}: {sentence}"


@dataclass
class LoadedIndex:
    """Everything retrieval needs, in memory."""

    manifest: Manifest
    directory: Path
    chunks: list[Chunk]
    vectors: object  # faiss.Index
    id_to_chunk: dict[int, int]
    lexical: LexicalIndex
    sentence_keys: list[tuple[str, int, int]]  # (passage_id, start, end)
    sentence_vectors: np.ndarray
    sentence_rows: dict[str, list[int]]  # passage_id -> rows of sentence_keys


# ---------------------------------------------------------------- embedding cache


class EmbeddingCache:
    """Vectors by sha256 of the embedded text, so a rebuild embeds only what changed.

    Stored as one file (``cache.npz``: keys, vectors and a sha256 over both) replaced atomically, so a kill can
    never leave keys and vectors misaligned. A cache that fails verification (digest, shape, unique hex keys,
    finite values) is ignored and everything is embedded afresh; ``fresh=True`` (``index --force``) ignores it too.
    """

    FILE = "cache.npz"

    def __init__(self, directory: Path, embedder: Embedder, *, fresh: bool = False) -> None:
        runtime = getattr(embedder, "onnx_sha256", None)
        # Per runtime too: the ONNX and torch vectors agree to ~1e-7, not bit for bit, and an index holds one kind.
        suffix = f"-onnx{runtime[:8]}" if runtime else ""
        self.dir = directory / f"embeddings-{embedder.weights_sha256[:12]}-{embedder.dim}{suffix}"
        self.embedder = embedder
        self.vectors: dict[str, np.ndarray] = {}
        self.new = 0
        self.progress: Progress | None = None
        self.total = 0
        if not fresh:
            self.vectors = self._load()

    @staticmethod
    def _digest(keys: np.ndarray, vecs: np.ndarray) -> str:
        h = hashlib.sha256()
        h.update("\n".join(keys.tolist()).encode())
        h.update(np.ascontiguousarray(vecs, dtype=np.float32).tobytes())
        return h.hexdigest()

    def _load(self) -> dict[str, np.ndarray]:
        path = self.dir / self.FILE
        if not path.is_file():
            return {}
        try:
            with np.load(path, allow_pickle=False) as data:
                keys, vecs, digest = data["keys"], data["vectors"], str(data["digest"])
            problem = None
            if vecs.ndim != 2 or vecs.shape != (len(keys), self.embedder.dim):
                problem = "keys and vectors are misaligned"
            elif len(set(keys.tolist())) != len(keys) or not all(_HEX64.match(k) for k in keys.tolist()):
                problem = "keys are not unique sha256 digests"
            elif not np.isfinite(vecs).all():
                problem = "vectors hold NaN or infinite values"
            elif self._digest(keys, vecs) != digest:
                problem = "contents do not match the recorded digest"
        except (OSError, ValueError, KeyError, EOFError) as err:
            problem = f"unreadable ({type(err).__name__})"
        if problem:
            log.warning("embedding cache %s ignored: %s; embedding from scratch", path, problem)
            return {}
        return dict(zip(keys.tolist(), vecs.astype(np.float32), strict=True))

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self.vectors}.items())
        step = EMBED_BATCH if self.progress is not None else max(len(missing), 1)
        for i in range(0, len(missing), step):
            part = missing[i : i + step]
            vecs = np.asarray(self.embedder.embed([t for _, t in part]), dtype=np.float32)
            if not np.isfinite(vecs).all():
                raise IndexStateError("the embedding model returned NaN or infinite vectors; the index is not built")
            self.vectors.update({k: v for (k, _), v in zip(part, vecs, strict=True)})
            self.new += len(part)
            if self.progress is not None:
                self.progress(self.new, max(self.total, self.new))
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.stack([self.vectors[k] for k in keys]).astype(np.float32)

    def count_missing(self, texts: list[str]) -> int:
        """How many distinct texts are not cached yet (what a build will embed)."""
        return len({hashlib.sha256(t.encode()).hexdigest() for t in texts} - self.vectors.keys())

    def save(self, keep: set[str] | None = None) -> None:
        """Write the cache as one file: a temporary file, fsynced, then one ``os.replace``."""
        items = sorted((k, v) for k, v in self.vectors.items() if keep is None or k in keep)
        keys = np.array([k for k, _ in items], dtype="<U64")
        vecs = np.stack([v for _, v in items]).astype(np.float32) if items else np.zeros((0, self.embedder.dim))
        vecs = vecs.astype(np.float32)
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.dir / f".tmp-{os.getpid()}.npz"
        try:
            with tmp.open("wb") as f:
                np.savez(f, keys=keys, vectors=vecs, digest=np.array(self._digest(keys, vecs)))
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.dir / self.FILE)
        finally:
            tmp.unlink(missing_ok=True)
        for legacy in ("keys.json", "vectors.npy"):  # the old two-file layout could be left misaligned by a kill
            (self.dir / legacy).unlink(missing_ok=True)


# ---------------------------------------------------------------- build


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for pkg in (
        "cd38-guide",
        "faiss-cpu",
        "bm25s",
        "onnxruntime",
        "tokenizers",
        "sentence-transformers",
        "llama-index-core",
        "numpy",
    ):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "absent"
    return out


def expected_key(corpus: Corpus, embedder: Embedder, settings: Settings) -> str:
    """The manifest key an up-to-date index must carry."""
    return build_key(
        corpus.hash,
        embedder.weights_sha256,
        embedder.dim,
        settings.chunking.model_dump(),
        settings.index.model_dump(),
        getattr(embedder, "onnx_sha256", None),
    )


def _sha_files(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): file_sha256(p)
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != MANIFEST_NAME
    }


def _fsync_tree(directory: Path) -> None:
    for p in directory.rglob("*"):
        if p.is_file():
            with p.open("rb") as f:
                os.fsync(f.fileno())


def build_index(
    corpus: Corpus, embedder: Embedder, settings: Settings, *, force: bool = False, progress: Progress | None = None
) -> Manifest:
    """Build the index for ``corpus`` unless an identical one is current; swap it in atomically.

    ``progress(done, total)`` is called as texts are embedded (for a progress bar); never when nothing is built.

    Returns:
        The manifest of the current (new or already up-to-date) index.
    """
    from filelock import FileLock, Timeout

    home = settings.home
    try:
        home.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(home / "index.lock"), timeout=600)
        lock.acquire()
    except Timeout:
        raise IndexStateError(
            f"another process has held {home / 'index.lock'} for 10 minutes; is a build stuck?"
        ) from None
    except OSError as err:
        raise IndexStateError(
            f"cannot write to {home} ({err.strerror or err}); make it writable or set CD38_GUIDE_HOME to a "
            "writable folder"
        ) from None
    try:
        key = expected_key(corpus, embedder, settings)
        if not force:
            try:
                current = read_manifest(home / "current")
                if current.key == key:
                    verify_files(home / "current", current)
                    return current
            except IndexStateError:
                pass
        return _build_locked(corpus, embedder, settings, key, progress, fresh=force)
    finally:
        lock.release()


def _is_own_build(path: Path) -> bool:
    """A directory this program wrote: a finished build whose manifest names it, or a killed build's partial."""
    if not path.is_dir() or path.is_symlink():
        return False
    if _OWN_PARTIAL.match(path.name):
        return True
    try:
        return read_manifest(path).build_id == path.name
    except IndexStateError:
        return False


def _remove_old_builds(builds: Path, keep: str) -> None:
    """Delete earlier builds, but only those recognised by their own manifest; anything else is left alone."""
    for old in builds.iterdir():
        if old.name == keep:
            continue
        if _is_own_build(old):
            shutil.rmtree(old, ignore_errors=True)
        else:
            log.info("left %s alone: not a build this program recognises", old)


def _build_locked(
    corpus: Corpus,
    embedder: Embedder,
    settings: Settings,
    key: str,
    progress: Progress | None = None,
    *,
    fresh: bool = False,
) -> Manifest:
    t0 = time.perf_counter()
    home = settings.home
    passages = list(corpus.passages.values())
    cache = EmbeddingCache(home / "cache", embedder, fresh=fresh)
    sentence_keys = [(p.id, s.start, s.end) for p in passages for s in p.sentences]
    sent_texts = [
        sentence_embed_text(corpus.passage(pid).heading, corpus.passage(pid).text[a:b]) for pid, a, b in sentence_keys
    ]
    # The sentences need no chunking: they are embedded (native threads, no GIL) while this thread imports
    # llama-index and chunks (~3 s of Python on a cold build). Progress starts once the chunks, and so the
    # total, are known: first the sentences already embedded, then each batch of chunks.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cd38-embed") as pool:
        sentences_done = pool.submit(cache.embed, sent_texts)
        chunks = chunk_passages(passages, embedder.count_tokens, settings.chunking)
        sent_vecs = sentences_done.result()
    chunk_texts = [c.embed_text for c in chunks]
    cache.total = cache.new + cache.count_missing(chunk_texts)
    if progress is not None and cache.new:
        progress(cache.new, cache.total)
    cache.progress = progress
    chunk_vecs = cache.embed(chunk_texts)

    build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + f"-{key[:8]}-{uuid.uuid4().hex[:6]}"
    builds = home / "builds"
    tmp = builds / f".partial-{build_id}"
    try:
        tmp.mkdir(parents=True)
        ids = np.array([chunk_int_id(c.id) for c in chunks], dtype=np.int64)
        if len(set(ids.tolist())) != len(ids):
            raise IndexStateError("two chunk ids hash to the same FAISS id; rename one passage")
        vindex = build_vector_index(chunk_vecs, ids, settings.index)
        save_vector_index(vindex, tmp / VECTORS)
        with (tmp / CHUNKS).open("w", encoding="utf-8") as f:
            for c in chunks:
                f.write(c.model_dump_json() + "\n")
        (tmp / SENTENCES).write_text(json.dumps(sentence_keys, ensure_ascii=False))
        np.save(tmp / SENTENCE_VECTORS, sent_vecs)
        LexicalIndex.build([c.embed_text for c in chunks]).save(tmp / BM25_DIR)
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            key=key,
            build_id=build_id,
            model_id=embedder.model_id,
            weights_sha256=embedder.weights_sha256,
            onnx_sha256=getattr(embedder, "onnx_sha256", None),
            dim=embedder.dim,
            chunking=settings.chunking.model_dump(),
            index=settings.index.model_dump(),
            index_kind=index_kind(vindex),
            corpus_hash=corpus.hash,
            n_passages=len(passages),
            n_chunks=len(chunks),
            n_sentences=len(sentence_keys),
            files=_sha_files(tmp),
            versions=_versions(),
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            build_seconds=round(time.perf_counter() - t0, 3),
            embedded_new=cache.new,
        )
        (tmp / MANIFEST_NAME).write_text(manifest.model_dump_json(indent=2))
        _fsync_tree(tmp)
        final = builds / build_id
        os.replace(tmp, final)
        link_tmp = home / f".current-{os.getpid()}"
        if link_tmp.is_symlink() or link_tmp.exists():
            link_tmp.unlink()
        os.symlink(Path("builds") / build_id, link_tmp)
        os.replace(link_tmp, home / "current")  # the atomic swap
    except OSError as err:  # disk full, read-only or vanished home: leave nothing half-written behind
        shutil.rmtree(tmp, ignore_errors=True)
        raise IndexStateError(
            f"cannot write the index under {home}: {err.strerror or err}; free space or fix "
            "permissions, then run `cd38-guide index` again"
        ) from None
    keep = {hashlib.sha256(t.encode()).hexdigest() for t in [c.embed_text for c in chunks] + sent_texts}
    try:
        cache.save(keep)
    except OSError as err:  # the index is complete; a missing cache only costs time on the next build
        log.warning("embedding cache not saved (%s); the next build embeds everything again", err.strerror or err)
    _remove_old_builds(builds, build_id)
    log.info(
        "built index %s: %d chunks in %.1fs (%d embedded)", build_id, len(chunks), manifest.build_seconds, cache.new
    )
    return manifest


# ---------------------------------------------------------------- load


def verify_files(directory: Path, manifest: Manifest) -> None:
    """Check every file listed in the manifest exists with its recorded sha256.

    Raises:
        IndexStateError: naming the first missing or altered file.
    """
    for name, digest in manifest.files.items():
        path = directory / name
        if not path.is_file():
            raise IndexStateError(f"index file {name} is missing")
        if file_sha256(path) != digest:
            raise IndexStateError(f"index file {name} does not match its manifest hash (truncated or modified)")


def open_index(corpus: Corpus, embedder: Embedder, settings: Settings) -> LoadedIndex:
    """Load the current index after checking it matches ``corpus``, the model and the settings.

    Raises:
        IndexStateError: missing, stale or corrupt index; the message says why.
    """
    directory = settings.home / "current"
    if not directory.exists():
        raise IndexStateError(f"no index at {settings.home}; run `cd38-guide index`")
    manifest = read_manifest(directory)
    if manifest.format_version != FORMAT_VERSION or manifest.key != expected_key(corpus, embedder, settings):
        raise IndexStateError("the index was built from another corpus, model or settings (stale)")
    verify_files(directory, manifest)
    try:
        vectors = load_vector_index(directory / VECTORS)
        set_ef_search(vectors, settings.index.hnsw_ef_search)
        chunks = [
            Chunk.model_validate_json(line) for line in (directory / CHUNKS).read_text(encoding="utf-8").splitlines()
        ]
        sentence_keys = [tuple(x) for x in json.loads((directory / SENTENCES).read_text(encoding="utf-8"))]
        sentence_vectors = np.load(directory / SENTENCE_VECTORS, allow_pickle=False)
        lexical = LexicalIndex.load(directory / BM25_DIR)
    except Exception as err:  # noqa: BLE001 - any parse failure means a corrupt index
        raise IndexStateError(f"index at {directory} could not be read ({type(err).__name__}: {err})") from None
    if vectors.ntotal != len(chunks) or lexical.n_docs != len(chunks) or len(sentence_vectors) != len(sentence_keys):
        raise IndexStateError("index files disagree on the number of chunks or sentences")
    id_to_chunk = {chunk_int_id(c.id): i for i, c in enumerate(chunks)}
    rows: dict[str, list[int]] = {}
    for i, (pid, _, _) in enumerate(sentence_keys):
        rows.setdefault(str(pid), []).append(i)
    return LoadedIndex(
        manifest=manifest,
        directory=directory.resolve(),
        chunks=chunks,
        vectors=vectors,
        id_to_chunk=id_to_chunk,
        lexical=lexical,
        sentence_keys=[(str(a), int(b), int(c)) for a, b, c in sentence_keys],
        sentence_vectors=sentence_vectors,
        sentence_rows=rows,
    )


def ensure_index(
    corpus: Corpus, embedder: Embedder, settings: Settings, progress: Progress | None = None
) -> LoadedIndex:
    """Open the index, rebuilding it first when it is missing, stale or corrupt (``progress`` as in build_index)."""
    try:
        return open_index(corpus, embedder, settings)
    except IndexStateError as err:
        log.warning("rebuilding the index: %s", err)
    build_index(corpus, embedder, settings, progress=progress)
    return open_index(corpus, embedder, settings)
