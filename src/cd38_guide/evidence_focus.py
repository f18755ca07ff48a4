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
from cd38_guide.evidence_cutoffs import cutoff_gaps
from cd38_guide.evidence_doses import (
    DOSE_STATED,
    dose_rule_gaps,
    regimen_dose_gaps,
)
from cd38_guide.evidence_qualifiers import (
    INTERVAL_ASPECT,
    combination_gaps,
    definition_gaps,
    interference_gaps,
    interval_gaps,
)
from cd38_guide.evidence_subgroups import (
    ASPECT_WINDOW,
    EXCLUSION,
    design_gaps,
    population_gaps,
    qualifier_gaps,
    supportive_gaps,
)
from cd38_guide.question.analysis import QuestionAnalysis
from cd38_guide.sentence_selection import DESIGN, RESULT, Candidate
from cd38_guide.types import Hit, Language

# Where a passage on how a study was built says so: its heading ("Design and eligibility") or its wording.
_DESIGN_HEADING = re.compile(r"\bdesign\b|\bpopulation\b|eligib|enrol|\brandomi[sz]ed \d", re.IGNORECASE)

_DESIGN_OR_SHARE = re.compile(rf"{DESIGN.pattern}|\d+(\.\d+)?\s*%", re.IGNORECASE)

_ASKS_ENTRY = re.compile(r"eligib|exclu|enrol|criteri|allowed (in|into)|入组|排除|纳入", re.IGNORECASE)

# Intents whose named drugs are the patient's history, not the subject of the question.
_HISTORY_INTENTS = frozenset({"rechallenge", "patient_case"})


# Intents whose named things are the subject of the answer (elsewhere they are context: "6 cycles into DRd ...").
_SUBJECT_INTENTS = frozenset({"outcome", "comparison", "dose", "dose_adjustment", "selection", "toxicity"})


def _focus_subjects(analysis: QuestionAnalysis, guard: EntityGuard) -> list[str]:
    """What the evidence must be about: the named things when they are the question's subject; otherwise (a
    patient case, a general question) only a named trial or guideline, the source asked about whatever the
    intent ("what does the consensus say about high-risk patients?" is not answered from another consensus)."""
    if analysis.intent in _SUBJECT_INTENTS and not analysis.describes_patient:
        return guard.subjects(analysis)
    return list(analysis.entities.trials)


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
    subjects = _focus_subjects(analysis, guard)
    cue_shift = settings.rerank_cue_shift
    if attribute_of(analysis) and analysis.entities.named_drugs:
        # A dose question is about each named drug's own statement, not passages naming the whole regimen.
        subjects = [s for s in subjects if s not in guard.vocab.regimens]
        cue_shift *= 2
    aux = [p for e in analysis.entities.endpoints for p in guard.vocab.endpoints.get(e, [])]
    aux += [p for e in analysis.entities.populations for p in guard.vocab.populations.get(e, [])]
    aux += guard.vocab.cues(analysis.intent, analysis.entities.attributes)
    if len(analysis.entities.routes) == 1:  # "SC dara IRR rate?": the subcutaneous passages move up
        aux += guard.vocab.routes.get(analysis.entities.routes[0], [])
    if not subjects and not aux and not analysis.asks_design:
        return hits[:k]
    # Two or more populations ("refractory to len and to an anti-CD38"): the passage about all of them at once
    # answers the question; one about a single population answers another.
    pops = [guard.vocab.populations.get(e, []) for e in analysis.entities.populations]
    joint = [x for x in pops if x] if len(pops) >= 2 and not analysis.entities.trials else []

    def score(h: Hit) -> float:
        p = guard.passages[h.passage_id]
        named = sum(guard.passage_mentions(h.passage_id, s) for s in subjects)
        if cue_shift > settings.rerank_cue_shift:
            named = min(named, 1)
            # "Carfilzomib dose with isatuximab in IKEMA?": the trial's own passage, before a label naming a drug.
            if not analysis.describes_patient:
                named += any(guard.passage_about(h.passage_id, t) for t in analysis.entities.trials)
        heading = f"{p.heading} {p.title}"
        extra = sum(2 * found_in(x, heading) + found_in(x, p.text) for x in aux)
        if joint and all(any(x.search(p.text) for x in pats) for pats in joint):
            named += 1
        if analysis.asks_design and _DESIGN_HEADING.search(p.heading):
            named += 1  # "how many pts per arm?": the design passage, whatever its similarity rank
        if analysis.intent == "interference" and not extra:
            named = 0  # "how did ICARIA-MM handle IFE interference?": not the trial's neutropenia passage
        return -h.rank + settings.rerank_subject_shift * named + cue_shift * min(extra, 3)

    ranked = sorted(hits, key=lambda h: (-score(h), h.rank))[:k]
    return [h.model_copy(update={"rank": i + 1}) for i, h in enumerate(ranked)]


