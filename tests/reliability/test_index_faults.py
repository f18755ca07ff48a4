"""Index faults not covered by tests/index/test_store.py: every file damaged in turn, the BM25 directory gone,
a manifest whose hashes were edited, a dangling ``current`` link, and a lock left by a process that died."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from cd38_guide.corpus import load_corpus
from cd38_guide.errors import IndexStateError
from cd38_guide.index.store import BM25_DIR, build_index, ensure_index, open_index
from cd38_guide.retrieve import Retriever


def _built(settings, embedder):
    corpus = load_corpus(settings.all_corpus_dirs)
    manifest = build_index(corpus, embedder, settings)
    return corpus, manifest, settings.home / "current"


def _works(corpus, embedder, settings, old_build: str) -> None:
    """After the fault, ensure_index rebuilds a different, complete index that answers a query."""
    loaded = ensure_index(corpus, embedder, settings)
    assert loaded.manifest.build_id != old_build and loaded.vectors.ntotal == 4
    hits = Retriever(corpus, loaded, embedder, settings.retrieval).search("washout before drug A retreatment").hits
    assert hits and hits[0].passage_id == "alpha-washout"


FILES = [
    "vectors.faiss",
    "chunks.jsonl",
    "sentences.json",
    "sentence_vectors.npy",
    "bm25/df.json",
    "bm25/vocab.index.json",
    "bm25/data.csc.index.npy",
]


@pytest.mark.parametrize("name", FILES)
def test_every_index_file_truncated_is_refused_and_rebuilt(fake_settings, fake_embedder, name: str) -> None:
    corpus, manifest, current = _built(fake_settings, fake_embedder)
    assert name in manifest.files
    path = current / name
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(IndexStateError, match=re.escape(f"{name} does not match its manifest hash")):
        open_index(corpus, fake_embedder, fake_settings)
    _works(corpus, fake_embedder, fake_settings, manifest.build_id)


def test_missing_bm25_directory_is_refused_and_rebuilt(fake_settings, fake_embedder) -> None:
    corpus, manifest, current = _built(fake_settings, fake_embedder)
    shutil.rmtree(current / BM25_DIR)
    with pytest.raises(IndexStateError, match=r"index file bm25/\S+ is missing"):
        open_index(corpus, fake_embedder, fake_settings)
    _works(corpus, fake_embedder, fake_settings, manifest.build_id)


def test_manifest_with_edited_hashes_is_refused(fake_settings, fake_embedder) -> None:
    """A manifest that parses but no longer matches the files (e.g. a file swapped in from another build)."""
    corpus, manifest, current = _built(fake_settings, fake_embedder)
    data = json.loads((current / "manifest.json").read_text())
    data["files"]["sentence_vectors.npy"] = "0" * 64
    (current / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(IndexStateError, match=re.escape("sentence_vectors.npy does not match")):
        open_index(corpus, fake_embedder, fake_settings)
    _works(corpus, fake_embedder, fake_settings, manifest.build_id)


def test_index_written_by_an_older_format_is_stale_and_rebuilt(fake_settings, fake_embedder, monkeypatch) -> None:
    """An index left by a release with another on-disk format (its manifest and key say so) is never read."""
    from cd38_guide.index import manifest as manifest_mod
    from cd38_guide.index import store

    monkeypatch.setattr(manifest_mod, "FORMAT_VERSION", manifest_mod.FORMAT_VERSION - 1)
    monkeypatch.setattr(store, "FORMAT_VERSION", manifest_mod.FORMAT_VERSION)
    corpus, manifest, _ = _built(fake_settings, fake_embedder)
    monkeypatch.undo()
    assert manifest.format_version == manifest_mod.FORMAT_VERSION - 1
    with pytest.raises(IndexStateError, match="stale"):
        open_index(corpus, fake_embedder, fake_settings)
    _works(corpus, fake_embedder, fake_settings, manifest.build_id)


def test_dangling_current_link_means_no_index_and_is_rebuilt(fake_settings, fake_embedder) -> None:
    corpus, manifest, current = _built(fake_settings, fake_embedder)
    shutil.rmtree(fake_settings.home / "builds")
    assert current.is_symlink() and not current.exists()
    with pytest.raises(IndexStateError, match="no index"):
        open_index(corpus, fake_embedder, fake_settings)
    _works(corpus, fake_embedder, fake_settings, manifest.build_id)


def test_lock_held_by_a_process_that_dies_is_released(fake_settings, fake_embedder, test_corpus_dir) -> None:
    """A build waits while another process holds the lock; when that process is SIGKILLed (leaving the lock
    file behind), the waiting build proceeds at once and cleans up the dead build's partial directory."""
    home = fake_settings.home
    (home / "builds" / ".partial-dead-build").mkdir(parents=True)
    holder = textwrap.dedent(
        f"""
        import time
        from filelock import FileLock
        lock = FileLock({str(home / "index.lock")!r})
        lock.acquire()
        print("HELD", flush=True)
        time.sleep(120)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "HELD"
        corpus = load_corpus(fake_settings.all_corpus_dirs)
        done: list[object] = []
        worker = threading.Thread(target=lambda: done.append(build_index(corpus, fake_embedder, fake_settings)))
        worker.start()
        time.sleep(2.0)
        assert not done, "the build must wait for the lock"
        t_kill = time.monotonic()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        worker.join(timeout=60)
        assert done, "the build did not proceed after the lock holder died"
        assert time.monotonic() - t_kill < 30
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert (home / "index.lock").exists(), "the lock file itself is left behind, and that is harmless"
    assert [p.name for p in (home / "builds").iterdir()] == [done[0].build_id]  # type: ignore[attr-defined]
    assert open_index(corpus, fake_embedder, fake_settings).vectors.ntotal == 4
