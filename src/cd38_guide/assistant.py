"""The Assistant: loads corpus, model and index once, then answers questions (single, batch, follow-up)."""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from typing import TypeVar

from cd38_guide import audit
from cd38_guide.answer import compose
from cd38_guide.answer_plan import Planner
from cd38_guide.config import Settings
from cd38_guide.corpus import Corpus, load_corpus
from cd38_guide.entity_guard import EntityGuard, found_in
from cd38_guide.errors import InputError
from cd38_guide.facts import load_facts
from cd38_guide.index.embedder import Embedder
from cd38_guide.index.store import LoadedIndex, ensure_index
from cd38_guide.question.analysis import analyse
from cd38_guide.question.queries import fallback_query, focused_queries
from cd38_guide.question.vocabulary import Vocabulary, load_vocabulary
from cd38_guide.retrieve import Retrieval, Retriever, resolve_followup
from cd38_guide.types import Answer

log = logging.getLogger(__name__)
T = TypeVar("T")

# Lone surrogates too: undecodable argv bytes (surrogateescape) or a JSON "\ud800" would crash the tokenizer.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\ud800-\udfff]")
# Invisible format characters are removed, not made spaces, so "da\u200bra\u200btu\u200bmu\u200bmab" stays one
# word: soft hyphen, Arabic letter mark, Mongolian vowel separator, zero-width space/joiners, LRM/RLM, bidi
# embeddings and isolates (U+202A-202E, U+2066-2069), word joiner and invisible operators (U+2060-2064), BOM,
# and the tag characters (U+E0000-E007F) that can hide text from a reader.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\U000e0000-\U000e007f]"
)
BYTES_PER_CHAR = 4
"""UTF-8 needs at most 4 bytes a character: the size a question may have before it is normalised."""
FALLBACK_WINDOW = 3
"""Top hits that must carry the intent's cue before the fallback query in the evidence's words is skipped."""


def clean_question(text: object, max_chars: int) -> str:
    """Normalise a user's question, or refuse it with a message that says what to do.

    The size is checked first, in bytes, before any normalisation, so a huge body costs nothing to refuse.

    Raises:
        InputError: not text, empty, or longer than ``max_chars``.
    """
    if not isinstance(text, str):
        raise InputError(f"the question must be text, not {type(text).__name__}")
    max_bytes = max_chars * BYTES_PER_CHAR
    if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise _too_long(len(text), max_chars)
    text = unicodedata.normalize("NFKC", _CONTROL.sub(" ", _INVISIBLE.sub("", text)))
    text = " ".join(text.split())
    if not text:
        raise InputError("the question is empty; type a question about anti-CD38 therapy in RRMM")
    if len(text) > max_chars:
        raise _too_long(len(text), max_chars)
    return text


def _too_long(n_chars: int, max_chars: int) -> InputError:
    return InputError(
        f"the question is {n_chars:,} characters long; the limit is {max_chars:,}. "
        "Ask about one point at a time, or paste only the relevant part."
    )