def answer_passages(
    ranked: list[Hit], candidates: list[Candidate], analysis: QuestionAnalysis | None, guard: EntityGuard | None, k: int
) -> set[str]:
    """The ``k`` passages the answer draws on: the best ranked, plus, for each named subject the best ones do not
    speak to (for what was asked), the best passage that does, in place of the weakest."""
    keep = [h.passage_id for h in ranked[:k]]
    if analysis is None or guard is None:
        return set(keep)
    attribute = attribute_of(analysis)
    for subject in _focus_subjects(analysis, guard):

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
    concepts: list[list[str]] | None = None,
) -> list[str]:
    """Named subjects that no candidate sentence (or planned claim) is about, for what was asked.

    Aspects at the corpus's edge (another disease, a vaccine, a procedure) are checked for every question: a
    strong quote must speak to them. Named drugs, regimens and trials are checked when they are what the
    question asks about, not a patient's history.
    """
    strong = candidates[:ASPECT_WINDOW]
    subjects = guard.subjects(analysis)
    # With a named subject, the sentence speaking to the aspect must be about it ("elranatamab in plasma cell
    # leukaemia?" is not answered by another trial's exclusion list).
    named = [s for s in subjects if s not in guard.refractory_drugs(analysis.entities.populations)]
    # ... or about one of a named regimen's drugs (daratumumab's HBV advice speaks for DKd).
    parts = [d for s in named if s in guard.vocab.regimens for d in guard.foreground(guard.vocab.regimens[s].drugs)]
    # A trial excluding the aspect ("... or active AL amyloidosis were excluded") speaks to it only for a question
    # about who was eligible, not for "isatuximab in AL amyloidosis?".
    about_entry = analysis.asks_design or bool(_ASKS_ENTRY.search(analysis.normalized))
    speaking = [c for c in strong if about_entry or not EXCLUSION.search(c.text)]

    def speaks(a: str, c: Candidate) -> bool:
        return any(p.search(c.text) for p in guard.vocab.aspect_evidence.get(a, guard.vocab.aspects[a]))

    aspect_gaps = [
        *interval_gaps(analysis, guard, speaking, plan, concepts or []),
        *(
            # "HBV with isatuximab?": the corpus speaks of HBV for daratumumab only; the gap names the drug asked.
            f"{named[0]} ({a})" if named and any(speaks(a, c) for c in speaking) else a
            for a in analysis.entities.aspects
            if a != INTERVAL_ASPECT  # see interval_gaps
            and not any(
                speaks(a, c) and (not named or any(guard.speaks_of(c.pid, c.text, s) for s in [*named, *parts]))
                for c in speaking
            )
        ),
    ]
    attribute = attribute_of(analysis)
    # "IRAKLIA washout before entry?": asked of a trial's design, its eligibility sentence answers.
    # A result asked of a named trial needs a result sentence (not the label's passing mention of IMROZ).
    # A baseline share asked ("what share of CARTITUDE-1 patients were dara-refractory?") is design too.
    cue = _DESIGN_OR_SHARE if analysis.asks_design else guard.vocab.intent_cues.get(analysis.intent)
    if cue is None and analysis.intent == "outcome":
        cue = RESULT
    if analysis.intent in _HISTORY_INTENTS or analysis.describes_patient:
        # Drugs and regimens are the patient's history; a named trial or guideline is still the source asked
        # about ("what washout does EHA-EMN recommend?"), and must speak to what was asked.
        subjects = [s for s in subjects if s in guard.vocab.trials]
        if not subjects:
            dose_gaps = [
                *regimen_dose_gaps(analysis, guard, speaking),
                *dose_rule_gaps(analysis, guard, speaking),
            ]
            return [*aspect_gaps, *dose_gaps]
    if attribute and analysis.entities.named_drugs:
        # A dose question is about the drugs it names, not the regimen they are given in.
        subjects = [s for s in subjects if s not in guard.vocab.regimens]
    gaps = []
    for subject in subjects:
        # A source with no document of its own (NCCN, ESMO) speaks only where a strong quote cites it on the point
        # ("What does NCCN recommend after dara failure?" is not answered by the EMN's mention of an NCCN schedule).
        trial = guard.vocab.trials.get(subject)
        pool = strong if trial is not None and trial.document is None else (wide or candidates)
        about = [c for c in pool if guard.sentence_about(c.pid, c.text, subject)]
        if attribute and subject not in guard.vocab.trials:
            about = [c for c in about if attribute_cue(attribute, analysis.normalized).search(c.text)]
            # "in renal impairment", "on dialysis": the dose statement must be for that population (one asked: a
            # described patient's age is the case, not a dose asked for the elderly).
            pops = [
                p
                for e in analysis.asked_populations
                if _doses_differ(guard, e)
                for p in guard.vocab.population_patterns(e)
            ]
            if pops:
                about = [c for c in about if any(p.search(c.text) for p in pops)]
        elif any(guard.mentions(c.text, subject) for c in plan.claims if c.passage):
            continue
        elif cue is RESULT and _is_guideline(guard, subject):
            pass  # a consensus or guideline has statements, not results
        elif attribute in ("dose", "dose_adjustment") and subject in guard.vocab.trials:
            # "What dara dose did the DARE dialysis patients get?": a dose the trial states, not its design.
            about = [c for c in about if DOSE_STATED.search(c.text)]
        elif cue is not None and subject in guard.vocab.trials:
            # ... or reports the endpoint asked ("dara SC vs IV IRR?": "administration-related reactions ...").
            asked = [p for e in analysis.entities.endpoints for p in guard.vocab.endpoints.get(e, [])]
            about = [c for c in about if cue.search(c.text) or any(p.search(c.text) for p in asked)]
        if _is_guideline(guard, subject) and _RECOMMENDATION_ASKED.search(analysis.normalized):
            # "What does IMWG 2021 recommend at first relapse for len-refractory disease?": the guideline's own
            # advice for the group asked, not its scope or the trials behind it.
            pops = [p for e in analysis.entities.populations for p in guard.vocab.population_patterns(e)]
            about = [c for c in about if _ADVISES.search(c.text) and (not pops or any(p.search(c.text) for p in pops))]
            # ... and, asked to choose between regimens ("DKd or IsaKd?"), advice naming one of them.
            regimens = analysis.entities.regimens
            about = [c for c in about if not regimens or any(guard.mentions(c.text, r) for r in regimens)]
        if not about:
            gaps.append(subject)
    trials = [s for s in subjects if s in guard.vocab.trials]
    if len(trials) >= 2 and any(t not in gaps for t in trials):
        # "EMN/NCCN", "CASTOR or LEPUS": one named source that speaks to the question is enough.
        gaps = [g for g in gaps if g not in trials]
    found = [
        *gaps,
        *aspect_gaps,
        *population_gaps(analysis, guard, candidates, plan),
        *supportive_gaps(analysis, guard, candidates[:ASPECT_WINDOW]),
        *dose_rule_gaps(analysis, guard, candidates[:ASPECT_WINDOW]),
        *design_gaps(analysis, guard, candidates[:ASPECT_WINDOW]),
        *qualifier_gaps(analysis, guard, candidates, plan),
        *cutoff_gaps(analysis, guard),
        *combination_gaps(analysis, guard, candidates[:ASPECT_WINDOW], plan),
        *interference_gaps(analysis, guard, candidates[:ASPECT_WINDOW]),
        *definition_gaps(analysis, guard, candidates[:ASPECT_WINDOW]),
    ]
    return list(dict.fromkeys(found))  # two checks may find the same gap ("daratumumab (t(11;14))")


