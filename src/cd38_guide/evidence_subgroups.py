"""Results asked of a subgroup, a named trial or an endpoint: does the evidence report exactly that?

"CEPHEUS OS HR?" with only CEPHEUS PFS in the corpus, "CANDOR cardiac failure rate?", "IKEMA outcomes on
dialysis?" or "is the frailty score validated in Asian patients?" each ask for a statement the corpus may lack
while holding its neighbours; these checks find the gap so evidence_focus can decline and say what is missing.
"""

from __future__ import annotations

import re

from cd38_guide.answer_plan import Plan
from cd38_guide.entity_guard import EntityGuard
from cd38_guide.evidence_qualifiers import asked_measures, asked_qualifiers
from cd38_guide.question.analysis import QuestionAnalysis
from cd38_guide.sentence_selection import Candidate

ASPECT_WINDOW = 8
"""How many of the best-scored sentences must include one that speaks to an edge aspect the question names."""

EXCLUSION = re.compile(r"\bexclu(ded|sion|sions|ding)\b|\bineligible\b|\bnot eligible\b", re.IGNORECASE)
"""A trial's exclusion criteria: no statement about the excluded group."""

# How often an adverse event occurs, or whether a drug causes it.
_ASKS_RATE = re.compile(
    r"\b(rates?|incidence|how (common|often|frequent)|(more|less) (common|frequent|often)|frequency|risk of"
    r"|cause[sd]?|associated with)\b"
    r"|发生率|多常见|常见吗|会引起|会导致|引起.{0,6}吗",
    re.IGNORECASE,
)


def population_gaps(
    analysis: QuestionAnalysis, guard: EntityGuard, candidates: list[Candidate], plan: Plan
) -> list[str]:
    """ "Is the IMWG frailty score validated in Asian patients?": a population asked about (not a described
    patient's trait, not a named trial's subgroup, which qualifier_gaps checks) must be what a strong quote or a
    planned line speaks of. A selection plan speaks of its population itself; one with no line for it ("which
    daratumumab regimen for extramedullary disease?") leaves the quotes to speak of it, or the answer declines."""
    if analysis.describes_patient or analysis.entities.trials or analysis.intent == "comparison":
        return []
    if analysis.intent == "selection" and plan.claims:
        return []
    strong = candidates[:ASPECT_WINDOW]
    # "Isatuximab in COPD?": daratumumab's COPD statement speaks of the group but not of the drug asked.
    drugs = [s for s in guard.subjects(analysis) if guard.vocab.drug_class.get(s) == "anti_cd38"]
    texts = [passage_text(guard, c.pid, c.text) for c in strong if not drugs or c.about] + [c.text for c in plan.claims]
    gaps = [
        pop
        for pop in analysis.entities.populations
        if not any(p.search(x) for p in population_patterns(guard, pop) for x in texts)
    ]
    return [f"{drugs[0]} ({pop})" for pop in gaps] if len(drugs) == 1 else gaps


def supportive_gaps(analysis: QuestionAnalysis, guard: EntityGuard, strong: list[Candidate]) -> list[str]:
    """ "G-CSF with daratumumab?": supportive care asked of one anti-CD38 antibody is not answered by the other
    antibody's label alone. A strong quote naming the supportive drug must not be about a rival antibody only
    (a class-wide or generic source, such as the vaccination or immunoglobulin guidance, speaks for both)."""
    subjects = guard.subjects(analysis)
    antibodies = [s for s in subjects if guard.vocab.drug_class.get(s) == "anti_cd38"]
    if len(antibodies) != 1:
        return []
    (drug,) = antibodies
    rivals = guard.rivals(drug)
    gaps = []
    for s in subjects:
        if guard.vocab.drug_class.get(s) != "supportive":
            continue
        speaking = [c for c in strong if guard.mentions(c.text, s)]
        if speaking and all(
            not guard.sentence_about(c.pid, c.text, drug)
            and any(guard.sentence_about(c.pid, c.text, r) for r in rivals)
            for c in speaking
        ):
            asked = next((m[0] for p in guard.vocab.drug_names(s) if (m := p.search(analysis.text))), s)
            gaps.append(f"{drug} ({asked})")
    return gaps