class Assistant:
    """Question answering over the corpus; thread-safe after construction, the model loads once."""

    def __init__(
        self,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self._embedder = embedder
        self._progress = progress  # called while the index is (re)built, for a progress bar
        self._lock = threading.RLock()

    def _once(self, name: str, load: Callable[[], T]) -> T:
        """Load a shared part once per Assistant even when threads (app requests, warm-up) ask together."""
        with self._lock:
            if name not in self.__dict__:
                self.__dict__[name] = load()
            return self.__dict__[name]

    @cached_property
    def corpus(self) -> Corpus:
        return self._once("corpus", lambda: load_corpus(self.settings.all_corpus_dirs))

    @cached_property
    def embedder(self) -> Embedder:
        """The ONNX encoder by default: the same vectors as sentence-transformers without importing torch."""
        if self._embedder is not None:
            return self._embedder
        from cd38_guide.index.onnx_embedder import OnnxEmbedder

        return self._once("embedder", lambda: OnnxEmbedder(self.settings.model))

    @cached_property
    def index(self) -> LoadedIndex:
        return self._once("index", lambda: ensure_index(self.corpus, self.embedder, self.settings, self._progress))

    @cached_property
    def retriever(self) -> Retriever:
        return self._once(
            "retriever",
            lambda: Retriever(
                self.corpus, self.index, self.embedder, self.settings.retrieval, self.vocabulary.known_words
            ),
        )

    @cached_property
    def vocabulary(self) -> Vocabulary:
        return self._once("vocabulary", lambda: load_vocabulary(tuple(self.corpus.glossary)))

    @cached_property
    def planner(self) -> Planner:
        def load() -> Planner:
            facts = load_facts(self.settings.all_corpus_dirs, self.corpus.passages)
            return Planner(facts, self.vocabulary, self.corpus.passages)

        return self._once("planner", load)

    @cached_property
    def guard(self) -> EntityGuard:
        return self._once("guard", lambda: EntityGuard(self.vocabulary, self.corpus.passages))

    def open(self) -> Assistant:
        """Load corpus and index (rebuilt if stale) and check the encoder: all the app needs to start serving."""
        self.index  # noqa: B018 - the cached property loads corpus, embedder and index once
        return self

    def warm(self) -> Assistant:
        """Load corpus, index, model and word lists now (the first question would otherwise pay for them)."""
        self.retriever.search("warm-up question about daratumumab dosing")
        return self

    def retrieve(self, question: str, k: int | None = None) -> Retrieval:
        """Ranked passages for a question (no answer composition)."""
        return self.retriever.search(clean_question(question, self.settings.answer.max_question_chars), k)

    def ask(self, question: str, *, history: Sequence[str] = (), k: int | None = None, id: str | None = None) -> Answer:
        """Answer ``question``; ``history`` holds earlier questions of the same chat (oldest first).

        Raises:
            InputError: empty or over-long question.
        """
        t0 = time.perf_counter()
        text = clean_question(question, self.settings.answer.max_question_chars)
        previous = history[-1] if history else None
        resolved = resolve_followup(text, previous)
        t = time.perf_counter()
        analysis = analyse(resolved or text, vocab=self.vocabulary)
        analysis_ms = (time.perf_counter() - t) * 1000
        top_k = k or self.settings.retrieval.top_k
        retrieval = self.retriever.search(analysis.normalized, max(top_k, self.settings.answer.rerank_k))
        focused = [self.retriever.search(f, top_k) for f in focused_queries(analysis, vocab=self.vocabulary)]
        fallback = fallback_query(analysis, self.vocabulary)
        cue = self.vocabulary.cue(fallback[0]) if fallback else None
        top = [self.corpus.passages[h.passage_id].text for h in retrieval.hits[:FALLBACK_WINDOW]]
        if fallback and cue and not any(found_in(cue, text) for text in top):
            focused.append(self.retriever.search(fallback[1], top_k))
        if focused:
            retrieval = self.retriever.interleave(retrieval, focused)
        t = time.perf_counter()
        comp = compose(
            retrieval, self.index, self.corpus, self.settings.answer, analysis, self.planner, self.guard, top_k
        )
        timings = {"analysis": analysis_ms, **retrieval.timings_ms}
        timings["composition"] = (time.perf_counter() - t) * 1000
        notes = list(comp.notes)
        if resolved:
            notes.append(f"Follow-up read as: {resolved}")
        patient_report = self._patient_report(text, notes)
        answer = Answer(
            id=id,
            question=text,
            answer=comp.answer,
            abstained=comp.abstained,
            sentences=comp.sentences,
            citations=comp.citations,
            latency_ms=round((time.perf_counter() - t0) * 1000, 3),
            language=retrieval.query.language,
            resolved_question=resolved,
            notes=notes,
            covered_topics=comp.covered_topics,
            patient_report=patient_report,
            timings_ms={k: round(v, 3) for k, v in timings.items()},
            direct_answer=comp.direct_answer,
            table=comp.table,
            intent=analysis.intent,
            entities={k: list(v) for k, v in analysis.entities.model_dump().items() if v},
            missing=comp.missing,
        )
        audit.record_ask(answer)  # no-op unless CD38_GUIDE_AUDIT is set; never raises
        return answer

    @staticmethod
    def _patient_report(question: str, notes: list[str]) -> dict | None:
        """Run the rules core only when the question describes a patient; say what was read and what is unknown.

        The report gains ``profile`` (the facts as a ``check`` input) and ``unknown`` (fields not stated), so a
        reader sees exactly what the verdicts rest on.
        """
        from cd38_guide.question.patient import read_patient
        from cd38_guide.rules import check_patient, field_label

        try:
            reading = read_patient(question)
        except InputError as err:
            notes.append("Patient facts were found but do not form a valid profile: " + "; ".join(err.lines))
            return None
        if reading is None:
            return None
        notes.append("Patient facts read from the question: " + "; ".join(reading.read) + ".")
        notes.extend(f"Assumed: {n}" for n in reading.notes)
        if reading.unknown:
            unknown = ", ".join(field_label(f, "en") for f in reading.unknown)
            notes.append(f"Patient facts not stated, left unknown: {unknown}.")
        report = check_patient(reading.profile).model_dump(mode="json")
        return {**report, "profile": reading.profile.model_dump(mode="json", exclude_defaults=True)}

    def ask_batch(self, items: Iterable[tuple[str | None, str]], k: int | None = None) -> Iterator[Answer]:
        """Answer (id, question) pairs in order with one loaded model; a bad question raises InputError."""
        for qid, question in items:
            yield self.ask(question, k=k, id=qid)
