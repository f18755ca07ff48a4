"""What to search for a question besides its own words: focused sub-queries and a fallback in the evidence's words.

Question understanding decides these (from the analysis); retrieval only runs them. Kept apart from the analyser,
which reads the question, because these are queries written for the corpus.
"""

from __future__ import annotations

import re

from cd38_guide.question.analysis import QuestionAnalysis
from cd38_guide.question.vocabulary import Vocabulary

_FOCUS_WORDS = {
    "dose_adjustment": "dose adjustment",
    "dose": "dose schedule",
    "toxicity": "adverse events",
    "outcome": "results",
    "comparison": "results",
}


# A blood count in a dose-adjustment question ("platelets 20k, give dara?", "血小板2万还能用吗"): the answer is the
# antibody's delay for cytopenia, which a plain "dose adjustment" query misses for renal statements.
_BLOOD_COUNT = re.compile(
    r"\b(anc|neutrophils?|neutropeni\w*|platelets?|plts?|thrombocytopeni\w*|blood counts?)\b|中性粒|血小板|白细胞|血象",
    re.I,
)

_INFECTIONS = ("infections", "herpes zoster", "pneumonia")
_CYTOPENIAS = ("neutropenia", "thrombocytopenia")
_CYTOPENIA_MANAGEMENT = (
    "neutropenia or thrombocytopenia: anti-CD38 antibody dose delayed until counts recover, partner drugs reduced"
)


def _names_events(analysis: QuestionAnalysis, vocab: Vocabulary, events: tuple[str, ...]) -> bool:
    """Does the question name one of ``events`` (adverse events of the vocabulary)?"""
    return bool(set(events) & set(vocab.adverse_events_in(analysis.normalized)))


_PREVENTION = "preventing infections with daratumumab or isatuximab: antiviral prophylaxis, vaccination, immunoglobulin"

_LAB_TEST = re.compile(
    r"spep|\bife\b|immunofix|electrophores|m-?spike|\bband|paraprotein|response|\bcr\b|免疫固定|电泳|缓解", re.I
)
_INTERFERENCE_FOCUS = {
    False: "anti-CD38 antibody interference with pre-transfusion blood bank testing",
    True: "therapeutic antibody IgG-kappa band on serum protein electrophoresis (SPEP) and immunofixation (IFE)",
}


def fallback_query(analysis: QuestionAnalysis, vocab: Vocabulary | None = None) -> tuple[str, str] | None:
    """(cue name, query): a query in the evidence's own words, for when the question's words found none of it.

    "Can a patient on dara still get emergency blood?" is an interference question sharing no word with the
    blood-bank passages, "why do patients become resistant to dara?" none with the CD38-loss and complement
    passages; the caller searches the query only if the question's own top hits miss the named cue
    (``intent_cues`` in the vocabulary).
    """
    if analysis.intent == "interference":
        lab = "lab_test" in analysis.entities.attributes or bool(_LAB_TEST.search(analysis.normalized))
        return ("lab_test" if lab else "interference"), _INTERFERENCE_FOCUS[lab]
    e = analysis.entities
    if (
        analysis.intent in ("toxicity", "general")
        and "supportive_care" in e.attributes
        and not (e.regimens or e.trials)
        and vocab is not None
        and _names_events(analysis, vocab, _INFECTIONS)
    ):
        # "How can infections be prevented during anti-CD38 therapy?": the prophylaxis and vaccination passages,
        # not the trials' infection rates that the words "infections" and "anti-CD38" find first.
        return "supportive_care", _PREVENTION
    if "management" in e.attributes and vocab is not None and _names_events(analysis, vocab, _CYTOPENIAS):
        # "Grade 4 neutropenia on DPd: what should happen to dara and pom?": the delay and dose-reduction rules,
        # not the trial's neutropenia rate that the question's words find first.
        return "management", _CYTOPENIA_MANAGEMENT
    if analysis.intent == "toxicity" and vocab is not None and not (e.drugs or e.regimens or e.trials):
        # "What infections are most common with anti-CD38 therapy?": the words "anti-CD38 therapy" find trial
        # designs; the events asked find the toxicity passages.
        events = vocab.adverse_events_in(analysis.normalized)
        if events:
            return "toxicity", f"{', '.join(events)} with daratumumab or isatuximab: rates and grade 3 or higher"
    if "bispecific" in e.attributes and not (e.drugs or e.trials):
        # "Evidence for anti-CD38 with bispecific antibodies?": the trials of a named one with daratumumab.
        return "bispecific", "teclistamab or talquetamab plus daratumumab: MajesTEC-3 and MonumenTAL-3 results"
    if analysis.intent == "general" and "mechanism" in analysis.entities.attributes:
        return "mechanism", "daratumumab resistance: CD38 expression, complement inhibitors, NK cells"
    if analysis.intent == "general" and "action" in analysis.entities.attributes:
        return "action", "how daratumumab and isatuximab act: binding CD38, cytotoxicity, complement, apoptosis"
    if analysis.intent == "general" and "treatment_duration" in analysis.entities.attributes:
        return "treatment_duration", "daratumumab given every 4 weeks until disease progression"
    return None


