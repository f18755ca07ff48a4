"""Question analysis: what was asked (intent), about what (entities), in which language, in plain words.

Analysis runs once per question and every other room reads its result: retrieval searches the normalised
text and boosts passages naming the entities, answer planning picks a direct-answer shape by intent, and
the entity guard refuses to answer about one drug with evidence about another. It is pure and rule-based
(patterns are data in ``data/vocabulary.yaml``), so the same question always gets the same analysis.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from cd38_guide.corpus.glossary import GlossaryEntry
from cd38_guide.corpus.sentences import question_language
from cd38_guide.question.combinations import joined_drugs, with_spelled_regimen
from cd38_guide.question.cues import (
    AFTER_REACTION,
    ASKING_SENTENCE,
    ASKS_DOSE_OF,
    CASE_AGE,
    CASE_BREAK,
    COMPARE,
    DEFINED,
    DEFINED_STATE,
    DESIGN_QUESTION,
    INSTRUCTION,
    NEXT,
    OPTIONS,
    OUTCOME,
    OVERVIEW,
    PATIENT,
    RATE_ASKED,
    RECHALLENGE,
    RESISTANCE_ASKED,
    RESPONSE_TERM,
    RESULT_WORDS,
    SELECT,
    SHARE_QUESTION,
    WHICH_REGIMEN,
    ZH_CASE_BREAK,
    ZH_RESPONSE_TERMS,
    ZH_ROUTE_PAIR,
)
from cd38_guide.question.history import (
    after_antibody,
    history_regimen,
    refractory_at,
    stated_refractory,
)
from cd38_guide.question.script import to_simplified
from cd38_guide.question.vocabulary import Vocabulary, literal_allows, literal_of, load_vocabulary, may_match
from cd38_guide.types import Frozen, Language

Intent = Literal[
    "outcome",
    "comparison",
    "dose",
    "dose_adjustment",
    "selection",
    "toxicity",
    "interference",
    "definition",
    "rechallenge",
    "patient_case",
    "out_of_scope",
    "instruction",
    "general",
]
INTENTS: tuple[str, ...] = Intent.__args__  # type: ignore[attr-defined]


class Entities(Frozen):
    """What the question names, each normalised to the vocabulary's canonical spelling."""

    drugs: tuple[str, ...] = Field(default=(), description="Drugs named directly or through a regimen.")
    named_drugs: tuple[str, ...] = Field(default=(), description="Drugs the question names itself (not via regimen).")
    regimens: tuple[str, ...] = Field(default=(), description="Regimen codes (DRd, IsaPd ...).")
    trials: tuple[str, ...] = Field(default=(), description="Trial names (POLLUX, CANDOR ...).")
    populations: tuple[str, ...] = Field(default=(), description="Subgroups: lenalidomide-refractory, frail ...")
    endpoints: tuple[str, ...] = Field(default=(), description="PFS, OS, ORR, CR, MRD, HR ...")
    attributes: tuple[str, ...] = Field(default=(), description="What is asked of them: dose, washout, toxicity ...")
    aspects: tuple[str, ...] = Field(
        default=(), description="Clinical aspects at the corpus's edge (other diseases, vaccines, procedures ...)."
    )
    routes: tuple[str, ...] = Field(
        default=(), description="Routes of administration named: subcutaneous, intravenous."
    )
    refractory_drugs: tuple[str, ...] = Field(
        default=(),
        description="Drugs the disease is said to be refractory to (history, not what is asked about): "
        "'refractory to len and bortezomib', 'progression on DRd', '来那度胺和硼替佐米双耐药'.",
    )


