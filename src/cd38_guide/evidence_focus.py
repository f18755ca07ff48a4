"""Evidence focus: which passages an answer draws on, and what a question names that the evidence lacks.

Retrieval ranks by similarity; this module re-ranks toward what the question is about (the named drug,
regimen or trial, the asked endpoint, population and intent), keeps the passages that speak to each named
subject, and lists the gaps (a subject, an edge aspect, an asked endpoint or population the evidence does
not speak to) that make the composer decline and say precisely what is missing.
"""

from __future__ import annotations

import re

from cd38_guide.answer_plan import Plan
from cd38_guide.config import AnswerSettings
from cd38_guide.entity_guard import ATTRIBUTE_LABELS, EntityGuard, attribute_cue, attribute_of, found_in
from cd38_guide.question.analysis import QuestionAnalysis
from cd38_guide.sentence_selection import Candidate
from cd38_guide.types import Hit, Language

ASPECT_WINDOW = 8
"""How many of the best-scored sentences must include one that speaks to an edge aspect the question names."""

# Intents whose named drugs are the patient's history, not the subject of the question.
_HISTORY_INTENTS = frozenset({"rechallenge", "patient_case"})


# Intents whose named things are the subject of the answer (elsewhere they are context: "6 cycles into DRd ...").
_SUBJECT_INTENTS = frozenset({"outcome", "comparison", "dose", "dose_adjustment", "selection", "toxicity"})


def rerank(
    hits: list[Hit], analysis: QuestionAnalysis | None, guard: EntityGuard | None, k: int, settings: AnswerSettings
) -> list[Hit]:
    """Re-rank retrieved passages: those naming what the question is about move up, keeping ``k``.

    Retrieval ranks by similarity; a passage about lenalidomide dosing can outrank one about isatuximab for
    "isatuximab dose in renal impairment". The shift is soft (a few places per named subject, fewer for the
    asked endpoint, population or intent cue), so strong retrieval evidence still leads.
    """
    if analysis is None or guard is None:
        return hits[:k]
    about_subject = analysis.intent in _SUBJECT_INTENTS and not analysis.describes_patient
    subjects = guard.subjects(analysis) if about_subject else []
    cue_shift = settings.rerank_cue_shift
    if attribute_of(analysis) and analysis.entities.named_drugs:
        # A dose question is about each named drug's own statement, not passages naming the whole regimen.
        subjects = [s for s in subjects if s not in guard.vocab.regimens]
        cue_shift *= 2
    aux = [p for e in analysis.entities.endpoints for p in guard.vocab.endpoints.get(e, [])]
    aux += [p for e in analysis.entities.populations for p in guard.vocab.populations.get(e, [])]
    if analysis.intent in guard.vocab.intent_cues:
        aux.append(guard.vocab.intent_cues[analysis.intent])
    if not subjects and not aux:
        return hits[:k]

    def score(h: Hit) -> float:
        p = guard.passages[h.passage_id]
        named = sum(guard.passage_mentions(h.passage_id, s) for s in subjects)
        if cue_shift > settings.rerank_cue_shift:
            named = min(named, 1)
        heading = f"{p.heading} {p.title}"
        extra = sum(2 * found_in(x, heading) + found_in(x, p.text) for x in aux)
        return -h.rank + settings.rerank_subject_shift * named + cue_shift * min(extra, 3)

    ranked = sorted(hits, key=lambda h: (-score(h), h.rank))[:k]
    return [h.model_copy(update={"rank": i + 1}) for i, h in enumerate(ranked)]


def answer_passages(
    ranked: list[Hit], candidates: list[Candidate], analysis: QuestionAnalysis | None, guard: EntityGuard | None, k: int
) -> set[str]:
    """The ``k`` passages the answer draws on: the best ranked, plus, for each named subject the best ones do not
    speak to (for what was asked), the best passage that does, in place of the weakest."""
    keep = [h.passage_id for h in ranked[:k]]
    if analysis is None or guard is None or analysis.intent not in _SUBJECT_INTENTS or analysis.describes_patient:
        return set(keep)
    attribute = attribute_of(analysis)
    for subject in guard.subjects(analysis):

        def useful(c: Candidate, subject: str = subject) -> bool:
            ok = guard.sentence_about(c.pid, c.text, subject)
            return ok and (attribute is None or bool(attribute_cue(attribute, analysis.normalized).search(c.text)))

        if any(useful(c) for c in candidates if c.pid in keep):
            continue
        extra = next((c.pid for c in candidates if useful(c)), None)
        if extra is not None and extra not in keep:
            keep = [*keep[: k - 1], extra] if len(keep) >= k else [*keep, extra]
    return set(keep)


