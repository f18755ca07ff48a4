"""Doses and dose rules asked: a question's dose must be one a cited statement gives.

"IVIG dose per AAAAI?" is not answered by the IgG levels at which IVIG is given, "carfilzomib reduced to what dose
for grade 3 thrombocytopenia?" not by the line that partner drugs follow their own labels, "platelet threshold for
holding isatuximab?" not by its neutrophil rule, and a dialysis patient's IsaKd dose not by lenalidomide's renal
doses. Each check returns what is missing, for evidence_focus to decline with.
"""

from __future__ import annotations

import re

from cd38_guide.entity_guard import AMOUNT, EntityGuard, regimen_drugs_asked
from cd38_guide.evidence_subgroups import passage_text
from cd38_guide.question.analysis import QuestionAnalysis
from cd38_guide.sentence_selection import Candidate

DOSE_STATED = re.compile(
    rf"{AMOUNT.pattern}|\d+(\.\d+)?\s?(g|unit)(/kg)?\b(?!/d?l\b)"
    r"|\b(full|standard|usual|same|approved|labell?ed|reduced) doses?\b|\bno dose (adjustment|modification|reduction)",
    re.IGNORECASE,
)
"""A dose stated: a drug's amount (the entity guard's), grams of IVIG, or a dose named as the label's ("full dose",
"no dose adjustment")."""


def supportive_dose_gaps(analysis: QuestionAnalysis, guard: EntityGuard, strong: list[Candidate]) -> list[str]:
    """ "IVIG dose and interval per AAAAI?": a supportive drug's dose asked needs a strong quote stating one for it,
    not the IgG levels at which it is given."""
    if "dose" not in analysis.entities.attributes:
        return []
    return [
        f"{s} (dose)"
        for s in guard.subjects(analysis)
        if guard.vocab.drug_class.get(s) == "supportive"
        and not any(guard.mentions(c.text, s) and DOSE_STATED.search(c.text) for c in strong)
    ]


_AMOUNT_ASKED = re.compile(
    r"\b(how much|to what|what (dose|level|amount)|dose levels?|which dose|how (low|far)|drop\w* to|step\w* down)\b"
    r"|\bhow (should|do|would|can) (i|we|you) (reduce|adjust|modify|dose)\b"
    r"|多少|几毫克|什么剂量|哪个剂量|(怎么|如何|怎样)(减量|调整)",
    re.IGNORECASE,
)
_REDUCED = re.compile(r"\b(reduc\w*|lower\w*|cut|drop\w*)\b|减到|减至|降到|降至|减量", re.IGNORECASE)


def event_dose_gaps(analysis: QuestionAnalysis, guard: EntityGuard, strong: list[Candidate]) -> list[str]:
    """ "IsaKd with grade 3 thrombocytopenia: carfilzomib reduced to what?": a partner drug's dose asked for a named
    toxicity needs a strong quote giving a dose of that drug for that toxicity (bortezomib's neuropathy steps), not
    the line that partner drugs follow their own labels, nor the drug's starting dose."""
    attributes = analysis.entities.attributes
    asked = "dose_adjustment" in attributes or analysis.intent == "dose_adjustment"
    asked = asked or ("dose" in attributes and bool(_REDUCED.search(analysis.normalized)))
    # ... asked as an amount or a rule ("to what level?", "减到多少", "怎么减量"), not as which drug to reduce
    asked = asked and bool(_AMOUNT_ASKED.search(analysis.normalized))
    events = guard.vocab.adverse_events_in(analysis.normalized)
    if not asked or not events:
        return []
    drugs = [
        d
        for d in analysis.entities.named_drugs
        if guard.vocab.drug_class.get(d) not in ("anti_cd38", "supportive", None)
        and d not in guard.refractory_drugs(analysis.entities.populations)
    ]
    gaps = []
    for d in drugs:
        for event in events:
            pats = guard.vocab.adverse_events[event]
            if not any(
                DOSE_STATED.search(c.text)
                and guard.mentions(x := passage_text(guard, c.pid, c.text), d)
                and any(p.search(x) for p in pats)
                for c in strong
            ):
                gaps.append(f"{d} ({event})")
    return gaps


def regimen_dose_gaps(analysis: QuestionAnalysis, guard: EntityGuard, strong: list[Candidate]) -> list[str]:
    """ "On dialysis: can IsaKd be given at full dose?": a dose asked of a described patient's regimen needs a strong
    quote naming one of its drugs; lenalidomide's renal doses do not answer it (they would for DRd)."""
    asked = regimen_drugs_asked(analysis, guard)
    if not asked or not analysis.describes_patient:
        return []
    if any(asked.intersection(guard.foreground_drugs(c.text)) for c in strong):
        return []
    return list(analysis.entities.regimens)


# A cut-off asked of a blood count ("platelet threshold for holding isatuximab?", "ANC cutoff to hold dara?").
_THRESHOLD_ASKED = re.compile(
    r"\b(thresholds?|cut-?offs?|below what|at what ([\w-]+ ){0,2}(level|count|value))\b|阈值|低于多少|多少以下",
    re.IGNORECASE,
)
_COUNTS = {
    "platelet count": r"platelets?|\bplts?\b|血小板",
    "neutrophil count": r"\banc\b|neutrophils?|中性粒细胞",
    "haemoglobin": r"ha?emoglobin|\bhb\b|\bhgb\b|血红蛋白",
}


def threshold_gaps(analysis: QuestionAnalysis, guard: EntityGuard, strong: list[Candidate]) -> list[str]:
    """ "Platelet threshold for holding isatuximab?": a cut-off asked of a count needs a strong quote giving a number
    for that count (isatuximab's "ANC ... 1.0 × 10^9/L"), about the drug asked; "delayed until blood counts recover"
    gives none."""
    if not _THRESHOLD_ASKED.search(analysis.normalized):
        return []
    subjects = guard.subjects(analysis)
    gaps = []
    for count, words in _COUNTS.items():
        if not re.search(words, analysis.normalized, re.IGNORECASE):
            continue
        stated = re.compile(rf"(?:{words})[^.;]{{0,60}}?\d|\d[^.;]{{0,30}}(?:{words})", re.IGNORECASE)
        if not any(
            stated.search(c.text) and (not subjects or any(guard.speaks_of(c.pid, c.text, s) for s in subjects))
            for c in strong
        ):
            gaps.append(f"{' / '.join(subjects)} ({count} threshold)" if subjects else f"{count} threshold")
    return gaps


def dose_rule_gaps(analysis: QuestionAnalysis, guard: EntityGuard, strong: list[Candidate]) -> list[str]:
    """The dose and dose-rule checks every question gets, a described patient's too: a partner drug's dose for a
    toxicity, a supportive drug's dose, a count's cut-off."""
    return [
        *event_dose_gaps(analysis, guard, strong),
        *supportive_dose_gaps(analysis, guard, strong),
        *threshold_gaps(analysis, guard, strong),
    ]
