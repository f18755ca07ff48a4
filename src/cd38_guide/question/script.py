"""Chinese script: a question typed in traditional characters is read as simplified.

Clinicians in Taiwan and Hong Kong write 達雷妥尤單抗 and 來那度胺難治; the glossary, the vocabulary, the
patient lexicon and the Chinese abstract are in simplified characters. The table (data/zh_traditional.tsv) is
character by character, from OpenCC; characters that are themselves simplified forms are not in it, so a
simplified question is left as it is. Japanese (any kana in the text) is left alone: its kanji are not
traditional Chinese and the glossary holds them as written.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

_KANA = re.compile(r"[\u3040-\u30ff]")


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    text = resources.files("cd38_guide.question").joinpath("data/zh_traditional.tsv").read_text("utf-8")
    pairs = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {ord(trad): simp for trad, simp in pairs}


def to_simplified(text: str) -> str:
    """``text`` with traditional Chinese characters in their simplified form (ASCII and Japanese unchanged)."""
    if text.isascii() or _KANA.search(text):
        return text
    return text.translate(_table())