class QuestionAnalysis(Frozen):
    """The analysis of one question, read by retrieval, answer planning, the entity guard and the rules."""

    text: str
    normalized: str = Field(description="The question with clinical shorthand and common typos spelled out.")
    language: Language
    intent: Intent
    entities: Entities
    sides: tuple[str, ...] = Field(default=(), description="What a comparison compares (regimens or trials).")
    describes_patient: bool = Field(default=False, description="The question describes a particular patient.")
    asks_design: bool = Field(
        default=False,
        description="The question asks how a study was built (its size, arms, enrolment), not its result.",
    )
    asks_overview: bool = Field(
        default=False,
        description="The question asks what a named source covers or says overall (its scope, main message).",
    )
    combination: tuple[str, ...] = Field(
        default=(),
        description="Drugs the question joins into one regimen no named regimen code covers (isatuximab-len).",
    )
    defined_term: str | None = Field(
        default=None, description="The term a definition question defines ('penta-refractory'), if one is named."
    )
    asking: str = Field(
        default="",
        description="What is asked: for a described patient the asking sentence after the case note, else the "
        "normalised question; figures in the case ('2 prior lines') are context, not a subgroup asked.",
    )
    asked_populations: tuple[str, ...] = Field(
        default=(),
        description="The populations the asking sentence names; for a described patient, the case's own details "
        "('55F, 1 prior line, len-refractory. Did the CANDOR benefit differ by age?') are context, not asked.",
    )

    @property
    def subjects(self) -> tuple[str, ...]:
        """The named things an answer must be about: trials, regimens and directly named drugs."""
        return (*self.entities.trials, *self.entities.regimens, *self.entities.named_drugs)


def normalize(text: str, vocab: Vocabulary) -> str:
    """Spell out clinical shorthand and fix common typos (whole words only); traditional Chinese as simplified."""
    out = to_simplified(text)
    lowered, ascii_text = out.lower(), out.isascii()
    for pattern, replacement in vocab.shorthand:
        if may_match(pattern, out, lowered, ascii_text):
            out = pattern.sub(replacement, out)
            lowered, ascii_text = out.lower(), out.isascii()
    return _LONG_WORD.sub(lambda m: vocab.misspelt_drug(m[0]) or m[0], out)


_LONG_WORD = re.compile(r"(?<![A-Za-z0-9-])[A-Za-z]{7,}(?![A-Za-z0-9])")


# "not len-refractory", "non-frail", "without high-risk cytogenetics": the population is ruled out, not asked.
_NEGATED = re.compile(
    r"(\bnot|\bnon|\bno|\bnever|\bwithout|\bisn't|\bwasn't|非|不是|无)[- ]?(\w+[- ])?$", re.IGNORECASE
)


_Entries = tuple[tuple[str, tuple[tuple[re.Pattern[str], tuple[str, bool, bool] | None], ...]], ...]
_PREPARED: dict[int, tuple[dict[str, list[re.Pattern[str]]], _Entries]] = {}


def _prepared(patterns: dict[str, list[re.Pattern[str]]]) -> _Entries:
    """Each name's patterns with the literal each needs, looked up once per vocabulary table, not per question."""
    got = _PREPARED.get(id(patterns))
    if got is None or got[0] is not patterns:
        entries = tuple((name, tuple((p, literal_of(p)) for p in pats)) for name, pats in patterns.items())
        got = _PREPARED[id(patterns)] = (patterns, entries)
    return got[1]


# "stopped for fatigue, not progression": a reason in the patient's history, not an aspect asked about.
_REASON_BEFORE = re.compile(
    r"\b((stopp?ed|discontinued|held|interrupted|withdrawn|ended)( \w+){0,3} (for|due to|because of)"
    r"|due to|because of)\s*$|因为?\s*$",
    re.IGNORECASE,
)


def _found(
    patterns: dict[str, list[re.Pattern[str]]],
    text: str,
    negatable: bool = False,
    skip_before: re.Pattern[str] | None = None,
) -> list[tuple[int, str]]:
    hits = []
    lowered, ascii_text = text.lower(), text.isascii()
    for name, entries in _prepared(patterns):
        positions = []
        for p, literal in entries:
            if not literal_allows(literal, text, lowered, ascii_text):
                continue
            for m in p.finditer(text):
                if negatable and _NEGATED.search(text[max(0, m.start() - 16) : m.start()]):
                    continue
                if skip_before is not None and skip_before.search(text[max(0, m.start() - 40) : m.start()]):
                    continue
                positions.append(m.start())
        if positions:
            hits.append((min(positions), name))
    return sorted(hits)


