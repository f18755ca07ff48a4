"""The building blocks of education content: bilingual statements, glossary terms, questions, sections, topics.

Static data, written by hand and reviewed against the corpus; frozen dataclasses because nothing outside the
package ever constructs them from user input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Antibody = Literal["daratumumab", "isatuximab"]
Lang = Literal["en", "zh"]


@dataclass(frozen=True)
class Statement:
    """One plain-language statement in both languages, with the corpus passages that support it.

    ``antibody`` limits the statement to drafts whose regimen uses that antibody (drafts without a regimen
    show both); ``regimens`` limits it to drafts for those regimen codes. Drafts without a regimen show every
    statement unless ``in_generic`` is False (a caution about one regimen alone).
    """

    key: str
    en: str
    zh: str
    evidence: tuple[str, ...]
    antibody: Antibody | None = None
    regimens: tuple[str, ...] | None = None
    in_generic: bool = True

    def text(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Term:
    """A glossary entry: an unavoidable term and a plain definition, in both languages."""

    en: str
    en_definition: str
    zh: str
    zh_definition: str
    antibody: Antibody | None = None

    def pair(self, lang: Lang) -> tuple[str, str]:
        return (self.en, self.en_definition) if lang == "en" else (self.zh, self.zh_definition)


@dataclass(frozen=True)
class Question:
    """A question the patient may ask the care team, in both languages."""

    en: str
    zh: str
    antibody: Antibody | None = None
    regimens: tuple[str, ...] | None = None

    def text(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Section:
    """A headed group of statements."""

    key: str
    en: str
    zh: str
    statements: tuple[Statement, ...]

    def heading(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Topic:
    """One education topic: title, sections of statements, a glossary and questions for the care team."""

    id: str
    en_title: str
    zh_title: str
    sections: tuple[Section, ...]
    glossary: tuple[Term, ...]
    questions: tuple[Question, ...]

    def title(self, lang: Lang) -> str:
        return self.en_title if lang == "en" else self.zh_title


def S(
    key: str,
    en: str,
    zh: str,
    *evidence: str,
    antibody: Antibody | None = None,
    regimens: tuple[str, ...] | None = None,
    in_generic: bool = True,
) -> Statement:
    """Shorthand for a Statement in the data modules: ``S(key, en, zh, passage_id, ...)``."""
    return Statement(
        key=key,
        en=en,
        zh=zh,
        evidence=tuple(evidence),
        antibody=antibody,
        regimens=regimens,
        in_generic=in_generic,
    )
