"""The reader: a clinician's question in, the patient facts it states out (or None when it describes no patient),
and the profile the rules core checks, with every unstated field left unknown.

A question describes a patient when it gives a patient's age ("72-year-old", "72岁"; not "patients over 75"), at
least two facts, or one fact about "my patient"; a single status ("in lenalidomide-refractory patients, ...")
describes a population. A regimen is one fact ("progressed on DRd"); its time since the last dose is another.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import Field

from cd38_guide.question.patient.drugs import read_drugs
from cd38_guide.question.patient.findings import (
    read_age,
    read_conditions,
    read_cytogenetics,
    read_frailty,
    read_labs,
    read_lines,
)
from cd38_guide.question.patient.lexicon import lexicon
from cd38_guide.question.patient.model import AGENTS, PARTNERS, PatientFacts
from cd38_guide.question.patient.numbers import fmt
from cd38_guide.question.script import to_simplified
from cd38_guide.rules.engine import unknown_fields
from cd38_guide.rules.io import validate_profile
from cd38_guide.rules.models import PatientProfile
from cd38_guide.types import Frozen

_THIS_PATIENT = re.compile(r"\b(?:my|this|our)\s+(?:pt|patient)\b|\bpt\s+is\b|该患者|这位患者|此患者|この患者")
"""Words that point at one patient: with one fact they describe a patient, not a population."""


class PatientReading(Frozen):
    """What a question says about its patient, the profile built from it, and what that profile leaves unknown."""

    facts: PatientFacts
    profile: PatientProfile
    unknown: tuple[str, ...] = Field(description="Profile fields the rules read that the question did not state.")
    read: tuple[str, ...] = Field(description="What was read, in plain words ('age 72', 'lenalidomide refractory').")
    notes: tuple[str, ...] = Field(description="Conversions, refusals and the one assumption the profile makes.")


def normalise(question: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII), simplified Chinese, lower case, every dash to "-", µ to μ."""
    text = to_simplified(unicodedata.normalize("NFKC", question)).lower()
    return re.sub(r"[\u2010-\u2015\u2212]", "-", text)


def read_facts(question: str) -> PatientFacts | None:
    """The facts ``question`` states about a patient, or None when it describes no patient."""
    lex = lexicon()
    text, typos = lex.fix_typos(normalise(question))
    got: dict[str, Any] = {}
    notes: list[str] = [f"Spelling: {t}." for t in typos]
    read_age(text, got, notes)
    read_lines(text, got)
    read_frailty(text, got)
    read_cytogenetics(text, got)
    read_labs(text, got, notes)
    read_conditions(text, got)
    drugs = read_drugs(text, lex)
    for drug, status in drugs.status.items():
        got[drug] = status
    for agent, months in drugs.months.items():
        got[f"{agent}_months"] = months
    got["not_refractory"] = tuple(sorted(drugs.not_refractory))
    refused = [*got.pop("refused", []), *drugs.refused]
    notes += drugs.notes
    others = [k for k in got if k != "not_refractory" and k not in drugs.status and not k.endswith("_months")]
    evidence = len(others) + drugs.sources + len(refused) + bool(_THIS_PATIENT.search(text))
    if "age" not in got and evidence < 2:
        return None
    return PatientFacts(**got, refused=tuple(sorted(set(refused))), notes=tuple(notes))


def _anti_cd38(f: PatientFacts, notes: list[str]) -> dict[str, Any]:
    """One anti-CD38 history from per-agent facts: the safest reading when agents differ.

    Refractory to any agent -> refractory; the last dose is the most recent of any agent given (washout runs from
    the last exposure); an agent given without a word on refractoriness is read as refractory, the stricter
    reading, and said so.
    """
    given = {a: getattr(f, a) for a in AGENTS if getattr(f, a) in ("exposed", "refractory")}
    if not given:
        if f.anti_cd38 == "naive" or (f.daratumumab == "naive" and f.isatuximab == "naive"):
            return {"status": "naive"}
        return {}
    timed = {a: getattr(f, f"{a}_months") for a in given if getattr(f, f"{a}_months") is not None}
    recent = min(timed, key=lambda a: timed[a]) if timed else None
    named = [a for a in given if a != "anti_cd38"]
    agent = recent if recent and recent != "anti_cd38" else (named[0] if len(named) == 1 else None)
    if "refractory" in given.values():
        status = "refractory"
    elif all(a in f.not_refractory for a in given):
        status = "exposed"
    else:
        status = "refractory"
        who = agent or "the anti-CD38 antibody"
        notes.append(
            f"{who.capitalize()} given, refractoriness not stated: read as refractory (the stricter reading), so "
            "the washout before a rechallenge is checked. If the disease did not progress on it or within 60 days "
            "of the last dose, it is only exposed."
        )
    out: dict[str, Any] = {"status": status, "agent": agent}
    if recent is not None:
        out["months_since_last_dose"] = timed[recent]
        if len(timed) > 1:
            notes.append(
                f"Last anti-CD38 dose: {recent} {fmt(timed[recent])} months ago, the most recent of the agents."
            )
    return out


def to_profile(f: PatientFacts) -> tuple[PatientProfile, list[str]]:
    """The rules' profile (the ``check`` input schema) from the facts; unstated fields stay unknown.

    Raises:
        InputError: the facts do not form a valid profile (they are range-checked when read, so rarely).
    """
    notes: list[str] = []
    data: dict[str, Any] = {}
    exposure = {d: getattr(f, d) for d in PARTNERS if getattr(f, d) is not None}
    if exposure:
        data["exposure"] = exposure
    cd38 = _anti_cd38(f, notes)
    if cd38:
        data["anti_cd38"] = {k: v for k, v in cd38.items() if v is not None}
    for name in (
        "age", "prior_lines", "ecog", "charlson", "adl", "iadl", "crcl_ml_min", "lvef_percent", "heart_failure_nyha",
        "uncontrolled_hypertension", "neuropathy_grade", "anc", "platelets", "hbv", "igg_mg_dl", "recurrent_infections",
    ):  # fmt: skip
        value = getattr(f, name)
        if value is not None:
            data[name] = value
    if f.cytogenetics:
        data["cytogenetics"] = list(f.cytogenetics)
    return validate_profile(data, "facts read from the question"), notes


def _plain(f: PatientFacts) -> tuple[str, ...]:
    out = []
    for key, value in f.stated().items():
        if key == "refused":
            continue
        if key.endswith("_months"):
            out.append(f"last {key.removesuffix('_months').replace('_', '-')} dose {fmt(float(str(value)))} months ago")
        elif key in PARTNERS or key in AGENTS:
            out.append(f"{key.replace('_', '-')} {'never given' if value == 'naive' else value}")
        elif key == "cytogenetics":
            out.append(", ".join(str(v) for v in value))  # type: ignore[attr-defined]
        else:
            out.append(f"{key} {fmt(value) if isinstance(value, float) else value}")
    return tuple(out)


def read_patient(question: str) -> PatientReading | None:
    """Read the patient a question describes, or None when it describes none.

    Raises:
        InputError: the facts read do not form a valid profile.
    """
    facts = read_facts(question)
    if facts is None:
        return None
    profile, notes = to_profile(facts)
    return PatientReading(
        facts=facts,
        profile=profile,
        unknown=unknown_fields(profile),
        read=_plain(facts),
        notes=(*facts.notes, *notes),
    )