# "after the last dara dose", "from dose 3": a dose as a point in time, not the amount asked about.
_TIMING_DOSE = re.compile(
    r"\b(last|first|next|final|previous|prior)\s+(\w+\s+)?dose\b|\bdose\s+\d+\b"
    # "the hepatitis B vaccine, and how many doses?": a vaccine's course, not a drug's dose.
    r"|(?<=vaccin)(?:\w*\b.{0,80}?\bhow many) doses\b|\bhow many doses\b(?=.{0,40}\bvaccin)",
    re.IGNORECASE,
)


# "hypertension on carfilzomib? (pt already on 2 antihypertensives, planning IsaKd)": an aside after the question
# describes the patient; an aspect named there (antihypertensive drugs) is context, not what is asked.
_AFTER_ASIDE = re.compile(r"([?？])\s*[(（][^()（）]*[)）]\s*$")


def extract_entities(text: str, vocab: Vocabulary) -> Entities:
    """Entities named in ``text`` (already normalised), in reading order."""
    regimens = [name for _, name in _found(vocab.regimen_patterns, text)]
    # A longer regimen that contains a shorter one's code (IsaPd vs Pd) keeps only the longer one; so does a
    # shorter code found only inside a longer one's alias (Rd in D-Rd or dara-len-dex).
    spans = {r: [m.span() for p in vocab.regimen_patterns[r] for m in p.finditer(text)] for r in regimens}
    regimens = [
        r
        for r in regimens
        if not any(r != o and r in o and o in text for o in regimens)
        and not all(any(o != r and a <= s and e <= b for o in regimens for a, b in spans[o]) for s, e in spans[r])
    ]
    # "Progression on DRd", "DRd-refractory": the disease is refractory to the regimen's drugs (the regimen stays
    # named; its drugs become history through those populations).
    refractory = [r for r in regimens if any(refractory_at(text, s, e) for s, e in spans[r])]
    populations = [name for _, name in _found(vocab.populations, text, negatable=True)]
    populations += [p for r in refractory for p in vocab.refractory_to(r) if p not in populations]
    # Single drugs the disease is refractory to, read as the patient-fact reader reads them ("refractory to both
    # len and bortezomib", "progression on dara maintenance").
    history = [*stated_refractory(text), *(d for r in refractory for d in vocab.regimens[r].drugs)]
    history += sorted(vocab.refractory_drugs(populations))
    named_drugs = [name for _, name in _found(vocab.drugs, text)]
    via_regimen = [d for r in regimens for d in vocab.regimens[r].drugs if d in vocab.drug_class]
    trials = [name for _, name in _found(vocab.trial_patterns, text)]
    routes = [name for _, name in _found(vocab.routes, text)]
    if len(routes) == 2 and not trials and (COMPARE.search(text) or ZH_ROUTE_PAIR.search(text)):
        # "dara SC vs IV?": the trial that randomised the antibody's two routes (COLUMBA, IRAKLIA) is the source.
        antibodies = [d for d in named_drugs if vocab.drug_class.get(d) == "anti_cd38"]
        trials = [
            t.name
            for t in vocab.trials.values()
            if (t.regimen or "").endswith(" SC")
            and (t.comparator or "").endswith(" IV")
            and (not antibodies or (t.regimen or "").split()[0] in antibodies)
        ]
    endpoints = [name for _, name in _found(vocab.finders["endpoints"], text)]
    if {"CR", "VGPR"} & set(endpoints) or ({"DOR", "TTR"} & set(endpoints) and not RATE_ASKED.search(text)):
        # "VGPR-or-better response rate" asks for VGPR, "how long do responses last?" for DOR, not ORR
        endpoints = [e for e in endpoints if e != "ORR"]
    return Entities(
        drugs=tuple(dict.fromkeys([*named_drugs, *via_regimen])),
        named_drugs=tuple(named_drugs),
        regimens=tuple(regimens),
        trials=tuple(trials),
        populations=tuple(dict.fromkeys(populations)),
        endpoints=tuple(endpoints),
        attributes=tuple(name for _, name in _found(vocab.finders["attributes"], _TIMING_DOSE.sub(" ", text))),
        aspects=tuple(
            name
            for _, name in _found(vocab.finders["aspects"], _AFTER_ASIDE.sub(r"\1", text), skip_before=_REASON_BEFORE)
        ),
        routes=tuple(routes),
        refractory_drugs=tuple(d for d in dict.fromkeys(history) if vocab.drug_class.get(d, "steroid") != "steroid"),
    )


