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

# Requests aimed at the assistant rather than questions about the evidence (prompt injection, role play,
# creative writing, questions about the system itself, prescriptions for a named patient).
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instruction|instructions|rules?|corpus|prompt|above|previous)\b"
    r"|\b(system prompt|developer mode|jailbreak|you are now|you're now|act as|pretend|role-?play)\b"
    r"|\b(write|compose|tell)\b.{0,20}\b(poem|limerick|story|essay|song|joke|article)\b"
    r"|\b(translate)\b.{0,40}\b(into|to)\b"
    r"|\b(which|what) (llm|model|ai)\b.{0,20}\b(are you|is this)\b|\bwho (made|trained|built) you\b"
    r"|\b(api keys?|environment variables|hidden configuration|dump your)\b"
    r"|\b(write|draft|make|give|issue|sign|fill)\b.{0,30}\b(prescription|script|order set|rx for)\b"
    r"|\b(write|draft|compose|prepare|generate|create)\b.{0,40}\b(letter|consent( form)?|discharge (summary|letter)|"
    r"referral|e-?mail|clinic note|progress note|care plan)\b"
    r"|\bprescribe\b.{0,40}\b(for|to) (my|this|the|a) (patient|pt)\b"
    r"|\border\b.{0,20}\b(for my patient|for this patient)\b"
    r"|(写|起草|拟写|拟|生成)(一份|一封|个)?.{0,12}(信|同意书|出院小结|病历|转诊单|邮件)"
    r"|忽略|无视|指令|系统提示|写一首|写一篇|写首|你是什么模型|谁开发的你|谁开发的|扮演|翻译成|开处方|开个处方|写处方|开.{0,12}处方|処方箋を",
    re.IGNORECASE,
)
_COMPARE = re.compile(
    r"\b(vs\.?|versus|compared (with|to)|comparison|compare|better than|differ|head[- ]to[- ]head"
    r"|differences? (in [\w-]+( [\w-]+)? )?between)\b"
    r"|\bas (good|effective|safe|well)\b.{0,25}\bas\b"
    r"|\bor\b|比较|相比|对比|还是|哪(个|一个|种)[^，。？]{0,12}(更|好)|区别|差异|差别|异同|有何不同|有什么不同|不同之处|与.{1,12}相比|比べ",
    re.IGNORECASE,
)
_SELECT = re.compile(
    r"\b(which|what)\b(?! (infections?|side[- ]effects?|adverse|toxicit\w*|complications?|reactions?)\b)"
    r".{0,40}\b(regimens?|triplets?|options?|combinations?|treatments?|therapy|therapies|"
    r"anti-?cd38|to use|to give|should i|would you)\b"
    r"|\b(options?|choices?|best (regimen|treatment|therapy|option)|choose|choosing|preferred|prefer|"
    r"recommend\w*(?! dose)|suitable|appropriate|"
    r"reasonable|a good (choice|option)|"
    r"candidates?)\b"
    r"|\bwhat (can|should|could) (i|we) (use|give|offer)\b"
    r"|\bwhat (should|can|could) (a|an|the|this|my|our) .{0,40}\b(receive|get|be (given|offered|treated with))\b"
    r"|选择|选用|选哪|可以选|选什么|怎么选|如何选|可选|哪(种|个|些)[^，。？]{0,10}方案|用哪(种|个)|用什么[^，。？]{0,10}方案|推荐(?!剂量)|方案有哪些|适合"
    r"|選択",
    re.IGNORECASE,
)
# "What next?", "怎么办": a choice asked of a population ("DRd-refractory: what next?"); of a described patient,
# the patient case.
_WHICH_REGIMEN = re.compile(r"\bwhich (anti-?cd38 )?(regimens?|triplets?|combinations?)\b|哪(种|个)(抗CD38)?方案", re.I)
_NEXT = re.compile(
    r"\bwhat next\b|\bnext (line|step|regimen|treatment|therapy)\b|怎么办|如何处理|下一步", re.IGNORECASE
)
_OPTIONS = re.compile(
    r"\b(options?|choices?|choose|regimens?|treat(ment)? options?)\b|怎么选|如何选|方案", re.IGNORECASE
)
_RECHALLENGE = re.compile(
    r"re-?challeng|(?<![a-z])re-?treat|retreatment|re-?use|re-?expos|again with|second time|washout|wash-out"
    r"|再次(使用|治疗|挑战)|再治疗|重新使用|洗脱|再投与|再治療",
    re.IGNORECASE,
)
# How resistance arises, asked as such (not a choice for resistant disease).
_RESISTANCE_ASKED = re.compile(
    r"\bmechanisms? (of|for|behind|underlying|of acquired) (resistance|escape|relapse|failure)\b"
    r"|\bresistance mechanisms?\b|\bwhy (do|does|did|would) .{0,60}\b(stop working|fail|become resistant|resist)"
    r"|\bhow (do|does) .{0,40}\bbecome resistant\b|耐药(的)?(机制|原因)|为什么.{0,12}耐药",
    re.IGNORECASE,
)
_OUTCOME = re.compile(
    r"\bhow did\b.{0,60}\bdo\b"
    r"|\b(show|showed|shown|result|results|efficacy|effective|benefit|outcomes?|work|worked|how well|improv\w*|"
    r"perform|performed|performs|performance|"
    r"survival|response|respond|median|rate|achieve|findings?|data|primary endpoint|readout)\b"
    r"|疗效|结果|获益|效果|生存|缓解|有效|成績|効果",
    re.IGNORECASE,
)
# "What dose of X?", "how much X?": the amount is asked, even when the question also names a toxicity.
_ASKS_DOSE_OF = re.compile(
    r"\b(what|which)( [\w-]+){0,3} dose\b|\bdose of\b|\bhow much\b|\bhow many mg\b|(什么|多少)剂量|剂量是多少", re.I
)
# "皮下注射和静脉注射的…": both routes joined by 和/与/或, a comparison of the two routes in Chinese.
_ZH_ROUTE_PAIR = re.compile(r"(皮下|静脉)[^，。？；]{0,6}(和|与|跟|或|还是)[^，。？；]{0,3}(皮下|静脉)")
# A response rate asked in so many words: kept beside DOR or time to response ("ORR and DOR in ICARIA-MM?").
_RATE_ASKED = re.compile(r"\borr\b|response rates?|overall response|缓解率|有效率", re.IGNORECASE)
# The term a definition question defines ("what is penta-refractory myeloma?" -> penta-refractory): a hyphenated
# term, else one word that is not a generic noun.
_DEFINED = re.compile(
    r"\b(?:what (?:is|are|does)|define[sd]?|definition of|meaning of|what counts as|what is meant by)\s+"
    r"(?:an? |the |[\"'])?([a-z0-9]+(?:-[a-z0-9]+)+"
    r"|(?!myeloma|disease|patients?|refractory\b|definition|meaning|term\b|imwg|consensus|the\b|this\b|that\b|its\b)[a-z]{3,}\b)",
    re.IGNORECASE,
)
# "What topics does the Pan-Pacific consensus cover?", "its main message?", "泛太平洋共识的主要内容是什么？": what a
# named source covers or says overall, answered by its own scope and summary sentences.
_OVERVIEW = re.compile(
    r"\b(main|key|core|central) (message|messages|points?|recommendations?|conclusions?|findings?|take-?aways?)\b"
    r"|\b(summar(y|ise|ize)|overview|scope|topics?|purpose|aim)\b"
    r"|\bwhat (does|do|did) .{0,40}\b(cover|say|conclude|find|show|report)\b"
    r"|\bwho is .{0,40}\bfor\b|主要内容|要点|主要观点|核心观点|总结|概述|涵盖|适用(于|人群)",
    re.IGNORECASE,
)

