"""The rules: small pure functions over a patient profile, run in a fixed order and combined into a Report.

Each rule reads a ``Context`` (the profile plus the frailty and anti-CD38 assessments made by earlier rules)
and yields findings: a frailty or anti-CD38 assessment, a regimen finding (verdict + reason + evidence) or a
flag. ``check_patient`` folds the findings: for each regimen the strongest verdict wins (avoid > caution >
option) and every reason is kept. No I/O, no clock, no randomness: the same profile always gives the same
report, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from cd38_guide.rules import evidence as ev
from cd38_guide.rules.models import (
    REGIMEN_CODES,
    SEVERITY_RANK,
    VERDICT_RANK,
    AntiCD38Assessment,
    Flag,
    Frailty,
    FrailtyCategory,
    PatientProfile,
    RegimenAssessment,
    RegimenCode,
    Report,
    Verdict,
)

RULESET_VERSION = "2026.11.0"
"""Bump when a rule, a threshold or a cited passage changes: saved reports name the ruleset that made them."""

CARFILZOMIB_REGIMENS: tuple[RegimenCode, ...] = ("DKd", "IsaKd")
POMALIDOMIDE_REGIMENS: tuple[RegimenCode, ...] = ("DPd", "IsaPd")
DARATUMUMAB_REGIMENS: tuple[RegimenCode, ...] = ("DRd", "DVd", "DKd", "DPd")
ISATUXIMAB_REGIMENS: tuple[RegimenCode, ...] = ("IsaPd", "IsaKd")
REGIMEN_PARTNER: dict[str, str] = {
    "DRd": "lenalidomide",
    "DVd": "bortezomib",
    "DKd": "carfilzomib",
    "DPd": "pomalidomide",
    "IsaPd": "pomalidomide",
    "IsaKd": "carfilzomib",
}
"""The partner drug each regimen relies on (with dexamethasone)."""

WASHOUT_MONTHS = 6.0  # consensus abstract: rechallenge feasible after a washout of typically 6-12 months
LENALIDOMIDE_CRCL = 60.0  # lenalidomide label: dose reduced below CrCl 60 mL/min
CANDOR_MIN_CRCL = 20.0  # CANDOR entry criterion
MIN_LVEF = 40.0  # CANDOR entry criterion
ANC_HOLD = 1.0  # isatuximab label: delay until ANC >= 1.0 x10^9/L
LOW_PLATELETS = 50.0  # below this, partner-drug labels start holding doses; anti-CD38 doses are delayed, not cut
IVIG_IGG = 400.0  # AAAAI: IgG < 400 mg/dL with recurrent infections
IVIG_IGG_ALONE = 150.0  # AAAAI: IgG < 150 mg/dL alone
ELDERLY_DEX_AGE = 75  # APOLLO/ICARIA-MM from 75 (POLLUX/CASTOR/CANDOR above 75): the stricter trigger


@dataclass(frozen=True)
class RegimenFinding:
    """One rule's verdict on one regimen, with the sentence that explains it."""

    regimen: RegimenCode
    verdict: Verdict
    reason: str
    evidence: tuple[str, ...]


Finding = Frailty | AntiCD38Assessment | RegimenFinding | Flag


@dataclass(frozen=True)
class Context:
    """What a rule may read: the profile and the assessments earlier rules made."""

    profile: PatientProfile
    frailty: Frailty | None = None
    anti_cd38: AntiCD38Assessment | None = None


@dataclass(frozen=True)
class Rule:
    """A named rule: its id, what it checks, the passages it cites, and the function."""

    id: str
    description: str
    evidence: tuple[str, ...]
    apply: Callable[[Context], Iterable[Finding]] = field(repr=False, compare=False)


def _num(value: float) -> str:
    """45.0 -> '45', 5.9 -> '5.9': numbers as a clinician would write them."""
    return f"{value:g}"


def _months(value: float) -> str:
    return f"{_num(value)} month" + ("" if value == 1 else "s")


def _each(
    codes: Iterable[RegimenCode], verdict: Verdict, reason: str, evidence: tuple[str, ...]
) -> Iterator[RegimenFinding]:
    for code in codes:
        yield RegimenFinding(code, verdict, reason, evidence)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- frailty ---------------------------------------------------------------------------------------------------