def _intent(
    text: str, e: Entities, describes_patient: bool, original: str = "", vocab: Vocabulary | None = None
) -> tuple[Intent, tuple[str, ...]]:
    if INSTRUCTION.search(text) or INSTRUCTION.search(original):
        return "instruction", ()
    # What is compared: the regimens asked about, not the one the patient had ("DRd or DVd after VRd?").
    asked = [r for r in e.regimens if vocab is None or not history_regimen(text, r, vocab)]
    sides = tuple(asked) if len(asked) >= 2 else e.trials if len(e.trials) >= 2 else ()
    if not sides and len(e.named_drugs) >= 2 and not e.regimens:
        sides = tuple(d for d in e.named_drugs if d in ("daratumumab", "isatuximab")) or ()
        sides = sides if len(sides) >= 2 else ()
    if sides and COMPARE.search(text):
        return "comparison", sides
    # "Can isatuximab be used again after a grade 3 infusion reaction?" asks how the reaction is managed, not when
    # an antibody the disease progressed on may be given again.
    after_reaction = "IRR" in e.endpoints or bool(AFTER_REACTION.search(text))
    if (RECHALLENGE.search(text) or after_antibody(text)) and not after_reaction:
        return "rechallenge", ()
    attrs = set(e.attributes)
    if "dose_adjustment" in attrs or ("dose" in attrs and {"renal", "dialysis"} & set(e.populations)):
        return "dose_adjustment", ()
    if "interference" in attrs:
        return "interference", ()
    if "mechanism" in attrs and RESISTANCE_ASKED.search(text):
        return "general", ()  # "what are the mechanisms of resistance to anti-CD38?" asks why, not what to choose
    if "action" in attrs and not e.endpoints:
        return "general", ()  # "how does isatuximab work?" asks its mode of action, not how well it works
    # "中性粒细胞减少如何处理？" asks how a toxicity is managed, not what to choose next.
    asks_next = bool(NEXT.search(text)) and not describes_patient and "management" not in attrs
    asks_choice = bool(SELECT.search(text)) or asks_next
    # "Which anti-CD38 regimen has the longest PFS at first relapse?" asks a choice measured by an endpoint.
    selection = asks_choice and not e.trials and (not e.endpoints or bool(WHICH_REGIMEN.search(text)))
    if RESPONSE_TERM.search(text):
        return "definition", ()
    # "What are the options for triple-class refractory disease?" names a definition's term but asks for choices.
    if "definition" in attrs and not (selection and OPTIONS.search(text)):
        return "definition", ()
    if "dose" in attrs and ASKS_DOSE_OF.search(text):
        # "what dose of valacyclovir for zoster prophylaxis?" asks a dose, not about toxicity; "which IVIG dose
        # should I order?" asks a dose, not a choice of regimen
        return "dose", ()
    if selection:
        return "selection", ()
    if ("toxicity" in attrs or "IRR" in e.endpoints) and not set(e.endpoints) - {"IRR"}:
        return "toxicity", ()
    if "dose" in attrs:
        return "dose", ()
    short_trial = bool(e.trials) and len(text.split()) <= 6 and not DESIGN_QUESTION.search(text)
    if e.endpoints or (e.trials and OUTCOME.search(text)) or short_trial:
        return "outcome", ()
    if OUTCOME.search(text) and (e.regimens or e.drugs):
        return "outcome", ()
    if "toxicity" in attrs:
        return "toxicity", ()
    if describes_patient:
        return "patient_case", ()
    return "general", ()


