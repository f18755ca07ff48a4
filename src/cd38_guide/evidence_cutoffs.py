"""A subgroup's cut-off asked against the cut-offs a named trial reports: age and kidney function.

"IKEMA PFS in patients aged 75 or older?" is not answered by IKEMA's 70-or-older subgroup, nor "APOLLO PFS with
CrCl < 30?" by its 60-or-less one: the vocabulary reads both as the same population (elderly, renal), so the
planner would lead with the neighbouring group's row. When the question states a cut-off and the named trial's
own passages report that measure only at other cut-offs, the answer is declined and says which group is missing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cd38_guide.corpus.sentences import split_sentences
from cd38_guide.entity_guard import EntityGuard
from cd38_guide.question.analysis import QuestionAnalysis

Cutoff = tuple[str, str, int]
"""(measure, side, value): ("age", "above", 75) for "aged 75 or older", ("renal", "below", 30) for "CrCl < 30"."""

# "aged 75 or older", "75+", "≥75", "over 75", "older than 65", "75 years and older", "75岁以上", "≥75岁".
_AGE_ABOVE = re.compile(
    r"(?:\bover|\babove|\bolder than|≥|>=|>|大于|超过)\s*(6\d|7\d|8\d)(?![\d.])(?!\s*(?:kg|mg|ml|%|mmol|g/|×|x\s*10))"
    r"|(?<![\d.])(6\d|7\d|8\d)(?:\s*\+|[- ]years?(?: of age)?[- ](?:and|or)[- ](?:older|above|over)"
    r"|[- ](?:or|and)[- ](?:older|above|over))"
    r"|(?<![\d.])(6\d|7\d|8\d)\s*岁(?:以上|及以上|或以上)",
    re.IGNORECASE,
)
_AGE_BELOW = re.compile(
    r"\byounger than\s*(6\d|7\d|8\d)\b|\bunder (?:the )?age (?:of )?(6\d|7\d|8\d)\b"
    r"|\baged? (?:under|below|less than)\s*(6\d|7\d|8\d)\b|(?<![\d.])(6\d|7\d|8\d)\s*岁以下",
    re.IGNORECASE,
)
# Kidney function: "CrCl < 30", "creatinine clearance below 30", "eGFR of 60 or more", "60 mL/min or less",
# "肌酐清除率<30".
_RENAL = r"(?:crcl|creatinine clearance|egfr|glomerular filtration rate|肌酐清除率|肾小球滤过率)"
_RENAL_BELOW = re.compile(
    rf"{_RENAL}\)?\s*(?:of\s*)?(?:<|≤|<=|below|under|less than|lower than|小于|低于)\s*(\d{{2}})"
    rf"|{_RENAL}\)?\s*(?:of\s*)?(\d{{2}})\s*(?:ml/min\S*\s*)?or (?:less|lower|below)",
    re.IGNORECASE,
)
_RENAL_ABOVE = re.compile(
    rf"{_RENAL}\)?\s*(?:of\s*)?(?:>|≥|>=|above|over|at least|大于|高于)\s*(\d{{2}})"
    rf"|{_RENAL}\)?\s*(?:of\s*)?(\d{{2}})\s*(?:ml/min\S*\s*)?or (?:more|above|greater)",
    re.IGNORECASE,
)
_READERS = (("age", "above", _AGE_ABOVE), ("age", "below", _AGE_BELOW))
_RENAL_READERS = (("renal", "below", _RENAL_BELOW), ("renal", "above", _RENAL_ABOVE))
_LABELS = {
    ("age", "above"): ("aged {} or older", "{}岁及以上"),
    ("age", "below"): ("younger than {}", "{}岁以下"),
    ("renal", "below"): ("CrCl or eGFR below {}", "肌酐清除率或eGFR低于{}"),
    ("renal", "above"): ("CrCl or eGFR of {} or more", "肌酐清除率或eGFR不低于{}"),
}


def cutoffs(text: str) -> set[Cutoff]:
    """The age and kidney-function cut-offs ``text`` states."""
    found: set[Cutoff] = set()
    for measure, side, pattern in (*_RENAL_READERS, *_READERS):
        for m in pattern.finditer(text):
            value = next(g for g in m.groups() if g)
            found.add((measure, side, int(value)))
        if measure == "renal":  # "eGFR ≥ 60" is not an age over 60
            text = pattern.sub(lambda m: " " * len(m[0]), text)
    return found


# A sentence reporting a result for its group; not a baseline share ("Only 9% of IKEMA patients were aged 75 or
# older") or a dose rule ("reduced to 20 mg for patients aged 75 or older").
_RESULT = re.compile(r"\b(PFS|OS|HR|ORR|MRD)\b|surviv|hazard|respon|median|adverse|toxicit|grade [34]", re.IGNORECASE)


@lru_cache(maxsize=256)
def _reported(guard: EntityGuard, trial: str) -> frozenset[Cutoff]:
    """The cut-offs of the groups whose results the passages about ``trial`` report."""
    return frozenset(
        c
        for pid, p in guard.passages.items()
        if guard.passage_about(pid, trial)
        for text in (p.text[s.start : s.end] for s in split_sentences(p.text))
        if _RESULT.search(text)
        for c in cutoffs(text)
    )


def cutoff_gaps(analysis: QuestionAnalysis, guard: EntityGuard) -> list[str]:
    """Named trials whose passages report the asked measure only at other cut-offs ("IKEMA (aged 75 or older)").

    Only a result asked of a named trial is checked, and only a cut-off in the asking sentence: a case note's
    "78M" or "CrCl 40" is the patient, not a subgroup asked. A trial that never states the measure is left to the
    population checks.
    """
    if analysis.intent not in ("outcome", "comparison", "toxicity") or not analysis.entities.trials:
        return []
    asked = cutoffs(analysis.asking or analysis.normalized)
    gaps = []
    for trial in analysis.entities.trials:
        reported = _reported(guard, trial)
        for measure, side, value in sorted(asked):
            same = {c for c in reported if c[:2] == (measure, side)}
            if same and (measure, side, value) not in same:
                label = _LABELS[(measure, side)][1 if analysis.language == "zh" else 0]
                gaps.append(f"{trial} ({label.format(value)})")
    return gaps
