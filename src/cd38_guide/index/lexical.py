"""BM25 over chunks (bm25s) with one tokenizer for English and Chinese/Japanese text.

English: lower-cased Snowball-stemmed words, stop words dropped, and hyphenated or bracketed terms
also kept joined ("D-Rd" -> d, rd, drd; "t(4;14)" -> t4_14) so "DRd" and "D-Rd" meet. CJK: character
bigrams, which need no dictionary and match the Chinese abstract's wording.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

STOPWORDS = frozenset(
    """a an and are as at be been but by can could did do does for from had has have how i if in into is it its
    may might more most much no not of on or our should so such than that the their them then there these they
    this those to was we were what when where which while who whom why will with would you your about after also
    any before between both each during other over same some under until up very just only own too s t
    patient patients me my tell please vs versus""".split()
)
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPECIAL = re.compile(r"\bt\s*\(\s*(\d+)\s*;\s*(\d+)\s*\)|\bdel\s*\(?\s*(\d+[pq]?)\s*\)?", re.I)
_WORD = re.compile(rf"[a-z0-9]+(?:[-/+][a-z0-9]+)*\+?|[{_CJK}]+")
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")


# British spellings folded to American ones before stemming, on both sides (index and question), so
# "hypogammaglobulinemia" finds "hypogammaglobulinaemia" and "randomized" finds "randomised".
_SPELLING = (
    (re.compile(r"aem"), "em"),  # anaemia, haematology, leukaemia, septicaemia
    (re.compile(r"^oe(?=d|s)"), "e"),  # oedema, oesophagus, oestrogen
    (re.compile(r"^paed"), "ped"),  # paediatric
    (re.compile(r"^foet"), "fet"),  # foetal
    (re.compile(r"(?<=[a-z]{3})our$"), "or"),  # tumour, colour, behaviour (not hour, four, your)
    (re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ations?)$"), r"iz\1"),  # randomised, hospitalisation
)


def _american(word: str) -> str:
    for pattern, repl in _SPELLING:
        word = pattern.sub(repl, word)
    return word


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """Snowball (Porter 2) stem of an English word (British spellings folded to American first); digits and
    short tokens stay as they are."""
    if len(word) <= 3 or not word.isalpha():
        return word
    return _stemmer().stem(_american(word))


@lru_cache(maxsize=1)
def _stemmer():
    """NLTK's English Snowball stemmer, vendored (index/snowball_en.py): importing ``nltk`` costs seconds."""
    from cd38_guide.index.snowball_en import EnglishStemmer

    return EnglishStemmer()


_JOINERS = re.compile(r"[-/+]")


def tokenize(text: str) -> list[str]:
    """Tokens for BM25 and for query/sentence term overlap.

    Answers tokenize the same passages and sentences question after question, so results are memoised (a
    fresh list each call: callers may change it). Index builds call ``_tokenize`` and keep the cache small.
    """
    return list(_tokenize_cached(text))


@lru_cache(maxsize=1 << 14)
def _tokenize_cached(text: str) -> tuple[str, ...]:
    return tuple(_tokenize(text))


def _tokenize(text: str) -> list[str]:
    text = text.lower()
    out: list[str] = []

    def special(m: re.Match[str]) -> str:
        out.append(f"t{m.group(1)}_{m.group(2)}" if m.group(1) else f"del{m.group(3)}")
        return " "

    text = _SPECIAL.sub(special, text)
    for m in _WORD.finditer(text):
        w = m.group(0)
        if _CJK_RUN.match(w):
            out.extend([w] if len(w) == 1 else [w[i : i + 2] for i in range(len(w) - 1)])
            continue
        parts = [p for p in _JOINERS.split(w) if p]
        joined = "".join(parts)
        for p in parts:
            if p not in STOPWORDS:
                out.append(_stem(p))
        if len(parts) > 1:
            out.append(joined)
    return out


class LexicalIndex:
    """A bm25s index over token lists plus document frequencies for term-coverage scoring."""

    def __init__(self, retriever, n_docs: int, df: dict[str, int]) -> None:
        self._retriever = retriever
        self.n_docs = n_docs
        self.df = df
        self._idf: dict[str, float] = {}

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        """Index ``texts`` (one per chunk, in chunk order)."""
        import bm25s

        tokens = [_tokenize(t) or ["\u2205"] for t in texts]
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(tokens, show_progress=False)
        df: Counter[str] = Counter()
        for toks in tokens:
            df.update(set(toks))
        return cls(retriever, len(texts), dict(df))

    def idf(self, token: str) -> float:
        """Smoothed inverse document frequency; unseen tokens get the maximum.

        Memoised per index (the same query and sentence tokens are weighed sentence after sentence).
        """
        value = self._idf.get(token)
        if value is None:
            n = self.df.get(token, 0)
            value = math.log(1 + (self.n_docs - n + 0.5) / (n + 0.5))
            if n:  # corpus tokens only: the memo stays as small as the vocabulary whatever users type
                self._idf[token] = value
        return value

    def search(self, tokens: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (doc indices, scores) with score > 0, best first."""
        tokens = [t for t in tokens if t in self.df]
        if not tokens or self.n_docs == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        # n_threads=0 scores in this thread; any other value starts a thread pool per call (~0.5 ms), for one query.
        docs, scores = self._retriever.retrieve([list(tokens)], k=min(k, self.n_docs), show_progress=False, n_threads=0)
        docs, scores = docs[0].astype(np.int64), scores[0].astype(np.float32)
        keep = scores > 0
        return docs[keep], scores[keep]

    def save(self, directory: Path) -> list[str]:
        """Write the index files (numpy + JSON, no pickle); returns their names."""
        directory.mkdir(parents=True, exist_ok=True)
        self._retriever.save(str(directory), show_progress=False)
        (directory / "df.json").write_text(json.dumps({"n_docs": self.n_docs, "df": self.df}, ensure_ascii=False))
        return sorted(p.name for p in directory.iterdir())

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        """Load files written by ``save`` (their hashes were checked by the caller)."""
        import bm25s

        meta = json.loads((directory / "df.json").read_text())
        retriever = bm25s.BM25.load(str(directory), mmap=False, allow_pickle=False, show_progress=False)
        return cls(retriever, int(meta["n_docs"]), {str(k): int(v) for k, v in meta["df"].items()})
