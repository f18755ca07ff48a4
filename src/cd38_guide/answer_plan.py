"""Planned answers: a direct-answer line, a comparison table or a list of regimens, built from fact rows.

The plan says what was asked before the quotes that support it. A planned line only carries values of
verified fact rows (each verbatim in its passage) and names from the vocabulary, so it is as grounded as a
quote; each claim keeps the passage it rests on, and the composer numbers those passages as citations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from cd38_guide.facts import FactRow
from cd38_guide.question.analysis import QuestionAnalysis
from cd38_guide.question.cues import MRD_LEVEL
from cd38_guide.question.vocabulary import Vocabulary
from cd38_guide.types import Language, Passage

ANTI_CD38_TRIPLETS = ("DRd", "DVd", "DKd", "DPd", "IsaPd", "IsaKd")
"""The six anti-CD38 regimens of the relapse setting, in the order the rules core reports them."""

DEFAULT_ENDPOINTS = ("PFS", "OS")

# A question about a trial that asks for something other than its results (size, eligibility, dosing,
# crossover, follow-up design) gets no outcome line: the quotes answer it.
_NOT_RESULTS_ASKED = frozenset({"treatment_duration", "action", "epitope", "mechanism"})
_NOT_RESULTS = re.compile(
    r"how many|randomi[sz]ed|sample size|enrol|eligib|allowed|exclu|inclu|crossover|cross over|criteria|"
    r"dose|dosing|schedule|premed|design|arm|bridging|infused|pneumonia|infection|neutropeni|thrombocytopeni|"
    r"anaemi|anemi|toxicit|adverse|safety|monitor|screen|多少例|入组|剂量|标准|安全|监测|筛查",
    re.IGNORECASE,
)
_RATE = re.compile(r"\d+[- ]month|\brates?\b|%|比例|率", re.IGNORECASE)
_EARLY = re.compile(r"primary analysis|first (readout|analysis)|interim|initial|主要分析|中期", re.IGNORECASE)
_LATE = re.compile(r"\bfinal\b|long-term|latest|updated?|最终|长期", re.IGNORECASE)
# An MRD level asked (MRD_LEVEL: "10^-5", "10-6") and a landmark asked ("12-month", "12个月", "4-year"): a row of
# another level or landmark of the same endpoint is not the one asked.
_LANDMARK = re.compile(r"(?<![\d.])(\d{1,3})[- ]?(month|个月|year|年)", re.IGNORECASE)
_FOLLOW_UP = re.compile(r"follow-?up|f/u|随访", re.IGNORECASE)
MAX_LINES = 6


@dataclass(frozen=True)
class Claim:
    """One planned statement and the passage it rests on (None for a statement of absence)."""

    text: str
    passage: str | None


@dataclass
class Plan:
    """What the answer leads with; ``claims`` render as the direct answer, ``table`` beside it."""

    lead: str = ""
    claims: list[Claim] = field(default_factory=list)
    caveat: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[list[Claim]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.claims and not self.rows

    def passages(self) -> list[str]:
        """Passages the plan cites, in first-use order."""
        ids = [c.passage for c in self.claims] + [c.passage for row in self.rows for c in row]
        return list(dict.fromkeys(p for p in ids if p))


def _level_of(text: str) -> str | None:
    """The MRD level a text names ("10^-5", "10-6"), as a digit."""
    m = MRD_LEVEL.search(text)
    return m.group(1) if m else None


def _at_asked_level(rows: list[FactRow], question: str) -> list[FactRow]:
    """Rows at the MRD level asked, never another level's; with none asked, the rows that name no level first."""
    asked = _level_of(question)
    if asked is None:
        return [r for r in rows if not r.level] or rows
    return [r for r in rows if r.level and _level_of(r.level) == asked] or [r for r in rows if not r.level]


def _at_asked_landmark(rows: list[FactRow], question: str) -> list[FactRow]:
    """The rows of the landmark asked ("12个月时 ... MRD", "4-year PFS"), when the table has them."""
    for m in _LANDMARK.finditer(question):
        months = int(m.group(1)) * (12 if m.group(2).lower() in ("year", "年") else 1)
        names = {f"{months}-month rate", *([f"{months // 12}-year rate"] if months % 12 == 0 else [])}
        kept = [r for r in rows if r.measure in names]
        if kept:
            return kept
    return rows


