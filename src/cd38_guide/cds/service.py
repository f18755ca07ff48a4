"""The CDS Hooks services: discovery, and the patient-view and order-select handlers over the rules core.

The service never queries the EHR's FHIR server (it runs offline): everything it reads comes in the prefetch,
so a call without the prefetch it declares is refused (412) with a message saying which keys are missing.
"""

from __future__ import annotations

import datetime
import logging
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from cd38_guide.cds.cards import PassageUrl, order_select_cards, patient_view_cards
from cd38_guide.cds.codes import CodeTable, load_codes
from cd38_guide.cds.models import CdsResponse, Discovery, HookRequest, Service
from cd38_guide.cds.record import ANTI_CD38, RecordReading, drug_of, parse_resource, read_record
from cd38_guide.errors import Cd38GuideError, InputError
from cd38_guide.rules.models import REGIMEN_CODES

log = logging.getLogger(__name__)

PATIENT_VIEW = "cd38-guide-patient-view"
ORDER_SELECT = "cd38-guide-order-select"
_REGIMENS_YAML = Path(__file__).resolve().parents[1] / "question" / "data" / "regimens.yaml"

PREFETCH: dict[str, str] = {
    "patient": "Patient/{{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}&category=laboratory,exam,survey&_sort=-date",
    "medications": "MedicationStatement?patient={{context.patientId}}",
    "medicationRequests": "MedicationRequest?patient={{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
}
"""Prefetch templates; every key is required (the service cannot fetch what is missing)."""

SERVICES: tuple[Service, ...] = (
    Service(
        hook="patient-view",
        id=PATIENT_VIEW,
        title="Anti-CD38 regimens in relapsed/refractory myeloma",
        description="For a patient with multiple myeloma: whether an anti-CD38 antibody can be given now and the "
        "six anti-CD38 regimens (DRd, DVd, DKd, DPd, IsaPd, IsaKd) as option / caution / avoid, each with its "
        "evidence, from the deterministic rules of cd38-guide.",
        prefetch=PREFETCH,
    ),
    Service(
        hook="order-select",
        id=ORDER_SELECT,
        title="Check an anti-CD38 order",
        description="When daratumumab or isatuximab (alone or as one of the six regimens) is ordered: the "
        "verdict for that regimen, the anti-CD38 washout and the flags, each with its evidence.",
        prefetch=PREFETCH,
    ),
)


class PreconditionError(Cd38GuideError):
    """The hook call lacks prefetch this service needs and cannot fetch (HTTP 412)."""


def discovery() -> Discovery:
    """GET /cds-services."""
    return Discovery(services=list(SERVICES))


@cache
def regimen_drugs() -> dict[str, frozenset[str]]:
    """Regimen code -> its drugs other than dexamethasone, for the six regimens (from the shared vocabulary)."""
    data = yaml.safe_load(_REGIMENS_YAML.read_text(encoding="utf-8"))
    return {code: frozenset(d for d in data[code]["drugs"] if d != "dexamethasone") for code in REGIMEN_CODES}


def regimens_of(drugs: set[str]) -> list[str]:
    """The six-regimen codes whose drugs are all among ``drugs`` (largest first), e.g. {dara, len} -> [DRd]."""
    found = [code for code, need in regimen_drugs().items() if need <= drugs]
    return sorted(found, key=lambda c: -len(regimen_drugs()[c]))


def _ordered_drugs(context: dict[str, Any], table: CodeTable) -> tuple[set[str], set[str]]:
    """(drugs of all draft orders, drugs of the selected orders) of an order-select context."""
    draft = context.get("draftOrders")
    if draft is None:
        raise InputError("context.draftOrders: required for order-select (a Bundle of the draft orders)")
    bundle = parse_resource(draft, "context.draftOrders")
    if bundle.__resource_type__ == "Bundle":
        found = [e.resource for e in bundle.entry or () if e.resource is not None]
    else:
        found = [bundle]
    by_ref = {f"{r.__resource_type__}/{r.id}": r for r in found if r.id}
    selections = context.get("selections") or []
    if not isinstance(selections, list) or not all(isinstance(s, str) for s in selections):
        raise InputError("context.selections: must be a list of references such as 'MedicationRequest/123'")
    every: set[str] = set()
    selected: set[str] = set()
    for res in found:
        if res.__resource_type__ != "MedicationRequest":
            continue
        drug = drug_of(res, by_ref, table)
        if drug is None:
            continue
        every.add(drug)
        if f"MedicationRequest/{res.id}" in selections or not selections:
            selected.add(drug)
    return every, selected


def _reading(request: HookRequest, today: datetime.date, table: CodeTable) -> RecordReading:
    prefetch = request.prefetch or {}
    missing = [key for key in PREFETCH if key not in prefetch]
    if missing:
        raise PreconditionError(
            f"prefetch {', '.join(missing)} missing: this service works offline and does not query the FHIR "
            "server; configure the EHR to send the prefetch named in GET /cds-services"
        )
    if not prefetch.get("patient"):
        raise PreconditionError("prefetch patient is empty: the Patient resource is required")
    return read_record(prefetch, today, table)


def handle(service_id: str, request: HookRequest, today: datetime.date, passage_url: PassageUrl) -> CdsResponse:
    """Run one hook call.

    Raises:
        KeyError: no service with this id.
        InputError: the hook does not match the service, or the context or prefetch is not valid FHIR R4.
        PreconditionError: required prefetch is missing.
    """
    service = next(s for s in SERVICES if s.id == service_id)  # StopIteration -> caller's 404
    if request.hook != service.hook:
        raise InputError(f"hook {request.hook!r} sent to the {service.hook} service {service.id}")
    if not isinstance(request.context.get("patientId"), str):
        raise InputError("context.patientId: required (the id of the patient in context)")
    table = load_codes()
    if service.hook == "order-select":
        every, selected = _ordered_drugs(request.context, table)
        agents = sorted(selected & set(ANTI_CD38)) or sorted(every & set(ANTI_CD38))
        if not selected or not agents:
            return CdsResponse(cards=[])  # not an anti-CD38 order: nothing to say
        reading = _reading(request, today, table)
        report = _check(reading)
        return CdsResponse(cards=order_select_cards(report, reading, passage_url, regimens_of(every), agents[0]))
    reading = _reading(request, today, table)
    if not reading.myeloma:
        return CdsResponse(cards=[])  # no myeloma in the record: the service stays quiet
    report = _check(reading)
    return CdsResponse(cards=patient_view_cards(report, reading, passage_url))


def _check(reading: RecordReading) -> Any:
    """The rules report, audited like ``check`` (only when CD38_GUIDE_AUDIT is set)."""
    import time

    from cd38_guide import audit
    from cd38_guide.rules import check_patient

    t0 = time.perf_counter()
    report = check_patient(reading.profile)
    audit.record_check(reading.profile, report, (time.perf_counter() - t0) * 1000)
    return report