_RECOMMENDATION_ASKED = re.compile(r"\b(recommend\w*|advis\w*|suggest\w*|prefer\w*|endorse\w*)\b|推荐|建议|首选", re.I)
_ADVISES = re.compile(
    r"\b(recommend\w*|advis\w*|suggest\w*|should|reserved|allow\w*|consider\w*|prefer\w*|support\w*|emphasi\w*"
    r"|guidance|feasib\w*|utility)\b",
    re.I,
)
"""What a guideline's advice is asked with, and what its advice reads like (the consensus abstract "supports" and
"emphasizes"; the IMWG "recommends", "allows", "reserves")."""


def _is_guideline(guard: EntityGuard, subject: str) -> bool:
    """Is the named source a consensus or guideline document (its passages' source kind)?"""
    trial = guard.vocab.trials.get(subject)
    kinds = {p.provenance.source_kind for p in guard.passages.values() if trial and p.document_id == trial.document}
    return bool(kinds) and kinds <= {"consensus", "guideline"}


def _doses_differ(guard: EntityGuard, population: str) -> bool:
    """Is a dose stated separately for this population (renal impairment, dialysis, 75 or older)?"""
    v = guard.vocab
    return any(
        v.population_evidence.get(p, {}).get("dosing") for p in (population, *v.population_broader.get(population, []))
    )


