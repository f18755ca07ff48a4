"""Sentence segmentation with character offsets, for English and Chinese passage text.

Offsets let the UI highlight the sentences an answer used, and let the answer composer prove that every
sentence it emits occurs verbatim in the passage it cites.
"""

from __future__ import annotations

import re

from cd38_guide.types import Language, Sentence

# Words that end in a period without ending a sentence.
_ABBREVIATIONS = frozenset(
    {
        "e.g",
        "i.e",
        "et al",
        "al",
        "vs",
        "approx",
        "dr",
        "fig",
        "no",
        "ref",
        "cf",
        "etc",
        "incl",
        "mo",
        "wk",
        "min",
        "max",
    }
)
# A sentence ends at . ! ? (then space + an opening character) or at a CJK full stop.
_EN_END = re.compile(r"[.!?][\"')\]]?(?=\s+[\"'(\[]?[A-Z0-9\u4e00-\u9fff≥≤<>])")
_ZH_END = re.compile(r"[。！？]")


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at ``dot`` closes an abbreviation or an initial, not a sentence."""
    if text[dot] != ".":
        return False
    word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(0, dot - 12) : dot])
    if not word:
        return False
    token = word.group(1).lower()
    return token in _ABBREVIATIONS or (len(token) == 1 and text[dot - 1].isupper())


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Split ``text`` into sentences; offsets exclude surrounding whitespace.

    Returns:
        One ``Sentence`` per sentence, covering every non-blank character of ``text`` in order.
    """
    cuts: list[int] = []
    for m in _EN_END.finditer(text):
        if not _is_abbreviation(text, m.start()):
            cuts.append(m.end())
    cuts.extend(m.end() for m in _ZH_END.finditer(text))
    spans: list[Sentence] = []
    start = 0
    for cut in [*sorted(set(cuts)), len(text)]:
        if cut <= start:
            continue
        seg = text[start:cut]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg.rstrip())
        if trail > lead:
            spans.append(Sentence(start=start + lead, end=start + trail))
        start = cut
    return tuple(spans)


_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


def question_language(text: str) -> Language:
    """'zh' when CJK characters outweigh Latin words (a CJK character counts as a word), else 'en'."""
    cjk = len(_CJK_CHAR.findall(text))
    latin_words = len(re.findall(r"[A-Za-z]{2,}", text))
    return "zh" if cjk and cjk >= latin_words else "en"
