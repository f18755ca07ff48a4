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
from cd38_guide.evidence_qualifiers import (
    INTERVAL_ASPECT,
    asked_qualifiers,
    combination_gaps,
    interference_gaps,
    interval_gaps,
    regimen_dose_gaps,
)
from cd38_guide.question.analysis import QuestionAnalysis
from cd38_guide.sentence_selection import DESIGN, RESULT, Candidate
from cd38_guide.types import Hit, Language

ASPECT_WINDOW = 8
"""How many of the best-scored sentences must include one that speaks to an edge aspect the question names."""

# Where a passage on how a study was built says so: its heading ("Design and eligibility") or its wording.
_DESIGN_HEADING = re.compile(r"\bdesign\b|\bpopulation\b|eligib|enrol|\brandomi[sz]ed \d", re.IGNORECASE)

_ASKS_ENTRY = re.compile(r"eligib|exclu|enrol|criteri|allowed (in|into)|入组|排除|纳入", re.IGNORECASE)
_EXCLUSION = re.compile(r"\bexclu(ded|sion|sions|ding)\b|\bineligible\b|\bnot eligible\b", re.IGNORECASE)

# How often an adverse event occurs, or whether a drug causes it.
_ASKS_RATE = re.compile(
    r"\b(rates?|incidence|how (common|often|frequent)|frequency|risk of|cause[sd]?|associated with)\b"
    r"|发生率|多常见|常见吗|会引起|会导致|引起.{0,6}吗",
    re.IGNORECASE,
)

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
        heading = f"{p.heading} {p.title}"
        extra = sum(2 * found_in(x, heading) + found_in(x, p.text) for x in aux)
        if joint and all(any(x.search(p.text) for x in pats) for pats in joint):
            named += 1
        if analysis.asks_design and _DESIGN_HEADING.search(p.heading):
            named += 1  # "how many pts per arm?": the design passage, whatever its similarity rank
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
    # A trial excluding the aspect ("... or active AL amyloidosis were excluded") speaks to it only for a question
    # about who was eligible, not for "isatuximab in AL amyloidosis?".
    about_entry = analysis.asks_design or bool(_ASKS_ENTRY.search(analysis.normalized))
    speaking = [c for c in strong if about_entry or not _EXCLUSION.search(c.text)]
    aspect_gaps = [
        *interval_gaps(analysis, guard, speaking, plan, concepts or []),
        *(
            a
            for a in analysis.entities.aspects
            if a != INTERVAL_ASPECT  # see interval_gaps
            and not any(
                p.search(c.text) and (not named or any(guard.sentence_about(c.pid, c.text, s) for s in named))
                for c in speaking
                for p in guard.vocab.aspect_evidence.get(a, guard.vocab.aspects[a])
            )
        ),
    ]
    attribute = attribute_of(analysis)
    # "IRAKLIA washout before entry?": asked of a trial's design, its eligibility sentence answers.
    # A result asked of a named trial needs a result sentence (not the label's passing mention of IMROZ).
    cue = DESIGN if analysis.asks_design else guard.vocab.intent_cues.get(analysis.intent)
    if cue is None and analysis.intent == "outcome":
        cue = RESULT
    if analysis.intent in _HISTORY_INTENTS or analysis.describes_patient:
        # Drugs and regimens are the patient's history; a named trial or guideline is still the source asked
        # about ("what washout does EHA-EMN recommend?"), and must speak to what was asked.
        subjects = [s for s in subjects if s in guard.vocab.trials]
        if not subjects:
            return [*aspect_gaps, *regimen_dose_gaps(analysis, guard, speaking)]
    if attribute and analysis.entities.named_drugs:
        # A dose question is about the drugs it names, not the regimen they are given in.
        subjects = [s for s in subjects if s not in guard.vocab.regimens]
    gaps = []
    for subject in subjects:
        about = [c for c in (wide or candidates) if guard.sentence_about(c.pid, c.text, subject)]
        if attribute and subject not in guard.vocab.trials:
            about = [c for c in about if attribute_cue(attribute, analysis.normalized).search(c.text)]
            # "in renal impairment", "on dialysis": the dose statement must be for that population.
            pops = [
                p
                for e in analysis.entities.populations
                if _doses_differ(guard, e)
                for p in guard.vocab.population_patterns(e)
            ]
            if pops:
                about = [c for c in about if any(p.search(c.text) for p in pops)]
        elif any(guard.mentions(c.text, subject) for c in plan.claims if c.passage):
            continue
        elif cue is RESULT and _is_guideline(guard, subject):
            pass  # a consensus or guideline has statements, not results
        elif cue is not None and subject in guard.vocab.trials:
            about = [c for c in about if cue.search(c.text)]
        if not about:
            gaps.append(subject)
    trials = [s for s in subjects if s in guard.vocab.trials]
    if len(trials) >= 2 and any(t not in gaps for t in trials):
        # "EMN/NCCN", "CASTOR or LEPUS": one named source that speaks to the question is enough.
        gaps = [g for g in gaps if g not in trials]
    return [
        *gaps,
        *aspect_gaps,
        *population_gaps(analysis, guard, candidates, plan),
        *qualifier_gaps(analysis, guard, candidates, plan),
        *combination_gaps(analysis, guard, candidates[:ASPECT_WINDOW], plan),
        *interference_gaps(analysis, guard, candidates[:ASPECT_WINDOW]),
    ]