_ASKS_EXCLUSION = re.compile(r"\bexclu|\bineligib|\bnot eligible|排除", re.IGNORECASE)
# A baseline share ("42% had 1q21+", "86 patients aged 70 or older") next to the group's name; a confidence
# interval ("HR 0.50, 95% CI ... in patients with gain(1q21)") is no share.
_SHARE = re.compile(r"\d+(\.\d+)?\s*%|\b\d+ (of \d+ )?(patients|pts)\b", re.IGNORECASE)
_INTERVAL = re.compile(r"\b9[05](\.\d)?\s*% CI\b", re.IGNORECASE)


def _share_of(text: str, pats: list[re.Pattern[str]]) -> bool:
    """Does ``text`` give a share next to a mention of the group (within 60 characters)?"""
    return any(
        _SHARE.search(_INTERVAL.sub("", text[max(0, m.start() - 60) : m.end() + 60]))
        for p in pats
        for m in p.finditer(text)
    )


def design_gaps(analysis: QuestionAnalysis, guard: EntityGuard, strong: list[Candidate]) -> list[str]:
    """ "Which patients were excluded from IKEMA?", "What share of ICARIA-MM patients had 1q21 gain?": asked of a
    named trial's design, the exclusions or the group's share must be what a strong quote of that trial says; its
    arms and doses, or the group's hazard ratio, answer another question."""
    trials = list(analysis.entities.trials)
    if not analysis.asks_design or not trials:
        return []
    about = [c for c in strong if any(guard.sentence_about(c.pid, c.text, t) for t in trials)]
    name = " / ".join(trials)
    gaps = []
    if _ASKS_EXCLUSION.search(analysis.normalized) and not any(EXCLUSION.search(c.text) for c in about):
        gaps.append(f"{name} (exclusion criteria)")
    for pop in analysis.entities.populations:
        pats = population_patterns(guard, pop, broader=False)
        if not any(_share_of(c.text, pats) for c in about):
            gaps.append(f"{name} ({pop})")
    return gaps


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
    events = v.adverse_events_in(analysis.normalized)
    if not named_trial and (
        "supportive_care" in analysis.entities.attributes or not _ASKS_RATE.search(analysis.normalized)
    ):
        events = []
    # And a toxicity asked of a regimen in a population ("DKd safety on dialysis?").
    in_population = bool(analysis.entities.regimens and analysis.asked_populations)
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
        # A response rate is reported as a share: "at least a partial response" in a sentence about CD38 levels
        # is no overall response rate.
        shares = e in _RATE_ENDPOINTS and bool(_ASKS_SHARE.search(analysis.normalized))

        def reports(text: str, shares: bool = shares) -> bool:
            return not _names_endpoint_only(text) and (not shares or bool(_RATE_SHARE.search(text)))

        found = any(p.search(c.text) and reports(c.text) for t in trials for c in loosely[t] for p in pats)
        if not found and not any(label in t for t in claims):
            gaps.append(f"{' / '.join(trials)} {e}")
    # In a comparison the populations set the scene ("len-refractory at 1st relapse: BVd or DVd?"); the table says
    # which side reports them. One naming its trial and endpoint ("DREAMM-7 PFS with 1 prior line, BVd vs DVd?")
    # asks that trial's subgroup. A narrower population asked beside its broader one ("dialysis pt ...
    # did the renal subgroup in MAIA benefit?") is answered by the broader one's subgroup, which was asked too.
    asked_pops = set(analysis.asked_populations)
    subgroup_result = named_trial and bool(analysis.entities.endpoints)
    # Exposure to the antibody is a rechallenge's premise ("dara-exposed, washout per the Pan-Pacific consensus?").
    premise = _ANTI_CD38_HISTORY if analysis.intent == "rechallenge" else frozenset()
    populations = [
        p
        for p in analysis.asked_populations
        if (analysis.intent != "comparison" or subgroup_result)
        and p not in premise
        and not asked_pops & set(v.population_broader.get(p, []))
    ]
    # ... read from what is asked: a described patient's "2 prior lines" is the case, not a subgroup asked for.
    asked_text = analysis.asking or analysis.normalized
    # A figure that qualifies the result asked ("MRD at 10^-6", "with 3 prior lines") must be the one reported; a
    # passage's title or heading qualifies its sentences ("... daratumumab monotherapy", "Follow-up at 40 months").
    # A passage on another subject that names the trial in passing ("1-3 prior lines in CANDOR and IKEMA and at
    # least two in ICARIA-MM") reports none of its figures.
    stated = [
        x
        for t in trials
        for c in on_trial[t]
        if guard.passage_about(c.pid, t) and _names(guard, t, x := passage_text(guard, c.pid, c.text))
    ]
    stated += claims
    for label, pats in asked_qualifiers(asked_text):
        if not any(p.search(x) for p in pats for x in stated):
            gaps.append(f"{' / '.join(trials)} ({label})")
    for pop in populations:
        pats = population_patterns(guard, pop, broader=False)
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
        for pop in analysis.asked_populations:
            pats = population_patterns(guard, pop, broader=False)
            if not any(
                cue.search(c.text) and any(p.search(passage_text(guard, c.pid, c.text)) for p in pats)
                for t in trials
                for c in on_trial[t]
            ):
                gaps.append(f"{' / '.join(trials)} adverse events ({pop})")
        # "CANDOR cardiac failure rate?", "neuropathy rate with DVd?": the named event, in a sentence about the
        # trial (or regimen, or drug) or a planned line, not in its exclusion criteria.
        texts = [c.text for t in trials for c in on_trial[t] if not EXCLUSION.search(c.text)] + claims
        if named_trial:
            # "IRR rate with SC daratumumab in APOLLO?": the asked reaction, reported by that trial (not COLUMBA).
            for e in (e for e in analysis.entities.endpoints if e != "HR"):
                if not any(p.search(x) for p in v.endpoints.get(e, []) for x in texts):
                    gaps.append(f"{' / '.join(trials)} {e}")
        for event in events:
            if not any(p.search(x) for p in v.adverse_events[event] for x in texts):
                gaps.append(f"{' / '.join(trials)} {event}")
        return gaps
    if analysis.intent == "comparison" and named_trial:
        # "MajesTEC-3: grade 3-4 infection rate with Tec-Dara vs DPd/DVd?": the named event, reported by that trial.
        texts = [c.text for t in trials for c in on_trial[t] if not EXCLUSION.search(c.text)] + claims
        gaps += [
            f"{' / '.join(trials)} {e}"
            for e in events
            if not any(p.search(x) for p in v.adverse_events[e] for x in texts)
        ]
    # "CASTOR 75+ subgroup: overall survival?": the trial reports OS, and a 75+ subgroup, but not OS in that
    # subgroup; the endpoint and the population must meet in one statement (a sentence in its passage, or a row).
    for e in (e for e in analysis.entities.endpoints if e != "HR"):
        labels = {e, *v.endpoint_labels.get(e, {}).values()}
        for pop in populations:
            pats = population_patterns(guard, pop, broader=False)
            in_row = any(
                any(x in c.text for x in labels) and any(p.search(passage_text(guard, c.passage)) for p in pats)
                for c in plan.claims
                if c.passage
            )
            in_sentence = any(
                any(x.search(c.text) for x in v.endpoints.get(e, []))
                and any(p.search(passage_text(guard, c.pid, c.text)) for p in pats)
                for t in trials
                for c in on_trial[t]
            )
            if not in_row and not in_sentence:
                gaps.append(f"{' / '.join(trials)} {e} ({pop})")
    if gaps:
        return gaps
    # The measure asked, in the group asked, must be what the answer reports: "LEPUS high-risk median PFS?" is not
    # answered by the whole trial's median beside the group's hazard ratio.
    in_group = [p for pop in populations for p in population_patterns(guard, pop, broader=False)]
    measured = [x for x in stated if not in_group or any(p.search(x) for p in in_group)]
    # "ICARIA-MM final analysis PFS?": the endpoint reported in a passage of the final analysis, not its PFS on
    # the next line or the primary analysis's PFS.
    if _FINAL.search(asked_text):
        final = [
            c
            for t in trials
            for c in on_trial[t]
            if guard.passage_about(c.pid, t) and _FINAL_STATED.search(passage_text(guard, c.pid))
        ]
        for e in (e for e in analysis.entities.endpoints if e != "HR"):
            pats = v.endpoints.get(e, [])
            if not any(p.search(c.text) for p in pats for c in final):
                name = v.endpoint_labels.get(e, {}).get(analysis.language, e)
                name = f"最终分析的{name}" if analysis.language == "zh" else f"final {name}"
                gaps.append(f"{' / '.join(trials)} ({name})")
    for label, pats in asked_measures(asked_text, analysis.entities.endpoints, v, analysis.language):
        if not any(p.search(x) for p in pats for x in measured):
            group = f" ({', '.join(populations)})" if populations else ""
            gaps.append(f"{' / '.join(trials)} {label}{group}" if group else f"{' / '.join(trials)} ({label})")
    return gaps


