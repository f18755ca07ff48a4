"""The stock llama-index baseline: what a user would build with llama-index over the same corpus and model.

One llama-index ``Document`` per passage (metadata ``passage_id``), the default ``SentenceSplitter``,
a ``VectorStoreIndex`` in memory and ``as_retriever(similarity_top_k=10)``; embeddings come from the same
bundled all-MiniLM-L6-v2 weights through ``HuggingFaceEmbedding``. Nothing is fetched: the model is a local
folder, the hub is switched offline, and llama-index's tokenizer caches ship with llama-index-core. The
embed model is passed explicitly, so llama-index's global ``Settings`` (and its OpenAI defaults) are never
resolved or changed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cd38_guide.types import Passage

TOP_K = 10


class LlamaIndexBaseline:
    """A stock llama-index vector retriever over ``passages``; ``retrieve`` returns passage ids."""

    def __init__(self, passages: Iterable[Passage], model_dir: Path, top_k: int = TOP_K) -> None:
        self.passages = list(passages)
        self.model_dir = Path(model_dir)
        self.top_k = top_k
        self.build_seconds: float | None = None
        self.n_nodes = 0
        self.chunk_size = 0
        self.chunk_overlap = 0
        self._retriever: Any = None

    def build(self) -> LlamaIndexBaseline:
        """Embed the corpus and build the index (loads the model; a few seconds)."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from llama_index.core import Document, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        t0 = time.perf_counter()
        embed_model = HuggingFaceEmbedding(model_name=str(self.model_dir), device="cpu")
        documents = [
            # The id is bookkeeping, not content: keep it out of the embedded text, as a user would for an id.
            Document(text=p.text, id_=p.id, metadata={"passage_id": p.id}, excluded_embed_metadata_keys=["passage_id"])
            for p in self.passages
        ]
        splitter = SentenceSplitter()  # llama-index's default node parser, default settings
        self.chunk_size, self.chunk_overlap = splitter.chunk_size, splitter.chunk_overlap
        index = VectorStoreIndex.from_documents(
            documents, embed_model=embed_model, transformations=[splitter], show_progress=False
        )
        self.n_nodes = len(index.docstore.docs)
        self._retriever = index.as_retriever(similarity_top_k=self.top_k)
        self.build_seconds = time.perf_counter() - t0
        return self

    def retrieve(self, question: str) -> list[str]:
        """Passage ids of the retrieved nodes, best first, each passage once."""
        if self._retriever is None:
            self.build()
        nodes = self._retriever.retrieve(question)
        out: list[str] = []
        for n in nodes:
            pid = n.node.metadata.get("passage_id")
            if pid is not None and pid not in out:
                out.append(pid)
        return out

    def info(self) -> dict[str, object]:
        """What the baseline was, for the report's config section."""
        return {
            "node_parser": "SentenceSplitter",
            "chunk_size": self.chunk_size,
            "chunk_overlap": self.chunk_overlap,
            "similarity_top_k": self.top_k,
            "n_documents": len(self.passages),
            "n_nodes": self.n_nodes,
            "embed_model": "HuggingFaceEmbedding(bundled all-MiniLM-L6-v2)",
        }
