"""Frailty: the IMWG score (Palumbo 2015), else the simplified score (Facon 2020), else what is missing; and what
frailty means for the carfilzomib triplets.

Evidence: ``frailty-imwg-score``, ``frailty-simplified-score``; ``candor-frail-subgroup`` and ``candor-safety``
(DKd toxicity, benefit not confirmed when frail); ``consensus-elderly-frail`` (monitoring and supportive care).
"""

from __future__ import annotations

from collections.abc import Iterator

from cd38_guide.rules import evidence as ev
from cd38_guide.rules.base import CARFILZOMIB_REGIMENS, Context, Finding, each, flag, say
from cd38_guide.rules.models import Frailty, FrailtyCategory


def _age_points(age: int) -> int:
    return 0 if age <= 75 else 1 if age <= 80 else 2


def _category(score: int) -> FrailtyCategory:
    return "fit" if score == 0 else "intermediate" if score == 1 else "frail"


def rule_frailty_imwg(ctx: Context) -> Iterator[Finding]:
    """IMWG score (Palumbo 2015) from age, Charlson, Katz ADL and Lawton IADL."""
    p = ctx.profile
    if p.age is None or p.charlson is None or p.adl is None or p.iadl is None:
        return
    score = _age_points(p.age) + (p.charlson >= 2) + (p.adl <= 4) + (p.iadl <= 5)
    yield Frailty(score=score, category=_category(score), method="imwg", evidence=ev.FRAILTY_IMWG)


def rule_frailty_simplified(ctx: Context) -> Iterator[Finding]:
    """Simplified score (Facon 2020) from age, Charlson and ECOG, when the IMWG score cannot be computed."""
    p = ctx.profile
    if ctx.frailty is not None or p.age is None or p.charlson is None or p.ecog is None:
        return
    score = _age_points(p.age) + (p.charlson > 1) + min(p.ecog, 2)
    missing = tuple(name for name in ("adl", "iadl") if getattr(p, name) is None)
    yield Frailty(
        score=score, category=_category(score), method="simplified", missing=missing, evidence=ev.FRAILTY_SIMPLIFIED
    )


def rule_frailty_unknown(ctx: Context) -> Iterator[Finding]:
    """Neither score can be computed: say which fields are missing."""
    if ctx.frailty is not None:
        return
    p = ctx.profile
    missing = tuple(name for name in ("age", "charlson", "adl", "iadl", "ecog") if getattr(p, name) is None)
    yield Frailty(score=None, category="unknown", method=None, missing=missing, evidence=ev.FRAILTY_UNKNOWN)


def rule_frailty_carfilzomib(ctx: Context) -> Iterator[Finding]:
    """Frail -> carfilzomib regimens caution (CANDOR toxicity, uncertain benefit when frail); monitor closely."""
    f = ctx.frailty
    if f is None or f.category != "frail":
        return
    method = "IMWG" if f.method == "imwg" else "simplified"
    yield from each(
        CARFILZOMIB_REGIMENS, "caution", say("frail_carfilzomib", method=method, score=f.score), ev.FRAIL_CARFILZOMIB
    )
    yield flag(
        "frail_monitoring", "info", say("flag_frail_monitoring", method=method, score=f.score), ev.FRAIL_ELDERLY_USE
    )
