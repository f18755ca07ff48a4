"""The CDS Hooks 2.0 routes: GET /cds-services (discovery) and POST /cds-services/{id} (a hook call)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from cd38_guide.api.problems import from_input_error, problem_response, problem_responses
from cd38_guide.api.service import ApiService
from cd38_guide.cds.models import CdsResponse, Discovery, HookRequest
from cd38_guide.errors import InputError


def build_cds_router(service: ApiService) -> APIRouter:
    """The CDS Hooks routes over one ``service``; card links point at this server's /v1/passages/{id}."""
    from cd38_guide.cds import service as cds

    router = APIRouter(prefix="/cds-services", tags=["cds-hooks"])

    @router.get("", response_model=Discovery, summary="CDS Hooks discovery: the services and their prefetch.")
    def discovery() -> Discovery:
        return cds.discovery()

    @router.post(
        "/{service_id}",
        response_model=CdsResponse,
        response_model_exclude_none=True,
        responses=problem_responses(400, 404, 412, 413, 422),
        summary="Call a CDS service (patient-view or order-select) with its FHIR R4 prefetch.",
    )
    def call(service_id: str, body: HookRequest, request: Request) -> Any:
        if service_id not in {s.id for s in cds.SERVICES}:
            known = ", ".join(s.id for s in cds.SERVICES)
            return problem_response(404, f"no CDS service {service_id!r}; the services are {known}")
        base = str(request.base_url).rstrip("/")

        def passage_url(pid: str) -> str:
            return f"{base}/v1/passages/{pid}"

        try:
            return cds.handle(service_id, body, service.today(), passage_url)
        except cds.PreconditionError as err:
            return problem_response(412, str(err))
        except InputError as err:
            return from_input_error(err)

    return router