class Planner:
    """Builds plans from the fact table for one corpus."""

    def __init__(self, facts: Sequence[FactRow], vocab: Vocabulary, passages: dict[str, Passage]) -> None:
        self.facts = list(facts)
        self.vocab = vocab
        self.passages = passages
        self._order = {row: i for i, row in enumerate(self.facts)}
        # Result lines come from outcome rows only: a trial's non-inferiority margin (IRAKLIA ORR 0.839) is a
        # threshold of the ORR endpoint, not its result.
        self.outcomes = [r for r in self.facts if r.kind == "outcome"]

    # -- row selection -------------------------------------------------------------------------------------

    def trials_for(self, name: str) -> list[str]:
        """Trials (in vocabulary order) that a side names: the trial itself, or trials testing the regimen."""
        if name in self.vocab.trials:
            return [name]
        return [t.name for t in self.vocab.trials.values() if t.regimen == name]

    def side_trial(self, side: str, endpoint: str, populations: Sequence[str]) -> str | None:
        """The trial that speaks for one side of a comparison: the trial itself, a trial of the regimen, or for an
        antibody ("isatuximab or daratumumab?") a trial of one of its regimens, preferring one that reports the
        asked population."""
        trials = self.trials_for(side) or [
            t for code, r in self.vocab.regimens.items() if side in r.drugs for t in self.trials_for(code)
        ]
        with_rows = [t for t in dict.fromkeys(trials) if any(r.source == t for r in self.facts)]
        if populations:
            reported = [t for t in with_rows if self.best_row(t, endpoint, populations) is not None]
            with_rows = reported or with_rows
        return with_rows[0] if with_rows else None

    def populations_of(self, analysis: QuestionAnalysis) -> list[str]:
        return [r for group in self._population_groups(analysis) for r in group]

    def _population_groups(self, analysis: QuestionAnalysis) -> list[list[str]]:
        """The fact-table populations of each asked population, one list per population asked."""
        # A population the table has no rows for still counts as asked: it matches no row, so no whole-trial
        # figure is passed off as that subgroup's.
        return [self.vocab.population_evidence.get(p, {}).get("rows") or [p] for p in analysis.entities.populations]

    def best_row(
        self,
        trial: str,
        endpoint: str,
        populations: Sequence[str],
        fallback: bool = False,
        question: str = "",
    ) -> FactRow | None:
        """The most recent row of ``trial`` for ``endpoint`` in the first population that has one.

        With no population asked, the whole trial ("all"); with one asked, only that population, unless
        ``fallback`` allows the whole-trial row (comparisons, where the line then names its population).
        """
        order = [*populations, "all"] if (fallback or not populations) else list(populations)
        if not populations:
            # A study of one population only (MAMMOTH: all anti-CD38-refractory): its rows are the whole study's.
            own = {r.population for r in self.outcomes if r.source == trial and r.endpoint == endpoint}
            order += sorted(own) if len(own) == 1 else []
        for pop in order:
            rows = [r for r in self.outcomes if r.source == trial and r.endpoint == endpoint and r.population == pop]
            if not rows:
                continue
            # A trial with more than one experimental arm (MonumenTAL-3: Tal-D and Tal-DP): the trial's own
            # regimen, the one the vocabulary names for it, speaks for it.
            # ... unless the question names another of its arms ("Tal-DP's OS in MonumenTAL-3?").
            own_arm = self.vocab.trials[trial].regimen if trial in self.vocab.trials else None
            arms = {r.regimen for r in self.outcomes if r.source == trial and r.regimen}
            asked_arm = next((a for a in sorted(arms) if len(arms) > 1 and self._names_regimen(question, a)), None)
            if asked_arm is not None:
                rows = [r for r in rows if r.regimen == asked_arm]  # none for this endpoint: no other arm's
                if not rows:
                    continue
            else:
                rows = [r for r in rows if r.regimen == own_arm] or rows
            if _EARLY.search(question):
                # "at the primary analysis": that readout's rows, whatever later updates report.
                rows = [r for r in rows if "primary" in r.passage or "interim" in r.passage] or rows
            rows = _at_asked_level(rows, question)
            wants_rate = bool(_RATE.search(question)) and "median" not in question.lower()
            rates = [r for r in rows if r.measure and "rate" in r.measure and r.values]
            medians = (
                (rates if wants_rate and rates else [])
                or [r for r in rows if r.measure == "median"]
                or [r for r in rows if r.values]
                or rows
            )
            early = bool(_EARLY.search(question))

            def recency(r: FactRow, early: bool = early) -> tuple[bool, bool, bool, int]:
                timing = any(w in r.passage for w in ("primary", "interim")) if early else "final" in r.passage
                return (timing, "final" in r.passage and not early, r.hr is not None, self._order[r])

            best = max(_at_asked_landmark(medians, question), key=recency)
            if best.hr is None:
                hr = [r for r in rows if r.passage == best.passage and r.hr and not r.values]
                if hr:
                    best = best.model_copy(update={"hr": hr[0].hr, "ci": hr[0].ci, "ci_level": hr[0].ci_level})
            return best
        return None

    # -- rendering -----------------------------------------------------------------------------------------

    def _names_regimen(self, question: str, regimen: str) -> bool:
        return any(p.search(question) for p in self.vocab.regimen_patterns.get(regimen, []))

    def label(self, kind: str, key: str, lang: str) -> str:
        table = {"endpoint": self.vocab.endpoint_labels, "population": self.vocab.population_labels}[kind]
        return table.get(key, {}).get(lang, key)

    def value_text(self, row: FactRow, lang: str) -> str:
        """'median PFS 44.5 vs 17.5 months, HR 0.44 (95% CI 0.35-0.55)' from one row."""
        words = self.vocab.labels[lang]
        ep = self.label("endpoint", row.endpoint or "", lang)
        parts = []
        if row.values and row.measure != "hr":
            vals = [words["not_reached"] if v == "not reached" else v for v in row.values]
            unit = row.unit or ""
            if unit == "%":
                shown = f" {words['vs']} ".join(
                    f"{v}%" if re.match(r"\d", v) and not v.endswith("%") else v for v in vals
                )
            else:
                sep = "" if lang == "zh" else " "
                shown = f" {words['vs']} ".join(vals) + (f"{sep}{words['months']}" if unit == "months" else f" {unit}")
            measure = row.measure or ""
            if measure == "median":
                head = f"{words['median']}{ep}" if lang == "zh" else f"{words['median']} {ep}"
            elif measure.endswith("rate") and measure != "rate":
                zh_time = measure.replace("-month rate", "个月").replace("-year rate", "年")
                head = f"{measure} {ep}" if lang == "en" else f"{zh_time}{ep}"
            else:
                head = ep
            if row.level:  # "MRD negativity at 10-6"
                head = f"{head}（{row.level}）" if lang == "zh" else f"{head} at {row.level}"
            parts.append(f"{head} {shown}".strip())
        if row.hr:
            hr = f"{words['hr']} {row.hr}"
            if row.ci:
                hr += f" ({row.ci_level or '95%'} {words['CI']} {row.ci})"
            parts.append(hr if parts else f"{ep} {hr}")  # an HR-only row still names its endpoint
        return ", ".join(parts)

    def outcome_line(self, row: FactRow, lang: str, follow_up: bool = False, whole_trial: bool = False) -> str:
        """'DRd vs Rd in POLLUX (all patients): median PFS ...' in the question's language.

        ``whole_trial``: a subgroup was asked, so an English line from the whole trial says "(all patients)" too.
        """
        if follow_up and row.follow_up:
            fu = f"，中位随访{row.follow_up}" if lang == "zh" else f", median follow-up {row.follow_up}"
            return self.outcome_line(row, lang, whole_trial=whole_trial) + fu
        pop = self.label("population", row.population, lang)
        arms = f"{row.regimen} vs {row.comparator}" if row.comparator else (row.regimen or "")
        if lang == "zh":
            arms = arms.replace(" vs ", "对比")
            head = f"{row.source}研究（{pop}）中{arms}"
            return f"{head}：{self.value_text(row, lang).replace(', ', '，')}"
        shown = row.population != "all" or whole_trial
        head = f"{arms[:1].upper()}{arms[1:]} in {row.source}" + (f" ({pop})" if shown else "")
        return f"{head}: {self.value_text(row, lang)}"

    # -- plans by intent -----------------------------------------------------------------------------------

    def plan(self, analysis: QuestionAnalysis) -> Plan:
        """The plan for an analysed question; empty when no shape fits or no fact row applies."""
        if analysis.intent == "comparison":
            from cd38_guide.comparison_plan import plan_comparison  # (it builds on this module's Planner)

            return plan_comparison(self, analysis)
        if analysis.intent == "selection":
            from cd38_guide.selection_plan import plan_selection  # (it builds on this module's Planner)

            return plan_selection(self, analysis)
        # A question about supportive care ("Should patients on Tec-Dara receive IVIG?") asks no trial result.
        supportive = "supportive_care" in analysis.entities.attributes or any(
            self.vocab.drug_class.get(d) == "supportive" for d in analysis.entities.named_drugs
        )
        if analysis.intent == "general" and "treatment_duration" in analysis.entities.attributes:
            return self.treatment_duration(analysis)  # "how long is dara given?": until progression, per the label
        # "How does IsaPd work?", "what binds where?" ask no trial result either.
        # Nor does a trial's design ("how many patients did LEPUS enrol?", "CASTOR的对照组是什么？").
        other = supportive or analysis.asks_design or bool(_NOT_RESULTS_ASKED & set(analysis.entities.attributes))
        if analysis.intent in ("outcome", "patient_case") or (analysis.intent == "general" and not other):
            return self.outcome(analysis)
        if analysis.intent == "rechallenge" and analysis.entities.trials:
            # A named study ("what did the Danish cohort show on retreatment?") answers with its own rows; its
            # entry washout is its design, not the consensus's. A named guideline has no rows: its washout.
            if analysis.asks_design:
                return Plan()
            own = self.outcome(analysis)
            return own if not own.empty else self.rechallenge(analysis)
        if analysis.intent == "rechallenge" and analysis.entities.endpoints:
            return Plan()  # "What response rates were seen with retreatment?": the studies' results, not the washout
        if analysis.intent == "rechallenge":
            return self.rechallenge(analysis)
        return Plan()

    def rechallenge(self, analysis: QuestionAnalysis) -> Plan:
        """What the sources say of the washout before an anti-CD38 rechallenge, in the question's language."""
        return self.statements("washout", analysis.language)

    def treatment_duration(self, analysis: QuestionAnalysis) -> Plan:
        """How long the antibody is given, from the labels' statements about the drugs asked (any, if none)."""
        drugs = {d for d in analysis.entities.drugs if self.vocab.drug_class.get(d) == "anti_cd38"}
        return self.statements("treatment duration", analysis.language, drugs)

    def statements(self, endpoint: str, lang: Language, drugs: set[str] | None = None) -> Plan:
        """'<source>: <endpoint>: <value>' lines from the statement rows on ``endpoint`` (of ``drugs``, if given),
        from passages in the question's language where there are any."""
        rows = [r for r in self.facts if r.endpoint == endpoint and r.values and (not drugs or r.drug in drugs)]
        same = [r for r in rows if self.passages[r.passage].language == lang] or [
            r for r in rows if self.passages[r.passage].language == "en"
        ]
        words = self.vocab.labels[lang]
        sep = "：" if lang == "zh" else ": "
        plan = Plan()
        for r in same:
            line = sep.join([words.get(r.source, r.source), self.label("endpoint", endpoint, lang), r.values[0]])
            plan.claims.append(Claim(line, r.passage))
        return plan

    def endpoints_of(self, analysis: QuestionAnalysis) -> list[str]:
        asked = [e for e in analysis.entities.endpoints if e in self.vocab.endpoint_labels]
        if "HR" in analysis.entities.endpoints and not asked:
            asked = ["PFS"]
        return asked or list(DEFAULT_ENDPOINTS)

    def _reported(self, trial: str) -> list[str]:
        """The endpoints to show when none was asked: PFS and OS, else the trial's own (IRAKLIA's ORR)."""
        own = dict.fromkeys(r.endpoint for r in self.outcomes if r.source == trial)
        defaults = [e for e in DEFAULT_ENDPOINTS if e in own]
        return defaults or [e for e in own if e in self.vocab.endpoint_labels][:2]

    def outcome(self, analysis: QuestionAnalysis) -> Plan:
        """Results of the named trials (or of the trials behind the named regimens)."""
        lang = analysis.language
        if _NOT_RESULTS.search(analysis.normalized) and not analysis.entities.endpoints:
            return Plan()
        if analysis.entities.aspects and not analysis.entities.endpoints:
            return Plan()  # "APOLLO研究中因不良事件停药的比例？": the aspect asked, not the trial's PFS and OS
        trials: list[str] = list(analysis.entities.trials)
        if not trials:
            for code in analysis.entities.regimens:
                trials.extend(self.trials_for(code)[:2])
        trials = list(dict.fromkeys(trials))
        if not trials:
            return Plan()
        # "80 years old, one prior line: what did CASTOR show in patients 75 and over?": each asked population's
        # own row, not only the first population's.
        groups = self._population_groups(analysis) or [[]]
        plan = Plan()
        fu = bool(_FOLLOW_UP.search(analysis.normalized))
        for trial in trials:
            for ep in self.endpoints_of(analysis) if analysis.entities.endpoints else self._reported(trial):
                for pops in groups:
                    row = self.best_row(trial, ep, pops, question=analysis.normalized)
                    if row is not None and all(c.text != self.outcome_line(row, lang, fu) for c in plan.claims):
                        plan.claims.append(Claim(self.outcome_line(row, lang, fu), row.passage))
        plan.claims = plan.claims[:MAX_LINES]
        return plan