_SUBJECT_IN = re.compile(r"(.+) \((.+)\)")
"""A gap of a subject in a population: "daratumumab (extramedullary)"."""


def _ending_named(gap: str, labels: dict[str, str]) -> str:
    """ "IRAKLIA injection-site reactions" with the event in Chinese, where the vocabulary names it."""
    for name, label in labels.items():
        if gap.endswith(" " + name):
            return f"{gap[: -len(name) - 1]} {label}"
    return gap


def missing_text(
    analysis: QuestionAnalysis,
    gaps: list[str],
    lang: Language,
    aspect_labels: dict[str, str] | None = None,
    population_labels: dict[str, dict[str, str]] | None = None,
) -> str:
    """What the corpus lacks, in the question's language ("no renal dose-adjustment statement for isatuximab")."""
    aspects = set(analysis.entities.aspects)
    attribute = attribute_of(analysis) if not set(gaps) <= aspects else None  # an aspect is not a drug's dose
    label = ATTRIBUTE_LABELS[attribute][1 if lang == "zh" else 0] if attribute else None
    # "daratumumab (anti-CD38-exposed)" already says "anti-CD38-exposed": it is not listed twice.
    gaps = [g for g in gaps if not any(f"({g})" in other for other in gaps if other != g)]
    # ... and "isatuximab" missing already says "isatuximab (dialysis)" is; "Pan-Pacific consensus herpes zoster"
    # says "Pan-Pacific consensus" is.
    gaps = [g for g in gaps if not ((m := _SUBJECT_IN.fullmatch(g)) and m[1] in gaps)]
    gaps = [g for g in gaps if not any(other.startswith(g + " ") or other.endswith(" " + g) for other in gaps)]
    if lang == "zh" and aspect_labels:
        gaps = [
            aspect_labels.get(g, g)
            if g in aspects
            else f"{m[1]} ({aspect_labels.get(m[2], m[2])})"
            if (m := _SUBJECT_IN.fullmatch(g)) and m[2] in aspects
            else _ending_named(g, aspect_labels)
            for g in gaps
        ]
    if population_labels:  # "extramedullary disease", "isatuximab (慢阻肺)", not the analysis's keys
        pops = set(analysis.entities.populations)

        def named(pop: str) -> str:
            return population_labels.get(pop, {}).get(lang, pop) if pop in pops else pop

        gaps = [
            f"{m[1]} ({named(m[2])})" if (m := _SUBJECT_IN.fullmatch(g)) and m[2] in pops else named(g) for g in gaps
        ]
    if label and {"renal", "dialysis"} & set(analysis.entities.populations):
        label = ("肾功能损害时的" if lang == "zh" else "renal ") + label
    names = "、".join(gaps) if lang == "zh" else " and ".join(gaps)
    if lang == "zh":
        return f"语料库中没有关于{names}的{label}说明。" if label else f"语料库中没有关于{names}、能回答此问题的证据。"
    if label:
        return f"The corpus has no {label} statement for {names}."
    return f"The corpus holds no evidence about {names} that answers this question."
