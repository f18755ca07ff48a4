"""Which words of a question name something the corpus must speak to.

A question naming a drug, disease, trial or clinical aspect the corpus never mentions is out of scope; an
everyday word it lacks ("get", "worth") is not. Coverage scoring weighs the question's concepts by how
specific they are, here and in general English (wordfreq's Zipf scale).
"""

from __future__ import annotations

import re
from functools import lru_cache

from cd38_guide.index.lexical import tokenize
from cd38_guide.types import Language

_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")

RARE_ZIPF = 3.6
"""Words rarer than this in general English (wordfreq's Zipf scale) are specific terms."""

# WHO INN stems of drug names and the endings of disease names. A question naming a drug or disease the corpus
# never mentions (selinexor, belantamab, amyloidosis) is about something the corpus lacks; clinical jargon the
# corpus happens not to use ("premeds", "recheck") does not end this way and only lowers term coverage.
_DRUG_OR_DISEASE = re.compile(
    r"(mab|cel|zomib|domide|inib|tinib|lisib|clax|xor|stat|parin|platin|rubicin|taxel|tecan|mustine|phalan|"
    r"dronate|dronic|vir|mycin|cillin|floxacin|azole|ciclib|rafenib|sertib|degib|tide|stim|cept|"
    r"oma|omas|emia|aemia|itis|osis|oses|pathy|plasia|algia|graine|betes|ism)$",
    re.IGNORECASE,
)


def names_a_drug_or_disease(word: str) -> bool:
    """True when ``word`` ends like a drug (INN stem) or a disease name."""
    return bool(_DRUG_OR_DISEASE.search(word))


# Clinical aspects common enough in English to escape the rarity test, yet a topic in their own right: a
# question about one of them is out of scope when the corpus never mentions it.
# (Cost and price, in both languages, are read in context by the aspects vocabulary: "the eye-tox price" is not a
# cost question.)
CLINICAL_ASPECTS = frozenset(
    """pregnancy pregnant breastfeeding lactation contraception fertility paediatric pediatric children child
    insurance reimbursement medicare nail nails hair taste skin rash diet food alcohol
    driving travel exercise covid coronavirus influenza surgery dental dentist tooth teeth liver hepatic
    cancer tumour tumor lung breast prostate colon leukemia leukaemia lymphoma dog cat pet animal""".split()
)
ZH_CLINICAL_ASPECTS = (
    "孕",
    "哺乳",
    "避孕",
    "生育",
    "儿童",
    "肝功能",
    "饮食",
    "天气",
)
_ACRONYM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Z0-9][A-Za-z0-9\-]{2,}$")
QUESTION_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]")


# Chinese drug names end in a handful of stems (恩替卡韦, 伊布替尼, 塞利尼索, 维奈克拉 ...): one the glossary does
# not know names a drug the corpus has no evidence on.
_ZH_DRUG = re.compile(
    r"[\u4e00-\u9fff]{1,6}?(?:卡韦|洛韦|替尼|沙星|霉素|西林|司琼|他汀|普利|沙坦|单抗|度胺|佐米|米松|格司亭|尼索|克拉|比司他)"
)


def zh_unknown_drugs(question: str, matches: list[tuple[int, str, str]]) -> list[str]:
    """Chinese drug names in ``question`` that no glossary term covers."""
    known = [t for _, t, _ in matches]
    return [
        m.group(0) for m in _ZH_DRUG.finditer(question) if not any(m.group(0) in t or t in m.group(0) for t in known)
    ]


def is_specific_term(word: str, rare_words_specific: bool = False) -> bool:
    """Does ``word`` name something specific (a drug, disease, trial, acronym or clinical aspect)?

    Used only for words the corpus never mentions: such a word means the question is about something the
    corpus lacks (selinexor, CLL, IRAKLIA, pregnancy), while everyday words it lacks ("get", "worth") do not.
    """
    if word.lower() in CLINICAL_ASPECTS:
        return True
    if len(word) < 3:
        return False
    return bool(_ACRONYM.match(word)) or names_a_drug_or_disease(word) or (rare_words_specific and is_rare_word(word))


@lru_cache(maxsize=8192)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency  # bundles its word lists; no download

    return float(zipf_frequency(word.lower(), "en"))


def is_rare_word(word: str) -> bool:
    """True for words that are uncommon in general English (and so carry the question's subject)."""
    return _zipf(word) < RARE_ZIPF


def word_weight(word: str) -> float:
    """How much a word the corpus never uses should count against coverage: 0 for 'the', ~1 for 'migraine'."""
    return min(1.0, max(0.0, (6.0 - _zipf(word)) / 3.0))


def question_concepts(question: str, matches: list[tuple[int, str, str]], lang: Language) -> list[list[str]]:
    """The question as concepts, each a set of interchangeable tokens, for evidence-coverage scoring.

    A glossary term is one concept covered by any token of its expansion or itself ("ANC" by "neutrophil"),
    so a long expansion does not weigh more than the word the user typed; every other word is one concept.
    Chinese text outside glossary terms is scored separately (see Retriever._zh_char_coverage).
    """
    concepts: list[list[str]] = []
    rest = question
    for _, term, expansion in sorted(matches, key=lambda m: -len(m[1])):
        if term in rest:
            rest = rest.replace(term, " ")
            concepts.append(
                sorted(set(tokenize(expansion)) | ({*tokenize(term)} if not _CJK_CHAR.search(term) else set()))
            )
    for word in QUESTION_WORD.findall(rest):
        toks = [t for t in tokenize(word) if not t.isdigit() and len(t) > 1]
        if toks:
            concepts.append(toks)
    if lang == "zh" and not concepts:
        concepts = [[t] for t in tokenize(question)]
    return [c for c in concepts if c]