# A response category asked as such ("What is a very good partial response?", "什么是MRD阴性？") asks its
# definition, not a trial's rate; the term is named in English for the definition check.
_ZH_RESPONSE_TERMS = {
    "MRD阴性": "MRD negativity",
    "微小残留病阴性": "minimal residual disease negativity",
    "完全缓解": "complete response",
    "严格意义的完全缓解": "stringent complete response",
    "非常好的部分缓解": "very good partial response",
    "部分缓解": "partial response",
}
_RESPONSE_TERM = re.compile(
    r"^\s*what (?:is|are|does) (?:an? |the )?((?:very good |stringent )?(?:complete|partial) response"
    r"|minimal residual disease(?: negativity)?|mrd(?: negativity| negative)?|overall response|stable disease)"
    r"(?: mean)?\s*[?？]?\s*$"
    r"|^\s*什么(?:是|叫)(MRD阴性|微小残留病阴性|严格意义的完全缓解|完全缓解|非常好的部分缓解|部分缓解)[？?]?\s*$",
    re.IGNORECASE,
)

# "How many pts per arm?", "sample size", "who was enrolled": the design sentence is the answer, not the result.
_DESIGN_QUESTION = re.compile(
    r"\bhow many (pts|patients|people|participants|subjects)\b(?![^?.]{0,60}\b(had|got|developed|experienced|"
    r"reached|achieved|responded|died|stopped|discontinued|alive|remained|needed|progressed|relapsed|received|"
    r"underwent|went on|were treated|switched)\b)"
    r"|\bsample size\b|\bhow (big|large) was\b"
    r"|\b(per|each|by) arm\b|\bwho (was|were) (enrolled|eligible|included)\b|\benrol(l?ed|ment)\b"
    r"|\bbefore (trial |study )?entry\b|\bentry criteri|\b(in|ex)clusion criteri|\bwere .{0,30}\bexcluded\b"
    r"|\b(comparator|control) arms?\b|\bwhat (were|are|was) the arms\b|对照组"
    r"|纳入了?多少|多少(例|名)(患者|病人|受试者)"
    r"|\bwhat (does|did|is) (the )?[\w-]+( trial| study)? (test|compare|study|evaluate)(s|d|ed|ing)?\b"
    r"|多少(例|名)(患者|病人)?(入组|参加|随机)|入组了?多少|样本量",
    re.IGNORECASE,
)
# "What share of ICARIA-MM patients had 1q21 gain?": with a group named and no endpoint, a baseline share (design).
_SHARE_QUESTION = re.compile(
    r"\b(what|which) (proportion|percentage|share|fraction|percent) of\b|\bhow many (pts|patients)\b"
    r"|(比例|占比|百分比)是?多少|多少(比例|患者)",
    re.IGNORECASE,
)
# ... not a share of patients reaching a result ("12个月时还没有进展的患者比例").
_RESULT_WORDS = re.compile(
    r"progress|respon|surviv|alive|died|death|relaps|remission|进展|缓解|生存|死亡|复发|有效", re.IGNORECASE
)
# A described patient: an age, "my patient", a progression history; not a bare age threshold ("over 75", "70岁以上").
_PATIENT = re.compile(
    r"\b\d{2,3}(\.\d)?[- ]?(year|yr|y)[- ]?o(ld)?\b|\b\d{2,3} ?(yo|y/o)\b"
    r"|\b(my|this|our) (patient|pt|man|woman|lady|gentleman)\b"
    r"|\bpatient (who|with|whose|that)\b"
    r"|\b(progressed|relapsed|refractory) (on|after|during)\b.{0,60}\b(ago|months?|weeks?)\b"
    r"|\d{2,3}\s*岁(?!\s*(以上|及以上|或以上|以下|及以下|或以下))|患者.{0,20}(\d\s*岁|难治|复发)|\d{2,3}\s*歳(?!以上)",
    re.IGNORECASE,
)


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
    return out


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
_TIMING_DOSE = re.compile(r"\b(last|first|next|final|previous|prior)\s+(\w+\s+)?dose\b|\bdose\s+\d+\b", re.IGNORECASE)


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
    if len(routes) == 2 and not trials and (_COMPARE.search(text) or _ZH_ROUTE_PAIR.search(text)):
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
    if {"CR", "VGPR"} & set(endpoints) or ({"DOR", "TTR"} & set(endpoints) and not _RATE_ASKED.search(text)):
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
        aspects=tuple(name for _, name in _found(vocab.finders["aspects"], text, skip_before=_REASON_BEFORE)),
        routes=tuple(routes),
        refractory_drugs=tuple(d for d in dict.fromkeys(history) if vocab.drug_class.get(d, "steroid") != "steroid"),
    )


