"""Scoring and choosing the quoted sentences of an answer, aware of what the question asked.

Each sentence of the retrieved passages is scored by similarity to the question, term overlap and passage
rank (the calibrated base), then by what question analysis found: a sentence about the named drug, regimen
or trial gains, one about a rival drug of the same class loses, a sentence with the asked endpoint gains,
and for outcome questions a design sentence (arms, doses, numbers randomised) loses to a result sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Set
from dataclasses import dataclass
from functools import lru_cache

from cd38_guide.config import AnswerSettings
from cd38_guide.corpus import Corpus
from cd38_guide.entity_guard import CLASS_MENTION, EntityGuard, found_in, regimen_drugs_asked
from cd38_guide.index.lexical import tokenize
from cd38_guide.index.store import LoadedIndex
from cd38_guide.question.analysis import QuestionAnalysis
from cd38_guide.question.vocabulary import Vocabulary
from cd38_guide.retrieve import Retrieval

_QUANTITY = re.compile(
    r"\b(how (long|many|much|often|frequent)|what (dose|proportion|percentage|rate|share)|rate|rates|percent|%|"
    r"median|hazard|hr\b|pfs|os\b|orr|mrd|months?|weeks?|dose|dosing|mg|threshold|cut-?off|level)|多长|多少|几|比例|剂量|率",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_FIGURE = re.compile(r"\d+\.\d+|\d+%")
DESIGN = re.compile(
    r"\b(randomi[sz]ed|was a phase|enrolled|eligible|were given|received .{0,40} on days|in 28-day cycles|"
    r"primary endpoint was|design|were excluded|exclusions?|had to be|comparing|comparator|control arms?)\b",
    re.IGNORECASE,
)
# A trial stopped early for futility has a result too (LYNX), though it carries no figure.
RESULT = re.compile(
    r"\b(median|hazard|HR|response|survival|negativity|vs|futility|stopped early|terminated early)\b", re.IGNORECASE
)
# Sentences in which the corpus records that a point could not be verified: evidence of absence for that
# point only; they are never quoted as an answer.
GAP = re.compile(r"\bnot (verified|read|captured|found)\b|\bunverified\b", re.IGNORECASE)


@lru_cache(maxsize=32768)
def text_tokens(text: str) -> frozenset[str]:
    """The BM25 tokens of a corpus text; cached, since the same sentences are scored question after question."""
    return frozenset(tokenize(text))


@lru_cache(maxsize=32768)
def sentence_traits(text: str) -> tuple[bool, bool, bool, bool]:
    """(records a gap, has a digit, speaks of trial design, reads as design rather than result) of a sentence.

    Pure functions of the sentence text, asked of the same retrieved sentences question after question;
    cached like ``text_tokens`` so composition does not run three regexes per sentence per question.
    """
    design = bool(DESIGN.search(text))
    return bool(GAP.search(text)), bool(_DIGIT.search(text)), design, design and not RESULT.search(text)


_EFFICACY = ("PFS", "OS", "ORR", "CR", "VGPR", "MRD", "HR")
"""Endpoints of benefit, not harm: a sentence reporting only these does not answer a toxicity question."""


def overlap_weights(query_tokens: list[str], idf: Callable[[str], float]) -> dict[str, float]:
    """The IDF weight of each distinct query token: computed once per question, used for every sentence."""
    return {t: idf(t) for t in set(query_tokens)}


def weighted_overlap(weights: dict[str, float], other: Set[str]) -> float:
    """IDF-weighted share of the query's tokens (``overlap_weights``) found in ``other``."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in other) / total if total else 0.0


@dataclass(frozen=True)
class Candidate:
    """A passage sentence that may enter the answer."""

    score: float
    similarity: float
    hit: int
    pid: str
    start: int
    end: int
    text: str
    tokens: frozenset[str]
    about: bool = False


