"""The vendored English stemmer gives NLTK's stems exactly (the BM25 index and the term overlap depend on them)."""

from __future__ import annotations

from pathlib import Path

from cd38_guide.corpus import load_corpus
from cd38_guide.index.lexical import _WORD, _stemmer
from cd38_guide.index.snowball_en import EnglishStemmer

ROOT = Path(__file__).resolve().parents[2]


def _words() -> list[str]:
    from wordfreq import top_n_list

    words = set(top_n_list("en", 250_000))
    corpus = load_corpus([ROOT / "corpus"])
    for p in corpus.passages.values():
        words.update(_WORD.findall(f"{p.title} {p.heading} {p.text}".lower()))
    gold = (ROOT / "eval" / "gold.jsonl").read_text(encoding="utf-8").lower()
    words.update(_WORD.findall(gold))
    words.update(["", "a", "sky", "skies", "dying", "generously", "news", "atlas", "cosmos", "gently", "ugly"])
    return sorted(w for w in words if w.isalpha())


def test_same_stems_as_nltk_on_the_vocabulary() -> None:
    from nltk.stem.snowball import EnglishStemmer as NltkEnglishStemmer

    ours, theirs = EnglishStemmer(), NltkEnglishStemmer()
    words = _words()
    assert len(words) > 200_000
    differing = [(w, ours.stem(w), theirs.stem(w)) for w in words if ours.stem(w) != theirs.stem(w)]
    assert differing == []
    assert ours.stem("premedications") == "premed" and ours.stem("university") == theirs.stem("university")


def test_the_tokenizer_uses_the_vendored_stemmer() -> None:
    assert isinstance(_stemmer(), EnglishStemmer)  # (test_import_budget checks that `ask` never loads nltk)
