"""What a question says the patient has had: refractoriness, exposure, and a regimen named as history.

"Progression on DRd", "refractory to both len and bortezomib", "at first relapse after VRd", "had IsaKd ...
can daratumumab be used?": the drugs and regimens named this way are the disease's history, not what is asked
about. Drug statuses are read as the patient-fact reader (``question.patient``) reads them, so the answer and the
rules core agree on what was said.
"""

from __future__ import annotations

import re

from cd38_guide.question.patient.drugs import read_drugs
from cd38_guide.question.patient.lexicon import lexicon
from cd38_guide.question.patient.reader import normalise
from cd38_guide.question.vocabulary import Vocabulary

# Drugs joined as the disease's history, not as a regimen asked about: "len- and bortezomib-refractory",
# "refractory to len and bortezomib", "prior dara and pom", "来那度胺和硼替佐米难治".
HISTORY_AFTER = re.compile(
    r"^\s*-?\s*(refractory|resistant|exposed|intolerant|naive|na[iï]ve|failure|failed|pretreated|难治|耐药|暴露|失败)",
    re.IGNORECASE,
)
HISTORY_BEFORE = re.compile(
    r"(refractory|resistant|exposed|intolerant) to\s*(both\s*|all of\s*)?$"
    r"|\b(prior|previous|after|failed|progressed on|relapsed on|history of)\s*$|(既往|曾用|之后|后)\s*$",
    re.IGNORECASE,
)


_REFRACTORY_BEFORE = re.compile(
    r"(\b(progress\w*|relaps\w*|fail\w*)\s+(on|during|while on)|\brefractory to|\bfailure of)\s+(the\s+|an?\s+)?$|对$",
    re.IGNORECASE,
)
_REFRACTORY_AFTER = re.compile(r"^[- ]?(refractory|failure)\b|^(治疗)?(期间|中)?(进展|复发|失败)|^难治", re.IGNORECASE)


def refractory_at(text: str, start: int, end: int) -> bool:
    """Whether the regimen named at ``start:end`` is one the disease progressed on or is refractory to."""
    return bool(
        _REFRACTORY_BEFORE.search(text[max(0, start - 30) : start]) or _REFRACTORY_AFTER.search(text[end : end + 12])
    )


# Every refractory cue of the patient lexicon contains one of these: a question without any needs no reading.
REFRACTORY_WORD = re.compile(
    r"refr|resist|-ref\b|\bref\b|progress|relaps|耐药|难治|进展|复发|抵抗|不応|難治|進行", re.I
)


def stated_refractory(text: str) -> list[str]:
    """Drugs the text says the disease is refractory to, read as the patient-fact reader reads them."""
    if not REFRACTORY_WORD.search(text):
        return []
    reading = read_drugs(normalise(text), lexicon())
    return [d for d, s in reading.status.items() if s == "refractory" and d not in reading.not_refractory]


def _only_as_history(text: str, patterns: list[re.Pattern[str]]) -> bool:
    """Is every mention of the name (``patterns``) in ``text`` one of the patient's history?"""
    spans = [m.span() for p in patterns for m in p.finditer(text)]
    return bool(spans) and all(
        HISTORY_BEFORE.search(text[max(0, a - 25) : a]) or HISTORY_AFTER.search(text[b : b + 20]) for a, b in spans
    )


def history_regimen(text: str, code: str, vocab: Vocabulary) -> bool:
    """Is the regimen named only as what the patient had ("at first relapse after vrd", "DRd-refractory")?"""
    return _only_as_history(text, vocab.regimen_patterns[code])


def history_drug(text: str, drug: str, vocab: Vocabulary) -> bool:
    """Is the drug named only as what the patient had ("prior daratumumab exposure", "after len")?"""
    return _only_as_history(text, vocab.drug_names(drug))


# An anti-CD38 antibody asked for ("Can daratumumab be used?", "would isatuximab work?", "可以换用伊沙妥昔单抗吗"):
# after another anti-CD38 course, that is sequencing within the class, a rechallenge question.
_ASKS_ANTIBODY = re.compile(
    r"\b(can|could|should|would|may|is it (ok|safe|reasonable) to)\b[^.;?]{0,30}"
    r"\b(dara|daratumumab|isa|isatuximab|anti-?cd38|d-?[pkvr]d|isa-?[pk]d)\b[^.;?]{0,25}"
    r"\b(use|used|give|given|start|started|restart\w*|switch\w*|try|tried|work|effective|an option|again)\b"
    r"|\b(can|could|should|would|may)\b[^.;?]{0,12}\b(use|give|start|restart|switch to|try)\b[^.;?]{0,20}"
    r"\b(dara|daratumumab|isa|isatuximab|anti-?cd38|d-?[pkvr]d|isa-?[pk]d)\b"
    r"|(可以|能否|能不能|是否可以|可否)(再|换用|改用|使用|用|再用)[^，。？]{0,6}(达雷妥尤单抗|伊沙妥昔单抗|艾沙妥昔单抗|抗CD38)"
    r"|(达雷妥尤单抗|伊沙妥昔单抗|艾沙妥昔单抗|抗CD38)[^？?]{0,30}(能否|能不能|可以|可否|还能)(再用|再次使用|重新使用|再使用)",
    re.IGNORECASE,
)
_ANTIBODIES = ("daratumumab", "isatuximab", "anti_cd38")


def after_antibody(text: str) -> bool:
    """Does the question ask for an anti-CD38 antibody after a stated anti-CD38 course?"""
    if not _ASKS_ANTIBODY.search(text):
        return False
    status = read_drugs(normalise(text), lexicon()).status
    return any(status.get(d) in ("exposed", "refractory") for d in _ANTIBODIES)
