import numpy as np
import pytest

from cd38_guide.config import IndexSettings
from cd38_guide.index.vectors import build_vector_index, index_kind, load_vector_index, save_vector_index, search


def unit(n: int, d: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def brute_force(vectors: np.ndarray, ids: np.ndarray, q: np.ndarray, k: int) -> list[int]:
    sims = vectors @ q
    order = np.lexsort((ids, -sims))[:k]
    return ids[order].tolist()


def test_flat_top_k_equals_numpy_cosine():
    vecs, queries = unit(500, 384, 1), unit(20, 384, 2)
    ids = np.arange(1000, 1500, dtype=np.int64)[::-1].copy()  # non-trivial, stable ids
    index = build_vector_index(vecs, ids, IndexSettings())
    assert index_kind(index) == "flat"
    for q in queries:
        scores, got = search(index, q, 10)
        assert got.tolist() == brute_force(vecs, ids, q, 10)
        np.testing.assert_allclose(scores, np.sort(vecs @ q)[::-1][:10], rtol=1e-5, atol=1e-6)


def test_hnsw_is_chosen_above_the_threshold_and_recalls_exact_neighbours():
    vecs = unit(3000, 64, 3)
    # Queries near stored vectors, as real questions are near their passages.
    queries = vecs[:50] + 0.3 * unit(50, 64, 4)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    ids = np.arange(3000, dtype=np.int64)
    index = build_vector_index(vecs, ids, IndexSettings(flat_max_chunks=1000))
    assert index_kind(index) == "hnsw"
    recall = np.mean(
        [len(set(search(index, q, 10)[1].tolist()) & set(brute_force(vecs, ids, q, 10))) / 10 for q in queries]
    )
    assert recall >= 0.95


def test_round_trip_keeps_ids(tmp_path):
    vecs = unit(50, 16, 5)
    ids = np.arange(7, 57, dtype=np.int64) * 11
    index = build_vector_index(vecs, ids, IndexSettings())
    save_vector_index(index, tmp_path / "v.faiss")
    again = load_vector_index(tmp_path / "v.faiss")
    assert search(again, vecs[3], 1)[1].tolist() == [ids[3]]


@pytest.mark.parametrize("k", [1, 5, 100])
def test_k_larger_than_index(k):
    vecs = unit(5, 8, 6)
    index = build_vector_index(vecs, np.arange(5, dtype=np.int64), IndexSettings())
    _scores, got = search(index, vecs[0], k)
    assert len(got) == min(k, 5) and got[0] == 0
