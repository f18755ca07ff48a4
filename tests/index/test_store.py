import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from cd38_guide.corpus import load_corpus
from cd38_guide.errors import IndexStateError, ModelError
from cd38_guide.index.embedder import HashingEmbedder, MiniLMEmbedder
from cd38_guide.index.store import VECTORS, build_index, ensure_index, open_index


def test_build_then_open(fake_settings, fake_embedder):
    corpus = load_corpus(fake_settings.all_corpus_dirs)
    m = build_index(corpus, fake_embedder, fake_settings)
    assert m.n_passages == 4 and m.n_chunks == 4 and m.index_kind == "flat" and m.embedded_new > 0
    assert m.weights_sha256 == fake_embedder.weights_sha256 and m.corpus_hash == corpus.hash
    loaded = open_index(corpus, fake_embedder, fake_settings)
    assert loaded.vectors.ntotal == 4 and len(loaded.sentence_keys) == m.n_sentences
    assert build_index(corpus, fake_embedder, fake_settings).build_id == m.build_id, "up to date: no rebuild"


def test_missing_index_is_reported(fake_settings, fake_embedder):
    corpus = load_corpus(fake_settings.all_corpus_dirs)
    with pytest.raises(IndexStateError, match="no index"):
        open_index(corpus, fake_embedder, fake_settings)


def test_corpus_change_makes_index_stale_and_rebuild_embeds_only_changes(fake_settings, fake_embedder, test_corpus_dir):
    corpus = load_corpus(fake_settings.all_corpus_dirs)
    first = build_index(corpus, fake_embedder, fake_settings)
    path = test_corpus_dir / "trial-alpha.md"
    path.write_text(path.read_text().replace("Growth factor support was allowed.", "G-CSF support was allowed."))
    changed = load_corpus(fake_settings.all_corpus_dirs)
    with pytest.raises(IndexStateError, match="stale"):
        open_index(changed, fake_embedder, fake_settings)
    loaded = ensure_index(changed, fake_embedder, fake_settings)
    assert loaded.manifest.build_id != first.build_id
    # One chunk and one sentence changed text; everything else came from the embedding cache.
    assert loaded.manifest.embedded_new == 2


def test_manifest_mismatch_is_detected_and_rebuilt(fake_settings, fake_embedder):
    corpus = load_corpus(fake_settings.all_corpus_dirs)
    build_index(corpus, fake_embedder, fake_settings)
    other = HashingEmbedder(dim=32)  # another "model": different dimension and vectors
    with pytest.raises(IndexStateError, match="stale"):
        open_index(corpus, other, fake_settings)
    assert ensure_index(corpus, other, fake_settings).manifest.dim == 32


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete", "manifest"])
def test_corrupt_files_are_detected_and_rebuilt(fake_settings, fake_embedder, damage):
    corpus = load_corpus(fake_settings.all_corpus_dirs)
    build_index(corpus, fake_embedder, fake_settings)
    current = fake_settings.home / "current"
    target = current / VECTORS
    if damage == "truncate":
        data = target.read_bytes()
        target.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        data = bytearray(target.read_bytes())
        data[-5] ^= 0xFF
        target.write_bytes(bytes(data))
    elif damage == "delete":
        (current / "bm25" / "df.json").unlink()
    else:
        (current / "manifest.json").write_text("{not json")
    with pytest.raises(IndexStateError):
        open_index(corpus, fake_embedder, fake_settings)
    loaded = ensure_index(corpus, fake_embedder, fake_settings)
    assert loaded.vectors.ntotal == 4