def analyse(text: str, glossary: tuple[GlossaryEntry, ...] = (), vocab: Vocabulary | None = None) -> QuestionAnalysis:
    """Analyse a (cleaned) question; pure and deterministic.

    ``vocab``, when given, is ``load_vocabulary(glossary)`` already loaded: finding it again in the cache hashes
    every glossary entry, a fifth of a millisecond per question.
    """
    vocab = vocab if vocab is not None else load_vocabulary(tuple(glossary))
    normalized = normalize(text, vocab)
    entities = extract_entities(normalized, vocab)
    describes_patient = bool(PATIENT.search(normalized))
    intent, sides = _intent(normalized, entities, describes_patient, text, vocab)
    if intent == "selection":
        # A choice asked for a disease refractory to a drug ("after progression on dara maintenance") is asked for
        # that drug's refractory population; elsewhere ("why do patients become resistant to dara?") it is not.
        pops = [p for d in stated_refractory(normalized) for p in vocab.refractory_populations_of(d)]
        populations = tuple(dict.fromkeys([*entities.populations, *pops]))
        history = [*entities.refractory_drugs, *sorted(vocab.refractory_drugs(populations))]
        entities = entities.model_copy(
            update={"populations": populations, "refractory_drugs": tuple(dict.fromkeys(history))}
        )
    if intent == "general" and RESISTANCE_ASKED.search(normalized):
        # "抗CD38单抗耐药的机制": the resistance is the topic asked about, not the disease of a patient group.
        entities = entities.model_copy(update={"populations": (), "refractory_drugs": ()})
    if intent == "interference" and "lab_test" in entities.attributes:
        # "Can dara cause a false CR?": the complete response is what the test reads, not a trial result asked.
        entities = entities.model_copy(update={"endpoints": ()})
    combination = joined_drugs(normalized, entities, vocab)
    entities = with_spelled_regimen(entities, combination, vocab)
    asking = _asking(normalized)
    return QuestionAnalysis(
        text=text,
        normalized=normalized,
        language=question_language(text),
        intent=intent,
        entities=entities,
        sides=sides,
        describes_patient=describes_patient,
        asks_design=bool(
            DESIGN_QUESTION.search(normalized)
            or (
                SHARE_QUESTION.search(normalized)
                and entities.populations
                and not entities.endpoints
                and not RESULT_WORDS.search(normalized)
            )
        ),
        asks_overview=bool(entities.trials) and bool(OVERVIEW.search(normalized)),
        combination=combination,
        defined_term=_defined_term(normalized) if intent == "definition" else None,
        asked_populations=_asked_populations(asking, entities.populations, vocab)
        if describes_patient
        else entities.populations,
        asking=(asking or normalized) if describes_patient else normalized,
    )


def _asking(text: str) -> str | None:
    """A described patient's question: its last asking sentence, after the case note before it ("79F, 2 prior
    lines - how did the 75+ subgroup do?"); None when no sentence asks."""
    asking = ASKING_SENTENCE.findall(text)
    if not asking:
        return None
    last = CASE_BREAK.split(asking[-1])[-1].strip()
    return ZH_CASE_BREAK.split(last)[-1].strip() if question_language(last) == "zh" else last


def _asked_populations(asking: str | None, populations: tuple[str, ...], vocab: Vocabulary) -> tuple[str, ...]:
    """The populations of a described patient's question that its asking sentence names."""
    if asking is None:
        return populations
    # The patient's own age ("Frail 78F", "a 78-year-old") says who is asked about, not a subgroup asked for.
    named = {name for _, name in _found(vocab.populations, CASE_AGE.sub(" ", asking), negatable=True)}
    return tuple(p for p in populations if p in named)


def _defined_term(text: str) -> str | None:
    response = RESPONSE_TERM.search(text)
    if response:
        term = next(g for g in response.groups() if g)
        return ZH_RESPONSE_TERMS.get(term, term)
    state = DEFINED_STATE.search(text)
    if state:
        return re.sub(r"\s+", "-", state.group(1))
    match = DEFINED.search(text)
    return match.group(1) if match else None


def is_instruction(question: str) -> bool:
    """True when the text asks the assistant to do something other than answer from the evidence."""
    return bool(INSTRUCTION.search(question))
