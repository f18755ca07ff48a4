"""The order and labelling of chosen quotes: which may lead an answer, and which need their source's name.

Kept apart from sentence scoring and selection: these rules read a chosen sentence's wording, not the question.
"""

from __future__ import annotations

import re

from cd38_guide.sentence_selection import Candidate

# A sentence that leans on the one before it ("It randomised...", "This was...") cannot lead an answer.
_LEANS_BACK = re.compile(
    r"^(it|its|this|these|that|those|they|their|both|such|there|here|he|she|also|however|with (it|this)|per the same"
    r"|the (trial|study|analysis|same|latter|former|report|paper|authors|series|cohort|group|subgroup)"
    r"|(in|from|per) (summaries of )?(the|that|this|these|those) (paper|trials?|study|studies|analysis|review|report"
    r"|groups?|subgroups?|cohort|population|patients))\b|^(其|该|此|这|它)",
    re.IGNORECASE,
)
LEAD_MARGIN = 0.15
"""How much better than the passage's opening sentence a later one must score to be read first."""


# "In the daratumumab arm, ..." may lead an answer, but is read right only with its trial's name before it.
_ARM_OF = re.compile(r"^in (the|each|both) ([\w-]+ ){0,2}arms?\b", re.IGNORECASE)


def needs_source(text: str) -> bool:
    """Does ``text``, quoted without the sentence before it, need its source's name to be read right?"""
    return leans_back(text) or bool(_ARM_OF.search(text))


def leans_back(text: str) -> bool:
    """Does ``text`` lean on the sentence before it ("It randomised ...", "In this group, ...")?"""
    return bool(_LEANS_BACK.search(text))


def lead_with_best(chosen: list[Candidate], skip: int = 0) -> list[Candidate]:
    """Quotes keep reading order within a passage, except that the best-scored sentence of the first passage
    leads when it clearly outscores the opening one and stands alone: "Daratumumab in COPD?" reads the COPD
    sentence first, not the passage's general opening about post-medication. ``skip``: leading quotes that stay
    first (a Chinese reader's Chinese sentence); the rule applies to the passage after them."""
    if len(chosen) < skip + 2 or chosen[skip].pid in {c.pid for c in chosen[:skip]}:
        return chosen
    first = [c for c in chosen[skip:] if c.pid == chosen[skip].pid]
    best = max(first, key=lambda c: c.score)
    if best is first[0] or best.score < first[0].score + LEAD_MARGIN or leans_back(best.text):
        return chosen
    return [*chosen[:skip], best, *(c for c in chosen[skip:] if c is not best)]