def test_a_build_killed_midway_leaves_the_previous_index_usable(fake_settings, test_corpus_dir):
    corpus = load_corpus(fake_settings.all_corpus_dirs)
    embedder = HashingEmbedder()
    good = build_index(corpus, embedder, fake_settings)
    path = test_corpus_dir / "trial-alpha.md"
    path.write_text(path.read_text().replace("300 patients", "301 patients"))
    script = textwrap.dedent(
        f"""
        import os, sys, time
        from cd38_guide.config import Settings
        from cd38_guide.corpus import load_corpus
        from cd38_guide.index import store
        from cd38_guide.index.embedder import HashingEmbedder
        settings = Settings(home={str(fake_settings.home)!r}, corpus_dirs=[{str(test_corpus_dir)!r}])
        real = store.save_vector_index
        def slow(index, path):
            real(index, path)
            print("WROTE", flush=True)
            time.sleep(60)
        store.save_vector_index = slow
        store.build_index(load_corpus(settings.all_corpus_dirs), HashingEmbedder(), settings)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "WROTE"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # The killed build left a partial directory, but `current` still points at the complete old build.
    assert any(p.name.startswith(".partial-") for p in (fake_settings.home / "builds").iterdir())
    old_corpus_loaded = open_index(corpus, embedder, fake_settings)
    assert old_corpus_loaded.manifest.build_id == good.build_id
    # The lock died with the process; the next build succeeds.
    new = build_index(load_corpus(fake_settings.all_corpus_dirs), embedder, fake_settings)
    assert new.build_id != good.build_id


def test_concurrent_builds_are_serialised(fake_settings, test_corpus_dir):
    script = textwrap.dedent(
        f"""
        from cd38_guide.config import Settings
        from cd38_guide.corpus import load_corpus
        from cd38_guide.index.store import build_index
        from cd38_guide.index.embedder import HashingEmbedder
        settings = Settings(home={str(fake_settings.home)!r}, corpus_dirs=[{str(test_corpus_dir)!r}])
        print(build_index(load_corpus(settings.all_corpus_dirs), HashingEmbedder(), settings).build_id)
        """
    )
    procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) for _ in range(3)]
    ids = {p.communicate(timeout=120)[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs)
    assert len(ids) == 1, "one build; the others found it up to date"
    builds = [p for p in (fake_settings.home / "builds").iterdir() if not p.name.startswith(".")]
    assert len(builds) == 1


def test_manifest_records_what_built_it(fake_settings, fake_embedder):
    build_index(load_corpus(fake_settings.all_corpus_dirs), fake_embedder, fake_settings)
    m = json.loads((fake_settings.home / "current" / "manifest.json").read_text())
    assert {"model_id", "weights_sha256", "dim", "chunking", "corpus_hash", "versions", "files"} <= set(m)
    assert set(m["files"]) >= {
        "vectors.faiss",
        "chunks.jsonl",
        "sentences.json",
        "sentence_vectors.npy",
        "bm25/df.json",
    }
    assert m["versions"]["faiss-cpu"] != "absent"


def test_wrong_weights_are_refused(monkeypatch):
    from cd38_guide.config import ModelSettings

    with pytest.raises(ModelError, match="sha256"):
        MiniLMEmbedder(ModelSettings(sha256="0" * 64))
    with pytest.raises(ModelError, match="not installed"):
        MiniLMEmbedder(ModelSettings(package="no_such_model_package"))


def test_real_model_embeds_offline():
    emb = MiniLMEmbedder()
    vecs = emb.embed(["washout before rechallenge", "interval before re-treatment", "pizza recipe"])
    assert vecs.shape == (3, 384)
    assert abs(float((vecs[0] ** 2).sum()) - 1.0) < 1e-4
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2]
    assert os.environ.get("HF_HUB_OFFLINE") == "1"


def test_progress_reports_every_text_embedded_and_matches_a_build_without_it(fake_settings, fake_embedder, monkeypatch):
    import io

    import numpy as np

    from cd38_guide.index import store
    from cd38_guide.progress import index_progress

    monkeypatch.setattr(store, "EMBED_BATCH", 3)  # several steps on the small test corpus
    corpus = load_corpus(fake_settings.all_corpus_dirs)
    calls: list[tuple[int, int]] = []
    m = build_index(corpus, fake_embedder, fake_settings, progress=lambda done, total: calls.append((done, total)))
    assert len(calls) > 2 and calls[-1] == (m.embedded_new, m.embedded_new)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls) and {t for _, t in calls} == {m.embedded_new}
    with_progress = np.load(fake_settings.home / "current" / store.SENTENCE_VECTORS)
    calls.clear()
    assert build_index(corpus, fake_embedder, fake_settings, progress=calls.append).build_id == m.build_id
    assert calls == []  # up to date: nothing built, nothing reported
    forced = build_index(corpus, fake_embedder, fake_settings, force=True)
    assert np.allclose(np.load(fake_settings.home / "current" / store.SENTENCE_VECTORS), with_progress)
    assert forced.embedded_new == m.embedded_new  # --force rebuilds from scratch, not from the cache (issue 15)
    out = io.StringIO()  # not a terminal: a line to start and one per quarter, no bar
    with index_progress(out) as progress:
        for done in range(0, 101, 10):
            progress(done, 100)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("cd38-guide: building the search index (100 texts") and len(lines) == 6