def _age_points(age: int) -> int:
    return 0 if age <= 75 else 1 if age <= 80 else 2


def _category(score: int) -> FrailtyCategory:
    return "fit" if score == 0 else "intermediate" if score == 1 else "frail"


def rule_frailty_imwg(ctx: Context) -> Iterator[Finding]:
    """IMWG score (Palumbo 2015) from age, Charlson, Katz ADL and Lawton IADL."""
    p = ctx.profile
    if p.charlson is None or p.adl is None or p.iadl is None:
        return
    score = _age_points(p.age) + (p.charlson >= 2) + (p.adl <= 4) + (p.iadl <= 5)
    yield Frailty(score=score, category=_category(score), method="imwg", evidence=ev.FRAILTY_IMWG)


def rule_frailty_simplified(ctx: Context) -> Iterator[Finding]:
    """Simplified score (Facon 2020) from age, Charlson and ECOG, when the IMWG score cannot be computed."""
    p = ctx.profile
    if ctx.frailty is not None or p.charlson is None or p.ecog is None:
        return
    ecog_points = min(p.ecog, 2)
    score = _age_points(p.age) + (p.charlson > 1) + ecog_points
    missing = tuple(name for name in ("adl", "iadl") if getattr(p, name) is None)
    yield Frailty(
        score=score,
        category=_category(score),
        method="simplified",
        missing=missing,
        evidence=ev.FRAILTY_SIMPLIFIED,
    )


def rule_frailty_unknown(ctx: Context) -> Iterator[Finding]:
    """Neither score can be computed: say which fields are missing."""
    if ctx.frailty is not None:
        return
    p = ctx.profile
    missing = tuple(name for name in ("charlson", "adl", "iadl", "ecog") if getattr(p, name) is None)
    yield Frailty(score=None, category="unknown", method=None, missing=missing, evidence=ev.FRAILTY_UNKNOWN)


# --- anti-CD38 status ------------------------------------------------------------------------------------------


def rule_anti_cd38_status(ctx: Context) -> Iterator[Finding]:
    """Naive or exposed -> candidate; refractory -> washout of at least 6 months before rechallenge."""
    h = ctx.profile.anti_cd38
    if h.status == "naive":
        yield AntiCD38Assessment(
            status="candidate",
            reasons=("No prior anti-CD38 antibody: the patient is a candidate for an anti-CD38 regimen.",),
            evidence=ev.CD38_NAIVE,
        )
        return
    if h.status == "exposed":
        given = f"{h.agent.capitalize()} given before" if h.agent else "An anti-CD38 antibody given before"
        yield AntiCD38Assessment(
            status="candidate",
            reasons=(
                f"{given} without refractory disease (no progression on it or within 60 days of the last dose): "
                "anti-CD38-exposed, not refractory, so the patient is a candidate for an anti-CD38 regimen.",
            ),
            evidence=ev.CD38_EXPOSED,
        )
        return
    who = f"{h.agent.capitalize()}-refractory disease" if h.agent else "Anti-CD38-refractory disease"
    months = h.months_since_last_dose
    if months is None:
        yield AntiCD38Assessment(
            status="needs_last_dose_date",
            reasons=(
                f"{who} with no date for the last dose: rechallenge is feasible only after a washout of "
                "typically 6 to 12 months, so the time since the last dose is needed.",
            ),
            evidence=ev.CD38_REFRACTORY,
        )
        yield from _each(
            REGIMEN_CODES,
            "caution",
            "Anti-CD38-refractory disease and the time since the last dose is unknown: confirm at least "
            "6 months since the last anti-CD38 dose before a rechallenge.",
            ev.CD38_WASHOUT,
        )
    elif months < WASHOUT_MONTHS:
        yield AntiCD38Assessment(
            status="rechallenge_too_early",
            reasons=(
                f"{who} with the last dose {_months(months)} ago: shorter than the washout of typically "
                "6 to 12 months after which rechallenge is considered feasible.",
            ),
            evidence=ev.CD38_REFRACTORY,
        )
        yield from _each(
            REGIMEN_CODES,
            "avoid",
            f"Rechallenge too early: the last anti-CD38 dose was {_months(months)} ago, under the 6-month "
            "minimum washout for anti-CD38-refractory disease.",
            ev.CD38_WASHOUT,
        )
    else:
        window = "within" if months <= 12 else "beyond"
        yield AntiCD38Assessment(
            status="rechallenge_feasible",
            reasons=(
                f"{who} with the last dose {_months(months)} ago: {window} the washout of typically 6 to 12 "
                "months, so rechallenge is feasible.",
            ),
            evidence=ev.CD38_REFRACTORY,
        )
        yield from _each(
            REGIMEN_CODES,
            "caution",
            "Anti-CD38 rechallenge after refractory disease: feasible after the washout, but resistance remains "
            "a challenge in previously treated patients.",
            ev.CD38_WASHOUT,
        )