def _routes(
    analysis: QuestionAnalysis | None, guard: EntityGuard | None
) -> tuple[list[re.Pattern[str]], list[re.Pattern[str]]]:
    """The patterns of the one route a question asks (subcutaneous or intravenous) and of the other one."""
    if analysis is None or guard is None or len(analysis.entities.routes) != 1:
        return [], []
    (asked,) = analysis.entities.routes
    other = [p for r, pats in guard.vocab.routes.items() if r != asked for p in pats]
    return guard.vocab.routes.get(asked, []), other


def definition_test(term: str | None, vocab: Vocabulary) -> Callable[[str], bool] | None:
    """Does a sentence define ``term``, not merely name it? ("Triple-class exposed (TCE) means ...", "... when
    they define lenalidomide-refractory ..."; not "MRD negativity was 28% vs 9%"). One test for the ranking bonus
    and for the decline of a definition no quote gives (``evidence_qualifiers.definition_gaps``)."""
    if not term:
        return None
    named = re.escape(term).replace(r"\-", "[- ]")  # "triple-class-refractory" as written: "triple-class refractory"
    led = re.compile(
        rf"\b{named}\b(\s+(\([^)]*\)|[\w-]+)){{0,4}},?\s+(is|are|means|meant|meaning|refers to|(is|was) defined)\b",
        re.IGNORECASE,
    )
    cue = vocab.intent_cues.get("definition")
    # A vocabulary population the term names ("anti-CD38-refractory") is mentioned in any of its spellings.
    mentions = [re.compile(rf"\b{named}\b", re.IGNORECASE)]
    mentions += [p for pats in vocab.populations.values() if any(x.search(term) for x in pats) for p in pats]

    def defines(text: str) -> bool:
        return bool(led.search(text) or (cue and cue.search(text) and any(m.search(text) for m in mentions)))

    return defines