def focused_queries(analysis: QuestionAnalysis, limit: int = 2, vocab: Vocabulary | None = None) -> list[str]:
    """Short English queries, one per named subject, for a second look when the question mixes several.

    "CrCl 40, DRd: lenalidomide starting dose? does daratumumab need reducing?" searches "lenalidomide dose
    adjustment renal" and "daratumumab dose adjustment renal" too, so each drug's own statement is found.
    """
    if analysis.asks_design and analysis.entities.trials:
        # "IRAKLIA washout before entry?": the trial's own design and eligibility passage.
        return [f"{t} design eligibility" for t in analysis.entities.trials[:limit]]
    if analysis.intent == "rechallenge":
        # Whatever the case details, a rechallenge question is answered first by what is known of the washout.
        return ["anti-CD38 antibody rechallenge after a washout period"]
    if analysis.intent == "definition" and analysis.defined_term:
        # "What is lenalidomide refractory disease?": the passage defining the term, which its trial mentions
        # ("lenalidomide-refractory disease was present in 32%") outrank on the question's own words.
        return [f"definition: {analysis.defined_term.replace('-', ' ')} is defined as"]
    e = analysis.entities
    if analysis.intent == "selection" and e.populations:
        # "Which regimen for a patient on dialysis?": the population's own evidence, not regimen-choice generalities.
        return [f"anti-CD38 antibody in {p} patients" for p in e.populations[:limit]]
    if analysis.describes_patient or analysis.intent not in _FOCUS_WORDS:
        return []
    history = e.refractory_drugs  # "len-refractory": lenalidomide is history
    subjects = [*e.trials, *[d for d in e.named_drugs if d != "dexamethasone" and d not in history]] or list(e.regimens)
    # One subject in English is searched well as asked, except a dose adjustment for a population ("does len
    # need reducing on haemodialysis?"), whose label statement rarely shares the question's words.
    adjusting = analysis.intent == "dose_adjustment" and bool(e.populations)
    if len(subjects) < 2 and analysis.language == "en" and not adjusting:
        return []
    focus = _FOCUS_WORDS[analysis.intent]
    events = vocab.adverse_events_in(analysis.normalized) if vocab is not None else []
    if analysis.intent == "comparison" and (events or "IRR" in e.endpoints or "toxicity" in e.attributes):
        # "Grade 3+ neutropenia: DPd vs IsaPd?": each side's own toxicity passage, not its efficacy results.
        focus = " ".join([*events, "adverse events"])
    if analysis.intent == "dose_adjustment" and not e.populations and _BLOOD_COUNT.search(analysis.normalized):
        focus = "dose delay for neutropenia or thrombocytopenia"
    extra = " ".join([focus, *e.endpoints, *e.populations, *e.routes])
    return [f"{s} {extra}" for s in subjects[:limit]]
