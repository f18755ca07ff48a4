"""Run the rules in a fixed order and fold their findings into a Report.

Each rule (in ``status``, ``frailty``, ``regimens``, ``organs``, ``flags``) reads a ``Context`` and yields
findings. ``check_patient`` folds them: for each regimen the strongest verdict wins (avoid > caution > option) and
every reason is kept; a flag tied to regimens that are all "avoid" is dropped. Then, for every field the profile
leaves unknown, the rules are re-run with plausible values of that field: a verdict that changes is reported as
depending on it (``depends_on``), so a reader sees exactly which verdicts rest on what was not stated. No I/O, no
clock, no randomness: the same profile always gives the same report, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from cd38_guide.rules import evidence as ev
from cd38_guide.rules import flags, frailty, organs, regimens, status
from cd38_guide.rules.base import REGIMEN_PARTNER, Context, Finding, FlagFinding, RegimenFinding, Rule
from cd38_guide.rules.models import (
    REGIMEN_CODES,
    SEVERITY_RANK,
    VERDICT_RANK,
    AntiCD38Assessment,
    Frailty,
    PatientProfile,
    RegimenAssessment,
    Report,
    Verdict,
)

RULESET_VERSION = "2026.11.1"
"""Bump when a rule, a threshold or a cited passage changes: saved reports name the ruleset that made them.

