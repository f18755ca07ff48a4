"""Selection plans: which anti-CD38 regimens have trial evidence in the asked population, with their key result.

The refractoriness decides which regimens apply at all (a regimen holding a drug the disease is refractory to
is never listed); disease past the anti-CD38 class gets the studies of that population instead; a
refractoriness no trial subgroup reports gets the triplets without the drug and their whole-trial results.
Every line is built from verified fact rows by the planner (``answer_plan``), so it is as grounded as a quote.
"""

from __future__ import annotations

import re

from cd38_guide.answer_plan import ANTI_CD38_TRIPLETS, Claim, Plan, Planner
from cd38_guide.question.analysis import QuestionAnalysis

_SUBGROUP_ENDPOINTS = ("PFS", "OS", "ORR")
"""The subgroup result a selection line gives, in order of preference."""


def _beyond_class(planner: Planner, pop: str, spec: dict, lang: str, limit: int = 5) -> Plan:
    """Disease past the anti-CD38 class: each study's result in that population (PFS, else response, else
    OS), from the fact table; the lead says why no anti-CD38 triplet is listed."""
    populations = spec.get("rows") or [pop]
    plan = Plan()
    for source in dict.fromkeys(r.source for r in planner.facts if r.population in populations):
        row = next(
            (r for e in ("PFS", "ORR", "OS") if (r := planner.best_row(source, e, populations)) is not None), None
        )
        if row is not None and len(plan.claims) < limit:
            plan.claims.append(Claim(planner.outcome_line(row, lang), row.passage))
    if plan.claims:
        label = planner.label("population", pop, lang)
        plan.lead = (
            f"{label}人群的研究结果（抗CD38单抗已在既往治疗中使用，故不列抗CD38三联方案）："
            if lang == "zh"
            else f"Study results in {label} disease (no anti-CD38 triplet is listed: the disease has already "
            "been treated with an anti-CD38 antibody):"
        )
    return plan


def _without_refractory_drugs(planner: Planner, analysis: QuestionAnalysis) -> Plan:
    """ "Which triplet for bortezomib-refractory disease?": no subgroup of the trials reports that population, so
    the anti-CD38 triplets without the drug are listed with their whole-trial results, and the answer says so."""
    lang = analysis.language
    history = [d for d in analysis.entities.refractory_drugs if planner.vocab.drug_class.get(d) != "anti_cd38"]
    if not history:
        return Plan()
    plan = Plan()
    for code in ANTI_CD38_TRIPLETS:
        if set(history) & set(planner.vocab.regimens[code].drugs):
            continue
        for trial in planner.trials_for(code)[:1]:
            row = planner.best_row(trial, "PFS", [])
            if row is not None:
                plan.claims.append(Claim(planner.outcome_line(row, lang), row.passage))
    if plan.claims:
        drug = ("或" if lang == "zh" else " or ").join(planner.vocab.drug_label(d, lang) for d in history)
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


