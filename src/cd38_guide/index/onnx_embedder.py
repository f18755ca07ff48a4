"""all-MiniLM-L6-v2 through onnxruntime + tokenizers: the same vectors as sentence-transformers without torch.

Importing torch and sentence-transformers costs seconds per process; a question needs a few milliseconds of
encoder. The ONNX file (written at install time by ``python -m cd38_guide.index.export_onnx``) holds the whole
pipeline (encoder, attention-masked mean pooling, L2 norm); this module only tokenizes the way
sentence-transformers does (strip, truncation at 256 word pieces, padding to the longest text) and runs it.
A test holds the vectors to cosine >= 0.999 against sentence-transformers, which stays the reference.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from cd38_guide.config import ModelSettings
from cd38_guide.errors import ModelError
from cd38_guide.index.embedder import file_sha256, locate_model_dir, shared_tokenizer

OPSET = 17
MAX_SEQ_LENGTH = 256
"""sentence-transformers' max_seq_length for all-MiniLM-L6-v2 (sentence_bert_config.json)."""
EXPORT_COMMAND = "python -m cd38_guide.index.export_onnx"
BATCH_THREADS_ABOVE = 8
"""More texts than this in one call (an index build) run on every core; a question runs on query_threads."""


class OnnxSidecar(BaseModel):
    """``<file>.onnx.json``: what an exported ONNX file is and what it came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    onnx_sha256: str
    weights_sha256: str
    model_id: str
    opset: int
    max_seq_length: int
    exporter: dict[str, str]
    fused_operators: dict[str, int] = Field(
        default_factory=dict, description="Operators the BERT optimiser fused (empty: the graph as traced)."
    )


def onnx_path(settings: ModelSettings) -> Path:
    """Where the ONNX encoder lives: ``settings.onnx_path``, else the environment's ``share/cd38-guide/``.

    The environment's share directory is written by ``make install`` (same venv as the code), survives index
    rebuilds and every ``CD38_GUIDE_HOME``, and is found again from ``sys.prefix`` at run time.
    """
    if settings.onnx_path is not None:
        return Path(settings.onnx_path)
    name = settings.model_id.rsplit("/", 1)[-1]
    return Path(sys.prefix) / "share" / "cd38-guide" / f"{name}-{settings.sha256[:12]}.onnx"


def sidecar_path(path: Path) -> Path:
    """The JSON sidecar beside an ONNX file."""
    return path.with_name(path.name + ".json")


@functools.lru_cache(maxsize=8)
def _verified_sidecar(path: Path, size: int, mtime_ns: int) -> OnnxSidecar:
    """Read the sidecar and hash the ONNX file once per process (and again only if the file changes)."""
    side = sidecar_path(path)
    try:
        sidecar = OnnxSidecar.model_validate_json(side.read_bytes())
    except (OSError, ValueError):
        raise ModelError(
            f"{side} is missing or unreadable; run `{EXPORT_COMMAND}` to export the encoder again"
        ) from None
    digest = file_sha256(path)
    if digest != sidecar.onnx_sha256:
        raise ModelError(
            f"{path} has sha256 {digest[:16]}..., its export recorded {sidecar.onnx_sha256[:16]}... "
            f"(truncated or replaced); run `{EXPORT_COMMAND} --force` to export it again"
        )
    return sidecar


def verify_onnx(path: Path, settings: ModelSettings) -> OnnxSidecar:
    """Check that ``path`` is the export of the expected weights and unaltered since.

    Raises:
        ModelError: missing file or sidecar, a hash that disagrees with the sidecar, or an export of other
            weights, opset or sequence length; the message names the command that rebuilds it.
    """
    try:
        st = path.stat()
    except OSError:
        raise ModelError(
            f"the ONNX encoder {path} is missing; run `{EXPORT_COMMAND}` (`make install` does this)"
        ) from None
    sidecar = _verified_sidecar(path, st.st_size, st.st_mtime_ns)
    if sidecar.weights_sha256 != settings.sha256:
        raise ModelError(
            f"{path} was exported from weights {sidecar.weights_sha256[:16]}..., not the expected "
            f"{settings.sha256[:16]}...; run `{EXPORT_COMMAND} --force`"
        )
    if sidecar.opset != OPSET or sidecar.max_seq_length != MAX_SEQ_LENGTH:
        raise ModelError(
            f"{path} is an export for opset {sidecar.opset} / {sidecar.max_seq_length} tokens, expected "
            f"{OPSET} / {MAX_SEQ_LENGTH}; run `{EXPORT_COMMAND} --force`"
        )
    return sidecar


def _session(path: Path, threads: int, spin: bool) -> Any:
    try:
        import onnxruntime as ort
    except ImportError:
        raise ModelError("onnxruntime is not installed; run `make install` (or pip install onnxruntime)") from None
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # warnings about unused initialisers are noise in a CLI
    # A batch (an index build) must not spin: its workers would fight the thread that chunks while the
    # sentences are embedded (an idle build with spinning workers took 22.8 s, against 17.5 s without). A
    # question's pass is a few hundred short operators, where waking a sleeping worker for each one costs
    # about a fifth of the pass; its workers spin briefly between operators and then sleep.
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


class OnnxEmbedder:
    """The bundled all-MiniLM-L6-v2 through onnxruntime; same ``Embedder`` contract as ``MiniLMEmbedder``.

    Construction checks the ONNX file against its sidecar and the expected weights (fast, no model load);
    the inference session is created on the first ``embed``. Thread-safe.
    """

    dim = 384

    def __init__(self, settings: ModelSettings | None = None, path: Path | None = None) -> None:
        self.settings = settings or ModelSettings()
        self.path = Path(path) if path is not None else onnx_path(self.settings)
        self.onnx_sha256 = verify_onnx(self.path, self.settings).onnx_sha256
        self.model_dir = locate_model_dir(self.settings)
        self.model_id = self.settings.model_id
        self.weights_sha256 = self.settings.sha256
        self._sessions: dict[tuple[int, bool], Any] = {}
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return len(shared_tokenizer(self.model_dir / "tokenizer.json").encode(text, add_special_tokens=False).ids)

    def session(self, threads: int, *, spin: bool = False) -> Any:
        """The inference session on ``threads`` threads, spinning or not (one per combination, lazily)."""
        key = (threads, spin)
        with self._lock:
            if key not in self._sessions:
                self._sessions[key] = _session(self.path, threads, spin)
            return self._sessions[key]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        tok = shared_tokenizer(self.model_dir / "tokenizer.json", max_length=MAX_SEQ_LENGTH)
        question = len(texts) <= BATCH_THREADS_ABOVE
        threads = self.settings.query_threads if question else (os.cpu_count() or 1)
        session = self.session(threads, spin=question and threads > 1)
        encodings = tok.encode_batch([str(t).strip() for t in texts])  # sentence-transformers strips too
        # Longest first, batched, as sentence-transformers does: little padding per batch.
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        step = self.settings.batch_size
        for at in range(0, len(order), step):
            rows = order[at : at + step]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            (vecs,) = session.run(
                ["sentence_embedding"],
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )
            out[rows] = vecs
        return out
