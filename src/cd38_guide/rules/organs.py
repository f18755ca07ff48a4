"""Heart, kidney, nerves and marrow: comorbidity and organ-function rules, each beside its threshold's source.

Thresholds, and where the corpus states them (no threshold here is stronger than its passage):
- LVEF >= 40% and CrCl >= 20 mL/min: CANDOR eligibility (``candor-design``); NYHA III-IV excluded there too.
- A careful cardiovascular assessment before carfilzomib: ``carfilzomib-cardiovascular-risk``; hypertension with
  carfilzomib in IKEMA: ``ikema-hypertension``.
- CrCl < 60 mL/min: lenalidomide starting dose reduced (``lenalidomide-renal-dosing``); daratumumab without
  adjustment (``daratumumab-renal``); isatuximab benefit with eGFR < 60 (``isatuximab-renal-data``).
- Neuropathy grades: the bortezomib label (``bortezomib-neuropathy``).
- ANC < 1.0 x10^9/L: the count isatuximab labelling waits for (``isatuximab-neutropenia-gcsf``), with the grade 3/4
  neutropenia rates of DPd and IsaPd (``apollo-toxicity``, ``icaria-neutropenia``). The APOLLO and ICARIA-MM
  entry counts (ANC, platelets) are not in the corpus, so no entry threshold is claimed for them.
"""

from __future__ import annotations

from collections.abc import Iterator

from cd38_guide.rules import evidence as ev
from cd38_guide.rules.base import (
    CARFILZOMIB_REGIMENS,
    DARATUMUMAB_REGIMENS,
    ISATUXIMAB_REGIMENS,
    POMALIDOMIDE_REGIMENS,
    Context,
    Finding,
    RegimenFinding,
    each,
    flag,
    num,
    say,
)

LENALIDOMIDE_CRCL = 60.0  # lenalidomide-renal-dosing: dose reduced below CrCl 60 mL/min
CANDOR_MIN_CRCL = 20.0  # candor-design: "creatinine clearance of at least 20 mL/min"
CANDOR_MIN_LVEF = 40.0  # candor-design: "left ventricular ejection fraction of at least 40%"
ANC_LOW = 1.0  # isatuximab-neutropenia-gcsf: isatuximab waits for ANC >= 1.0 x10^9/L
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def rule_heart_failure(ctx: Context) -> Iterator[Finding]:
    """NYHA III-IV or LVEF < 40% -> carfilzomib regimens avoid; NYHA I-II -> caution."""
    p = ctx.profile
    nyha = p.heart_failure_nyha or 0
    if nyha >= 3:
        ref = say("nyha_severe", nyha=_ROMAN[nyha])
        yield from each(CARFILZOMIB_REGIMENS, "avoid", ref, ev.HEART_FAILURE, outside_trial=True)
    elif nyha >= 1:
        yield from each(CARFILZOMIB_REGIMENS, "caution", say("nyha_mild", nyha=_ROMAN[nyha]), ev.HEART_FAILURE)
    if p.lvef_percent is not None and p.lvef_percent < CANDOR_MIN_LVEF:
        ref = say("lvef_low", lvef=num(p.lvef_percent))
        yield from each(CARFILZOMIB_REGIMENS, "avoid", ref, ev.HEART_FAILURE, outside_trial=True)


def rule_hypertension(ctx: Context) -> Iterator[Finding]:
    """Uncontrolled hypertension -> carfilzomib regimens caution."""
    if ctx.profile.uncontrolled_hypertension:
        yield from each(CARFILZOMIB_REGIMENS, "caution", say("hypertension"), ev.HYPERTENSION)


def rule_cardiac_assessment(ctx: Context) -> Iterator[Finding]:
    """LVEF or blood-pressure control not stated -> carfilzomib regimens caution: assess the heart first."""
    p = ctx.profile
    if p.lvef_percent is None:
        yield from each(CARFILZOMIB_REGIMENS, "caution", say("cardiac_lvef_unknown"), ev.CARDIAC_ASSESSMENT)
    if p.uncontrolled_hypertension is None:
        yield from each(CARFILZOMIB_REGIMENS, "caution", say("cardiac_bp_unknown"), ev.CARDIAC_ASSESSMENT)


def rule_neuropathy(ctx: Context) -> Iterator[Finding]:
    """Neuropathy grade 2-3 -> DVd caution; grade 4 -> DVd avoid (the bortezomib label discontinues it)."""
    grade = ctx.profile.neuropathy_grade
    if grade is not None and grade >= 2:
        yield RegimenFinding("DVd", "avoid" if grade == 4 else "caution", say(f"neuropathy_{grade}"), ev.NEUROPATHY)


def rule_renal(ctx: Context) -> Iterator[Finding]:
    """CrCl < 60 -> DRd caution and the lenalidomide dose flag; the antibodies need no renal adjustment."""
    crcl = ctx.profile.crcl_ml_min
    if crcl is None or crcl >= LENALIDOMIDE_CRCL:
        return
    shown = num(crcl)
    yield RegimenFinding("DRd", "caution", say("renal_lenalidomide", crcl=shown), ev.LENALIDOMIDE_RENAL)
    yield flag(
        "lenalidomide_renal_dose",
        "warning",
        say("flag_lenalidomide_renal_dose", crcl=shown),
        ev.LENALIDOMIDE_RENAL,
        applies_to=("DRd",),
    )
    yield from each(DARATUMUMAB_REGIMENS, "option", say("renal_daratumumab"), ev.DARATUMUMAB_RENAL)
    yield from each(ISATUXIMAB_REGIMENS, "option", say("renal_isatuximab"), ev.ISATUXIMAB_RENAL)
    if crcl < CANDOR_MIN_CRCL:
        yield RegimenFinding("DKd", "caution", say("renal_candor", crcl=shown), ev.CANDOR_CRCL, True)


def rule_neutropenia_regimens(ctx: Context) -> Iterator[Finding]:
    """ANC < 1.0 before starting -> pomalidomide triplets caution (grade 3/4 neutropenia was frequent with them)."""
    anc = ctx.profile.anc
    if anc is not None and anc < ANC_LOW:
        yield from each(
            POMALIDOMIDE_REGIMENS, "caution", say("neutropenia_pomalidomide", anc=num(anc)), ev.NEUTROPENIA_REGIMENS
        )
