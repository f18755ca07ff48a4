"""The six regimens: the trial behind each, its partner drug, and who the trial admitted.

Evidence: the design passage of each pivotal trial (``pollux-design``, ``castor-design``, ``candor-design``,
``apollo-design``, ``icaria-design``, ``ikema-design``); ``review-lenalidomide-status`` (lenalidomide status
decides the backbone), ``imwg-refractory-definition``, ``castor-lenalidomide-refractory``, ``candor-safety`` and
``icaria-elderly`` (age subgroups). A partner drug whose status is not stated is "unknown": the verdict stays as
the other facts make it, a reason asks to confirm, and the report lists the field under ``depends_on``.
"""

from __future__ import annotations

from collections.abc import Iterator

from cd38_guide.rules import evidence as ev
from cd38_guide.rules.base import (
    CARFILZOMIB_REGIMENS,
    POMALIDOMIDE_REGIMENS,
    Context,
    Finding,
    RegimenFinding,
    say,
)
from cd38_guide.rules.models import REGIMEN_CODES, RegimenCode


def rule_regimen_trials(ctx: Context) -> Iterator[Finding]:
    """Every regimen names the pivotal trial it rests on."""
    for code in REGIMEN_CODES:
        yield RegimenFinding(code, "option", say(f"trial_{code}"), ev.REGIMEN_TRIAL[code])


def rule_lenalidomide_status(ctx: Context) -> Iterator[Finding]:
    """Lenalidomide status decides the backbone: refractory -> DRd avoid (DVd data exist); not refractory -> DRd
    usable; not stated -> confirm."""
    status = ctx.profile.exposure.lenalidomide
    if status == "refractory":
        yield RegimenFinding("DRd", "avoid", say("len_refractory_drd"), ev.LENALIDOMIDE_REFRACTORY)
        yield RegimenFinding("DVd", "option", say("len_refractory_dvd"), ev.DVD_AFTER_LENALIDOMIDE)
    elif status == "unknown":
        yield RegimenFinding("DRd", "option", say("len_unknown"), ev.LENALIDOMIDE_STATUS)
    else:
        yield RegimenFinding("DRd", "option", say("len_sensitive"), ev.LENALIDOMIDE_STATUS)


def rule_partner_refractory(ctx: Context) -> Iterator[Finding]:
    """A regimen whose partner drug the disease is refractory to -> avoid; status not stated -> confirm."""
    e = ctx.profile.exposure
    if e.bortezomib == "refractory":
        yield RegimenFinding("DVd", "avoid", say("bortezomib_refractory_dvd"), ev.BORTEZOMIB_REFRACTORY, True)
    elif e.bortezomib == "unknown":
        yield RegimenFinding(
            "DVd", "option", say("partner_unknown", drug="bortezomib", code="DVd"), ev.BORTEZOMIB_REFRACTORY
        )
    for drug, codes, evidence in (
        ("carfilzomib", CARFILZOMIB_REGIMENS, ev.CARFILZOMIB_REFRACTORY),
        ("pomalidomide", POMALIDOMIDE_REGIMENS, ev.POMALIDOMIDE_REFRACTORY),
    ):
        status = getattr(e, drug)
        for code in codes:
            if status == "refractory":
                yield RegimenFinding(code, "avoid", say("partner_refractory", drug=drug, code=code), evidence)
            elif status == "unknown":
                yield RegimenFinding(code, "option", say("partner_unknown", drug=drug, code=code), evidence)


def _len_pi(ctx: Context, code: RegimenCode, trial: str, evidence: tuple[str, ...]) -> Iterator[Finding]:
    """Prior lenalidomide and a proteasome inhibitor, as APOLLO and ICARIA-MM required."""
    e = ctx.profile.exposure
    if e.lenalidomide == "naive":
        yield RegimenFinding(code, "avoid", say("prereq_no_len", trial=trial), evidence, True)
    elif e.lenalidomide == "unknown":
        yield RegimenFinding(code, "option", say("prereq_len_unknown", trial=trial), evidence)
    if not e.had_proteasome_inhibitor:
        if e.bortezomib == "naive" and e.carfilzomib == "naive":
            yield RegimenFinding(code, "avoid", say("prereq_no_pi", trial=trial), evidence, True)
        else:
            yield RegimenFinding(code, "option", say("prereq_pi_unknown", trial=trial), evidence)


def rule_isapd_prerequisites(ctx: Context) -> Iterator[Finding]:
    """ICARIA-MM: >= 2 prior lines including lenalidomide and a PI; no prior pomalidomide; not anti-CD38-refractory."""
    p = ctx.profile
    if p.prior_lines is None:
        yield RegimenFinding("IsaPd", "option", say("prereq_lines_unknown"), ev.ISAPD_PREREQUISITES)
    elif p.prior_lines < 2:
        yield RegimenFinding("IsaPd", "avoid", say("prereq_lines", n=p.prior_lines), ev.ISAPD_PREREQUISITES, True)
    yield from _len_pi(ctx, "IsaPd", "ICARIA-MM", ev.ISAPD_PREREQUISITES)
    if p.exposure.had("pomalidomide"):
        yield RegimenFinding("IsaPd", "caution", say("isapd_prior_pom"), ev.ISAPD_PREREQUISITES, True)
    if p.anti_cd38.status == "refractory":
        yield RegimenFinding("IsaPd", "caution", say("isapd_cd38_refractory"), ev.ISAPD_PREREQUISITES, True)


def rule_dpd_prerequisites(ctx: Context) -> Iterator[Finding]:
    """APOLLO: prior lenalidomide and a PI; after a single line, lenalidomide-refractory disease."""
    p = ctx.profile
    yield from _len_pi(ctx, "DPd", "APOLLO", ev.DPD_PREREQUISITES)
    if p.prior_lines == 1 and p.exposure.lenalidomide in ("naive", "exposed"):
        yield RegimenFinding("DPd", "caution", say("dpd_one_line"), ev.DPD_PREREQUISITES, True)


def rule_carfilzomib_prior_lines(ctx: Context) -> Iterator[Finding]:
    """More than 3 prior lines: DKd and IsaKd are outside CANDOR and IKEMA (1-3 prior lines)."""
    n = ctx.profile.prior_lines
    if n is not None and n > 3:
        for code in CARFILZOMIB_REGIMENS:
            yield RegimenFinding(code, "caution", say("carfilzomib_lines", n=n, code=code), ev.CARFILZOMIB_LINES, True)


def rule_older_age_trials(ctx: Context) -> Iterator[Finding]:
    """Age subgroups of the trials: IsaPd benefit held from 75; DKd benefit smaller above 65."""
    age = ctx.profile.age
    if age is None:
        return
    if age > 65:
        yield RegimenFinding("DKd", "option", say("older_dkd"), ev.CANDOR_OLDER)
    if age >= 75:
        yield RegimenFinding("IsaPd", "option", say("older_isapd"), ev.ICARIA_ELDERLY)