# --- regimens: trials and partner drugs ------------------------------------------------------------------------

_TRIAL_SENTENCE: dict[str, str] = {
    "DRd": "DRd (daratumumab, lenalidomide, dexamethasone) was studied in POLLUX after at least 1 prior line.",
    "DVd": "DVd (daratumumab, bortezomib, dexamethasone) was studied in CASTOR after at least 1 prior line.",
    "DKd": "DKd (daratumumab, carfilzomib, dexamethasone) was studied in CANDOR after 1 to 3 prior lines.",
    "DPd": "DPd (daratumumab, pomalidomide, dexamethasone) was studied in APOLLO after at least 1 prior line "
    "including lenalidomide and a proteasome inhibitor.",
    "IsaPd": "IsaPd (isatuximab, pomalidomide, dexamethasone) was studied in ICARIA-MM after at least 2 prior "
    "lines including lenalidomide and a proteasome inhibitor.",
    "IsaKd": "IsaKd (isatuximab, carfilzomib, dexamethasone) was studied in IKEMA after 1 to 3 prior lines.",
}


def rule_regimen_trials(ctx: Context) -> Iterator[Finding]:
    """Every regimen names the pivotal trial it rests on."""
    for code in REGIMEN_CODES:
        yield RegimenFinding(code, "option", _TRIAL_SENTENCE[code], ev.REGIMEN_TRIAL[code])


def rule_lenalidomide_status(ctx: Context) -> Iterator[Finding]:
    """Lenalidomide status decides the backbone: refractory -> DRd avoid (and DVd is weaker); else DRd usable."""
    if ctx.profile.exposure.lenalidomide == "refractory":
        yield RegimenFinding(
            "DRd", "avoid", "Lenalidomide-refractory disease: DRd relies on lenalidomide.", ev.LENALIDOMIDE_REFRACTORY
        )
        yield RegimenFinding(
            "DVd",
            "option",
            "Lenalidomide-refractory disease: in CASTOR's lenalidomide-refractory subgroup DVd gave a median "
            "progression-free survival of 7.8 months vs 4.9 months with Vd.",
            ev.DVD_AFTER_LENALIDOMIDE,
        )
    else:
        yield RegimenFinding(
            "DRd",
            "option",
            "Lenalidomide-sensitive disease (not refractory): lenalidomide status decides the backbone at relapse, "
            "and a lenalidomide-based regimen such as DRd remains usable.",
            ev.LENALIDOMIDE_STATUS,
        )


def rule_partner_refractory(ctx: Context) -> Iterator[Finding]:
    """A regimen whose partner drug the disease is refractory to -> avoid."""
    e = ctx.profile.exposure
    if e.bortezomib == "refractory":
        yield RegimenFinding(
            "DVd",
            "avoid",
            "Bortezomib-refractory disease: DVd relies on bortezomib, and CASTOR excluded bortezomib-refractory "
            "patients.",
            ev.BORTEZOMIB_REFRACTORY,
        )
    if e.carfilzomib == "refractory":
        for code in CARFILZOMIB_REGIMENS:
            yield RegimenFinding(
                code,
                "avoid",
                f"Carfilzomib-refractory disease: {code} relies on carfilzomib.",
                ev.CARFILZOMIB_REFRACTORY,
            )
    if e.pomalidomide == "refractory":
        for code in POMALIDOMIDE_REGIMENS:
            yield RegimenFinding(
                code,
                "avoid",
                f"Pomalidomide-refractory disease: {code} relies on pomalidomide.",
                ev.POMALIDOMIDE_REFRACTORY,
            )