def subject_gaps(
    analysis: QuestionAnalysis,
    guard: EntityGuard,
    candidates: list[Candidate],
    plan: Plan,
    wide: list[Candidate] | None = None,
) -> list[str]:
    """Named subjects that no candidate sentence (or planned claim) is about, for what was asked.

    Aspects at the corpus's edge (another disease, a vaccine, a procedure) are checked for every question: a
    strong quote must speak to them. Named drugs, regimens and trials are checked when they are what the
    question asks about, not a patient's history.
    """
    strong = candidates[:ASPECT_WINDOW]
    aspect_gaps = [
        a
        for a in analysis.entities.aspects
        if not any(p.search(c.text) for c in strong for p in guard.vocab.aspects[a])
    ]
    attribute = attribute_of(analysis)
    subjects = guard.subjects(analysis)
    cue = guard.vocab.intent_cues.get(analysis.intent)
    if analysis.intent in _HISTORY_INTENTS or analysis.describes_patient:
        # Drugs and regimens are the patient's history; a named trial or guideline is still the source asked
        # about ("what washout does EHA-EMN recommend?"), and must speak to what was asked.
        subjects = [s for s in subjects if s in guard.vocab.trials]
        if not subjects:
            return aspect_gaps
    if attribute and analysis.entities.named_drugs:
        # A dose question is about the drugs it names, not the regimen they are given in.
        subjects = [s for s in subjects if s not in guard.vocab.regimens]
    gaps = []
    for subject in subjects:
        about = [c for c in (wide or candidates) if guard.sentence_about(c.pid, c.text, subject)]
        if attribute and subject not in guard.vocab.trials:
            about = [c for c in about if attribute_cue(attribute, analysis.normalized).search(c.text)]
            # "in renal impairment", "on dialysis": the dose statement must be for that population.
            pops = [p for e in analysis.entities.populations for p in guard.vocab.population_patterns(e)]
            if pops:
                about = [c for c in about if any(p.search(c.text) for p in pops)]
        elif any(guard.mentions(c.text, subject) for c in plan.claims if c.passage):
            continue
        elif cue is not None and subject in guard.vocab.trials:
            about = [c for c in about if cue.search(c.text)]
        if not about:
            gaps.append(subject)
    trials = [s for s in subjects if s in guard.vocab.trials]
    if len(trials) >= 2 and any(t not in gaps for t in trials):
        # "EMN/NCCN", "CASTOR or LEPUS": one named source that speaks to the question is enough.
        gaps = [g for g in gaps if g not in trials]
    return [*gaps, *aspect_gaps, *qualifier_gaps(analysis, guard, candidates, plan)]


def qualifier_gaps(
    analysis: QuestionAnalysis, guard: EntityGuard, candidates: list[Candidate], plan: Plan
) -> list[str]:
    """For a result asked of a named trial: the asked endpoint and population must be what the answer reports.

    "CEPHEUS OS HR?" with only CEPHEUS PFS in the corpus, or "BOSTON PFS after daratumumab failure" with only
    the whole-trial result, is declined as "no OS result for CEPHEUS" rather than answered with a neighbour.
    """
    v = guard.vocab
    # The named trials, else the named regimens (any source about the regimen may report the asked subgroup).
    trials = list(analysis.entities.trials) or list(analysis.entities.regimens)
    if analysis.intent != "outcome" or not trials:
        return []  # a comparison shows each side's table row and says which side lacks the subgroup
    strong = candidates[:ASPECT_WINDOW]
    gaps = []
    on_trial = {t: [c for c in strong if guard.sentence_about(c.pid, c.text, t)] for t in trials}
    claims = [c.text for c in plan.claims if c.passage]
    # Each asked endpoint and population must be reported for at least one of the named trials.
    for e in analysis.entities.endpoints:
        if e == "HR":
            continue
        pats = v.endpoints.get(e, [])
        label = v.endpoint_labels.get(e, {}).get("en", e)
        found = any(p.search(c.text) for t in trials for c in on_trial[t] for p in pats)
        if not found and not any(label in t for t in claims):
            gaps.append(f"{' / '.join(trials)} {e}")
    for pop in analysis.entities.populations:
        pats = v.population_patterns(pop)
        spec = v.population_evidence.get(pop, {})
        if spec.get("text"):
            pats.append(re.compile(spec["text"], re.IGNORECASE))
        titles = [guard.passages[c.pid].title for t in trials for c in on_trial[t]]
        texts = [*titles, *(c.text for t in trials for c in on_trial[t]), *claims]
        found = any(p.search(x) for p in pats for x in texts)
        if not found:
            gaps.append(f"{' / '.join(trials)} ({pop})")
    return gaps


def missing_text(analysis: QuestionAnalysis, gaps: list[str], lang: Language) -> str:
    attribute = attribute_of(analysis)
    label = ATTRIBUTE_LABELS[attribute][1 if lang == "zh" else 0] if attribute else None
    if label and {"renal", "dialysis"} & set(analysis.entities.populations):
        label = ("肾功能损害时的" if lang == "zh" else "renal ") + label
    names = "、".join(gaps) if lang == "zh" else " and ".join(gaps)
    if lang == "zh":
        return f"语料库中没有关于{names}的{label}说明。" if label else f"语料库中没有关于{names}、能回答此问题的证据。"
    if label:
        return f"The corpus has no {label} statement for {names}."
    return f"The corpus holds no evidence about {names} that answers this question."
