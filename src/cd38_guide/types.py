"""Shared frozen models that cross module boundaries: documents, passages, chunks, hits and answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SourceKind = Literal["consensus", "trial", "label", "guideline", "review", "glossary", "user_added"]
"""``user_added``: a document added with ``index --add``; its provenance is only what the command's flags said."""

USER_ADDED_BADGE = "user-added"
"""The badge every answer and the app show beside a passage a user added (``Citation.badge``)."""
Language = Literal["en", "zh"]

TOPICS: tuple[str, ...] = (
    "background",
    "regimen_selection",
    "dosing",
    "renal",
    "comorbidity",
    "frailty",
    "high_risk",
    "hematologic_toxicity",
    "infections",
    "infusion_reactions",
    "lab_interference",
    "definitions",
    "resistance",
    "rechallenge",
    "tcr_combinations",
)
"""The fixed topic vocabulary of corpus front matter, gold questions and evaluation breakdowns."""


class Frozen(BaseModel):
    """Base for immutable boundary models: unknown fields are refused, instances cannot change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Provenance(Frozen):
    """Where a passage comes from; every answer shows it beside the cited text."""

    source_kind: SourceKind
    citation: str = Field(description="Human-readable reference (authors, journal, year, pages).")
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    year: int | None = None
    secondary: str | None = Field(
        default=None, description="The review, label page or congress summary the passage rests on, if any."
    )

    @property
    def link(self) -> str | None:
        """The best link to open the source: DOI, then PubMed, then the URL."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return self.url


class Sentence(Frozen):
    """A sentence of a passage, with character offsets into the passage text (for highlighting)."""

    start: int
    end: int


class Passage(Frozen):
    """One ``##`` section of a corpus document: the unit of citation."""

    id: str
    document_id: str
    title: str = Field(description="The document title.")
    heading: str = Field(description="The section heading, without its id.")
    text: str
    language: Language
    topics: tuple[str, ...]
    provenance: Provenance
    translation_of: str | None = None
    notes: str | None = Field(
        default=None,
        description="Provenance note for the reader (how the passage was sourced, what was not read); shown beside "
        "the citation, never quoted as an answer.",
    )
    sentences: tuple[Sentence, ...] = ()
    path: str = Field(default="", description="Corpus file the passage was read from (for error messages).")
    line: int = Field(default=0, description="Line of the heading in that file.")

    def sentence_texts(self) -> list[str]:
        """The passage's sentences as strings, in order."""
        return [self.text[s.start : s.end] for s in self.sentences]


class Document(Frozen):
    """A corpus document: front matter plus its passages."""

    id: str
    title: str
    language: Language
    topics: tuple[str, ...]
    provenance: Provenance
    passages: tuple[Passage, ...]
    path: str = ""


class Chunk(Frozen):
    """An embedded unit: a contiguous span of one passage (never two), sized for the embedder."""

    id: str = Field(description="Passage id + '#' + ordinal, stable while the passage text is unchanged.")
    passage_id: str
    ordinal: int
    start: int = Field(description="Character offset of the chunk in the passage text.")
    end: int
    text: str
    embed_text: str = Field(description="What the embedder sees: title and heading prepended to the text.")
    sentences: tuple[Sentence, ...] = Field(description="Sentence offsets relative to the passage text.")


class Hit(Frozen):
    """A passage found by retrieval, with the scores that placed it."""

    passage_id: str
    score: float = Field(description="Fused reciprocal-rank score.")
    dense: float | None = Field(default=None, description="Best cosine similarity of the query to a chunk.")
    bm25: float | None = None
    rank: int


class Citation(Frozen):
    """A cited passage in an answer (the answer contract of the spine issue)."""

    n: int
    passage_id: str
    document_id: str
    title: str
    heading: str = ""
    source_kind: str
    citation: str
    pmid: str | None
    doi: str | None
    url: str | None
    year: int | None = None
    secondary: str | None = None
    notes: str | None = Field(
        default=None, description="The passage's provenance note, shown to the reader; never part of the answer."
    )
    language: str = "en"
    text: str
    score: float
    supporting: list[list[int]] = Field(
        default_factory=list, description="[start, end] character spans of the sentences the answer used."
    )
    badge: str | None = Field(
        default=None, description="'user-added' for a passage added with `index --add`: show it beside the citation."
    )


class AnswerSentence(Frozen):
    """One sentence of an answer: verbatim text of the passages it cites."""

    text: str
    citations: list[int]
    label: str | None = Field(
        default=None, description="Source shown before the quote when the sentence names no drug, regimen or trial."
    )


class DirectAnswer(Frozen):
    """The line an answer leads with: built from verified fact rows, in the question's language."""

    text: str
    citations: list[int]
    language: Language


class TableCell(Frozen):
    """One cell of a comparison table; ``citations`` is empty for labels and for "not in the corpus"."""

    text: str
    citations: list[int] = Field(default_factory=list)


class AnswerTable(Frozen):
    """A side-by-side table (comparisons): the same endpoints from each trial, each cell cited."""

    columns: list[str]
    rows: list[list[TableCell]]


class Answer(Frozen):
    """The answer contract shared by the CLI, the app's /ask endpoint and the evaluation."""

    id: str | None = None
    question: str
    answer: str
    abstained: bool
    sentences: list[AnswerSentence]
    citations: list[Citation]
    latency_ms: float
    language: Language = "en"
    resolved_question: str | None = Field(
        default=None, description="The question actually searched, when a follow-up was resolved."
    )
    notes: list[str] = Field(default_factory=list, description="Framing notes: evidence language, assumptions.")
    covered_topics: list[str] = Field(default_factory=list, description="Shown with an abstention.")
    patient_report: dict | None = Field(default=None, description="Rules report when the question held patient facts.")
    timings_ms: dict[str, float] = Field(default_factory=dict, description="Latency per pipeline stage.")
    direct_answer: DirectAnswer | None = Field(default=None, description="What was asked, answered first.")
    table: AnswerTable | None = Field(default=None, description="Side-by-side comparison, each cell cited.")
    intent: str | None = Field(default=None, description="What the question asks (question analysis).")
    entities: dict[str, list[str]] = Field(
        default_factory=dict, description="Drugs, regimens, trials, populations, endpoints the question names."
    )
    missing: str | None = Field(default=None, description="What the corpus lacks, on a decline or a missing side.")