def _missing_len_pi(ctx: Context) -> list[str]:
    e = ctx.profile.exposure
    missing = []
    if not e.had("lenalidomide"):
        missing.append("no lenalidomide")
    if not e.had_proteasome_inhibitor:
        missing.append("no proteasome inhibitor")
    return missing


def rule_isapd_prerequisites(ctx: Context) -> Iterator[Finding]:
    """ICARIA-MM: >= 2 prior lines including lenalidomide and a PI; no prior pomalidomide; not anti-CD38-refractory."""
    p = ctx.profile
    missing = _missing_len_pi(ctx)
    if p.prior_lines < 2:
        missing.insert(0, f"only {p.prior_lines} prior line")
    if missing:
        yield RegimenFinding(
            "IsaPd",
            "avoid",
            "ICARIA-MM required at least 2 prior lines including lenalidomide and a proteasome inhibitor; this "
            f"patient has had {_and(missing)}.",
            ev.ISAPD_PREREQUISITES,
        )
    if p.exposure.had("pomalidomide"):
        yield RegimenFinding(
            "IsaPd",
            "caution",
            "Prior pomalidomide: ICARIA-MM excluded patients previously treated with pomalidomide.",
            ev.ISAPD_PREREQUISITES,
        )
    if p.anti_cd38.status == "refractory":
        yield RegimenFinding(
            "IsaPd",
            "caution",
            "Anti-CD38-refractory disease: ICARIA-MM excluded it, so IsaPd after anti-CD38 refractoriness lies "
            "outside the trial evidence.",
            ev.ISAPD_PREREQUISITES,
        )


def rule_dpd_prerequisites(ctx: Context) -> Iterator[Finding]:
    """APOLLO: prior lenalidomide and a PI; after a single line, lenalidomide-refractory disease."""
    p = ctx.profile
    missing = _missing_len_pi(ctx)
    if missing:
        yield RegimenFinding(
            "DPd",
            "avoid",
            f"APOLLO required prior lenalidomide and a proteasome inhibitor; this patient has had {_and(missing)}.",
            ev.DPD_PREREQUISITES,
        )
    elif p.prior_lines == 1 and p.exposure.lenalidomide != "refractory":
        yield RegimenFinding(
            "DPd",
            "caution",
            "One prior line without lenalidomide-refractory disease: APOLLO admitted patients after a single line "
            "only if their disease was lenalidomide-refractory.",
            ev.DPD_PREREQUISITES,
        )


def rule_carfilzomib_prior_lines(ctx: Context) -> Iterator[Finding]:
    """More than 3 prior lines: DKd and IsaKd are outside CANDOR and IKEMA (1-3 prior lines)."""
    n = ctx.profile.prior_lines
    if n > 3:
        for code in CARFILZOMIB_REGIMENS:
            yield RegimenFinding(
                code,
                "caution",
                f"{n} prior lines: CANDOR and IKEMA enrolled patients after 1 to 3 prior lines, so {code} is "
                "outside the trial evidence.",
                ev.CARFILZOMIB_LINES,
            )


# --- comorbidity and organ function ----------------------------------------------------------------------------

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def rule_heart_failure(ctx: Context) -> Iterator[Finding]:
    """NYHA III-IV or LVEF < 40% -> carfilzomib regimens avoid; NYHA I-II -> caution."""
    p = ctx.profile
    nyha = p.heart_failure_nyha or 0
    if nyha >= 3:
        yield from _each(
            CARFILZOMIB_REGIMENS,
            "avoid",
            f"NYHA class {_ROMAN[nyha]} heart failure: carfilzomib can cause or worsen heart failure, and CANDOR "
            "excluded NYHA class III-IV heart failure.",
            ev.HEART_FAILURE,
        )
    elif nyha >= 1:
        yield from _each(
            CARFILZOMIB_REGIMENS,
            "caution",
            f"NYHA class {_ROMAN[nyha]} heart failure: carfilzomib can cause or worsen heart failure; a "
            "cardiovascular work-up before treatment and monitoring during it are advised.",
            ev.HEART_FAILURE,
        )
    if p.lvef_percent is not None and p.lvef_percent < MIN_LVEF:
        yield from _each(
            CARFILZOMIB_REGIMENS,
            "avoid",
            f"LVEF {_num(p.lvef_percent)}%: below the 40% CANDOR required; carfilzomib can cause or worsen heart "
            "failure.",
            ev.HEART_FAILURE,
        )


