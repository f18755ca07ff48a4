"""The entity guard: never answer a question about one drug, regimen or trial with evidence about another.

A question that names something (isatuximab, DKd, CANDOR) is answered only from passages and sentences
about it; when the corpus holds nothing about that thing for what was asked, the assistant declines and
says precisely what is missing, and what it does hold instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from cd38_guide.question.analysis import QuestionAnalysis
from cd38_guide.question.history import history_drug
from cd38_guide.question.vocabulary import Vocabulary, term_pattern
from cd38_guide.types import Passage

# A statement about anti-CD38 antibodies as a class is about each of them.
CLASS_MENTION = {"anti_cd38": re.compile(r"anti-?CD38|CD38 (monoclonal )?antibod|抗CD38", re.IGNORECASE)}
# An amount of a drug given (not a concentration measured, "IgG below 400 mg/dL"), and where a clause ends.
AMOUNT = re.compile(r"\d+(?:[./]\d+)? ?(?:mg/kg|mg/m|mg(?!/d?L)|units)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,;]\s")

# Drugs that appear in nearly every regimen: naming them does not make a question about them.
_BACKGROUND_DRUGS = frozenset({"dexamethasone"})

ATTRIBUTE_CUES: dict[str, re.Pattern[str]] = {
    "dose_adjustment": re.compile(
        r"dose[- ](adjust|reduc|modif)|adjust\w* (the )?dose|no dose adjustment|starting dose|reduced dose|"
        r"(not|never) (be )?(dose[- ])?reduced|dose is delayed|delay(ed|ing)?,? not reduc|"
        r"\breduc\w*\b[^.]{0,50}\b\d+ ?mg\b|\bfrom \d+ ?mg to \d+ ?mg|\d+ ?mg\b.*"
        r"(crcl|creatinine clearance|dialysis|renal)|(crcl|creatinine clearance|dialysis|renal).*\d+ ?mg\b",
        re.IGNORECASE,
    ),
    # (an amount given, not a concentration measured: "IgG below 400 mg/dL" is no dose)
    "dose": re.compile(r"\d+(\.\d+)? ?(mg/kg|mg/m|mg(?!/d?L)|mL|units)\b|\d+(\.\d+)? ?(hours?|minutes?)\b", re.I),
}
# A question about route or schedule (not an amount) is answered by a sentence about route or schedule.
_ROUTE_OR_SCHEDULE = re.compile(
    r"subcutaneous|intravenous|on-body|injector|weekly|every \d+ weeks|infusion|formulation|at home", re.IGNORECASE
)
_ASKS_AMOUNT = re.compile(r"\bdose\b|dosing|\bmg\b|how much|剂量|用量|(?<!费)用多少|多少(mg|毫克)", re.IGNORECASE)


@lru_cache(maxsize=65536)
def found_in(pattern: re.Pattern[str], text: str) -> bool:
    """``pattern.search(text)``, memoised: composition asks the vocabulary's fixed patterns (endpoints,
    populations, intent cues) of the same corpus sentences and passages question after question."""
    return pattern.search(text) is not None


def attribute_cue(attribute: str, question: str) -> re.Pattern[str]:
    """The cue a sentence must carry to answer ``attribute``: an amount when one is asked, else route/schedule."""
    if attribute == "dose" and not _ASKS_AMOUNT.search(question):
        return _ROUTE_OR_SCHEDULE
    return ATTRIBUTE_CUES[attribute]


ATTRIBUTE_LABELS = {
    "dose_adjustment": ("dose-adjustment", "剂量调整"),
    "dose": ("dosing", "剂量"),
}


class EntityGuard:
    """Checks that evidence is about what the question names."""

    def __init__(self, vocab: Vocabulary, passages: dict[str, Passage]) -> None:
        self.vocab = vocab
        self.passages = passages
        # Pure functions of (text, subject) over a fixed vocabulary: cached, since composition asks often.
        self.mentions = lru_cache(maxsize=65536)(self._mentions)  # type: ignore[method-assign]
        self.passage_mentions = lru_cache(maxsize=16384)(self._passage_mentions)  # type: ignore[method-assign]
        self.passage_about = lru_cache(maxsize=16384)(self._passage_about)  # type: ignore[method-assign]
        self._all_drugs = lru_cache(maxsize=32768)(self._drugs_named)
        self.names_something = lru_cache(maxsize=32768)(self._names_something)  # type: ignore[method-assign]
        self.doses = lru_cache(maxsize=32768)(self._doses)
        self._dois: dict[str, set[str]] = {}  # document -> its DOIs (a translation shares its original's)
        for q in passages.values():
            if q.provenance.doi:
                self._dois.setdefault(q.document_id, set()).add(q.provenance.doi)

    def subjects(self, analysis: QuestionAnalysis) -> list[str]:
        """What the answer must be about: named trials, regimens and drugs (not dexamethasone)."""
        e = analysis.entities
        history = self.refractory_drugs(e.populations)
        # Dexamethasone is in nearly every regimen; it is the subject only when its own dose is asked.
        background = frozenset() if analysis.intent in ("dose", "dose_adjustment") else _BACKGROUND_DRUGS
        drugs = [d for d in e.named_drugs if d not in background and d not in history]
        # "Does prior daratumumab exposure reduce response to teclistamab?": teclistamab is asked about.
        asked = [d for d in drugs if not history_drug(analysis.normalized, d, self.vocab)]
        drugs = asked if self.foreground(asked) else drugs
        return list(dict.fromkeys([*e.trials, *e.regimens, *drugs]))

    def refractory_drugs(self, populations: Iterable[str]) -> set[str]:
        """Drugs the disease is refractory to: history, not what is asked about (see Vocabulary)."""
        return self.vocab.refractory_drugs(populations)

    def _mentions(self, text: str, subject: str) -> bool:
        """Does ``text`` name ``subject`` (by any alias; a regimen also when all its drugs are spelled out)?"""
        v = self.vocab
        if subject in v.trial_patterns:
            return any(p.search(text) for p in v.trial_patterns[subject])
        if subject in v.regimen_patterns:
            if any(p.search(text) for p in v.regimen_patterns[subject]):
                return True
            drugs = [d for d in v.regimens[subject].drugs if d not in _BACKGROUND_DRUGS]
            return all(any(p.search(text) for p in v.drug_names(d)) for d in drugs)
        class_pattern = CLASS_MENTION.get(v.drug_class.get(subject, ""))
        if class_pattern is not None and class_pattern.search(text):
            return True
        return any(p.search(text) for p in v.drug_names(subject))

    def _passage_mentions(self, pid: str, subject: str) -> bool:
        """Does the passage name ``subject`` anywhere (its trial's document, title, heading or text)?"""
        p = self.passages[pid]
        return self.passage_about(pid, subject) or self._named_here(pid, p.text, subject)

    def _passage_about(self, pid: str, subject: str) -> bool:
        """Is the passage about ``subject``: its document is the trial's, or its title or heading names it."""
        p = self.passages[pid]
        trial = self.vocab.trials.get(subject)
        if trial is not None and trial.document == p.document_id:
            return True
        return self._named_here(pid, f"{p.title} {p.heading}", subject)

    def _named_here(self, pid: str, text: str, subject: str) -> bool:
        """Does ``text`` of passage ``pid`` name ``subject``? "The consensus" names the Pan-Pacific consensus only
        in its own document's passages (elsewhere it is the EMN's or the IMWG's)."""
        trial = self.vocab.trials.get(subject)
        if trial is not None and trial.local_aliases and not self._own_document(pid, trial.document):
            return any(p.search(text) for p in trial.elsewhere)
        return self.mentions(text, subject)

    def _own_document(self, pid: str, document: str | None) -> bool:
        """Is passage ``pid`` of ``document``, or of a translation of it (the same DOI: the Chinese abstract)?"""
        p = self.passages[pid]
        return p.document_id == document or p.provenance.doi in self._dois.get(document or "", set())

    def sentence_about(self, pid: str, sentence: str, subject: str) -> bool:
        """A sentence is about ``subject`` when it names it, or its passage is about it and it names no rival."""
        if self._named_here(pid, sentence, subject):
            return True
        if not self.passage_about(pid, subject):
            return False
        return not any(self.mentions(sentence, r) for r in self.rivals(subject))

    def speaks_of(self, pid: str, sentence: str, subject: str) -> bool:
        """``sentence_about``, except that a class mention speaks for the drug only in a sentence about the class:
        "approval to linvoseltamab ... after an anti-CD38 monoclonal antibody" is about linvoseltamab."""
        if not self.sentence_about(pid, sentence, subject):
            return False
        cls = self.vocab.drug_class.get(subject)
        if cls is None or any(p.search(sentence) for p in self.vocab.drug_names(subject)):
            return True
        others = self.foreground(self.drugs_in(sentence)) - {subject}
        return not any(self.vocab.drug_class.get(d) not in (cls, "supportive") for d in others)

    def rivals(self, subject: str) -> list[str]:
        """Drugs of the same class as ``subject`` (lenalidomide is a rival of pomalidomide, not of daratumumab)."""
        cls = self.vocab.drug_class.get(subject)
        if cls is None:
            return []
        return [d for d, c in self.vocab.drug_class.items() if c == cls and d != subject]

    def drugs_in(self, text: str, candidates: Iterable[str] | None = None) -> list[str]:
        """Drugs of the vocabulary that ``text`` names (all of them, or those among ``candidates``)."""
        named = self._all_drugs(text)
        return list(named) if candidates is None else [d for d in candidates if d in named]

    def foreground(self, drugs: Iterable[str]) -> set[str]:
        """``drugs`` besides the steroid backbone, which is in every regimen and speaks for none."""
        return {d for d in drugs if self.vocab.drug_class.get(d) != "steroid"}

    def foreground_drugs(self, text: str) -> set[str]:
        """The drugs ``text`` names, the steroid backbone aside."""
        return self.foreground(self.drugs_in(text))

    def _names_something(self, text: str) -> bool:
        """Does ``text`` name a drug, regimen or trial of the vocabulary, or CD38 itself?

        Asked of every quoted sentence (does it need its source's name before it?); cached per text.
        """
        v = self.vocab
        return bool(
            self.drugs_in(text)
            or "CD38" in text
            or any(p.search(text) for ps in v.trial_patterns.values() for p in ps)
            or any(p.search(text) for ps in v.regimen_patterns.values() for p in ps)
        )

    def _doses(self, text: str, drug: str) -> bool:
        """Does ``text`` give an amount of ``drug``: an amount whose drug, in its clause, is ``drug``?

        An amount belongs to the drug named last before it in its clause, else to the first after it, else (a
        clause naming no drug) to the last named before it:
        "Carfilzomib was given twice weekly at 20/56 mg/m², intravenous daratumumab as 8 mg/kg" doses both;
        "daratumumab 1800 mg plus carfilzomib" and "isatuximab 10 mg/kg with carfilzomib" dose no carfilzomib.
        """
        names = sorted(
            (m.start(), m.end(), d)
            for d in self.drugs_in(text)
            for p in self.vocab.drug_names(d)
            for m in p.finditer(text)
        )
        for amount in AMOUNT.finditer(text):
            start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, amount.start())), default=0)
            end = next((m.start() for m in _CLAUSE_END.finditer(text, amount.end())), len(text))
            before = [d for a, b, d in names if start <= a and b <= amount.start()]
            after = [d for a, b, d in names if amount.end() <= a and b <= end]
            # No drug in its clause ("reduced dexamethasone for older patients, typically from 40 mg to 20 mg"):
            # the drug named last before it.
            earlier = [d for a, b, d in names if b <= amount.start()]
            owner = before[-1] if before else after[0] if after else earlier[-1] if earlier else None
            if owner == drug:
                return True
        return False

    def _drugs_named(self, text: str) -> tuple[str, ...]:
        return tuple(d for d in self.vocab.drug_class if any(p.search(text) for p in self.vocab.drug_names(d)))


def attribute_of(analysis: QuestionAnalysis) -> str | None:
    """The attribute a dose question asks about, if the guard checks one."""
    if analysis.intent in ATTRIBUTE_CUES:
        return analysis.intent
    return None


def regimen_drugs_asked(analysis: QuestionAnalysis, guard: EntityGuard) -> set[str]:
    """The drugs of a regimen whose dose is asked ("on dialysis: IsaKd at full dose?"), the steroid backbone aside;
    empty for other questions."""
    if analysis.intent not in ("dose", "dose_adjustment") or not analysis.entities.regimens:
        return set()
    return guard.foreground(analysis.entities.drugs)


__all__ = [
    "AMOUNT",
    "ATTRIBUTE_CUES",
    "ATTRIBUTE_LABELS",
    "CLASS_MENTION",
    "EntityGuard",
    "attribute_cue",
    "attribute_of",
    "found_in",
    "regimen_drugs_asked",
    "term_pattern",
]
