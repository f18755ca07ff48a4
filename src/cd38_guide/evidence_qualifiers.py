"""What a question asks more precisely than its subject: a figure that qualifies the result, or drugs joined.

"APOLLO 5-year PFS?", "CANDOR MRD at 10^-6?", "IKEMA PFS with 3 prior lines?", "SC dara under 40 kg?" each ask
for a result at a time point, threshold, subgroup or weight; a passage reporting the trial's result at another
one does not answer them. "Isa-Rd outcomes?" asks about two drugs together; passages about each apart do not
answer it. Both are read from the question's structure, so evidence_focus can decline and say what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from cd38_guide.answer_plan import Plan
from cd38_guide.entity_guard import EntityGuard
from cd38_guide.index.lexical import tokenize
from cd38_guide.query_terms import is_rare_word
from cd38_guide.question.analysis import QuestionAnalysis
from cd38_guide.question.combinations import JOINER
from cd38_guide.question.cues import MRD_LEVEL
from cd38_guide.question.vocabulary import Vocabulary
from cd38_guide.sentence_selection import Candidate, definition_test

_SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# "with 3 prior lines" (a subgroup), not "1-3 prior lines", "at least 2 prior lines" or "≥2 prior lines" (criteria)
_LINES = re.compile(
    r"(?<![\w≥>–-])(?<![≥>–-] )(?<!least )(?<!to )(?<!or )([2-9]|two|three|four|five) (?:prior|previous) "
    r"(?:lines|regimens)\b",
    re.IGNORECASE,
)
# "既往4线治疗", "接受过3线治疗的患者": a number of prior lines asked as a subgroup.
_ZH_LINES = re.compile(r"(?:既往|接受过|经过|用过)\s*([2-9])\s*线")
_NUMBER_WORDS = {"two": "2", "three": "3", "four": "4", "five": "5"}
# A landmark asked of a result: "5-year PFS", "PFS at 3 years", "10-yr OS", "24-month OS rate", "5年无进展生存率".
# Not an age ("75 years or older"): at most 20 years, and never followed by "old" or "of age".
_YEARS = re.compile(
    r"(?<![\d.])(1?\d|20)[- ]?(?:years?|yrs?)\b(?![- ](?:old|of age|or (?:older|above)|and (?:older|above)))"
    r"|(?<![\d.])(1?\d|20) ?年(?!龄|[以及]上)",
    re.IGNORECASE,
)
_RATE = re.compile(r"\brates?\b|proportion|percentage|%|率|比例", re.IGNORECASE)
_MONTHS = re.compile(
    r"(?<![\d.])(\d{1,3})[- ]month(?: [\w-]+){0,2}? (?:pfs|os|rate|landmark|survival|progression|overall|update|"
    r"follow[- ]?up|analysis|readout|data)\b"
    r"|\b(?:pfs|os|survival|rate) at (\d{1,2}) months\b"
    r"|(?<![\d.])(\d{1,2}) ?个月(?:时)?的?(?:无进展|总生存|生存率|PFS|OS)",
    re.IGNORECASE,
)
# "under 40 kg", "over 120 kg", "体重低于40公斤": a body-weight group must be one reported.
_WEIGHT = re.compile(r"(?<![\d.])(\d{2,3}) ?(?:kg\b|kilos?\b|公斤|千克)", re.IGNORECASE)


# "PFS by number of prior lines?", "benefit by age?": a breakdown the trial must report, not its overall result.
_BREAKDOWNS = {
    "by number of prior lines": (
        re.compile(r"\bby (the )?(number of )?(prior|previous) (lines|therapies)|按(既往)?(治疗)?线数", re.IGNORECASE),
        re.compile(
            r"\bby (the )?(number of )?(prior|previous) lines|\b(after|with) (one|1|exactly one) (prior )?line\b"
            r"|\b[1-3]-[2-4] (prior )?lines",
            re.IGNORECASE,
        ),
    ),
    "by age": (
        re.compile(r"\bby age\b|\bage subgroups?\b|按年龄|不同年龄", re.IGNORECASE),
        re.compile(r"\bby age\b|\bage[- ]subgroup|\b(aged|age) (65|70|75)\b|\b(younger|older) than (65|70|75)", re.I),
    ),
}
# "Isatuximab monotherapy ORR?": the drug alone, not the triplet it was tested in.
_MONOTHERAPY = re.compile(r"\bmonotherapy\b|\bsingle[- ]agent\b|单药|单用|単剤", re.IGNORECASE)
# A baseline characteristic asked of a trial: "median age in IKEMA?" is not answered by IKEMA's PFS.
_MEDIAN_AGE = re.compile(r"\bmedian age\b|\bmedian .{0,12}aged\b|中位年龄|平均年龄", re.IGNORECASE)


def _landmark(months: int, years: bool = False) -> re.Pattern[str]:
    """How a passage states a result at ``months``: "36-month", "3-year", "at 3 years", "3年".

    ``years``: the question counted in years ("4-year OS", "5年随访"), which a clinician also says of an analysis
    near it (CANDOR's final analysis at 50 months): from 3 months before it (a landmark rarely lies far past the
    follow-up; DREAMM-8's update at 28 months, with its median PFS of 32.6 months, gives no 3-year PFS) to 8 after.
    """
    near = range(months - 3, months + 9) if years else [months]
    forms = [rf"(?:{'|'.join(str(m) for m in near)})(?:\.\d+)?[- ]months?"]
    if months % 12 == 0:
        y = months // 12
        forms += [rf"{y}[- ]years?", rf"{y} ?年"]
    return re.compile(rf"(?<![\d.])(?:{'|'.join(forms)})\b", re.IGNORECASE)


def asked_qualifiers(question: str) -> list[tuple[str, list[re.Pattern[str]]]]:
    """Figures in a result question that name a subgroup, threshold or time point, with how a passage states them."""
    out = []
    for m in MRD_LEVEL.finditer(question):
        d = m.group(1)
        out.append(
            (f"MRD at 10^-{d}", [re.compile(rf"10\s*\^?\s*[-−–]\s*{d}\b|10{chr(0x207B)}{_SUPERSCRIPT[int(d)]}")])
        )
    for m in [*_LINES.finditer(question), *_ZH_LINES.finditer(question)]:
        n = _NUMBER_WORDS.get(m.group(1).lower(), m.group(1))
        word = next((w for w, v in _NUMBER_WORDS.items() if v == n), n)
        # "after 2 prior lines", "at least 2 prior lines" (what a patient with 2 lines was eligible for), not the
        # top of a range ("2-4 prior lines" says nothing of patients with 4)
        stated = rf"(?<![\w–-])(?<!to )\b({n}|{word}) (prior |previous )?(lines|regimens)"
        out.append((f"{n} prior lines", [re.compile(stated, re.I)]))
    for m in _YEARS.finditer(question):
        y = int(m.group(1) or m.group(2))
        if y:
            # "4-year OS rate", "5年生存率" ask the landmark itself; "4-year OS", "5年随访" also the analysis near it
            rate = bool(_RATE.search(question[m.end() : m.end() + 30]))
            out.append((f"{y}-year result", [_landmark(12 * y, years=not rate)]))
    for m in _MONTHS.finditer(question):
        months = int(next(g for g in m.groups() if g))
        if months:
            out.append((f"{months}-month result", [_landmark(months)]))
    for breakdown, (asks, states) in _BREAKDOWNS.items():
        if asks.search(question):
            out.append((breakdown, [states]))
    if _MONOTHERAPY.search(question):
        out.append(("monotherapy", [_MONOTHERAPY]))
    if _MEDIAN_AGE.search(question):
        out.append(("median age", [_MEDIAN_AGE]))
    for m in _WEIGHT.finditer(question):
        out.append((f"{m.group(1)} kg", [re.compile(rf"(?<![\d.]){m.group(1)} ?kg\b", re.I)]))
    return out


_NUMBER = r"\d+(?:\.\d+)?"
# How a median result is stated beside its endpoint without the word: "PFS2 47.2 vs 32.4 months", "was not reached".
_MEDIAN_VALUE = (
    rf"(?:was |of |: )?(?:{_NUMBER} (?:vs\.?|versus|and) {_NUMBER} months|{_NUMBER} months|not (?:yet )?reached)"
)
# ... or a few words on in the sentence, with no rate or landmark between: "Overall survival ranged from 11.2 months".
_SPAN_TO_MONTHS = rf"(?:(?!\bat\b|\brate|\.(?!\d))[^;%]){{0,60}}?(?<![\w.-]){_NUMBER} months"
# Death spoken of as the event of an overall-survival hazard ratio ("lowered the risk of death, HR 0.78").
_EVENT_WORDS = {"OS": "risk of death|死亡风险"}


def asked_measures(
    question: str, endpoints: Iterable[str], vocab: Vocabulary, lang: str = "en"
) -> list[tuple[str, list[re.Pattern[str]]]]:
    """The measure asked of an endpoint, with how a passage states it: "CEPHEUS median PFS?" is not answered by its
    54-month PFS rate and hazard ratio, nor "IKEMA PFS2 HR?" by its median PFS2.

    A median is asked as "median PFS" or "中位无进展生存期"; a hazard ratio as "HR" beside another endpoint (the hazard
    ratio of progression-free survival is often stated as "the risk of progression or death", so it is left alone).
    """
    out = []
    for e in (e for e in endpoints if e != "HR"):
        alts = "|".join(p.pattern for p in vocab.endpoints.get(e, []))
        if not alts:
            continue
        label = vocab.endpoint_labels.get(e, {}).get(lang, e)
        median = re.compile(rf"\bmedian (?:[\w()-]+ ){{0,2}}?(?:{alts})|中位(?:{alts})", re.IGNORECASE)
        if median.search(question):
            stated = re.compile(
                rf"\bmedian (?:[\w()-]+ ){{0,3}}?(?:{alts})|中位(?:{alts})|(?:{alts})(?: \([\w ]+\))? {_MEDIAN_VALUE}"
                rf"|(?:{alts}){_SPAN_TO_MONTHS}",
                re.IGNORECASE,
            )
            out.append((f"中位{label}" if lang == "zh" else f"median {label}", [stated]))
        if "HR" in endpoints and e != "PFS":
            hr = "|".join(p.pattern for p in vocab.endpoints.get("HR", []))
            event = "|".join(x for x in (alts, _EVENT_WORDS.get(e)) if x)
            both = re.compile(rf"\A(?=[\s\S]*?(?:{hr}))(?=[\s\S]*?(?:{event}))", re.IGNORECASE)
            out.append((f"{label}风险比" if lang == "zh" else f"{label} hazard ratio", [both]))
    return out


def _mentions(text: str, vocab: Vocabulary) -> list[tuple[int, int, frozenset[str]]]:
    """Each drug name and regimen code in ``text``: (start, end, the drugs it names), in reading order."""
    found = [
        (m.start(), m.end(), frozenset({d}))
        for d in vocab.drug_class
        for p in vocab.drug_names(d)
        for m in p.finditer(text)
    ]
    found += [
        (m.start(), m.end(), frozenset(vocab.regimens[r].drugs))
        for r, ps in vocab.regimen_patterns.items()
        for p in ps
        for m in p.finditer(text)
    ]
    return sorted(found, key=lambda x: (x[0], -x[1]))


def names_together(text: str, drugs: Iterable[str], vocab: Vocabulary) -> bool:
    """Does ``text`` name all ``drugs`` as one regimen: joined in a list ("isatuximab, lenalidomide and
    dexamethasone", "daratumumab plus VRd"), not apart ("isatuximab after prior lenalidomide")?"""
    wanted = set(drugs)
    chain: set[str] = set()
    end = -1
    for start, stop, names in _mentions(text, vocab):
        if start < end:  # a shorter name inside a longer one (Rd inside D-Rd)
            chain |= names
        elif chain and JOINER.fullmatch(text[end:start]):
            chain |= names
        else:
            chain = set(names)
        end = max(end, stop)
        if wanted <= chain and not _alternatives(chain, vocab):
            return True
    return False


def _alternatives(drugs: set[str], vocab: Vocabulary) -> bool:
    """Two drugs of one class in a list ("studies with daratumumab, isatuximab and elotuzumab") are alternatives
    being listed, not one regimen."""
    classes = [vocab.drug_class.get(d) for d in vocab.partners(drugs)]
    return len(classes) != len(set(classes))


def combination_gaps(analysis: QuestionAnalysis, guard: EntityGuard, strong: list[Candidate], plan: Plan) -> list[str]:
    """ "Isa-Rd outcomes?": drugs the question joins into one regimen must be named together by a strong quote or
    a planned line; the label's indication naming isatuximab and, later, prior lenalidomide does not answer it."""
    drugs = [d for d in analysis.combination if d not in guard.refractory_drugs(analysis.entities.populations)]
    # A dose question asks each drug's own dose ("len plus dara dosing in CrCl 40?"), answered drug by drug.
    skip = ("comparison", "rechallenge", "patient_case", "dose", "dose_adjustment")
    if len(drugs) < 2 or analysis.describes_patient or analysis.intent in skip:
        return []
    texts = [c.text for c in strong] + [c.text for c in plan.claims if c.passage]
    if any(names_together(x, drugs, guard.vocab) for x in texts):
        return []
    return [" + ".join(drugs)]


# A test named in a question: the one or two words before a word for a test ("platelet count", "troponin assay",
# "HLA crossmatching").
_NAMED_TEST = re.compile(
    r"((?:[A-Za-z][\w-]* ){1,2})(?:counts?|assays?|tests?|testing|levels?|measurements?|typing|crossmatch\w*|scans?)\b"
)


def interference_gaps(analysis: QuestionAnalysis, guard: EntityGuard, strong: list[Candidate]) -> list[str]:
    """ "Does daratumumab affect the platelet count?": an interference question naming a test the interference
    evidence never speaks of is declined, not answered with the blood-bank or SPEP passages.

    The test is named by a specific word (rare in general English, not a drug, not one of the interference
    vocabulary's own words such as "crossmatch" or "Coombs") right before a word for a test; the strong quotes'
    interference passages must mention it.
    """
    if analysis.intent != "interference" or analysis.language != "en":
        return []
    v = guard.vocab
    # The interference vocabulary's own words (crossmatch, Coombs, SPEP) name what the evidence covers.
    known = " ".join(p.pattern for p in v.attributes.get("interference", [])).lower()
    cue = v.intent_cues.get("interference")
    texts = {c.pid: guard.passages[c.pid] for c in strong}
    stems = {
        t
        for p in texts.values()
        if cue is None or cue.search(p.text)
        for t in tokenize(f"{p.title} {p.heading} {p.text}")
    }
    missing = []
    for m in _NAMED_TEST.finditer(analysis.normalized):
        test = analysis.normalized[m.end(1) : m.end()]
        for word in m.group(1).split():
            if word.lower() in known or not is_rare_word(word) or guard.drugs_in(word):
                continue
            # ... or any interference passage names that very test ("the daratumumab IFE reflex assay").
            if not stems.intersection(tokenize(word)) and not _names_test(guard, f"{word} {test}"):
                missing.append(word)
    return [f"interference with {' '.join(missing)} testing"] if missing else []


@lru_cache(maxsize=256)
def _names_test(guard: EntityGuard, test: str) -> bool:
    """Does an interference passage of the corpus name ``test`` as written ("reflex assay")?"""
    words = guard.vocab.attributes.get("interference", [])  # the interference vocabulary: SPEP, IFE, DTT ...
    pattern = re.compile(rf"\b{re.escape(test)}", re.IGNORECASE)
    return any(pattern.search(p.text) and any(w.search(p.text) for w in words) for p in guard.passages.values())


def definition_gaps(analysis: QuestionAnalysis, guard: EntityGuard, strong: list[Candidate]) -> list[str]:
    """ "What does MRD negativity at 10^-5 mean?": a definition asked of a named term needs a strong quote that
    defines it ("Triple-class exposed (TCE) means ...", "... when they define lenalidomide-refractory ..."), not
    one that only reports it ("MRD negativity was 28% vs 9%")."""
    term = analysis.defined_term
    defines = definition_test(term, guard.vocab)
    if analysis.intent != "definition" or defines is None:
        return []
    if any(defines(c.text) for c in strong):
        return []
    return [f"{term}的定义" if analysis.language == "zh" else f"a definition of {term}"]


INTERVAL_ASPECT = "timing (how long or how soon)"
"""The vocabulary's aspect for an interval asked; its quotes are read by ``interval_gaps``."""

# Stems of the words that ask for an interval or an act, or are too general to say what the interval is of
# ("how long should G-CSF be continued", "how soon can a patient receive ...", "CAR-T cell therapy").
_INTERVAL_WORDS = frozenset(
    {
        "long", "soon", "wait", "start", "restart", "resum", "continu", "receiv", "give", "given", "take", "use",
        "patient", "cell", "therapi", "treatment", "treat",
    }
)  # fmt: skip


def interval_gaps(
    analysis: QuestionAnalysis,
    guard: EntityGuard,
    strong: list[Candidate],
    plan: Plan,
    concepts: list[list[str]],
) -> list[str]:
    """ "How soon after daratumumab can the zoster vaccine be given?": an interval asked must be stated (a time, or
    "until ...") by a strong quote or planned line about what the interval is of, not by the antiviral
    prophylaxis's 3 months or the blood bank's 6 months.

    What it is of: the question's concepts other than its named drugs, regimens and trials and the asking words;
    the stating sentence's passage must name most of them. A result asked ("how long do responses last?") is an
    endpoint, checked as one.
    """
    if INTERVAL_ASPECT not in analysis.entities.aspects or analysis.entities.endpoints:
        return []
    subjects = guard.subjects(analysis)
    anchors = [
        kept
        for c in concepts
        if not any(guard.mentions(" ".join(c), s) for s in subjects)
        and (kept := [t for t in c if t not in _INTERVAL_WORDS])
    ]
    texts = [(c.text, c.pid) for c in strong] + [(c.text, c.passage) for c in plan.claims if c.passage]

    patterns = guard.vocab.aspect_evidence[INTERVAL_ASPECT]

    def states(text: str, pid: str) -> bool:  # a time, in a passage on the point
        if not any(p.search(text) for p in patterns):
            return False
        p = guard.passages[pid]
        tokens = set(tokenize(f"{p.title} {p.heading} {p.text}"))
        return not anchors or 2 * sum(any(t in tokens for t in a) for a in anchors) > len(anchors)

    return [] if any(states(t, pid) for t, pid in texts) else [INTERVAL_ASPECT]