def rule_hypertension(ctx: Context) -> Iterator[Finding]:
    """Uncontrolled hypertension -> carfilzomib regimens caution."""
    if ctx.profile.uncontrolled_hypertension:
        yield from _each(
            CARFILZOMIB_REGIMENS,
            "caution",
            "Uncontrolled hypertension: carfilzomib raises blood pressure and hypertension was frequent with it "
            "in IKEMA; control blood pressure before starting and monitor it during treatment.",
            ev.HYPERTENSION,
        )


def rule_neuropathy(ctx: Context) -> Iterator[Finding]:
    """Neuropathy grade 2-3 -> DVd caution; grade 4 -> DVd avoid (the bortezomib label discontinues it)."""
    grade = ctx.profile.neuropathy_grade
    if grade >= 2:
        yield RegimenFinding(
            "DVd",
            "avoid" if grade == 4 else "caution",
            f"Grade {grade} peripheral neuropathy: bortezomib causes neuropathy, and its label "
            + _BORTEZOMIB_NEUROPATHY[grade],
            ev.NEUROPATHY,
        )


_BORTEZOMIB_NEUROPATHY = {
    2: "reduces the dose from 1.3 to 1.0 mg/m² at grade 2 (and withholds it if painful).",
    3: "withholds bortezomib at grade 3 until the neuropathy resolves, then restarts at 0.7 mg/m².",
    4: "discontinues bortezomib at grade 4.",
}


def rule_renal(ctx: Context) -> Iterator[Finding]:
    """CrCl < 60 -> DRd caution and the lenalidomide dose flag; the antibodies need no renal adjustment."""
    crcl = ctx.profile.crcl_ml_min
    if crcl is None or crcl >= LENALIDOMIDE_CRCL:
        return
    yield RegimenFinding(
        "DRd",
        "caution",
        f"CrCl {_num(crcl)} mL/min: below 60 mL/min lenalidomide needs a reduced dose per its label.",
        ev.LENALIDOMIDE_RENAL,
    )
    yield Flag(
        code="lenalidomide_renal_dose",
        severity="warning",
        message=f"CrCl {_num(crcl)} mL/min: if lenalidomide is given (DRd), reduce its dose for renal function "
        "per the label.",
        evidence=ev.LENALIDOMIDE_RENAL,
    )
    yield from _each(
        DARATUMUMAB_REGIMENS,
        "option",
        "Daratumumab needs no dose adjustment for renal impairment.",
        ev.DARATUMUMAB_RENAL,
    )
    yield from _each(
        ISATUXIMAB_REGIMENS,
        "option",
        "Isatuximab kept its benefit in patients with eGFR below 60 in ICARIA-MM and IKEMA, where IsaKd also "
        "gave more complete renal responses.",
        ev.ISATUXIMAB_RENAL,
    )
    if crcl < CANDOR_MIN_CRCL:
        yield RegimenFinding(
            "DKd",
            "caution",
            f"CrCl {_num(crcl)} mL/min: below the 20 mL/min CANDOR required, so DKd is outside the trial evidence.",
            ev.CANDOR_CRCL,
        )


def rule_frailty_carfilzomib(ctx: Context) -> Iterator[Finding]:
    """Frail -> carfilzomib regimens caution (CANDOR toxicity, uncertain benefit when frail); monitor closely."""
    f = ctx.frailty
    if f is None or f.category != "frail":
        return
    label = f"{'IMWG' if f.method == 'imwg' else 'simplified'} frailty score {f.score}"
    yield from _each(
        CARFILZOMIB_REGIMENS,
        "caution",
        f"Frail ({label}): carfilzomib-based triplets are demanding; in CANDOR, DKd caused more grade 3 or "
        "higher, serious and fatal adverse events than Kd, and the benefit in frail patients was not "
        "statistically confirmed.",
        ev.FRAIL_CARFILZOMIB,
    )
    yield Flag(
        code="frail_monitoring",
        severity="info",
        message=f"Frail ({label}): anti-CD38 regimens remain useful in elderly or frail patients, with close "
        "monitoring and supportive care.",
        evidence=ev.FRAIL_ELDERLY_USE,
    )


