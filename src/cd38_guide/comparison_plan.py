"""Comparison plans: both sides of an "A vs B" question, head-to-head where one trial compared them, else a table
of the same endpoints from each side's trial, each cell cited, with the caveat that cross-trial comparison is not
randomised evidence and a line saying which side lacks the asked subgroup.
"""

from __future__ import annotations

from cd38_guide.answer_plan import Claim, Plan, Planner
from cd38_guide.question.analysis import QuestionAnalysis


def plan_comparison(planner: Planner, analysis: QuestionAnalysis) -> Plan:
    """Both sides of an 'A vs B' question: head-to-head when one trial compared them, else a table."""
    toxicity = _toxicity_sides(planner, analysis)
    if toxicity is not None:
        return toxicity
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


_IRR = "infusion reactions"
# Efficacy endpoints: a comparison asking one of them gets the results table, whatever adverse event it names.
_EFFICACY = frozenset({"PFS", "OS", "ORR", "CR", "VGPR", "MRD", "PFS2", "TTNT", "DOR", "EFS", "TTP", "sCR", "CBR"})


def _toxicity_sides(planner: Planner, analysis: QuestionAnalysis) -> Plan | None:
    """ "Infusion reactions, IsaKd vs DKd?", "BVd vs DVd ocular events?": an adverse event compared is answered by
    each side's own trial quotes, never by a PFS table; a side whose trials report nothing of the event is said to
    lack it. None when no adverse event is asked (or an efficacy endpoint is)."""
    v = planner.vocab
    events = v.adverse_events_in(analysis.normalized)
    patterns = [p for e in events for p in v.adverse_events[e]]
    if "IRR" in analysis.entities.endpoints:
        events, patterns = [*events, _IRR], [*patterns, *v.endpoints["IRR"]]
    if not patterns or set(analysis.entities.endpoints) & _EFFICACY or len(analysis.sides) < 2:
        return None
    a, b = analysis.sides[0], analysis.sides[1]

    def reports(trials: list[str]) -> bool:
        docs = {v.trials[t].document or t.lower() for t in trials}  # a trial's file is named after it
        return any(p.document_id in docs and any(x.search(p.text) for x in patterns) for p in planner.passages.values())

    head = [t.name for t in v.trials.values() if {t.regimen, t.comparator} == {a, b}]
    plan = Plan()
    if head and reports(head):
        return plan
    lang = analysis.language
    zh_names = {**v.aspect_labels, _IRR: "输注反应"}
    what = "、".join(zh_names.get(e, e) for e in events) if lang == "zh" else " or ".join(events)
    for side in (a, b):
        trials = planner.trials_for(side)
        if trials and not reports(trials):
            where = f"{side} ({' / '.join(trials)})"
            zh = f"语料库中没有{where}的{what}数据。"
            plan.missing.append(zh if lang == "zh" else f"The corpus holds no {what} data for {where}.")
    return plan
