"""CDS Hooks 2.0 request and response objects (the fields this service reads and writes).

https://cds-hooks.hl7.org/2.0/ : discovery (``services``: hook, id, description, prefetch), the hook request
(hook, hookInstance, context, prefetch) and cards (uuid, summary < 140 characters, indicator, source.label).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Indicator = Literal["info", "warning", "critical"]
INDICATOR_RANK: dict[str, int] = {"info": 0, "warning": 1, "critical": 2}


class _Cds(BaseModel):
    """Responses are strict (no stray fields); requests allow fields a client may add (fhirAuthorization...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Service(_Cds):
    """One entry of the discovery document."""

    hook: str
    id: str
    title: str | None = None
    description: str
    prefetch: dict[str, str] = Field(description="Prefetch key -> FHIR query template.")


class Discovery(_Cds):
    """GET /cds-services."""

    services: list[Service]


class HookRequest(BaseModel):
    """POST /cds-services/{id}: the hook call from the EHR."""

    model_config = ConfigDict(extra="allow", frozen=True)

    hook: str = Field(description="patient-view or order-select.")
    hookInstance: str = Field(description="A UUID the client made for this call.")
    fhirServer: str | None = None
    context: dict[str, Any] = Field(description="patientId, userId; for order-select selections and draftOrders.")
    prefetch: dict[str, Any] | None = Field(default=None, description="FHIR resources named in the discovery.")


class Source(_Cds):
    """Who made the card."""

    label: str
    url: str | None = None


class Link(_Cds):
    """A link shown on the card."""

    label: str
    url: str
    type: Literal["absolute", "smart"] = "absolute"


class Card(_Cds):
    """One CDS Hooks card."""

    uuid: str
    summary: str = Field(max_length=139, description="Fewer than 140 characters (CDS Hooks 2.0).")
    detail: str | None = None
    indicator: Indicator
    source: Source
    links: list[Link] = Field(default_factory=list)
    extension: dict[str, Any] | None = Field(
        default=None, description="'cd38-guide': the rules report, the profile read and the assumptions."
    )


class CdsResponse(_Cds):
    """The hook response."""

    cards: list[Card]