def rule_older_age_trials(ctx: Context) -> Iterator[Finding]:
    """Age subgroups of the trials: IsaPd benefit held from 75; DKd benefit smaller above 65."""
    age = ctx.profile.age
    if age > 65:
        yield RegimenFinding(
            "DKd",
            "option",
            "Age over 65: in CANDOR the progression-free survival benefit of DKd was smaller above 65 and not "
            "statistically significant.",
            ev.CANDOR_OLDER,
        )
    if age >= 75:
        yield RegimenFinding(
            "IsaPd",
            "option",
            "Age 75 or over: ICARIA-MM showed a progression-free survival benefit with IsaPd in this age group.",
            ev.ICARIA_ELDERLY,
        )


# --- flags -----------------------------------------------------------------------------------------------------


def rule_flag_blood_bank(ctx: Context) -> Iterator[Finding]:
    """Anti-CD38 antibodies interfere with pre-transfusion testing: type before the first dose."""
    if ctx.profile.anti_cd38.status == "naive":
        yield Flag(
            code="blood_bank_baseline_typing",
            severity="warning",
            message="Before the first anti-CD38 dose: type and screen with an extended red-cell phenotype, and tell "
            "the blood bank. The antibody makes antibody screens and crossmatches react; DTT-treated reagent cells "
            "resolve this (give Kell-negative units), and ABO/RhD typing is unaffected.",
            evidence=ev.BLOOD_BANK_BASELINE,
        )
    else:
        yield Flag(
            code="blood_bank_interference",
            severity="info",
            message="Prior anti-CD38 antibody: tell the blood bank. The antibody makes antibody screens and "
            "crossmatches react; DTT-treated reagent cells resolve this (give Kell-negative units).",
            evidence=ev.BLOOD_BANK_INTERFERENCE,
        )


def rule_flag_hbv(ctx: Context) -> Iterator[Finding]:
    """HBV: screen when unknown; seropositive patients carry a reactivation risk."""
    hbv = ctx.profile.hbv
    if hbv == "unknown":
        yield Flag(
            code="hbv_screening",
            severity="warning",
            message="Hepatitis B status unknown: screen for HBV before starting the anti-CD38 antibody; HBV "
            "reactivation, occasionally fatal, has occurred with daratumumab.",
            evidence=ev.HBV_SCREENING,
        )
    elif hbv in ("hbsag_positive", "anti_hbc_positive"):
        who = "HBsAg positive" if hbv == "hbsag_positive" else "Past hepatitis B infection (anti-HBc positive)"
        yield Flag(
            code="hbv_reactivation_risk",
            severity="critical" if hbv == "hbsag_positive" else "warning",
            message=f"{who}: risk of HBV reactivation, reported with daratumumab mostly in the first 6 months. "
            "Monitor for reactivation during treatment and for at least 6 months after it; if HBV reactivates, "
            "stop the antibody and treat with hepatitis experts.",
            evidence=ev.HBV_REACTIVATION,
        )


def rule_flag_zoster(ctx: Context) -> Iterator[Finding]:
    """Herpes zoster prophylaxis with any anti-CD38 antibody."""
    yield Flag(
        code="zoster_prophylaxis",
        severity="warning",
        message="Antiviral prophylaxis against herpes zoster: daratumumab labelling starts it within 1 week of "
        "starting treatment and continues it for 3 months after stopping; isatuximab labelling advises "
        "considering antiviral prophylaxis.",
        evidence=ev.ZOSTER,
    )


def rule_flag_dexamethasone(ctx: Context) -> Iterator[Finding]:
    """Age >= 75: the trials used dexamethasone 20 mg weekly."""
    age = ctx.profile.age
    if age >= ELDERLY_DEX_AGE:
        yield Flag(
            code="dexamethasone_reduced_dose",
            severity="warning",
            message=f"Age {age}: the trials reduced weekly dexamethasone from 40 to 20 mg in older patients (from "
            "75 in APOLLO and ICARIA-MM, above 75 in POLLUX and CASTOR; CANDOR reports give either).",
            evidence=ev.DEXAMETHASONE_ELDERLY,
        )


