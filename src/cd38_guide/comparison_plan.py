"""Comparison plans: both sides of an "A vs B" question, head-to-head where one trial compared them, else a table
of the same endpoints from each side's trial, each cell cited, with the caveat that cross-trial comparison is not
randomised evidence and a line saying which side lacks the asked subgroup.
"""

from __future__ import annotations

from cd38_guide.answer_plan import Claim, Plan, Planner
from cd38_guide.question.analysis import QuestionAnalysis


def plan_comparison(planner: Planner, analysis: QuestionAnalysis) -> Plan:
    """Both sides of an 'A vs B' question: head-to-head when one trial compared them, else a table."""
    if analysis.entities.attributes and not analysis.entities.endpoints:
        return Plan()  # "dara vs isa epitopes?", "dose of DVd vs DPd?": the quotes answer, not a results table
    asked = set(analysis.entities.endpoints) - {"HR"}
    if asked and not asked & set(planner.vocab.endpoint_labels):
        return Plan()  # "dara vs isa infusion reactions?": an endpoint no results table shows; not a PFS table
    lang = analysis.language
    a, b = analysis.sides[0], analysis.sides[1]
    pops = planner.populations_of(analysis)
    endpoints = planner.endpoints_of(analysis)
    plan = Plan()
    head_to_head = [
        t.name
        for t in planner.vocab.trials.values()
        if {t.regimen, t.comparator} == {a, b} or (t.regimen == a and t.comparator and b in t.comparator)
    ]
    # "CASTOR high-risk: D-Vd vs Vd?" asks CASTOR's result, not LEPUS's of the same arms.
    named = [t for t in head_to_head if t in analysis.entities.trials]
    for trial in named or head_to_head:
        for ep in endpoints:
            row = planner.best_row(trial, ep, pops)
            if row is not None:
                plan.claims.append(Claim(planner.outcome_line(row, lang), row.passage))
    if plan.claims:
        return plan
    sides = [(s, planner.side_trial(s, endpoints[0], pops)) for s in (a, b)]
    plan.columns = ["", *(f"{s} ({t})" if t and t != s else s for s, t in sides)]
    none = "语料库中没有" if lang == "zh" else "not in the corpus"
    comparator_row = [Claim("对照组" if lang == "zh" else "comparator", None)]
    for _, name in sides:
        tr = planner.vocab.trials.get(name) if name else None
        comparator_row.append(Claim((tr.comparator or "") if tr else none, None))
    plan.rows.append(comparator_row)
    for ep in endpoints:
        cells = [Claim(planner.label("endpoint", ep, lang), None)]
        for _, t in sides:
            row = planner.best_row(t, ep, pops, fallback=True) if t else None
            if row is None:
                cells.append(Claim(none, None))
                continue
            text = planner.value_text(row, lang)
            if pops and row.population not in pops:  # a whole-trial cell beside a subgroup's says so
                text = f"{planner.label('population', row.population, lang)}: {text}"
            cells.append(Claim(text, row.passage))
        plan.rows.append(cells)
    for s, t in sides:
        row = planner.best_row(t, endpoints[0], pops, fallback=True) if t else None
        if row is not None:
            plan.claims.append(Claim(planner.outcome_line(row, lang, whole_trial=bool(pops)), row.passage))
        elif planner.trials_for(s):
            continue  # its trial is in the corpus without a fact row: the quotes speak for it, nothing is missing
        elif lang == "zh":
            plan.missing.append(f"语料库中没有{s}的试验结果")
        else:
            plan.missing.append(f"The corpus holds no trial result for {s}")
    lacking = _lacking_subgroup(planner, analysis, sides, endpoints[0], pops)
    if all(t for _, t in sides):
        plan.caveat = (
            "以上数据来自不同的试验，人群不同；跨试验比较不是随机对照证据。"
            if lang == "zh"
            else "These results come from different trials with different populations: comparing them across "
            "trials is not randomised evidence"
            + ("." if a in planner.vocab.trials else f", and the corpus holds no trial of {a} against {b}.")
        )
    if lacking:
        plan.caveat = f"{plan.caveat} {lacking}".strip()
    return plan


def _lacking_subgroup(
    planner: Planner, analysis: QuestionAnalysis, sides: list[tuple[str, str | None]], endpoint: str, pops: list[str]
) -> str:
    """ "Compare IsaKd and DKd in renal impairment": a side whose trial reports no such subgroup says so; its
    line is the whole trial's."""
    if not pops:
        return ""
    lacking = [
        t
        for _, t in sides
        if t and (row := planner.best_row(t, endpoint, pops, fallback=True)) is not None and row.population not in pops
    ]
    if not lacking:
        return ""
    lang = analysis.language
    label = ("或" if lang == "zh" else " or ").join(
        planner.label("population", p, lang) for p in analysis.entities.populations
    )
    # A trial reporting the subgroup for another endpoint (CANDOR's high-risk OS) lacks only this one's result.
    named = planner.label("endpoint", endpoint, lang)
    other = any(r.source in lacking and r.population in pops for r in planner.outcomes)
    if lang == "zh":
        what = f"{label}亚组的{named}结果" if other else f"{label}亚组的结果"
        return f"{'和'.join(lacking)}在语料库中没有{what}；所列为全部患者的结果。"
    one = len(lacking) == 1
    what = f"{label} subgroup {named} result" if other else f"{label} subgroup result"
    return (
        f"{' and '.join(lacking)} report{'s' if one else ''} no {what} in the corpus; "
        f"{'its line is' if one else 'their lines are'} for all patients."
    )
