"""The reader's vocabulary, loaded from data: drug names (EN/ZH/JA, brands, short forms), regimens and their drugs
(``question/data/regimens.yaml``, shared with the answers side), and the cue words of ``patient_lexicon.yaml``.

Kept apart from the matching code so a clinician can add a spelling without reading a regular expression.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from cd38_guide.question.patient.model import AGENTS, PARTNERS

OURS = frozenset(PARTNERS + AGENTS)


def _load(name: str) -> Any:
    return yaml.safe_load(resources.files("cd38_guide.question").joinpath("data", name).read_text(encoding="utf-8"))


def _ascii(word: str) -> bool:
    return word.isascii()


def _alt(words: list[str]) -> str:
    """A regex alternation, longest first, ASCII words bounded so "len" never matches inside "lenient"."""
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        esc = re.escape(w)
        parts.append(rf"(?<![a-z0-9]){esc}(?![a-z0-9])" if _ascii(w) and w[-1].isalnum() else esc)
    return "|".join(parts)


@dataclass(frozen=True)
class Name:
    """A spelling and what it stands for."""

    drugs: tuple[str, ...]
    history: bool = False  # the phrase itself says the drug was given ("len maintenance")


@dataclass(frozen=True)
class Lexicon:
    names: dict[str, Name]
    name_rx: re.Pattern[str]
    typo_targets: tuple[str, ...]
    typo_ratio: float
    typo_min_length: int
    cues: dict[str, re.Pattern[str]]

    def fix_typos(self, text: str) -> tuple[str, list[str]]:
        """Replace a long word within ``typo_ratio`` of a drug name by the name ("lenalidomid" -> lenalidomide)."""
        fixed: list[str] = []

        def swap(m: re.Match[str]) -> str:
            word = m.group(0)
            if len(word) < self.typo_min_length or word in self.names:
                return word
            close = difflib.get_close_matches(word, self.typo_targets, n=1, cutoff=self.typo_ratio)
            if close:
                fixed.append(f"'{word}' read as {close[0]}")
                return close[0]
            return word

        return re.sub(r"[a-z]+", swap, text), fixed


def _cue(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The vocabulary, built once from the two YAML files."""
    data = _load("patient_lexicon.yaml")
    names: dict[str, Name] = {}
    singles = set(data["single_letters"])
    for drug, spellings in data["drugs"].items():
        for s in spellings:
            if s not in singles:
                names[s.lower()] = Name((drug,))
    for code, entry in _load("regimens.yaml").items():
        drugs = tuple(d for d in entry["drugs"] if d in OURS)
        if drugs:
            for s in (code, *entry.get("aliases", [])):
                names.setdefault(str(s).lower(), Name(drugs))
    for alias, entry in data["regimen_aliases"].items():
        names[alias.lower()] = Name(tuple(entry["drugs"]), bool(entry["history"]))
    single = {"r": "lenalidomide", "v": "bortezomib", "k": "carfilzomib"}
    status_after = r"(?=-(?:refractory|ref|exposed|sensitive|naive)\b)"
    name_rx = re.compile(
        "(" + _alt(list(names)) + ")|(?<![a-z0-9])([rvk])" + status_after,
    )
    for letter, drug in single.items():
        names[letter] = Name((drug,))
    targets = tuple(s for spellings in data["drugs"].values() for s in spellings if s.isascii() and len(s) >= 6)
    cues = {
        "ref_before": re.compile(rf"(?:{_cue(data['refractory']['before'])})\s*(?:both\s+)?$"),
        "ref_after": re.compile(rf"^[\s\-]*(?:均|都|皆)?(?:{_cue(data['refractory']['after'])})"),
        "not_ref": re.compile(_cue(data["not_refractory"])),
        "exp_before": re.compile(rf"(?:{_cue(data['exposed']['before'])})\s*(?:the\s+)?$"),
        "exp_after": re.compile(rf"^[\s\-()]*(?:均|都)?(?:\d\s*级)?(?:{_cue(data['exposed']['after'])})"),
        "naive_before": re.compile(rf"(?:^|[^a-z])(?:{_cue(data['naive']['before'])})\s*$"),
        "naive_after": re.compile(rf"^[\s\-]*(?:{_cue(data['naive']['after'])})"),
        "future": re.compile(rf"(?:{_cue(data['future'])})\s*(?:with\s+)?$"),
        "comparator": re.compile(rf"(?:{_cue(data['comparators'])})"),
    }
    return Lexicon(names, name_rx, targets, float(data["typo_ratio"]), int(data["typo_min_length"]), cues)