def rule_flag_cytopenias(ctx: Context) -> Iterator[Finding]:
    """ANC < 1.0 -> hold the antibody (never reduce it), consider G-CSF; low platelets -> delay, not reduce."""
    p = ctx.profile
    if p.anc is not None and p.anc < ANC_HOLD:
        yield Flag(
            code="neutropenia_hold",
            severity="critical",
            message=f"ANC {_num(p.anc)} x10^9/L: delay the anti-CD38 dose until neutrophils recover (for "
            "isatuximab, to at least 1.0 x10^9/L); do not reduce the antibody dose; consider G-CSF; modify the "
            "partner drug per its label.",
            evidence=ev.NEUTROPENIA,
        )
    if p.platelets is not None and p.platelets < LOW_PLATELETS:
        yield Flag(
            code="low_platelets",
            severity="info",
            message=f"Platelets {_num(p.platelets)} x10^9/L: anti-CD38 antibodies are not dose-reduced; delay doses "
            "until counts recover and modify the partner drug per its label.",
            evidence=ev.THROMBOCYTOPENIA,
        )


def rule_flag_ivig(ctx: Context) -> Iterator[Finding]:
    """IgG < 400 mg/dL with recurrent infections (or < 150 alone) -> consider immunoglobulin replacement."""
    p = ctx.profile
    if p.igg_mg_dl is None:
        return
    if p.igg_mg_dl < IVIG_IGG and p.recurrent_infections:
        why = (
            "with recurrent infections meets a criterion for immunoglobulin replacement (IgG below 400 mg/dL "
            "with recurrent infections)"
        )
    elif p.igg_mg_dl < IVIG_IGG_ALONE:
        why = "meets a criterion for immunoglobulin replacement on its own (IgG below 150 mg/dL)"
    else:
        return
    yield Flag(
        code="ivig_consider",
        severity="warning",
        message=f"IgG {_num(p.igg_mg_dl)} mg/dL {why}; consider it.",
        evidence=ev.IVIG,
    )


def rule_flag_spep_ife(ctx: Context) -> Iterator[Finding]:
    """Always: the antibodies show on SPEP/IFE and can mask a complete response."""
    yield Flag(
        code="spep_ife_interference",
        severity="info",
        message="Daratumumab and isatuximab are IgG-kappa antibodies that appear on SPEP and immunofixation and "
        "can mask a complete response in IgG-kappa myeloma; drug-specific assays (DIRA, Hydrashift) resolve this.",
        evidence=ev.SPEP_IFE,
    )


def rule_flag_premedication(ctx: Context) -> Iterator[Finding]:
    """Always: premedicate; SC daratumumab has fewer administration reactions than IV."""
    yield Flag(
        code="infusion_premedication",
        severity="info",
        message="Premedicate before each anti-CD38 dose as the label sets out; subcutaneous daratumumab caused "
        "fewer administration reactions than intravenous daratumumab in COLUMBA.",
        evidence=ev.PREMEDICATION,
    )


def rule_flag_high_risk(ctx: Context) -> Iterator[Finding]:
    """High-risk cytogenetics: anti-CD38 regimens remain effective, including 1q21+."""
    cyto = ctx.profile.cytogenetics
    if cyto:
        yield Flag(
            code="high_risk_cytogenetics",
            severity="info",
            message=f"High-risk cytogenetics ({', '.join(cyto)}): anti-CD38 regimens have shown efficacy in "
            "high-risk subgroups, including 1q21+.",
            evidence=ev.HIGH_RISK,
        )


# --- the table and the fold ------------------------------------------------------------------------------------