_FINAL = re.compile(r"\bfinal (analysis|pfs|os|results?|data|update)\b|\bat the final\b|最终(分析)?", re.IGNORECASE)
_FINAL_STATED = re.compile(r"\bfinal\b", re.IGNORECASE)
"""The final analysis asked of a trial's result, and how its passage says so."""
_ANTI_CD38_HISTORY = frozenset({"anti-CD38-exposed", "anti-CD38-refractory"})
_RATE_ENDPOINTS = frozenset({"ORR", "CR", "VGPR", "MRD", "sCR", "CBR"})
_RATE_SHARE = re.compile(r"\d+(\.\d+)?\s?%|\b\d+ (of|out of) \d+\b")
_ASKS_SHARE = re.compile(
    r"\b(orr|s?cr|vgpr|mrd|cbr|rates?|proportion|percentage|share|how many|what ?%|what percent)\b|%|多少|比例|率",
    re.IGNORECASE,
)
"""Endpoints reported as a share of patients, how such a share is written, and how a question asks for one (not
"do CD59 levels predict response?")."""

# "The primary endpoint was progression-free survival; ...": the trial measured it, which is no result.
_ENDPOINT_OF_DESIGN = re.compile(
    r"\b(co-?primary|primary|secondary|key secondary|exploratory)( efficacy)? (end ?points?|outcomes?)\b"
    r"[^.;]{0,20}\b(was|were|is|are|included|includes)\b",
    re.IGNORECASE,
)