def score_sentences(
    retrieval: Retrieval,
    index: LoadedIndex,
    corpus: Corpus,
    settings: AnswerSettings,
    analysis: QuestionAnalysis | None = None,
    guard: EntityGuard | None = None,
) -> list[Candidate]:
    """Every sentence of the retrieved passages, scored; gap sentences ("not verified") are left out."""
    q = retrieval.query
    wants_figure = bool(_QUANTITY.search(q.text))
    subjects = guard.subjects(analysis) if guard and analysis else []
    # A dose asked of a named drug ("carfilzomib dose in DKd"): a sentence is about it when it gives its amount,
    # not when it names it beside another drug's amount.
    dosed = (
        [d for d in subjects if guard and d in guard.vocab.drug_class] if analysis and analysis.intent == "dose" else []
    )
    rivals = {r for s in subjects for r in guard.rivals(s)} - set(subjects) if guard else set()
    if guard:
        # "DRd or DKd for 1q21+?": the other antibody's trial (IKEMA's 1q21+ result) is about neither side.
        in_regimens = {d for s in subjects if s in guard.vocab.regimens for d in guard.vocab.regimens[s].drugs}
        antibodies = {d for d in in_regimens if guard.vocab.drug_class.get(d) == "anti_cd38"}
        rivals |= {r for d in antibodies for r in guard.rivals(d)} - in_regimens - set(subjects)
    # A dose asked of named drugs or a regimen ("on dialysis: IsaKd at full dose?"): a sentence naming only other
    # drugs (lenalidomide's renal doses) answers another question.
    asked_drugs = regimen_drugs_asked(analysis, guard) if analysis and guard else set()
    class_choice, named_history = False, set[str]()
    if analysis and guard and not asked_drugs and not analysis.entities.regimens:
        # "透析患者能用伊沙妥昔单抗吗？": a sentence about lenalidomide alone speaks of another drug (supportive
        # care such as IVIG or antivirals, given with any of them, does not).
        antibodies = {d for d in analysis.entities.named_drugs if guard.vocab.drug_class.get(d) == "anti_cd38"}
        if not antibodies and analysis.intent == "selection" and CLASS_MENTION["anti_cd38"].search(analysis.normalized):
            # "Which anti-CD38 regimen for len-refractory disease?": PVd or lenalidomide alone is not one.
            antibodies = {d for d, c in guard.vocab.drug_class.items() if c == "anti_cd38"}
            class_choice, named_history = True, guard.refractory_drugs(analysis.entities.populations)
        if antibodies:
            supportive = {d for d, c in guard.vocab.drug_class.items() if c == "supportive"}
            asked_drugs = antibodies | supportive
    asked_route, other_route = _routes(analysis, guard)
    # "Eligibility criteria of ICARIA-MM?": one named trial is the source asked about.
    off_trial = list(analysis.entities.trials) if analysis and len(analysis.entities.trials) == 1 else []
    # ... and another trial's own passages are not its source, even where they name it ("LEPUS used the CASTOR
    # doses" does not say how many patients CASTOR randomised).
    other_trials: set[str] = set()
    # A question about the named trial alone, not a patient's case that also cites a trial for one of its points.
    trial_only = bool(off_trial) and analysis is not None and not analysis.describes_patient
    if off_trial and guard is not None:
        own = guard.vocab.trials[off_trial[0]].document
        other_trials = {t.document for t in guard.vocab.trials.values() if t.document and t.document != own}
    endpoint_patterns = []
    if analysis and guard:
        endpoint_patterns = [p for e in analysis.entities.endpoints for p in guard.vocab.endpoints.get(e, [])]
        endpoint_patterns += guard.vocab.cues(analysis.intent, analysis.entities.attributes)
    # "Daratumumab in COPD?": the sentence about the asked group, above the passage's other advice. Not a group
    # with trial subgroup rows (lenalidomide-refractory, 75+): the planned lines speak for those, and a bonus
    # there favours trial-design sentences that merely name the group.
    group = (
        [
            p
            for e in analysis.entities.populations
            # (a toxicity has no planned lines: its group's sentence leads there whatever the rows)
            if analysis.intent == "toxicity" or not guard.vocab.population_evidence.get(e, {}).get("rows")
            for p in guard.vocab.populations.get(e, [])
        ]
        if analysis and guard
        else []
    )
    defines = definition_test(analysis.defined_term, guard.vocab) if analysis and guard else None
    # "Why is the antibody screen positive on dara?": the sentence giving the cause, as a definition question's
    # defining sentence.
    reason = (
        guard.vocab.attribute_cues.get("reason")
        if guard and analysis and "reason" in analysis.entities.attributes
        else None
    )
    outcome = analysis is not None and analysis.intent in ("outcome", "comparison", "selection")
    # "Side effects of DPd?": an efficacy result (response, PFS) that names no adverse event answers another
    # question, however close its passage ranks.
    efficacy: list[re.Pattern[str]] = []
    harms = guard.vocab.intent_cues.get("toxicity") if guard else None
    if analysis is not None and guard is not None and analysis.intent == "toxicity" and not analysis.entities.endpoints:
        efficacy = [p for e in _EFFICACY for p in guard.vocab.endpoints.get(e, [])]
    asks_design = analysis is not None and analysis.asks_design
    # "Grade 2 IRR: at what rate is it restarted?", "1级周围神经病变伴疼痛": the sentence for the grade asked, not
    # the next grade's rule in the same passage.
    grades = {m.group(1) for x in (q.text, *q.expansions) for m in _GRADE.finditer(x)}
    asked_grade = rf"\bgrade ({'|'.join(sorted(grades))})\b(?! or (higher|worse|more|above))"
    graded = re.compile(asked_grade, re.I) if grades else None
    # "How did ICARIA-MM get around isa interfering with IFE?": a passage saying nothing of test interference (the
    # trial's neutropenia) answers another question, however high the trial's name ranks it.
    interference = (
        [guard.vocab.intent_cues["interference"], guard.vocab.attribute_cues["lab_test"]]
        if guard and analysis and analysis.intent == "interference"
        else []
    )
    # "Platelets 20k: give dara?", "grade 4 neutropenia: what should happen to dara?": a sentence that says nothing
    # of adjusting, delaying or managing (a trial's cytopenia rates) answers another question, however close its
    # passage ranks.
    adjusting: list[re.Pattern[str]] = []
    if guard and analysis and analysis.intent == "dose_adjustment":
        adjusting = [guard.vocab.intent_cues["dose_adjustment"]]
    elif guard and analysis and "management" in analysis.entities.attributes:
        adjusting = [guard.vocab.attribute_cues["management"]]
    weights = {
        "zh": overlap_weights(q.tokens, index.lexical.idf),
        "en": overlap_weights(q.content_tokens, index.lexical.idf),
    }
    out: list[Candidate] = []
    for hi, hit in enumerate(retrieval.hits):
        p = corpus.passages[hit.passage_id]
        rows = index.sentence_rows.get(p.id, [])
        if not rows:
            continue
        cos = index.sentence_vectors[rows] @ q.vector
        prior = 1.0 / (hit.rank**0.5)  # retrieval rank, not the near-flat RRF score
        terms = weights["zh" if p.language == "zh" else "en"]
        # A passage about a rival antibody, or a source other than the one trial named: once per passage.
        elsewhere = False
        if guard and subjects:
            elsewhere = any(guard.passage_about(p.id, r) for r in rivals) or bool(
                off_trial and not guard.passage_mentions(p.id, off_trial[0])
            )
        # The drugs of a passage about other drugs only (PrE1003's lenalidomide): its sentences naming none speak
        # of them too.
        off_passage = guard.foreground_drugs(f"{p.title} {p.heading} {p.text}") if guard and class_choice else set()
        off_topic = bool(interference) and not any(found_in(x, f"{p.title} {p.heading} {p.text}") for x in interference)
        for row, c in zip(rows, cos.tolist(), strict=True):
            _, start, end = index.sentence_keys[row]
            text = p.text[start:end]
            gap, has_digit, design, design_only = sentence_traits(text)
            if gap:
                continue
            tokens = text_tokens(text)
            score = (
                settings.sentence_similarity_weight * c
                + settings.sentence_overlap_weight * weighted_overlap(terms, tokens)
                + settings.sentence_rank_weight * prior
                + (settings.figure_bonus if wants_figure and has_digit else 0.0)
            )
            about = False
            if guard and subjects:
                about = any(guard.sentence_about(p.id, text, s) for s in subjects)
                if dosed and has_digit:
                    about = any(guard.doses(text, d) for d in dosed)
                if p.document_id in other_trials:
                    about = False
                    score -= settings.rival_penalty
                elif about and not (trial_only and not guard.passage_mentions(p.id, off_trial[0])):
                    score += settings.subject_bonus  # not a label's dose for "daratumumab dose in CANDOR?"
                elif (
                    elsewhere
                    or (rivals and guard.drugs_in(text, rivals))
                    or (asked_drugs and (named := guard.foreground_drugs(text)) and not asked_drugs.intersection(named))
                ):
                    score -= settings.rival_penalty  # another drug of the class; a source other than the named trial
            elif guard and class_choice and ((named := guard.foreground_drugs(text)) or off_passage):
                if named_history and (named or off_passage) <= named_history:
                    continue  # a len-refractory choice: lenalidomide's own doses are no option, as the plan says
                if not asked_drugs & (named or off_passage):
                    score -= settings.rival_penalty  # "which anti-CD38 regimen ...?": PVd or lenalidomide alone
            if other_route and any(found_in(x, text) for x in other_route):
                if not any(found_in(x, text) for x in asked_route):
                    score -= settings.rival_penalty  # "IRR rate with SC dara?": not "... intravenous daratumumab"
            if endpoint_patterns and any(found_in(pat, text) for pat in endpoint_patterns):
                score += settings.endpoint_bonus
            if group and any(found_in(pat, text) or found_in(pat, p.heading) for pat in group):
                score += settings.endpoint_bonus / 2
            elif group and analysis is not None and analysis.intent == "toxicity":
                score -= settings.rival_penalty  # "CANDOR grade 3+ AEs in Asian patients": not the whole trial's
            if graded is not None:  # the rule for the grade asked up, another grade's rule down
                if graded.search(text):
                    score += settings.endpoint_bonus
                elif _ANY_GRADE.search(text):
                    score -= settings.endpoint_bonus
            if reason is not None and found_in(reason, text):
                score += 2 * settings.endpoint_bonus
            if defines is not None and defines(text):
                score += 2 * settings.endpoint_bonus  # "what is penta-refractory?": the sentence defining it
            if efficacy and any(p.search(text) for p in efficacy) and not (harms and harms.search(text)):
                score -= 2 * settings.design_penalty
            if adjusting and not any(found_in(x, text) for x in adjusting):
                score -= settings.design_penalty
            if off_topic:
                score -= settings.rival_penalty
            if asks_design and design:
                score += settings.design_penalty
            elif outcome and design_only:
                score -= settings.design_penalty
            out.append(Candidate(score, c, hi, p.id, start, end, text, tokens, about))
    out.sort(key=lambda c: (-c.score, c.hit, c.start))
    return out