def _intent(
    text: str, e: Entities, describes_patient: bool, original: str = "", vocab: Vocabulary | None = None
) -> tuple[Intent, tuple[str, ...]]:
    if _INSTRUCTION.search(text) or _INSTRUCTION.search(original):
        return "instruction", ()
    # What is compared: the regimens asked about, not the one the patient had ("DRd or DVd after VRd?").
    asked = [r for r in e.regimens if vocab is None or not history_regimen(text, r, vocab)]
    sides = tuple(asked) if len(asked) >= 2 else e.trials if len(e.trials) >= 2 else ()
    if not sides and len(e.named_drugs) >= 2 and not e.regimens:
        sides = tuple(d for d in e.named_drugs if d in ("daratumumab", "isatuximab")) or ()
        sides = sides if len(sides) >= 2 else ()
    if sides and _COMPARE.search(text):
        return "comparison", sides
    if _RECHALLENGE.search(text) or after_antibody(text):
        return "rechallenge", ()
    attrs = set(e.attributes)
    if "dose_adjustment" in attrs or ("dose" in attrs and {"renal", "dialysis"} & set(e.populations)):
        return "dose_adjustment", ()
    if "interference" in attrs:
        return "interference", ()
    if "mechanism" in attrs and _RESISTANCE_ASKED.search(text):
        return "general", ()  # "what are the mechanisms of resistance to anti-CD38?" asks why, not what to choose
    if "action" in attrs and not e.endpoints:
        return "general", ()  # "how does isatuximab work?" asks its mode of action, not how well it works
    # "中性粒细胞减少如何处理？" asks how a toxicity is managed, not what to choose next.
    asks_next = bool(_NEXT.search(text)) and not describes_patient and "management" not in attrs
    asks_choice = bool(_SELECT.search(text)) or asks_next
    # "Which anti-CD38 regimen has the longest PFS at first relapse?" asks a choice measured by an endpoint.
    selection = asks_choice and not e.trials and (not e.endpoints or bool(_WHICH_REGIMEN.search(text)))
    if _RESPONSE_TERM.search(text):
        return "definition", ()
    # "What are the options for triple-class refractory disease?" names a definition's term but asks for choices.
    if "definition" in attrs and not (selection and _OPTIONS.search(text)):
        return "definition", ()
    if "dose" in attrs and _ASKS_DOSE_OF.search(text):
        # "what dose of valacyclovir for zoster prophylaxis?" asks a dose, not about toxicity; "which IVIG dose
        # should I order?" asks a dose, not a choice of regimen
        return "dose", ()
    if selection:
        return "selection", ()
    if ("toxicity" in attrs or "IRR" in e.endpoints) and not set(e.endpoints) - {"IRR"}:
        return "toxicity", ()
    if "dose" in attrs:
        return "dose", ()
    short_trial = bool(e.trials) and len(text.split()) <= 6 and not _DESIGN_QUESTION.search(text)
    if e.endpoints or (e.trials and _OUTCOME.search(text)) or short_trial:
        return "outcome", ()
    if _OUTCOME.search(text) and (e.regimens or e.drugs):
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
    describes_patient = bool(_PATIENT.search(normalized))
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
    if intent == "general" and _RESISTANCE_ASKED.search(normalized):
        # "抗CD38单抗耐药的机制": the resistance is the topic asked about, not the disease of a patient group.
        entities = entities.model_copy(update={"populations": (), "refractory_drugs": ()})
    if intent == "interference" and "lab_test" in entities.attributes:
        # "Can dara cause a false CR?": the complete response is what the test reads, not a trial result asked.
        entities = entities.model_copy(update={"endpoints": ()})
    combination = joined_drugs(normalized, entities, vocab)
    entities = with_spelled_regimen(entities, combination, vocab)
    return QuestionAnalysis(
        text=text,
        normalized=normalized,
        language=question_language(text),
        intent=intent,
        entities=entities,
        sides=sides,
        describes_patient=describes_patient,
        asks_design=bool(
            _DESIGN_QUESTION.search(normalized)
            or (
                _SHARE_QUESTION.search(normalized)
                and entities.populations
                and not entities.endpoints
                and not _RESULT_WORDS.search(normalized)
            )
        ),
        asks_overview=bool(entities.trials) and bool(_OVERVIEW.search(normalized)),
        combination=combination,
        defined_term=_defined_term(normalized) if intent == "definition" else None,
    )


def _defined_term(text: str) -> str | None:
    response = _RESPONSE_TERM.search(text)
    if response:
        term = response.group(1) or response.group(2)
        return _ZH_RESPONSE_TERMS.get(term, term)
    match = _DEFINED.search(text)
    return match.group(1) if match else None


def is_instruction(question: str) -> bool:
    """True when the text asks the assistant to do something other than answer from the evidence."""
    return bool(_INSTRUCTION.search(question))
