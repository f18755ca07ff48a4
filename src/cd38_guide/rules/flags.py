"""Practical alerts that apply whichever regimen is chosen: blood bank, hepatitis B, zoster, dexamethasone,
cytopenias, immunoglobulin replacement, SPEP/IFE interference, premedication, high-risk cytogenetics.

Evidence beside each: ``bloodbank-*``, ``hbv-*``, ``zoster-prophylaxis``, ``dexamethasone-elderly-dose``,
``cytopenia-dose-delay`` and ``isatuximab-neutropenia-gcsf``, ``ivig-replacement-criteria`` (AAAAI), ``spep-*``,
``premedication-*`` and ``columba-sc-vs-iv``, ``consensus-high-risk-efficacy``.
"""

from __future__ import annotations

from collections.abc import Iterator

from cd38_guide.rules import evidence as ev
from cd38_guide.rules.base import Context, Finding, flag, num, say

ANC_HOLD = 1.0  # isatuximab label: delay until ANC >= 1.0 x10^9/L
LOW_PLATELETS = 50.0  # below this, partner-drug labels start holding doses; anti-CD38 doses are delayed, not cut
IVIG_IGG = 400.0  # AAAAI: IgG < 400 mg/dL with recurrent infections
IVIG_IGG_ALONE = 150.0  # AAAAI: IgG < 150 mg/dL alone
ELDERLY_DEX_AGE = 75  # APOLLO/ICARIA-MM from 75 (POLLUX/CASTOR/CANDOR above 75): the stricter trigger


def rule_flag_blood_bank(ctx: Context) -> Iterator[Finding]:
    """Anti-CD38 antibodies interfere with pre-transfusion testing: type before the first dose."""
    if ctx.profile.anti_cd38.status in ("naive", "unknown"):
        ref = say("flag_blood_bank_baseline_typing")
        yield flag("blood_bank_baseline_typing", "warning", ref, ev.BLOOD_BANK_BASELINE)
    else:
        yield flag("blood_bank_interference", "info", say("flag_blood_bank_interference"), ev.BLOOD_BANK_INTERFERENCE)


def rule_flag_hbv(ctx: Context) -> Iterator[Finding]:
    """HBV: screen when unknown; seropositive patients carry a reactivation risk."""
    hbv = ctx.profile.hbv
    if hbv == "unknown":
        yield flag("hbv_screening", "warning", say("flag_hbv_screening"), ev.HBV_SCREENING)
    elif hbv == "hbsag_positive":
        yield flag("hbv_reactivation_risk", "critical", say("flag_hbv_hbsag"), ev.HBV_REACTIVATION)
    elif hbv == "anti_hbc_positive":
        yield flag("hbv_reactivation_risk", "warning", say("flag_hbv_anti_hbc"), ev.HBV_REACTIVATION)


def rule_flag_zoster(ctx: Context) -> Iterator[Finding]:
    """Herpes zoster prophylaxis with any anti-CD38 antibody."""
    yield flag("zoster_prophylaxis", "warning", say("flag_zoster_prophylaxis"), ev.ZOSTER)


def rule_flag_dexamethasone(ctx: Context) -> Iterator[Finding]:
    """Age >= 75: the trials used dexamethasone 20 mg weekly."""
    age = ctx.profile.age
    if age is not None and age >= ELDERLY_DEX_AGE:
        ref = say("flag_dexamethasone_reduced_dose", age=age)
        yield flag("dexamethasone_reduced_dose", "warning", ref, ev.DEXAMETHASONE_ELDERLY)


def rule_flag_cytopenias(ctx: Context) -> Iterator[Finding]:
    """ANC < 1.0 -> hold the antibody (never reduce it), consider G-CSF; low platelets -> delay, not reduce."""
    p = ctx.profile
    if p.anc is not None and p.anc < ANC_HOLD:
        yield flag("neutropenia_hold", "critical", say("flag_neutropenia_hold", anc=num(p.anc)), ev.NEUTROPENIA)
    if p.platelets is not None and p.platelets < LOW_PLATELETS:
        ref = say("flag_low_platelets", platelets=num(p.platelets))
        yield flag("low_platelets", "info", ref, ev.THROMBOCYTOPENIA)


def rule_flag_ivig(ctx: Context) -> Iterator[Finding]:
    """IgG < 400 mg/dL with recurrent infections (or < 150 alone) -> consider immunoglobulin replacement."""
    p = ctx.profile
    if p.igg_mg_dl is None:
        return
    if p.igg_mg_dl < IVIG_IGG and p.recurrent_infections:
        yield flag("ivig_consider", "warning", say("flag_ivig_with_infections", igg=num(p.igg_mg_dl)), ev.IVIG)
    elif p.igg_mg_dl < IVIG_IGG_ALONE:
        yield flag("ivig_consider", "warning", say("flag_ivig_alone", igg=num(p.igg_mg_dl)), ev.IVIG)


def rule_flag_spep_ife(ctx: Context) -> Iterator[Finding]:
    """Always: the antibodies show on SPEP/IFE and can mask a complete response."""
    yield flag("spep_ife_interference", "info", say("flag_spep_ife_interference"), ev.SPEP_IFE)


def rule_flag_premedication(ctx: Context) -> Iterator[Finding]:
    """Always: premedicate; SC daratumumab has fewer administration reactions than IV."""
    yield flag("infusion_premedication", "info", say("flag_infusion_premedication"), ev.PREMEDICATION)


def rule_flag_high_risk(ctx: Context) -> Iterator[Finding]:
    """High-risk cytogenetics: anti-CD38 regimens remain effective, including 1q21+."""
    cyto = ctx.profile.cytogenetics
    if cyto:
        ref = say("flag_high_risk_cytogenetics", cyto=", ".join(cyto))
        yield flag("high_risk_cytogenetics", "info", ref, ev.HIGH_RISK)