2026.11.1: unstated drugs and findings are unknown (never "never given"); depends_on and order; cardiac assessment
before carfilzomib; ANC < 1.0 cautions pomalidomide triplets; washout read as the 6-12 month window; flags for
regimens all avoided are dropped; sentences come from messages.yaml (English and Chinese).
"""

__all__ = ["REGIMEN_PARTNER", "RULES", "RULESET_VERSION", "Rule", "check_patient", "run_rules"]

_TABLE: tuple[tuple[str, Callable[[Context], Iterable[Finding]]], ...] = (
    ("frailty_imwg", frailty.rule_frailty_imwg),
    ("frailty_simplified", frailty.rule_frailty_simplified),
    ("frailty_unknown", frailty.rule_frailty_unknown),
    ("anti_cd38_status", status.rule_anti_cd38_status),
    ("regimen_trials", regimens.rule_regimen_trials),
    ("lenalidomide_status", regimens.rule_lenalidomide_status),
    ("partner_refractory", regimens.rule_partner_refractory),
    ("isapd_prerequisites", regimens.rule_isapd_prerequisites),
    ("dpd_prerequisites", regimens.rule_dpd_prerequisites),
    ("carfilzomib_prior_lines", regimens.rule_carfilzomib_prior_lines),
    ("heart_failure", organs.rule_heart_failure),
    ("hypertension", organs.rule_hypertension),
    ("cardiac_assessment", organs.rule_cardiac_assessment),
    ("neuropathy", organs.rule_neuropathy),
    ("renal", organs.rule_renal),
    ("neutropenia_regimens", organs.rule_neutropenia_regimens),
    ("frailty_carfilzomib", frailty.rule_frailty_carfilzomib),
    ("older_age_trials", regimens.rule_older_age_trials),
    ("flag_blood_bank", flags.rule_flag_blood_bank),
    ("flag_hbv", flags.rule_flag_hbv),
    ("flag_zoster", flags.rule_flag_zoster),
    ("flag_dexamethasone", flags.rule_flag_dexamethasone),
    ("flag_cytopenias", flags.rule_flag_cytopenias),
    ("flag_ivig", flags.rule_flag_ivig),
    ("flag_spep_ife", flags.rule_flag_spep_ife),
    ("flag_premedication", flags.rule_flag_premedication),
    ("flag_high_risk", flags.rule_flag_high_risk),
)

RULES: tuple[Rule, ...] = tuple(
    Rule(id=rid, description=(fn.__doc__ or "").strip(), evidence=ev.RULE_EVIDENCE[rid], apply=fn) for rid, fn in _TABLE
)
"""Every rule in the order it runs (which is also the order of reasons of equal weight)."""
_VERDICT_RULES = tuple(r for r in RULES if not r.id.startswith("flag_"))


def _sorted_ids(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(ids)))


def run_rules(profile: PatientProfile, *, flags: bool = True) -> tuple[Context, list[tuple[str, Finding]]]:
    """Run every rule in order; returns the final context and each finding tagged with its rule id.

    ``flags=False`` skips the flag-only rules (they never change a verdict): the counterfactual runs are faster.
    """
    ctx = Context(profile)
    findings: list[tuple[str, Finding]] = []
    for rule in RULES if flags else _VERDICT_RULES:
        for finding in rule.apply(ctx):
            if isinstance(finding, Frailty) and ctx.frailty is None:
                ctx = replace(ctx, frailty=finding)
            elif isinstance(finding, AntiCD38Assessment) and ctx.anti_cd38 is None:
                ctx = replace(ctx, anti_cd38=finding)
            findings.append((rule.id, finding))
    return ctx, findings


def _fold(profile: PatientProfile) -> Report:
    """The report without ``depends_on``, ``order`` and ``unknown`` (those need the counterfactual runs)."""
    ctx, findings = run_rules(profile)
    assert ctx.frailty is not None and ctx.anti_cd38 is not None  # rule_frailty_unknown/anti_cd38_status always yield
    assessed = []
    for code in REGIMEN_CODES:
        mine = [f for _, f in findings if isinstance(f, RegimenFinding) and f.regimen == code]
        verdict: Verdict = max((f.verdict for f in mine), key=VERDICT_RANK.__getitem__, default="option")
        # The reasons that decided the verdict come first; equal weights keep the rule order (sorted is stable).
        ordered = sorted(mine, key=lambda f: -VERDICT_RANK[f.verdict])
        unique = list({f.reason: f for f in ordered}.values())  # one entry per sentence, first one kept
        assessed.append(
            RegimenAssessment(
                code=code,
                verdict=verdict,
                reasons=tuple(f.reason for f in unique),
                reason_refs=tuple(f.ref for f in unique),
                evidence=_sorted_ids(pid for f in mine for pid in f.evidence),
                outside_trial=sum(f.outside_trial for f in unique),
            )
        )
    avoided = {r.code for r in assessed if r.verdict == "avoid"}
    kept = [
        f.flag
        for _, f in findings
        if isinstance(f, FlagFinding) and not (f.applies_to and avoided.issuperset(f.applies_to))
    ]
    flag_list = sorted(
        (f.model_copy(update={"evidence": _sorted_ids(f.evidence)}) for f in kept),
        key=lambda f: (SEVERITY_RANK[f.severity], f.code),
    )
    return Report(
        frailty=ctx.frailty.model_copy(update={"evidence": _sorted_ids(ctx.frailty.evidence)}),
        anti_cd38=ctx.anti_cd38.model_copy(update={"evidence": _sorted_ids(ctx.anti_cd38.evidence)}),
        regimens=tuple(assessed),
        flags=tuple(flag_list),
        ruleset_version=RULESET_VERSION,
    )


# --- what the verdicts depend on -------------------------------------------------------------------------------

_PROBES: dict[str, tuple[Any, ...]] = {
    "age": (60, 78, 85),
    "prior_lines": (1, 2, 5),
    "crcl_ml_min": (10.0, 40.0, 90.0),
    "heart_failure_nyha": (0, 2, 4),
    "lvef_percent": (30.0, 60.0),
    "uncontrolled_hypertension": (True, False),
    "neuropathy_grade": (0, 2, 4),
    "anc": (0.5, 2.0),
}
"""Values tried for an unknown field: one on each side of every threshold the rules use."""
_FRAILTY_FIELDS = ("charlson", "adl", "iadl", "ecog")
_FRAILTY_EXTREMES = ({"charlson": 0, "adl": 6, "iadl": 8, "ecog": 0}, {"charlson": 3, "adl": 2, "iadl": 2, "ecog": 3})
_OTHER_UNKNOWNS = ("platelets", "hbv", "igg_mg_dl", "recurrent_infections")
_CD38_TRIALS = (
    {"status": "naive"},
    {"status": "exposed"},
    {"status": "refractory", "months_since_last_dose": 3.0},
    {"status": "refractory", "months_since_last_dose": 9.0},
)


def _variants(p: PatientProfile) -> Iterable[tuple[tuple[str, ...], PatientProfile]]:
    """(fields, profile with those fields filled in) for every unknown field the verdicts read."""
    for name, values in _PROBES.items():
        if getattr(p, name) is None:
            for value in values:
                yield (name,), p.model_copy(update={name: value})
    for drug in REGIMEN_PARTNER.values():
        if getattr(p.exposure, drug) == "unknown":
            for value in ("naive", "exposed", "refractory"):
                yield (
                    (f"exposure.{drug}",),
                    p.model_copy(update={"exposure": p.exposure.model_copy(update={drug: value})}),
                )
    if p.exposure.bortezomib == "unknown" and p.exposure.carfilzomib == "unknown":
        # "no proteasome inhibitor" needs both unknown drugs at once; one at a time would never show it.
        both = p.exposure.model_copy(update={"bortezomib": "naive", "carfilzomib": "naive"})
        yield ("exposure.bortezomib", "exposure.carfilzomib"), p.model_copy(update={"exposure": both})
    if p.lvef_percent is None and p.uncontrolled_hypertension is None:
        # the cardiac-assessment caution lifts only when both are known
        heart = {"lvef_percent": 60.0, "uncontrolled_hypertension": False}
        yield ("lvef_percent", "uncontrolled_hypertension"), p.model_copy(update=heart)
    if p.anti_cd38.status == "unknown":
        for change in _CD38_TRIALS:
            yield ("anti_cd38.status",), p.model_copy(update={"anti_cd38": p.anti_cd38.model_copy(update=change)})
    elif p.anti_cd38.status == "refractory" and p.anti_cd38.months_since_last_dose is None:
        for months in (3.0, 9.0, 15.0):
            cd38 = p.anti_cd38.model_copy(update={"months_since_last_dose": months})
            yield ("anti_cd38.months_since_last_dose",), p.model_copy(update={"anti_cd38": cd38})
    missing = tuple(f for f in _FRAILTY_FIELDS if getattr(p, f) is None)
    if missing:
        for extreme in _FRAILTY_EXTREMES:
            yield missing, p.model_copy(update={f: extreme[f] for f in missing})


def unknown_fields(p: PatientProfile) -> tuple[str, ...]:
    """Every field the rules read that the profile leaves unknown, as profile field paths."""
    out = [name for name in (*_PROBES, *_FRAILTY_FIELDS) if getattr(p, name) is None]
    out += [
        f"exposure.{d}"
        for d in ("lenalidomide", "pomalidomide", "bortezomib", "carfilzomib")
        if not p.exposure.known(d)
    ]
    if p.anti_cd38.status == "unknown":
        out.append("anti_cd38.status")
    elif p.anti_cd38.status == "refractory" and p.anti_cd38.months_since_last_dose is None:
        out.append("anti_cd38.months_since_last_dose")
    out += [n for n in _OTHER_UNKNOWNS if getattr(p, n) in (None, "unknown")]
    return tuple(out)


def _verdicts(profile: PatientProfile) -> tuple[str, ...]:
    """Only the verdicts and the anti-CD38 status (what a counterfactual run compares), without building a Report."""
    ctx, findings = run_rules(profile, flags=False)
    best = dict.fromkeys(REGIMEN_CODES, 0)
    for _, f in findings:
        if isinstance(f, RegimenFinding):
            best[f.regimen] = max(best[f.regimen], VERDICT_RANK[f.verdict])
    assert ctx.anti_cd38 is not None
    return (*(str(best[c]) for c in REGIMEN_CODES), ctx.anti_cd38.status)


def check_patient(profile: PatientProfile) -> Report:
    """The report for one patient: all six regimens with verdicts, reasons, evidence and what each depends on,
    the regimens ranked by fit to their trials, and the flags.

    Raises:
        TypeError: when ``profile`` is not a PatientProfile (use ``load_profile`` for JSON or a dict).
    """
    if not isinstance(profile, PatientProfile):
        raise TypeError(f"check_patient needs a PatientProfile, not {type(profile).__name__}; use load_profile()")
    base = _fold(profile)
    keys = (*REGIMEN_CODES, "anti_cd38")
    mine = _verdicts(profile)
    depends: dict[str, dict[str, None]] = {key: {} for key in keys}
    for fields, variant in _variants(profile):
        for key, a, b in zip(keys, mine, _verdicts(variant), strict=True):
            if a != b:
                depends[key].update(dict.fromkeys(fields))
    assessed = tuple(r.model_copy(update={"depends_on": tuple(depends[r.code])}) for r in base.regimens)
    order = tuple(
        r.code
        for r in sorted(
            assessed,
            key=lambda r: (VERDICT_RANK[r.verdict], r.outside_trial, len(r.depends_on), REGIMEN_CODES.index(r.code)),
        )
    )
    return base.model_copy(
        update={
            "regimens": assessed,
            "anti_cd38": base.anti_cd38.model_copy(update={"depends_on": tuple(depends["anti_cd38"])}),
            "order": order,
            "unknown": unknown_fields(profile),
        }
    )
