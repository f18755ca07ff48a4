"""FHIR R4 record -> the patient profile ``check`` takes: the one module that knows both shapes.

Reads Patient (age), Observation (CrCl / eGFR, neutrophils, platelets, IgG, LVEF, HBV serology, ECOG by LOINC),
MedicationStatement / MedicationRequest (anti-CD38 antibodies and partner drugs by a listed code, else by generic or
brand name: no RxNorm code could be checked against a published source, so the table lists none yet; dates; and a
status reason that states refractoriness) and Condition (multiple myeloma). Only codes in ``codes.yaml`` count.
What the record does not state stays unknown, exactly as in the free-text reader (``question.patient``): the one
reading it makes (an anti-CD38 antibody given without a word on refractoriness is read as refractory) is said in
``assumptions``, and ``unknown`` lists every field the rules read that the record leaves unknown.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import Field, ValidationError

from cd38_guide.cds.codes import CodeTable, load_codes
from cd38_guide.errors import InputError
from cd38_guide.rules.engine import unknown_fields
from cd38_guide.rules.io import validate_profile
from cd38_guide.rules.models import PatientProfile
from cd38_guide.types import Frozen

log = logging.getLogger(__name__)

ANTI_CD38 = ("daratumumab", "isatuximab")
PARTNERS = ("lenalidomide", "pomalidomide", "bortezomib", "carfilzomib")
DAYS_PER_MONTH = 365.25 / 12
_REFRACTORY_TEXT = re.compile(r"refractor|progress", re.IGNORECASE)
_RESULT_TEXT = {"positive": "positive", "reactive": "positive", "detected": "positive", "negative": "negative",
                "non-reactive": "negative", "nonreactive": "negative", "not detected": "negative"}  # fmt: skip
_GIVEN = {"active", "completed", "stopped", "on-hold"}
"""Statuses that mean the drug was given (not: intended, not-taken, entered-in-error, draft, cancelled)."""
_OBS_DONE = {"final", "amended", "corrected"}


class RecordReading(Frozen):
    """The profile read from a FHIR record, what was read, and what had to be assumed."""

    profile: PatientProfile
    myeloma: bool = Field(description="A multiple myeloma Condition is in the record.")
    facts: tuple[str, ...] = Field(description="What was read from the record, in plain words.")
    assumptions: tuple[str, ...] = Field(description="Readings and conversions made (eGFR as CrCl, refractory).")
    unknown: tuple[str, ...] = Field(description="Profile fields the rules read that the record leaves unknown.")


def parse_resource(data: object, where: str) -> Any:
    """A fhir.resources R4 (R4B models) resource from its JSON, or an InputError naming where it was.

    Raises:
        InputError: not an object, no or unknown resourceType, or fields that are not valid FHIR.
    """
    from fhir.resources.R4B import get_fhir_model_class

    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        raise InputError(f"{where}: not a FHIR resource (a JSON object with a resourceType)")
    try:
        model = get_fhir_model_class(data["resourceType"])
    except (KeyError, ValueError):
        raise InputError(f"{where}: unknown FHIR resourceType {data['resourceType']!r}") from None
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise InputError(
            f"{where}: invalid FHIR R4 {data['resourceType']}: {loc}: {first['msg']}",
            problems=[f"{where}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors()[:20]],
        ) from None


def resources(prefetch: dict[str, Any]) -> list[Any]:
    """Every resource in a CDS Hooks prefetch (single resources and searchset Bundles), parsed."""
    out: list[Any] = []
    for key, value in sorted(prefetch.items()):
        if value is None:
            continue
        parsed = parse_resource(value, f"prefetch.{key}")
        if parsed.__resource_type__ == "Bundle":
            out.extend(e.resource for e in parsed.entry or () if e.resource is not None)
        else:
            out.append(parsed)
    return out


def _codings(concept: Any) -> Iterator[tuple[str | None, str | None, str]]:
    """(system, code, text) of each coding of a CodeableConcept, then its text alone."""
    if concept is None:
        return
    for c in concept.coding or ():
        yield c.system, c.code, c.display or ""
    if concept.text:
        yield None, None, concept.text


def _drug(concept: Any, table: CodeTable) -> str | None:
    """The drug a medication CodeableConcept names: a listed code first, else a name in display or text."""
    for system, code, _ in _codings(concept):
        for drug, meds in table.medications.items():
            if (system, code) in table.pairs(meds.codes):
                return drug
    for _, _, text in _codings(concept):
        for drug in table.medications:
            if text and table.name_pattern(drug).search(text):
                return drug
    return None


def _as_date(value: Any) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _medication_concept(res: Any, by_ref: dict[str, Any]) -> Any:
    if res.medicationCodeableConcept is not None:
        return res.medicationCodeableConcept
    ref = getattr(res.medicationReference, "reference", None) or ""
    for c in res.contained or ():
        if ref == f"#{c.id}" and c.__resource_type__ == "Medication":
            return c.code
    med = by_ref.get(ref)
    return med.code if med is not None else None


def drug_of(res: Any, by_ref: dict[str, Any], table: CodeTable) -> str | None:
    """The drug a MedicationStatement or MedicationRequest is for (by listed code, else by name), or None."""
    return _drug(_medication_concept(res, by_ref), table)


def _refractory(res: Any, table: CodeTable) -> bool:
    reasons = res.statusReason if isinstance(res.statusReason, list) else [res.statusReason]
    stated = table.pairs(table.refractory_reasons)
    for concept in reasons:
        for system, code, text in _codings(concept):
            if (system, code) in stated or _REFRACTORY_TEXT.search(text):
                return True
    return False


def _result(obs: Any, table: CodeTable) -> str | None:
    """'positive' / 'negative' from a qualitative Observation, or None."""
    pos, neg = table.pairs(table.results.positive), table.pairs(table.results.negative)
    for system, code, text in _codings(obs.valueCodeableConcept):
        if (system, code) in pos:
            return "positive"
        if (system, code) in neg:
            return "negative"
        if text.strip().lower() in _RESULT_TEXT:
            return _RESULT_TEXT[text.strip().lower()]
    if obs.valueString and obs.valueString.strip().lower() in _RESULT_TEXT:
        return _RESULT_TEXT[obs.valueString.strip().lower()]
    return None


def _number(obs: Any, units: dict[str, float], label: str, notes: list[str]) -> float | None:
    if obs.valueInteger is not None:
        return float(obs.valueInteger)
    q = obs.valueQuantity
    if q is None or q.value is None:
        return None
    unit = q.code or q.unit or ""
    if not units:
        return float(q.value)
    if unit not in units:
        notes.append(f"{label}: unit {unit!r} not understood, so left unknown (expected {', '.join(units)}).")
        return None
    return round(float(q.value) * units[unit], 3)


def _latest_observations(items: Iterable[Any], table: CodeTable) -> dict[str, tuple[Any, Any]]:
    """field -> (table entry, Observation) of the most recent final result per field."""
    best: dict[str, tuple[Any, Any, datetime.date]] = {}
    for obs in items:
        if obs.status not in _OBS_DONE:
            continue
        for system, code, _ in _codings(obs.code):
            entry = table.observation(system, code)
            if entry is None:
                continue
            when = _as_date(obs.effectiveDateTime or obs.issued) or datetime.date.min
            if entry.field not in best or when > best[entry.field][2]:
                best[entry.field] = (entry, obs, when)
            break
    return {k: (e, o) for k, (e, o, _) in best.items()}


def read_record(prefetch: dict[str, Any], today: datetime.date, table: CodeTable | None = None) -> RecordReading:
    """The patient profile a FHIR R4 prefetch states, with every default said.

    Args:
        prefetch: CDS Hooks prefetch: ``patient`` (a Patient) and searchset Bundles of the other resources.
        today: the date that ages and months since the last dose are counted to (the rules read no clock).

    Raises:
        InputError: a resource is not valid FHIR R4, or the record makes an invalid profile.
    """
    table = table or load_codes()
    found = resources(prefetch)
    by_type: dict[str, list[Any]] = {}
    for res in found:
        by_type.setdefault(res.__resource_type__, []).append(res)
    by_ref = {f"{r.__resource_type__}/{r.id}": r for r in found if r.id}
    data: dict[str, Any] = {}
    facts: list[str] = []
    notes: list[str] = []

    patients = by_type.get("Patient", [])
    born = _as_date(patients[0].birthDate) if patients else None
    if born is not None:
        data["age"] = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        facts.append(f"age {data['age']}")

    latest = _latest_observations(by_type.get("Observation", []), table)
    serology: dict[str, str | None] = {}
    for field, (entry, obs) in sorted(latest.items()):
        if field in ("hbsag", "anti_hbc"):
            serology[field] = _result(obs, table)
            continue
        value = _number(obs, entry.units, field, notes)
        if value is None:
            continue
        if field == "ecog":
            data["ecog"] = int(value)
        elif field != "egfr":
            data[field] = value
        facts.append(f"{field} {value:g}")
    if "crcl_ml_min" not in data and "egfr" in latest:
        value = _number(latest["egfr"][1], latest["egfr"][0].units, "egfr", [])
        if value is not None:
            data["crcl_ml_min"] = value
            notes.append(f"No creatinine clearance in the record: eGFR {value:g} mL/min/1.73 m2 read as CrCl.")
    if serology.get("hbsag") == "positive":
        data["hbv"] = "hbsag_positive"
    elif serology.get("anti_hbc") == "positive":
        data["hbv"] = "anti_hbc_positive"
    elif serology.get("hbsag") == "negative" and serology.get("anti_hbc") == "negative":
        data["hbv"] = "negative"
    if "hbv" in data:
        facts.append(f"HBV {data['hbv']}")

    exposure: dict[str, str] = {}
    last_cd38: tuple[datetime.date, str] | None = None
    cd38_given: set[str] = set()
    cd38_refractory = False
    cd38_running = False
    for kind in ("MedicationStatement", "MedicationRequest"):
        for res in by_type.get(kind, []):
            if res.status not in _GIVEN:
                continue
            drug = _drug(_medication_concept(res, by_ref), table)
            if drug in PARTNERS:
                refractory = _refractory(res, table)
                exposure[drug] = "refractory" if refractory or exposure.get(drug) == "refractory" else "exposed"
            elif drug in ANTI_CD38:
                cd38_given.add(drug)
                cd38_refractory = cd38_refractory or _refractory(res, table)
                if kind == "MedicationStatement":
                    period = res.effectivePeriod
                    end = _as_date(period.end) if period else _as_date(res.effectiveDateTime)
                    cd38_running = cd38_running or (res.status == "active" and end is None)
                    if end is not None and (last_cd38 is None or end > last_cd38[0]):
                        last_cd38 = (end, drug)
    if exposure:
        data["exposure"] = exposure
        facts.extend(f"{d} {s}" for d, s in sorted(exposure.items()))
    if cd38_given:
        # refractory whether stated or not: unstated, the stricter reading is taken, as the free-text reader does
        anti: dict[str, Any] = {"status": "refractory"}
        agent = last_cd38[1] if last_cd38 else (sorted(cd38_given)[0] if len(cd38_given) == 1 else None)
        if agent:
            anti["agent"] = agent
        if last_cd38 is not None and not cd38_running:
            months = round(max(0, (today - last_cd38[0]).days) / DAYS_PER_MONTH, 1)
            anti["months_since_last_dose"] = months
            facts.append(f"last {last_cd38[1]} dose {last_cd38[0].isoformat()} ({months:g} months before {today})")
        if cd38_refractory:
            facts.append(f"{agent or 'anti-CD38'} refractory (stated)")
        else:  # the free-text reader's one assumption, in its words
            notes.append(
                f"{(agent or 'the anti-CD38 antibody').capitalize()} given, refractoriness not stated: read as "
                "refractory (the stricter reading), so the washout before a rechallenge is checked. If the disease "
                "did not progress on it or within 60 days of the last dose, it is only exposed."
            )
        data["anti_cd38"] = anti

    myeloma_codes = table.pairs(table.myeloma)
    myeloma = any(
        (system, code) in myeloma_codes
        for cond in by_type.get("Condition", [])
        for system, code, _ in _codings(cond.code)
    )
    profile = validate_profile(data, "FHIR record")
    return RecordReading(
        profile=profile,
        myeloma=myeloma,
        facts=tuple(facts),
        assumptions=tuple(notes),
        unknown=unknown_fields(profile),
    )