def population_gaps(
    analysis: QuestionAnalysis, guard: EntityGuard, candidates: list[Candidate], plan: Plan
) -> list[str]:
    """ "Is the IMWG frailty score validated in Asian patients?": a population asked about (not a described
    patient's trait, not a named trial's subgroup, which qualifier_gaps checks) must be what a strong quote or a
    planned line speaks of."""
    if analysis.describes_patient or analysis.entities.trials or analysis.intent in ("selection", "comparison"):
        return []
    strong = candidates[:ASPECT_WINDOW]
    texts = [_passage_text(guard, c.pid, c.text) for c in strong] + [c.text for c in plan.claims]
    return [
        pop
        for pop in analysis.entities.populations
        if not any(p.search(x) for p in _population_patterns(guard, pop) for x in texts)
    ]


def qualifier_gaps(
    analysis: QuestionAnalysis, guard: EntityGuard, candidates: list[Candidate], plan: Plan
) -> list[str]:
    """For a result asked of a named trial: the asked endpoint and population must be what the answer reports.

    "CEPHEUS OS HR?" with only CEPHEUS PFS in the corpus, or "BOSTON PFS after daratumumab failure" with only
    the whole-trial result, is declined as "no OS result for CEPHEUS" rather than answered with a neighbour.
    """
    v = guard.vocab
    # The named trials, else the named regimens, else the named drugs (any source about them may report the
    # asked subgroup): "teclistamab OS in extramedullary disease?" needs a statement about exactly that.
    trials = list(analysis.entities.trials) or list(analysis.entities.regimens)
    if not trials and not analysis.describes_patient:
        trials = guard.subjects(analysis)
    # A comparison without a named trial shows each side's table row and says which side lacks the subgroup; one
    # naming its trial ("LEPUS OS, D-Vd vs Vd?") asks that trial's result, like an outcome question. So does a
    # toxicity asked of a named trial in a subgroup ("CANDOR grade 3+ infections over 75?").
    named_trial = bool(analysis.entities.trials) and not analysis.describes_patient
    # Without a named trial, a toxicity is checked here only when a named reaction is asked in a subgroup ("IRR
    # rate in Asian patients?"); a general "toxicity in the elderly?" is left to population_gaps.
    # So does the rate of a named adverse event asked of a regimen or drug ("neuropathy rate with DVd?"); not a
    # vaccine or prophylaxis against it ("zoster vaccine on isatuximab?").
    events = [e for e, pats in v.adverse_events.items() if any(p.search(analysis.normalized) for p in pats)]
    if not named_trial and (
        "supportive_care" in analysis.entities.attributes or not _ASKS_RATE.search(analysis.normalized)
    ):
        events = []
    # And a toxicity asked of a regimen in a population ("DKd safety on dialysis?").
    in_population = bool(analysis.entities.regimens and analysis.entities.populations)
    asked_of = named_trial or (
        analysis.intent == "toxicity"
        and not analysis.describes_patient
        and bool(analysis.entities.endpoints or events or in_population)
    )
    # A result asked of a named trial's retreatment ("What share of LYNX patients responded?") is asked the same way.
    asked_in = ("comparison", "toxicity", "rechallenge")
    if not trials or not (analysis.intent == "outcome" or (asked_of and analysis.intent in asked_in)):
        return []
    strong = candidates[:ASPECT_WINDOW]
    gaps = []

    def about(c: Candidate, t: str) -> bool:
        # A result sentence rarely repeats the drug's name ("The overall response rate was 89.0%"): for a named
        # drug, a passage naming it speaks for its sentences that name no rival.
        if guard.sentence_about(c.pid, c.text, t):
            return True
        return (
            t in guard.vocab.drug_class
            and guard.passage_mentions(c.pid, t)
            and not any(guard.mentions(c.text, r) for r in guard.rivals(t))
        )

    on_trial = {t: [c for c in strong if guard.sentence_about(c.pid, c.text, t)] for t in trials}
    loosely = {t: [c for c in strong if about(c, t)] for t in trials}
    # A planned line speaks for a named trial only when it rests on that trial's passage (a comparison plan may
    # bring another trial of the same regimens: CASTOR's OS for "LEPUS OS?").
    claims = [c.text for c in plan.claims if c.passage and _claim_on(guard, c.passage, analysis.entities.trials)]
    # Each asked endpoint and population must be reported for at least one of the named trials.
    for e in analysis.entities.endpoints if analysis.intent != "toxicity" else ():
        if e == "HR":
            continue
        pats = v.endpoints.get(e, [])
        label = v.endpoint_labels.get(e, {}).get("en", e)
        found = any(p.search(c.text) for t in trials for c in loosely[t] for p in pats)
        if not found and not any(label in t for t in claims):
            gaps.append(f"{' / '.join(trials)} {e}")
    # A figure that qualifies the result asked ("MRD at 10^-6", "with 3 prior lines") must be the one reported.
    for label, pats in asked_qualifiers(analysis.normalized):
        # a passage's title or heading qualifies its sentences ("... daratumumab monotherapy", "Follow-up at 40 months")
        texts = [x for t in trials for c in on_trial[t] if _names(guard, t, x := _passage_text(guard, c.pid, c.text))]
        texts += claims
        if not any(p.search(x) for p in pats for x in texts):
            gaps.append(f"{' / '.join(trials)} ({label})")
    # In a comparison the populations set the scene ("len-refractory at 1st relapse: BVd or DVd per DREAMM-7?");
    # the table says which side reports them. A narrower population asked beside its broader one ("dialysis pt ...
    # did the renal subgroup in MAIA benefit?") is answered by the broader one's subgroup, which was asked too.
    asked_pops = set(analysis.entities.populations)
    populations = [
        p
        for p in analysis.entities.populations
        if analysis.intent != "comparison" and not asked_pops & set(v.population_broader.get(p, []))
    ]
    for pop in populations:
        pats = _population_patterns(guard, pop, broader=False)
        titles = [guard.passages[c.pid].title for t in trials for c in on_trial[t]]
        texts = [*titles, *(c.text for t in trials for c in on_trial[t]), *claims]
        found = any(p.search(x) for p in pats for x in texts)
        if not found:
            gaps.append(f"{' / '.join(trials)} ({pop})")
    if gaps:
        return gaps
    if analysis.intent == "toxicity":
        # "CANDOR grade 3+ infections over 75?": a toxicity statement in that subgroup (named by the sentence or its
        # passage's heading), not the trial's Asian subgroup's toxicity or a label passage that mentions older
        # patients elsewhere.
        asked = [p for e in analysis.entities.endpoints for p in v.endpoints.get(e, [])]  # "IRR rate in Asians?"
        cue = re.compile("|".join(p.pattern for p in asked), re.IGNORECASE) if asked else v.intent_cues["toxicity"]
        for pop in analysis.entities.populations:
            pats = _population_patterns(guard, pop, broader=False)
            if not any(
                cue.search(c.text) and any(p.search(_passage_text(guard, c.pid, c.text)) for p in pats)
                for t in trials
                for c in on_trial[t]
            ):
                gaps.append(f"{' / '.join(trials)} adverse events ({pop})")
        # "CANDOR cardiac failure rate?", "neuropathy rate with DVd?": the named event, in a sentence about the
        # trial (or regimen, or drug) or a planned line, not in its exclusion criteria.
        texts = [c.text for t in trials for c in on_trial[t] if not _EXCLUSION.search(c.text)] + claims
        if named_trial:
            # "IRR rate with SC daratumumab in APOLLO?": the asked reaction, reported by that trial (not COLUMBA).
            for e in (e for e in analysis.entities.endpoints if e != "HR"):
                if not any(p.search(x) for p in v.endpoints.get(e, []) for x in texts):
                    gaps.append(f"{' / '.join(trials)} {e}")
        for event in events:
            if not any(p.search(x) for p in v.adverse_events[event] for x in texts):
                gaps.append(f"{' / '.join(trials)} {event}")
        return gaps
    # "CASTOR 75+ subgroup: overall survival?": the trial reports OS, and a 75+ subgroup, but not OS in that
    # subgroup; the endpoint and the population must meet in one statement (a sentence in its passage, or a row).
    for e in (e for e in analysis.entities.endpoints if e != "HR"):
        labels = {e, *v.endpoint_labels.get(e, {}).values()}
        for pop in analysis.entities.populations:
            pats = _population_patterns(guard, pop, broader=False)
            in_row = any(
                any(x in c.text for x in labels) and any(p.search(_passage_text(guard, c.passage)) for p in pats)
                for c in plan.claims
                if c.passage
            )
            in_sentence = any(
                any(x.search(c.text) for x in v.endpoints.get(e, []))
                and any(p.search(_passage_text(guard, c.pid, c.text)) for p in pats)
                for t in trials
                for c in on_trial[t]
            )
            if not in_row and not in_sentence:
                gaps.append(f"{' / '.join(trials)} {e} ({pop})")
    return gaps