def _names_endpoint_only(text: str) -> bool:
    """Does ``text`` only name a trial's endpoints, reporting no figure for them?"""
    return bool(_ENDPOINT_OF_DESIGN.search(text)) and not re.search(r"\d", text)


def _names(guard: EntityGuard, subject: str, text: str) -> bool:
    """Does ``text`` name ``subject`` itself: a drug by its own name, not as one of "anti-CD38 antibodies" (a
    passage headed "after anti-CD38 refractoriness" is about elranatamab, not isatuximab monotherapy)."""
    if subject not in guard.vocab.drug_class:
        return True
    return any(p.search(text) for p in guard.vocab.drug_names(subject))


def _claim_on(guard: EntityGuard, pid: str, trials: tuple[str, ...]) -> bool:
    """Does a planned claim's passage belong to one of the named trials (any passage when none is named)?"""
    return not trials or any(guard.passage_about(pid, t) for t in trials)


def passage_text(guard: EntityGuard, pid: str, text: str | None = None) -> str:
    """A passage's title and heading with ``text`` (by default the whole passage text)."""
    p = guard.passages[pid]
    return f"{p.title} {p.heading} {p.text if text is None else text}"


def population_patterns(guard: EntityGuard, pop: str, broader: bool = True) -> list[re.Pattern[str]]:
    """How a population is named in questions and in trial passages.

    ``broader``: also by the populations that cover it (renal impairment for dialysis), right for a statement
    about the group (a dose) but not for a subgroup result (an eGFR-below-60 subgroup reports no dialysis patients).
    """
    pats = guard.vocab.population_patterns(pop) if broader else list(guard.vocab.populations.get(pop, []))
    pats += [p for q in guard.vocab.population_implied_by.get(pop, []) for p in guard.vocab.populations.get(q, [])]
    spec = guard.vocab.population_evidence.get(pop, {})
    if spec.get("text"):
        pats.append(re.compile(spec["text"], re.IGNORECASE))
    return pats
