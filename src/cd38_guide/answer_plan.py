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
from cd38_guide.question.vocabulary import Vocabulary
from cd38_guide.types import Passage

ANTI_CD38_TRIPLETS = ("DRd", "DVd", "DKd", "DPd", "IsaPd", "IsaKd")
"""The six anti-CD38 regimens of the relapse setting, in the order the rules core reports them."""

DEFAULT_ENDPOINTS = ("PFS", "OS")

# A question about a trial that asks for something other than its results (size, eligibility, dosing,
# crossover, follow-up design) gets no outcome line: the quotes answer it.
_NOT_RESULTS = re.compile(
    r"how many|randomi[sz]ed|sample size|enrol|eligib|allowed|exclu|inclu|crossover|cross over|criteria|"
    r"dose|dosing|schedule|premed|design|arm|bridging|infused|pneumonia|infection|neutropeni|thrombocytopeni|"
    r"anaemi|anemi|toxicit|adverse|safety|多少例|入组|剂量|标准|安全",
    re.IGNORECASE,
)
_RATE = re.compile(r"\d+[- ]month|\brates?\b|%|比例|率", re.IGNORECASE)
_EARLY = re.compile(r"primary analysis|first (readout|analysis)|interim|initial|主要分析|中期", re.IGNORECASE)
_LATE = re.compile(r"\bfinal\b|long-term|latest|updated?|最终|长期", re.IGNORECASE)
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