def _names(guard: EntityGuard, subject: str, text: str) -> bool:
    """Does ``text`` name ``subject`` itself: a drug by its own name, not as one of "anti-CD38 antibodies" (a
    passage headed "after anti-CD38 refractoriness" is about elranatamab, not isatuximab monotherapy)."""
    if subject not in guard.vocab.drug_class:
        return True
    return any(p.search(text) for p in guard.vocab.drug_names(subject))


def _claim_on(guard: EntityGuard, pid: str, trials: tuple[str, ...]) -> bool:
    """Does a planned claim's passage belong to one of the named trials (any passage when none is named)?"""
    return not trials or any(guard.passage_about(pid, t) for t in trials)


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


def _passage_text(guard: EntityGuard, pid: str, text: str | None = None) -> str:
    """A passage's title and heading with ``text`` (by default the whole passage text)."""
    p = guard.passages[pid]
    return f"{p.title} {p.heading} {p.text if text is None else text}"


def _population_patterns(guard: EntityGuard, pop: str, broader: bool = True) -> list[re.Pattern[str]]:
    """How a population is named in questions and in trial passages.

    ``broader``: also by the populations that cover it (renal impairment for dialysis), right for a statement
    about the group (a dose) but not for a subgroup result (an eGFR-below-60 subgroup reports no dialysis patients).
    """
    pats = guard.vocab.population_patterns(pop) if broader else list(guard.vocab.populations.get(pop, []))
    spec = guard.vocab.population_evidence.get(pop, {})
    if spec.get("text"):
        pats.append(re.compile(spec["text"], re.IGNORECASE))
    return pats


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
    if lang == "zh" and aspect_labels:
        gaps = [aspect_labels.get(g, g) if g in aspects else g for g in gaps]
    if lang == "zh" and population_labels:
        pops = set(analysis.entities.populations)
        gaps = [population_labels.get(g, {}).get("zh", g) if g in pops else g for g in gaps]
    if label and {"renal", "dialysis"} & set(analysis.entities.populations):
        label = ("肾功能损害时的" if lang == "zh" else "renal ") + label
    names = "、".join(gaps) if lang == "zh" else " and ".join(gaps)
    if lang == "zh":
        return f"语料库中没有关于{names}的{label}说明。" if label else f"语料库中没有关于{names}、能回答此问题的证据。"
    if label:
        return f"The corpus has no {label} statement for {names}."
    return f"The corpus holds no evidence about {names} that answers this question."
