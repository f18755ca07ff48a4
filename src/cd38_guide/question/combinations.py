"""Drugs a question joins into one regimen: "isa-len-dex", "dara + pom", "伊沙妥昔单抗联合来那度胺".

A regimen the vocabulary knows by code (DPd) is answered from its trials; one it does not (Isa-Rd) must be spoken
of by evidence naming the drugs together, not each apart (evidence_qualifiers.combination_gaps).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cd38_guide.question.history import HISTORY_AFTER, HISTORY_BEFORE
from cd38_guide.question.vocabulary import Vocabulary

if TYPE_CHECKING:
    from cd38_guide.question.analysis import Entities

# What joins two drug names into one regimen: "isa-len-dex", "dara + pom", "isatuximab plus lenalidomide",
# "伊沙妥昔单抗联合来那度胺".
# A brand name or code in brackets may sit between them ("isatuximab (SARCLISA) with pomalidomide").
JOINER = re.compile(
    r"(?:[-+/,&、\s]|\band\b|\bplus\b|\bwith\b|\bcombined\b|\bin combination\b|联合|加用|加|合用|和|与|及"
    r"|\([^()]{0,24}\))*",
    re.IGNORECASE,
)


_COMBINING = re.compile(r"\+|\bplus\b|\bwith\b|\bcombin|联合|加用|合用|加|^\s*-\s*$", re.IGNORECASE)


def joined_drugs(text: str, e: Entities, vocab: Vocabulary) -> tuple[str, ...]:
    """Drugs the question names side by side as one combination that none of its regimen codes covers.

    "Isa-Rd", "isatuximab-lenalidomide-dexamethasone", "伊沙妥昔单抗联合来那度胺地塞米松" name a regimen the corpus
    may never report; the evidence must then speak of those drugs together, not of each apart. Two drugs of one
    class ("dara/isa") are alternatives, not a combination; dexamethasone is background.
    """
    spans = sorted(
        (m.start(), m.end(), d)
        for d in e.named_drugs
        for p in vocab.drug_names(d)
        for m in [p.search(text)]
        if m is not None
    )
    chains: list[tuple[int, int, list[str], bool]] = []  # start, end, drugs, joined by a word that combines
    for start, stop, drug in spans:
        if chains and start >= chains[-1][1] and JOINER.fullmatch(joint := text[chains[-1][1] : start]):
            a, _, drugs, combined = chains[-1]
            chains[-1] = (a, stop, [*drugs, drug], combined or bool(_COMBINING.search(joint)))
        elif not chains or start >= chains[-1][1]:
            chains.append((start, stop, [drug], False))
    asked = [
        (c, combined)
        for a, b, c, combined in chains
        if not HISTORY_AFTER.search(text[b : b + 20]) and not HISTORY_BEFORE.search(text[max(0, a - 25) : a])
    ]
    best, combined = max(asked, key=lambda x: len(x[0]), default=([], False))
    drugs = vocab.partners(best)
    # Only a word that combines ("plus", "+", "with", "联合", "isa-len-dex") makes one regimen: "X and Y" as often
    # asks about each ("cilta-cel and daratumumab bridging?"); and two of one class combine only when said so
    # ("teclistamab plus talquetamab"), else they are alternatives ("dara/isa").
    if len(drugs) < 2 or not combined:
        return ()
    if any(set(drugs) <= set(vocab.regimens[r].drugs) for r in e.regimens):
        return ()
    return tuple(drugs)


def with_spelled_regimen(e: Entities, combination: tuple[str, ...], vocab: Vocabulary) -> Entities:
    """ "dara plus pom" spells out DPd (its steroid backbone aside): the regimen's trials and fact rows answer it."""
    spelled = [r for r, reg in vocab.regimens.items() if set(combination) == set(vocab.partners(reg.drugs))]
    if combination and len(spelled) == 1:
        return e.model_copy(update={"regimens": (*e.regimens, spelled[0])})
    return e