class Planner:
    """Builds plans from the fact table for one corpus."""

    def __init__(self, facts: Sequence[FactRow], vocab: Vocabulary, passages: dict[str, Passage]) -> None:
        self.facts = list(facts)
        self.vocab = vocab
        self.passages = passages
        self._order = {row: i for i, row in enumerate(self.facts)}
        # Result lines come from outcome rows only: a trial's non-inferiority margin (IRAKLIA ORR 0.839) is a
        # threshold of the ORR endpoint, not its result.
        self._outcomes = [r for r in self.facts if r.kind == "outcome"]

    def _beyond_class(self, pop: str, spec: dict, lang: str, limit: int = 5) -> Plan:
        """Disease past the anti-CD38 class: each study's result in that population (PFS, else response, else
        OS), from the fact table; the lead says why no anti-CD38 triplet is listed."""
        populations = spec.get("rows") or [pop]
        plan = Plan()
        for source in dict.fromkeys(r.source for r in self.facts if r.population in populations):
            row = next(
                (r for e in ("PFS", "ORR", "OS") if (r := self.best_row(source, e, populations)) is not None), None
            )
            if row is not None and len(plan.claims) < limit:
                plan.claims.append(Claim(self.outcome_line(row, lang), row.passage))
        if plan.claims:
            label = self._label("population", pop, lang)
            plan.lead = (
                f"{label}人群的研究结果（抗CD38单抗已在既往治疗中使用，故不列抗CD38三联方案）："
                if lang == "zh"
                else f"Study results in {label} disease (no anti-CD38 triplet is listed: the disease has already "
                "been treated with an anti-CD38 antibody):"
            )
        return plan

    # -- row selection -------------------------------------------------------------------------------------

    def _trials_for(self, name: str) -> list[str]:
        """Trials (in vocabulary order) that a side names: the trial itself, or trials testing the regimen."""
        if name in self.vocab.trials:
            return [name]
        return [t.name for t in self.vocab.trials.values() if t.regimen == name]

    def _side_trial(self, side: str, endpoint: str, populations: Sequence[str]) -> str | None:
        """The trial that speaks for one side of a comparison: the trial itself, a trial of the regimen, or for an
        antibody ("isatuximab or daratumumab?") a trial of one of its regimens, preferring one that reports the
        asked population."""
        trials = self._trials_for(side) or [
            t for code, r in self.vocab.regimens.items() if side in r.drugs for t in self._trials_for(code)
        ]
        with_rows = [t for t in dict.fromkeys(trials) if any(r.source == t for r in self.facts)]
        if populations:
            reported = [t for t in with_rows if self.best_row(t, endpoint, populations) is not None]
            with_rows = reported or with_rows
        return with_rows[0] if with_rows else None

    def _populations(self, analysis: QuestionAnalysis) -> list[str]:
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
            own = {r.population for r in self._outcomes if r.source == trial and r.endpoint == endpoint}
            order += sorted(own) if len(own) == 1 else []
        for pop in order:
            rows = [r for r in self._outcomes if r.source == trial and r.endpoint == endpoint and r.population == pop]
            if not rows:
                continue
            # A trial with more than one experimental arm (MonumenTAL-3: Tal-D and Tal-DP): the trial's own
            # regimen, the one the vocabulary names for it, speaks for it.
            own_arm = self.vocab.trials[trial].regimen if trial in self.vocab.trials else None
            rows = [r for r in rows if r.regimen == own_arm] or rows
            if _EARLY.search(question):
                # "at the primary analysis": that readout's rows, whatever later updates report.
                rows = [r for r in rows if "primary" in r.passage or "interim" in r.passage] or rows
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

            best = max(medians, key=recency)
            if best.hr is None:
                hr = [r for r in rows if r.passage == best.passage and r.hr and not r.values]
                if hr:
                    best = best.model_copy(update={"hr": hr[0].hr, "ci": hr[0].ci, "ci_level": hr[0].ci_level})
            return best
        return None

    # -- rendering -----------------------------------------------------------------------------------------

    def _label(self, kind: str, key: str, lang: str) -> str:
        table = {"endpoint": self.vocab.endpoint_labels, "population": self.vocab.population_labels}[kind]
        return table.get(key, {}).get(lang, key)

    def value_text(self, row: FactRow, lang: str) -> str:
        """'median PFS 44.5 vs 17.5 months, HR 0.44 (95% CI 0.35-0.55)' from one row."""
        words = self.vocab.labels[lang]
        ep = self._label("endpoint", row.endpoint or "", lang)
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
                head = f"{measure} {ep}" if lang == "en" else f"{measure.replace('-month rate', '个月')}{ep}"
            else:
                head = ep
            parts.append(f"{head} {shown}".strip())
        if row.hr:
            hr = f"{words['hr']} {row.hr}"
            if row.ci:
                hr += f" ({row.ci_level or '95%'} {words['CI']} {row.ci})"
            parts.append(hr if row.values else f"{ep} {hr}")
        return ", ".join(parts)

    def outcome_line(self, row: FactRow, lang: str, follow_up: bool = False) -> str:
        """'DRd vs Rd in POLLUX (all patients): median PFS ...' in the question's language."""
        if follow_up and row.follow_up:
            fu = f"，中位随访{row.follow_up}" if lang == "zh" else f", median follow-up {row.follow_up}"
            return self.outcome_line(row, lang) + fu
        pop = self._label("population", row.population, lang)
        arms = f"{row.regimen} vs {row.comparator}" if row.comparator else (row.regimen or "")
        if lang == "zh":
            arms = arms.replace(" vs ", "对比")
            head = f"{row.source}研究（{pop}）中{arms}"
            return f"{head}：{self.value_text(row, lang).replace(', ', '，')}"
        head = f"{arms[:1].upper()}{arms[1:]} in {row.source}" + ("" if row.population == "all" else f" ({pop})")
        return f"{head}: {self.value_text(row, lang)}"

    # -- plans by intent -----------------------------------------------------------------------------------

    def plan(self, analysis: QuestionAnalysis) -> Plan:
        """The plan for an analysed question; empty when no shape fits or no fact row applies."""
        if analysis.intent == "comparison":
            return self.comparison(analysis)
        if analysis.intent == "selection":
            return self.selection(analysis)
        # A question about supportive care ("Should patients on Tec-Dara receive IVIG?") asks no trial result.
        supportive = "supportive_care" in analysis.entities.attributes or any(
            self.vocab.drug_class.get(d) == "supportive" for d in analysis.entities.named_drugs
        )
        if analysis.intent in ("outcome", "patient_case") or (analysis.intent == "general" and not supportive):
            return self.outcome(analysis)
        if analysis.intent == "rechallenge" and not (analysis.asks_design and analysis.entities.trials):
            return self.rechallenge(analysis)  # (a trial's entry washout is its design, not the consensus's)
        return Plan()

    def rechallenge(self, analysis: QuestionAnalysis) -> Plan:
        """What the sources say of the washout before an anti-CD38 rechallenge, in the question's language."""
        lang = analysis.language
        rows = [r for r in self.facts if r.endpoint == "washout" and r.values]
        same = [r for r in rows if self.passages[r.passage].language == lang] or [
            r for r in rows if self.passages[r.passage].language == "en"
        ]
        words = self.vocab.labels[lang]
        sep = "：" if lang == "zh" else ": "
        plan = Plan()
        for r in same:
            line = sep.join([words.get(r.source, r.source), self._label("endpoint", "washout", lang), r.values[0]])
            plan.claims.append(Claim(line, r.passage))
        return plan

    def _endpoints(self, analysis: QuestionAnalysis) -> list[str]:
        asked = [e for e in analysis.entities.endpoints if e in self.vocab.endpoint_labels]
        if "HR" in analysis.entities.endpoints and not asked:
            asked = ["PFS"]
        return asked or list(DEFAULT_ENDPOINTS)

    def outcome(self, analysis: QuestionAnalysis) -> Plan:
        """Results of the named trials (or of the trials behind the named regimens)."""
        lang = analysis.language
        if _NOT_RESULTS.search(analysis.normalized) and not analysis.entities.endpoints:
            return Plan()
        trials: list[str] = list(analysis.entities.trials)
        if not trials:
            for code in analysis.entities.regimens:
                trials.extend(self._trials_for(code)[:2])
        trials = list(dict.fromkeys(trials))
        if not trials:
            return Plan()
        # "80 years old, one prior line: what did CASTOR show in patients 75 and over?": each asked population's
        # own row, not only the first population's.
        groups = self._population_groups(analysis) or [[]]
        plan = Plan()
        fu = bool(_FOLLOW_UP.search(analysis.normalized))
        for trial in trials:
            for ep in self._endpoints(analysis):
                for pops in groups:
                    row = self.best_row(trial, ep, pops, question=analysis.normalized)
                    if row is not None and all(c.text != self.outcome_line(row, lang, fu) for c in plan.claims):
                        plan.claims.append(Claim(self.outcome_line(row, lang, fu), row.passage))
        plan.claims = plan.claims[:MAX_LINES]
        return plan

    def comparison(self, analysis: QuestionAnalysis) -> Plan:
        """Both sides of an 'A vs B' question: head-to-head when one trial compared them, else a table."""
        if analysis.entities.attributes and not analysis.entities.endpoints:
            return Plan()  # "dara vs isa epitopes?", "dose of DVd vs DPd?": the quotes answer, not a results table
        lang = analysis.language
        a, b = analysis.sides[0], analysis.sides[1]
        pops = self._populations(analysis)
        endpoints = self._endpoints(analysis)
        plan = Plan()
        head_to_head = [
            t.name
            for t in self.vocab.trials.values()
            if {t.regimen, t.comparator} == {a, b} or (t.regimen == a and t.comparator and b in t.comparator)
        ]
        for trial in head_to_head:
            for ep in endpoints:
                row = self.best_row(trial, ep, pops)
                if row is not None:
                    plan.claims.append(Claim(self.outcome_line(row, lang), row.passage))
        if plan.claims:
            return plan
        sides = [(s, self._side_trial(s, endpoints[0], pops)) for s in (a, b)]
        plan.columns = ["", *(f"{s} ({t})" if t else s for s, t in sides)]
        none = "语料库中没有" if lang == "zh" else "not in the corpus"
        comparator_row = [Claim("对照组" if lang == "zh" else "comparator", None)]
        for _, name in sides:
            tr = self.vocab.trials.get(name) if name else None
            comparator_row.append(Claim((tr.comparator or "") if tr else none, None))
        plan.rows.append(comparator_row)
        for ep in endpoints:
            cells = [Claim(self._label("endpoint", ep, lang), None)]
            for _, t in sides:
                row = self.best_row(t, ep, pops, fallback=True) if t else None
                cells.append(Claim(self.value_text(row, lang), row.passage) if row else Claim(none, None))
            plan.rows.append(cells)
        for s, t in sides:
            row = self.best_row(t, endpoints[0], pops, fallback=True) if t else None
            if row is not None:
                plan.claims.append(Claim(self.outcome_line(row, lang), row.passage))
            elif self._trials_for(s):
                continue  # its trial is in the corpus without a fact row: the quotes speak for it, nothing is missing
            elif lang == "zh":
                plan.missing.append(f"语料库中没有{s}的试验结果")
            else:
                plan.missing.append(f"The corpus holds no trial result for {s}")
        if all(t for _, t in sides):
            plan.caveat = (
                "以上数据来自不同的试验，人群不同；跨试验比较不是随机对照证据。"
                if lang == "zh"
                else f"These results come from different trials with different populations: comparing them across "
                f"trials is not randomised evidence, and the corpus holds no trial of {a} against {b}."
            )
        return plan

    def _without_refractory_drugs(self, analysis: QuestionAnalysis) -> Plan:
        """ "Which triplet for bortezomib-refractory disease?": no subgroup of the trials reports that population, so
        the anti-CD38 triplets without the drug are listed with their whole-trial results, and the answer says so."""
        lang = analysis.language
        history = [d for d in analysis.entities.refractory_drugs if self.vocab.drug_class.get(d) != "anti_cd38"]
        if not history:
            return Plan()
        plan = Plan()
        for code in ANTI_CD38_TRIPLETS:
            if set(history) & set(self.vocab.regimens[code].drugs):
                continue
            for trial in self._trials_for(code)[:1]:
                row = self.best_row(trial, "PFS", [])
                if row is not None:
                    plan.claims.append(Claim(self.outcome_line(row, lang), row.passage))
        if plan.claims:
            drug = ("或" if lang == "zh" else " or ").join(self.vocab.drug_label(d, lang) for d in history)
            plan.lead = (
                f"不含{drug}的抗CD38三联方案（全部患者的结果；语料库中没有{drug}难治亚组的结果）："
                if lang == "zh"
                else f"Anti-CD38 triplets without {drug} (whole-trial results; the corpus holds no result in "
                f"{drug}-refractory disease):"
            )
            plan.caveat = (
                f"含{drug}的方案未列出（疾病对其难治）。"
                if lang == "zh"
                else f"Regimens containing {drug} are not listed, since the disease is refractory to "
                + ("them." if len(history) > 1 else "it.")
            )
        return plan

    def selection(self, analysis: QuestionAnalysis) -> Plan:
        """Anti-CD38 regimens whose trials enrolled or analysed the asked population, with their key result."""
        lang = analysis.language
        evidence = []
        for p in analysis.entities.populations:
            # Dialysis has no trial subgroup of its own; the renal-impairment subgroups speak to it.
            q = next(
                (q for q in (p, *self.vocab.population_broader.get(p, [])) if q in self.vocab.population_evidence), None
            )
            if q is not None:
                evidence.append((q, self.vocab.population_evidence[q]))
        if not evidence:
            return self._without_refractory_drugs(analysis)
        beyond = next(((p, s) for p, s in evidence if s.get("excludes_class") == "anti_cd38"), None)
        if beyond is not None:
            # Refractory to (or past) the class: listing anti-CD38 triplets would answer the wrong question.
            return self._beyond_class(*beyond, lang)
        # A refractoriness decides which regimens apply at all: its subgroup rows lead, and no regimen with a drug
        # the disease is refractory to is listed, whichever population is named first.
        # A refractoriness stated outright leads one only inferred from maintenance.
        evidence.sort(key=lambda e: (not e[1].get("excludes_drug"), bool(e[1].get("refractoriness_unstated"))))
        pop, spec = evidence[0]
        second = next((s for _, s in evidence[1:] if s.get("rows") and not s.get("excludes_drug")), {})
        seconds: list[str] = []
        text = re.compile(spec["text"], re.IGNORECASE)
        # Every drug the disease is refractory to rules its regimens out ("refractory to len and bortezomib").
        history = [d for d in analysis.entities.refractory_drugs if self.vocab.drug_class.get(d) != "anti_cd38"]
        excluded = list(dict.fromkeys([*([spec["excludes_drug"]] if spec.get("excludes_drug") else []), *history]))
        plan = Plan()
        # "Is DPd a good choice ...?", "is daratumumab suitable ...?": the named regimen or antibody's triplets only.
        antibodies = [d for d in analysis.entities.named_drugs if self.vocab.drug_class.get(d) == "anti_cd38"]
        named = [c for c in ANTI_CD38_TRIPLETS if c in analysis.entities.regimens] or [
            c for c in ANTI_CD38_TRIPLETS if any(d in self.vocab.regimens[c].drugs for d in antibodies)
        ]
        # "Is DRd reasonable after len maintenance?": the named regimen holds the drug the disease is (or may be)
        # refractory to; the caveat says so, and the regimens studied in that disease are listed instead.
        ruled_out = [c for c in named if set(excluded) & set(self.vocab.regimens[c].drugs)]
        named = [c for c in named if c not in ruled_out]
        for code in named or ANTI_CD38_TRIPLETS:
            if set(excluded) & set(self.vocab.regimens[code].drugs):
                continue
            for trial in self._trials_for(code)[:1]:
                row = self.best_row(trial, "PFS", spec.get("rows", [])) if spec.get("rows") else None
                if row is not None and row.population != "all":
                    plan.claims.append(Claim(self.outcome_line(row, lang), row.passage))
                    continue
                doc = self.vocab.trials[trial].document
                hit = next(
                    (
                        p
                        for p in self.passages.values()
                        if p.document_id == doc and p.language == "en" and text.search(p.text)
                    ),
                    None,
                )
                if hit is not None:
                    plan.claims.append(Claim(f"{code} ({trial})", hit.id))
                # "78-year-old with CrCl 25": the second population's own subgroup result beside the first's.
                also = self.best_row(trial, "PFS", second.get("rows", [])) if second.get("rows") else None
                if also is not None and also.population != "all" and also.population not in spec.get("rows", []):
                    plan.claims.append(Claim(self.outcome_line(also, lang), also.passage))
                    seconds.append(also.population)
        if plan.claims:
            label = self._label("population", spec.get("rows", [pop])[0] if spec.get("rows") else pop, lang)
            other = self._label("population", seconds[0], lang) if seconds else ""
            where = f"{label} disease" if pop.endswith("refractory") or excluded else f"{label} patients"
            where += f" and in {other} patients" if other else ""
            plan.lead = (
                f"有{label}{'或' + other if other else ''}人群试验证据的抗CD38方案："
                if lang == "zh"
                else f"Anti-CD38 regimens with trial evidence in {where}:"
            )
            labels = [self.vocab.drug_label(d, lang) for d in excluded]
            drug = ("或" if lang == "zh" else " or ").join(labels)
            if spec.get("refractoriness_unstated"):
                kept = self.vocab.drug_label(spec["excludes_drug"], lang)  # the maintenance drug
                plan.lead = (
                    f"若疾病在{kept}维持治疗期间进展（{label}）：" + plan.lead
                    if lang == "zh"
                    else f"If the disease progressed on {kept} maintenance ({label}): "
                    + plan.lead[0].lower()
                    + plan.lead[1:]
                )
                plan.caveat = (
                    f"问题未说明疾病是否在{kept}治疗期间进展；含{drug}的方案未列出。"
                    if lang == "zh"
                    else f"Whether the disease progressed on {kept} was not stated; regimens containing {drug} "
                    "are not listed."
                )
            elif excluded:
                plan.caveat = (
                    f"含{drug}的方案未列出（疾病对其难治）。"
                    if lang == "zh"
                    else f"Regimens containing {drug} are not listed, since the disease is refractory to "
                    + ("them." if len(labels) > 1 else "it.")
                )
            if ruled_out:
                for code in ruled_out:
                    held = [self.vocab.drug_label(d, lang) for d in excluded if d in self.vocab.regimens[code].drugs]
                    plan.caveat += (
                        f"{code}含{'和'.join(held)}。" if lang == "zh" else f" {code} contains {' and '.join(held)}."
                    )
        return plan