_GRADE = re.compile(r"\bgrade\s*([1-5])\b(?!\s*(or|and|-|–|to)\s*(higher|worse|more|above|[1-5]))", re.I)

_ANY_GRADE = re.compile(r"\bgrade [1-5]\b", re.I)

NATIVE_WINDOW = 4
"""Among how many of the best-scored sentences a Chinese sentence must be to lead a Chinese reader's answer."""
NATIVE_OVERLAP = 0.2
"""The share of the question's Chinese character pairs such a sentence must contain."""
_CJK = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=32768)
def _figures(text: str) -> frozenset[str]:
    return frozenset(_FIGURE.findall(text))


def select_sentences(
    candidates: list[Candidate], retrieval: Retrieval, index: LoadedIndex, corpus: Corpus, settings: AnswerSettings
) -> list[Candidate]:
    """Greedy selection among strong sentences, preferring those that cover question concepts not yet covered.

    Only sentences scoring at least ``min_relative_score`` of the best are eligible; among them, coverage gain
    decides the order. A multi-part question ("DVd PFS in LEPUS and in CASTOR's one-prior-line group") then
    gets a sentence for each part instead of two sentences about the first. A sentence that repeats two or
    more figures of one already chosen adds nothing and is skipped.
    """
    if not candidates:
        return []
    q = retrieval.query
    weights = [max((index.lexical.idf(t) for t in c if t in index.lexical.df), default=0.0) for c in q.concepts]
    total = sum(weights) or 1.0
    covered: set[int] = set()
    chosen: list[Candidate] = []
    per_passage: dict[str, int] = {}
    best = candidates[0].score
    if q.language == "zh":
        # A Chinese reader gets the best Chinese sentence first when a Chinese passage was retrieved.
        # ... when it is among the few best and shares the question's words ("用药前需要做哪些血型检测？" is not led
        # by the abstract's sentence on monitoring elderly patients, close to it only for the embedding).
        asked = {t for t in q.tokens if _CJK.search(t)}
        native = next(
            (
                c
                for c in candidates[:NATIVE_WINDOW]
                if corpus.passages[c.pid].language == "zh"
                and c.score >= settings.min_relative_score * best
                and len(asked & c.tokens) >= NATIVE_OVERLAP * len(asked)
            ),
            None,
        )
        if native is not None:
            chosen.append(native)
            per_passage[native.pid] = 1
    while len(chosen) < settings.max_sentences:
        pick, pick_value, pick_gain = None, float("-inf"), set()
        for c in candidates:
            if c.score < settings.min_relative_score * best:
                break  # candidates are sorted: every later one is weaker still
            if c in chosen or per_passage.get(c.pid, 0) >= settings.max_per_passage:
                continue
            if chosen and c.similarity < settings.min_sentence_similarity:
                continue  # a supporting sentence must itself be about the question
            if any(c.text == x.text or len(_figures(c.text) & _figures(x.text)) >= 2 for x in chosen):
                continue
            gain = {
                i for i, concept in enumerate(q.concepts) if i not in covered and any(t in c.tokens for t in concept)
            }
            value = c.score + settings.coverage_gain_weight * sum(weights[i] for i in gain) / total
            if value > pick_value:
                pick, pick_value, pick_gain = c, value, gain
        if pick is None:
            break
        chosen.append(pick)
        covered |= pick_gain
        per_passage[pick.pid] = per_passage.get(pick.pid, 0) + 1
    return chosen
