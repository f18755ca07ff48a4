"""The vocabulary question analysis recognises, loaded once from data files (YAML) and the glossary.

Clinical content stays data: ``data/vocabulary.yaml`` (drugs, trials, populations, endpoints, attributes,
shorthand) and ``data/regimens.yaml`` (regimen codes and their drugs) are what a clinician edits; this module
only compiles them into matchers. Chinese and Japanese drug names come from ``corpus/glossary.tsv``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from cd38_guide.corpus.glossary import GlossaryEntry
from cd38_guide.corpus.markdown import safe_load_yaml

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


def _data(name: str) -> Any:
    return safe_load_yaml(resources.files("cd38_guide.question").joinpath("data", name).read_text("utf-8"))


_LITERALS: dict[re.Pattern[str], tuple[str, bool, bool]] = {}
"""pattern -> (the literal it needs, exact case, valid on any text rather than ASCII text only)."""


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with adjacent swaps counted as one edit; any value above ``limit`` is ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def term_pattern(term: str, *, exact_case: bool = False) -> re.Pattern[str]:
    """A pattern for ``term`` as a whole word (CJK terms as plain substrings)."""
    if _CJK.search(term):
        pattern = re.compile(re.escape(term))
        _LITERALS[pattern] = (term, True, True)
        return pattern
    flags = 0 if exact_case else re.IGNORECASE
    pattern = re.compile(rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z0-9])", flags)
    if term.isascii():
        _LITERALS[pattern] = (term if exact_case else term.lower(), exact_case, False)
    return pattern


def literal_of(pattern: re.Pattern[str]) -> tuple[str, bool, bool] | None:
    """(the literal ``pattern`` needs, exact case, valid on any text), for a pattern from ``term_pattern``."""
    return _LITERALS.get(pattern)


def literal_allows(literal: tuple[str, bool, bool] | None, text: str, lowered: str, ascii_text: bool) -> bool:
    """False only when a pattern needing ``literal`` (see ``literal_of``) cannot match ``text``.

    A substring test costs a fraction of a regex search; question analysis runs ~700 term patterns a question.
    On ASCII text a case-blind ASCII term can only match where its lower-cased form occurs in ``lowered``
    (``text.lower()``); a CJK term only where it occurs as is. A pattern with no literal is searched.
    """
    if literal is None:
        return True
    term, exact, any_text = literal
    if not (any_text or ascii_text):
        return True
    return term in (text if exact else lowered)


def may_match(pattern: re.Pattern[str], text: str, lowered: str, ascii_text: bool) -> bool:
    """False only when ``pattern`` (from ``term_pattern``) cannot match ``text``: its term is not in it."""
    return literal_allows(_LITERALS.get(pattern), text, lowered, ascii_text)


def _regex(pattern: str) -> re.Pattern[str]:
    if _CJK.search(pattern):
        return re.compile(pattern)
    return re.compile(rf"(?<![A-Za-z0-9])(?:{pattern})", re.IGNORECASE)


def _any_of(patterns: list[str]) -> list[re.Pattern[str]]:
    """The patterns of one name as one alternation per kind (CJK, Latin): the same "does any match, and where
    first" answer as searching each (leftmost match of an alternation = earliest match of any), in one search.

    Not for negatable names (populations), which skip a negated match and look at the next one of any pattern,
    nor where the number of matching patterns counts (evidence re-ranking).
    """
    latin = [p for p in patterns if not _CJK.search(p)]
    cjk = [p for p in patterns if _CJK.search(p)]
    out = [_regex("|".join(f"(?:{p})" for p in latin))] if latin else []
    return out + ([re.compile("|".join(f"(?:{p})" for p in cjk))] if cjk else [])


@dataclass(frozen=True)
class Regimen:
    """A regimen code (DRd, IsaPd ...) with its drugs."""

    code: str
    drugs: tuple[str, ...]
    anti_cd38: bool
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Trial:
    """A trial name with the corpus document that holds it and the regimens it compared."""

    name: str
    document: str | None
    regimen: str | None
    comparator: str | None
    aliases: tuple[str, ...]
    # Names that mean this source in a question or in its own document only ("the consensus"): elsewhere in the
    # corpus "the consensus" is the EMN's or the IMWG's.
    local_aliases: tuple[str, ...] = ()
    elsewhere: tuple[re.Pattern[str], ...] = ()
    """Patterns that name it in any document: its name and its other aliases."""


@dataclass
class Vocabulary:
    """Compiled matchers: canonical name -> patterns, for each kind of entity."""

    drug_class: dict[str, str]
    drugs: dict[str, list[re.Pattern[str]]]
    regimens: dict[str, Regimen]
    regimen_patterns: dict[str, list[re.Pattern[str]]]
    trials: dict[str, Trial]
    trial_patterns: dict[str, list[re.Pattern[str]]]
    populations: dict[str, list[re.Pattern[str]]]
    endpoints: dict[str, list[re.Pattern[str]]]
    attributes: dict[str, list[re.Pattern[str]]]
    shorthand: list[tuple[re.Pattern[str], str]]
    population_evidence: dict[str, dict[str, Any]] = field(default_factory=dict)
    population_broader: dict[str, list[str]] = field(default_factory=dict)
    # Populations whose evidence speaks to another for the evidence check only: refractory disease was exposed.
    population_implied_by: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    endpoint_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    population_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    intent_cues: dict[str, re.Pattern[str]] = field(default_factory=dict)
    attribute_cues: dict[str, re.Pattern[str]] = field(default_factory=dict)
    aspects: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)
    aspect_labels: dict[str, str] = field(default_factory=dict)  # Chinese names of the aspects
    # What a quote must say to speak to an aspect, where that is not how a question names it (an interval).
    aspect_evidence: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)
    adverse_events: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)
    routes: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)  # subcutaneous, intravenous
    known_words: frozenset[str] = field(default_factory=frozenset)
    drug_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    refractory_populations: dict[str, str] = field(default_factory=dict)  # drug or drug class -> population
    finders: dict[str, dict[str, list[re.Pattern[str]]]] = field(default_factory=dict)
    drug_spellings: dict[str, str] = field(default_factory=dict)  # lower-case name or alias (7+ letters) -> drug
    """Endpoints, attributes and aspects, each name's patterns as one alternation: for finding them in a question.
    Evidence scoring keeps the separate patterns (it counts how many of them a passage matches)."""

    def refractory_drugs(self, populations: Iterable[str]) -> set[str]:
        """Drugs the disease is refractory to ("refractory to len and dara"): history, not what is asked about."""
        out: set[str] = set()
        for pop in populations:
            spec = self.population_evidence.get(pop, {})
            if spec.get("excludes_drug"):
                out.add(spec["excludes_drug"])
            if spec.get("excludes_class"):
                out |= {d for d, c in self.drug_class.items() if c == spec["excludes_class"]}
        return out

    def partners(self, drugs: Iterable[str]) -> list[str]:
        """The drugs that make a regimen, in order: not the steroid backbone, not supportive care (G-CSF)."""
        return [d for d in dict.fromkeys(drugs) if self.drug_class.get(d) not in ("steroid", "supportive")]

    def cues(self, intent: str, attributes: Iterable[str] = ()) -> list[re.Pattern[str]]:
        """What marks evidence as answering the question: the intent's cue and the asked attributes' cues.

        "How to manage grade 4 neutropenia?" is answered by what is done about it (delay, G-CSF), and "IVIG for
        hypogammaglobulinaemia?" by the IVIG criteria, so the management or supportive-care cue stands alone: the
        toxicity cues would lift the sentences saying how often it occurs just as much.
        """
        for alone in ("management", "supportive_care"):
            if alone in attributes and alone in self.attribute_cues:
                return [self.attribute_cues[alone]]
        out = [self.intent_cues[intent]] if intent in self.intent_cues else []
        return out + [self.attribute_cues[a] for a in attributes if a in self.attribute_cues]

    def cue(self, name: str) -> re.Pattern[str] | None:
        """The intent or attribute cue called ``name``."""
        return self.intent_cues.get(name) or self.attribute_cues.get(name)

    def refractory_populations_of(self, drug: str) -> list[str]:
        """The population a disease refractory to ``drug`` belongs to, by drug or by its class (if any)."""
        found = self.refractory_populations.get(drug) or self.refractory_populations.get(self.drug_class.get(drug, ""))
        return [found] if found else []

    def refractory_to(self, regimen: str) -> list[str]:
        """The populations a disease refractory to ``regimen`` belongs to (DRd: lenalidomide- and anti-CD38-)."""
        drugs = self.regimens[regimen].drugs if regimen in self.regimens else ()
        return list(dict.fromkeys(p for d in drugs for p in self.refractory_populations_of(d)))

    def population_patterns(self, population: str) -> list[re.Pattern[str]]:
        """Patterns of a population and of the broader ones that cover it (dialysis is covered by renal)."""
        names = [population, *self.population_broader.get(population, [])]
        return [p for name in names for p in self.populations.get(name, [])]

    def drug_label(self, drug: str, language: str) -> str:
        """``drug`` as written in ``language`` (来那度胺 for lenalidomide in Chinese), else its English name."""
        return self.drug_labels.get(drug, {}).get(language, drug)

    def adverse_events_in(self, text: str) -> list[str]:
        """The adverse events of the vocabulary that ``text`` names ("pneumonia", "neutropenia")."""
        return [e for e, pats in self.adverse_events.items() if any(p.search(text) for p in pats)]

    def misspelt_drug(self, word: str) -> str | None:
        """The drug a long unknown word misspells ("isatuxmab", "carfilzomb"): one edit away (two for names of ten
        letters or more), same first letter, and no other drug as close; None otherwise."""
        w = word.lower()
        if len(w) < 7 or not w.isalpha() or w in self.known_words:
            return None
        best: set[str] = set()
        best_distance = 3
        for spelling, drug in self.drug_spellings.items():
            if spelling[0] != w[0] or abs(len(spelling) - len(w)) > 2:
                continue
            allowed = 2 if len(spelling) >= 10 else 1
            d = edit_distance(w, spelling, allowed)
            if d > allowed:
                continue
            if d < best_distance:
                best, best_distance = {drug}, d
            elif d == best_distance:
                best.add(drug)
        return next(iter(best)) if len(best) == 1 else None

    def drug_names(self, drug: str) -> list[re.Pattern[str]]:
        """Patterns that name ``drug`` in a passage (its canonical name and aliases)."""
        patterns = self.drugs.get(drug)  # (not .get(drug, default): that compiled the default on every call)
        return patterns if patterns is not None else [term_pattern(drug)]


def _build(glossary: tuple[GlossaryEntry, ...]) -> Vocabulary:
    vocab = _data("vocabulary.yaml")
    regimen_data = _data("regimens.yaml")
    known: set[str] = set()

    drug_class: dict[str, str] = {}
    drugs: dict[str, list[re.Pattern[str]]] = {}
    spellings: dict[str, str] = {}
    for name, spec in vocab["drugs"].items():
        drug_class[name] = spec["class"]
        names = [name, *spec.get("aliases", [])]
        drugs[name] = [term_pattern(n) for n in names]
        spellings.update({n.lower(): name for n in names if n.isalpha() and n.isascii() and len(n) >= 7})
        known.update(w.lower() for n in names for w in re.findall(r"[A-Za-z][A-Za-z0-9\-]*", n))
    for e in glossary:
        if e.kind == "drug" and e.expansion.split()[0].lower() in drugs:
            drugs[e.expansion.split()[0].lower()].append(term_pattern(e.term))
    drug_labels: dict[str, dict[str, str]] = {}  # drug -> language -> its name there (the glossary's first)
    for e in glossary:
        if e.kind == "drug" and e.expansion.lower() in drugs:
            drug_labels.setdefault(e.expansion.lower(), {}).setdefault(e.language, e.term)

    regimens: dict[str, Regimen] = {}
    regimen_patterns: dict[str, list[re.Pattern[str]]] = {}
    for code, spec in regimen_data.items():
        aliases = tuple(spec.get("aliases", []))
        regimens[code] = Regimen(code, tuple(spec["drugs"]), bool(spec["anti_cd38"]), aliases)
        # Codes are matched in their exact case (Pd vs PD, progressive disease); spelled-out aliases in any case.
        pats = [term_pattern(code, exact_case=True)]
        pats += [term_pattern(a, exact_case=len(a) <= 4) for a in aliases]
        regimen_patterns[code] = pats
        known.update(w.lower() for a in (code, *aliases) for w in re.findall(r"[A-Za-z][A-Za-z0-9\-]*", a))
    _add_drug_plus_backbone(regimen_data, vocab["drugs"], regimen_patterns)

    trials: dict[str, Trial] = {}
    trial_patterns: dict[str, list[re.Pattern[str]]] = {}
    for name, spec in vocab["trials"].items():
        spec = spec or {}
        aliases = tuple(spec.get("aliases", []))
        local = tuple(spec.get("local_aliases", []))
        elsewhere = tuple(term_pattern(n) for n in (name, *aliases))
        trials[name] = Trial(
            name, spec.get("document"), spec.get("regimen"), spec.get("comparator"), aliases, local, elsewhere
        )
        trial_patterns[name] = [*elsewhere, *(term_pattern(n) for n in local)]
        known.update(w.lower() for n in (name, *aliases, *local) for w in re.findall(r"[A-Za-z][A-Za-z0-9\-]*", n))

    shorthand = [(term_pattern(k), v) for k, v in sorted(vocab["shorthand"].items(), key=lambda kv: -len(kv[0]))]
    # "伊沙" not followed by the rest of "伊沙妥昔单抗": the short name, spelled out.
    shorthand += [
        (re.compile(re.escape(short) + f"(?!{re.escape(full[len(short)])})"), full)
        for short, full in vocab.get("zh_short_names", {}).items()
    ]
    # Notations with a number inside ("C2D1"): a pattern and its replacement.
    shorthand += [(re.compile(k, re.IGNORECASE), v) for k, v in vocab.get("shorthand_patterns", {}).items()]
    known.update(k.lower() for k in vocab["shorthand"])
    return Vocabulary(
        drug_class=drug_class,
        drugs=drugs,
        regimens=regimens,
        regimen_patterns=regimen_patterns,
        trials=trials,
        trial_patterns=trial_patterns,
        populations={k: [_regex(p) for p in v] for k, v in vocab["populations"].items()},
        endpoints={k: [_regex(p) for p in v] for k, v in vocab["endpoints"].items()},
        attributes={k: [_regex(p) for p in v] for k, v in vocab["attributes"].items()},
        shorthand=shorthand,
        population_evidence=vocab["population_evidence"],
        population_broader=vocab.get("population_broader", {}),
        population_implied_by=vocab.get("population_implied_by", {}),
        labels=vocab["labels"],
        endpoint_labels=vocab["endpoint_labels"],
        population_labels=vocab["population_labels"],
        intent_cues={k: re.compile(v, re.IGNORECASE) for k, v in vocab["intent_cues"].items()},
        attribute_cues={k: re.compile(v, re.IGNORECASE) for k, v in vocab.get("attribute_cues", {}).items()},
        aspects={k: [_regex(p) for p in v] for k, v in vocab["aspects"].items()},
        aspect_labels=dict(vocab.get("aspect_labels", {})),
        aspect_evidence={k: [_regex(p) for p in v] for k, v in vocab.get("aspect_evidence", {}).items()},
        adverse_events={k: [_regex(p) for p in v] for k, v in vocab.get("adverse_events", {}).items()},
        routes={k: [_regex(p) for p in v] for k, v in vocab.get("routes", {}).items()},
        known_words=frozenset(known),
        drug_labels=drug_labels,
        refractory_populations=dict(vocab.get("refractory_populations", {})),
        drug_spellings=spellings,
        finders={
            kind: {k: _any_of(v) for k, v in vocab[kind].items()} for kind in ("endpoints", "attributes", "aspects")
        },
    )


def _add_drug_plus_backbone(
    regimen_data: dict[str, Any], drug_data: dict[str, Any], patterns: dict[str, list[re.Pattern[str]]]
) -> None:
    """ "isatuximab-Pd", "dara + Kd", "daratumumab/Rd": a drug's name joined to a two-drug backbone's code names
    the triplet of that drug plus the backbone (IsaPd, DKd, DRd), however the clinician joins them."""
    backbones = {frozenset(spec["drugs"]): code for code, spec in regimen_data.items() if len(spec["drugs"]) == 2}
    for code, spec in regimen_data.items():
        first, *rest = spec["drugs"]
        backbone = backbones.get(frozenset(rest))
        if backbone is None or first not in drug_data or len(rest) != 2:
            continue
        names = "|".join(re.escape(n) for n in [first, *drug_data[first].get("aliases", [])])
        patterns[code].append(re.compile(rf"(?<![\w-])(?i:{names})\s*[-+/]\s*{re.escape(backbone)}(?![\w-])"))


@lru_cache(maxsize=4)
def load_vocabulary(glossary: tuple[GlossaryEntry, ...] = ()) -> Vocabulary:
    """The compiled vocabulary (cached per glossary)."""
    return _build(glossary)