def plan_selection(planner: Planner, analysis: QuestionAnalysis) -> Plan:
    """Anti-CD38 regimens whose trials enrolled or analysed the asked population, with their key result."""
    lang = analysis.language
    evidence = []
    for p in analysis.entities.populations:
        # Dialysis has no trial subgroup of its own; the renal-impairment subgroups speak to it.
        q = next(
            (q for q in (p, *planner.vocab.population_broader.get(p, [])) if q in planner.vocab.population_evidence),
            None,
        )
        if q is not None:
            evidence.append((q, planner.vocab.population_evidence[q]))
    if not evidence:
        return _without_refractory_drugs(planner, analysis)
    beyond = next(((p, s) for p, s in evidence if s.get("excludes_class") == "anti_cd38"), None)
    if beyond is not None:
        # Refractory to (or past) the class: listing anti-CD38 triplets would answer the wrong question.
        return _beyond_class(planner, *beyond, lang)
    # A refractoriness decides which regimens apply at all: its subgroup rows lead, and no regimen with a drug
    # the disease is refractory to is listed, whichever population is named first.
    # A refractoriness stated outright leads one only inferred from maintenance.
    evidence.sort(key=lambda e: (not e[1].get("excludes_drug"), bool(e[1].get("refractoriness_unstated"))))
    pop, spec = evidence[0]
    # "82, frail, CrCl 28": each further population's own subgroup result beside the first's.
    more = [s for _, s in evidence[1:] if s.get("rows") and not s.get("excludes_drug")]
    seconds: list[str] = []
    text = re.compile(spec["text"], re.IGNORECASE)
    # Every drug the disease is refractory to rules its regimens out ("refractory to len and bortezomib").
    history = [d for d in analysis.entities.refractory_drugs if planner.vocab.drug_class.get(d) != "anti_cd38"]
    excluded = list(dict.fromkeys([*([spec["excludes_drug"]] if spec.get("excludes_drug") else []), *history]))
    plan = Plan()
    # "Is DPd a good choice ...?", "is daratumumab suitable ...?": the named regimen or antibody's triplets only.
    antibodies = [d for d in analysis.entities.named_drugs if planner.vocab.drug_class.get(d) == "anti_cd38"]
    named = [c for c in ANTI_CD38_TRIPLETS if c in analysis.entities.regimens] or [
        c for c in ANTI_CD38_TRIPLETS if any(d in planner.vocab.regimens[c].drugs for d in antibodies)
    ]
    # "Is DRd reasonable after len maintenance?": the named regimen holds the drug the disease is (or may be)
    # refractory to; the caveat says so, and the regimens studied in that disease are listed instead.
    ruled_out = [c for c in named if set(excluded) & set(planner.vocab.regimens[c].drugs)]
    named = [c for c in named if c not in ruled_out]
    for code in named or ANTI_CD38_TRIPLETS:
        if set(excluded) & set(planner.vocab.regimens[code].drugs):
            continue
        # The regimen's first trial that speaks of the population: its subgroup result, else a passage naming the
        # population and the other populations' results; a later trial only when the first has none (EQUULEUS
        # gives DPd's response in double-refractory disease, which APOLLO does not report).
        for trial in planner.trials_for(code):
            claims, also = _trial_claims(planner, code, trial, spec, more, text, lang)
            if claims:
                plan.claims += claims
                seconds += also
                break
    if plan.claims:
        label = planner.label("population", spec.get("rows", [pop])[0] if spec.get("rows") else pop, lang)
        others = list(dict.fromkeys(planner.label("population", x, lang) for x in seconds))
        where = f"{label} disease" if pop.endswith("refractory") or excluded else f"{label} patients"
        if label.startswith("refractory to"):  # "disease refractory to a PI and an IMiD"
            where = f"disease {label}"
        places = [where, *(f"{o} patients" for o in others)]
        where = ", in ".join(places[:-1]) + " and in " + places[-1] if others else where
        plan.lead = (
            f"有{'或'.join([label, *others])}人群试验证据的抗CD38方案："
            if lang == "zh"
            else f"Anti-CD38 regimens with trial evidence in {where}:"
        )
        labels = [planner.vocab.drug_label(d, lang) for d in excluded]
        drug = ("或" if lang == "zh" else " or ").join(labels)
        if spec.get("refractoriness_unstated"):
            kept = planner.vocab.drug_label(spec["excludes_drug"], lang)  # the maintenance drug
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
                held = [planner.vocab.drug_label(d, lang) for d in excluded if d in planner.vocab.regimens[code].drugs]
                plan.caveat += (
                    f"{code}含{'和'.join(held)}。" if lang == "zh" else f" {code} contains {' and '.join(held)}."
                )
    return plan


def _trial_claims(
    planner: Planner, code: str, trial: str, spec: dict, more: list[dict], text: re.Pattern[str], lang: str
) -> tuple[list[Claim], list[str]]:
    """One trial's lines for a regimen in the population: its subgroup row (PFS, else OS or response), else the
    passage naming the population with the other populations' own rows (and which populations those are)."""
    rows = spec.get("rows", [])
    row = next((r for ep in _SUBGROUP_ENDPOINTS if rows and (r := planner.best_row(trial, ep, rows)) is not None), None)
    if row is not None and row.population != "all":
        return [Claim(planner.outcome_line(row, lang), row.passage)], []
    claims, seconds = [], []
    doc = planner.vocab.trials[trial].document
    hit = next(
        (p for p in planner.passages.values() if p.document_id == doc and p.language == "en" and text.search(p.text)),
        None,
    )
    if hit is not None:
        claims.append(Claim(f"{code} ({trial})", hit.id))
    # "78-year-old with CrCl 25": the other populations' own subgroup results beside the first's.
    for second in more:
        also = planner.best_row(trial, "PFS", second["rows"])
        if also is not None and also.population != "all" and also.population not in rows:
            claims.append(Claim(planner.outcome_line(also, lang), also.passage))
            seconds.append(also.population)
    return claims, seconds