_TABLE: tuple[tuple[str, Callable[[Context], Iterable[Finding]]], ...] = (
    ("frailty_imwg", rule_frailty_imwg),
    ("frailty_simplified", rule_frailty_simplified),
    ("frailty_unknown", rule_frailty_unknown),
    ("anti_cd38_status", rule_anti_cd38_status),
    ("regimen_trials", rule_regimen_trials),
    ("lenalidomide_status", rule_lenalidomide_status),
    ("partner_refractory", rule_partner_refractory),
    ("isapd_prerequisites", rule_isapd_prerequisites),
    ("dpd_prerequisites", rule_dpd_prerequisites),
    ("carfilzomib_prior_lines", rule_carfilzomib_prior_lines),
    ("heart_failure", rule_heart_failure),
    ("hypertension", rule_hypertension),
    ("neuropathy", rule_neuropathy),
    ("renal", rule_renal),
    ("frailty_carfilzomib", rule_frailty_carfilzomib),
    ("older_age_trials", rule_older_age_trials),
    ("flag_blood_bank", rule_flag_blood_bank),
    ("flag_hbv", rule_flag_hbv),
    ("flag_zoster", rule_flag_zoster),
    ("flag_dexamethasone", rule_flag_dexamethasone),
    ("flag_cytopenias", rule_flag_cytopenias),
    ("flag_ivig", rule_flag_ivig),
    ("flag_spep_ife", rule_flag_spep_ife),
    ("flag_premedication", rule_flag_premedication),
    ("flag_high_risk", rule_flag_high_risk),
)

RULES: tuple[Rule, ...] = tuple(
    Rule(id=rid, description=(fn.__doc__ or "").strip(), evidence=ev.RULE_EVIDENCE[rid], apply=fn) for rid, fn in _TABLE
)
"""Every rule in the order it runs (which is also the order of reasons of equal weight)."""


def _sorted_ids(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(ids)))


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def run_rules(profile: PatientProfile) -> tuple[Context, list[tuple[str, Finding]]]:
    """Run every rule in order; returns the final context and each finding tagged with its rule id."""
    ctx = Context(profile)
    findings: list[tuple[str, Finding]] = []
    for rule in RULES:
        for finding in rule.apply(ctx):
            if isinstance(finding, Frailty) and ctx.frailty is None:
                ctx = replace(ctx, frailty=finding)
            elif isinstance(finding, AntiCD38Assessment) and ctx.anti_cd38 is None:
                ctx = replace(ctx, anti_cd38=finding)
            findings.append((rule.id, finding))
    return ctx, findings


def check_patient(profile: PatientProfile) -> Report:
    """The report for one patient: all six regimens with verdicts, reasons and evidence, and the flags.

    Raises:
        TypeError: when ``profile`` is not a PatientProfile (use ``load_profile`` for JSON or a dict).
    """
    if not isinstance(profile, PatientProfile):
        raise TypeError(f"check_patient needs a PatientProfile, not {type(profile).__name__}; use load_profile()")
    ctx, findings = run_rules(profile)
    assert ctx.frailty is not None and ctx.anti_cd38 is not None  # rule_frailty_unknown/anti_cd38_status always yield

    regimens = []
    for code in REGIMEN_CODES:
        mine = [f for _, f in findings if isinstance(f, RegimenFinding) and f.regimen == code]
        verdict: Verdict = max((f.verdict for f in mine), key=VERDICT_RANK.__getitem__, default="option")
        # The reasons that decided the verdict come first; equal weights keep the rule order (sorted is stable).
        ordered = sorted(mine, key=lambda f: -VERDICT_RANK[f.verdict])
        regimens.append(
            RegimenAssessment(
                code=code,
                verdict=verdict,
                reasons=_dedupe(f.reason for f in ordered),
                evidence=_sorted_ids(pid for f in mine for pid in f.evidence),
            )
        )

    flags = [f for _, f in findings if isinstance(f, Flag)]
    flags = sorted(
        (f.model_copy(update={"evidence": _sorted_ids(f.evidence)}) for f in flags),
        key=lambda f: (SEVERITY_RANK[f.severity], f.code),
    )
    frailty = ctx.frailty.model_copy(update={"evidence": _sorted_ids(ctx.frailty.evidence)})
    anti_cd38 = ctx.anti_cd38.model_copy(update={"evidence": _sorted_ids(ctx.anti_cd38.evidence)})
    return Report(
        frailty=frailty,
        anti_cd38=anti_cd38,
        regimens=tuple(regimens),
        flags=tuple(flags),
        ruleset_version=RULESET_VERSION,
    )
