"""FAISS inner-product search over unit vectors with stable int64 ids (IndexIDMap2).

Exact flat search up to ``flat_max_chunks``; HNSW above it, so one code path serves 10^2 to 10^6 chunks.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from cd38_guide.config import IndexSettings


def build_vector_index(vectors: np.ndarray, ids: np.ndarray, settings: IndexSettings):
    """A FAISS index over ``vectors`` (n x d, unit norm) labelled with ``ids``."""
    import faiss

    faiss.omp_set_num_threads(os.cpu_count() or 1)  # building uses every core (search may have set one)
    n, dim = vectors.shape
    inner: faiss.Index
    if n <= settings.flat_max_chunks:
        inner = faiss.IndexFlatIP(dim)
    else:
        hnsw = faiss.IndexHNSWFlat(dim, settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = settings.hnsw_ef_construction
        hnsw.hnsw.efSearch = settings.hnsw_ef_search
        inner = hnsw
    index = faiss.IndexIDMap2(inner)
    if n:
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.ascontiguousarray(ids, dtype=np.int64))
    return index


def index_kind(index) -> str:
    """'flat' or 'hnsw', for the manifest and the benchmark."""
    import faiss

    inner = faiss.downcast_index(index.index) if hasattr(index, "index") else index
    return "hnsw" if isinstance(inner, faiss.IndexHNSW) else "flat"


def set_ef_search(index, ef: int) -> None:
    """Set HNSW's query beam (no-op for flat indexes); efSearch is not stored in the file."""
    import faiss

    inner = faiss.downcast_index(index.index)
    if isinstance(inner, faiss.IndexHNSW):
        inner.hnsw.efSearch = ef


def search(index, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top ``k`` (scores, ids) for one query vector, best first; padding (-1) removed."""
    if index.ntotal == 0:
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
    _one_search_thread()
    scores, ids = index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), min(k, index.ntotal))
    keep = ids[0] >= 0
    return scores[0][keep], ids[0][keep]


def _one_search_thread() -> None:
    """One OpenMP thread for one query vector (a microsecond call, so made on every search).

    The pool's hand-offs cost more than searching a few thousand vectors, and on a loaded two-core PC its
    waiting threads took 5-15 ms per query (measured); building sets every core again.
    """
    import faiss

    faiss.omp_set_num_threads(1)


def save_vector_index(index, path: Path) -> None:
    """Write FAISS's own binary format (no pickle)."""
    import faiss

    faiss.write_index(index, str(path))


def load_vector_index(path: Path):
    """Read an index written by ``save_vector_index``; the caller has checked its hash."""
    import faiss

    return faiss.read_index(str(path))
