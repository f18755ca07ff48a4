"""The REST API app: ``create_app`` for ``cd38-guide api``, ``mount_kwargs`` to serve the same routes inside the
Gradio app of ``cd38-guide serve``. Errors are RFC 9457 problem+json with the CLI's one-line messages."""

from __future__ import annotations

import logging
from typing import Any

from cd38_guide.api.guards import ApiGuard
from cd38_guide.api.problems import problem_response, problem_responses
from cd38_guide.api.service import ApiService

log = logging.getLogger(__name__)

API_PREFIXES = ("/v1", "/cds-services")
DESCRIPTION = (
    "Cited answers and deterministic rules on anti-CD38 antibodies (daratumumab, isatuximab) in relapsed/refractory "
    "multiple myeloma, and a CDS Hooks 2.0 service over FHIR R4. Decision support for clinicians, not a prescriber. "
    "Errors are RFC 9457 application/problem+json."
)


def _ours(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in API_PREFIXES)


def _describe(error: dict[str, Any]) -> str:
    """One line for one request-validation error: ``field: what is wrong``."""
    loc = [str(p) for p in error.get("loc", ()) if p != "body"]
    where = ".".join(loc) or "body"
    kind = error.get("type", "")
    if kind == "missing":
        return f"{where}: required"
    if kind == "extra_forbidden":
        return f"unknown field '{where}'"
    if kind == "json_invalid":
        return f"body: not valid JSON ({error.get('ctx', {}).get('error', 'parse error')})"
    return f"{where}: {error.get('msg', 'invalid')}"


def exception_handlers() -> dict[Any, Any]:
    """Validation and HTTP errors on the API's paths as problem+json; other paths keep FastAPI's defaults."""
    from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    async def on_validation(request: Any, exc: RequestValidationError) -> Any:
        if not _ours(request.url.path):
            return await request_validation_exception_handler(request, exc)
        lines = list(dict.fromkeys(_describe(e) for e in exc.errors()))
        malformed = any(e.get("type") == "json_invalid" for e in exc.errors())
        summary = lines[0] if len(lines) == 1 else f"{len(lines)} problems: " + "; ".join(lines)
        return problem_response(400 if malformed else 422, f"invalid request body: {summary}", lines)

    async def on_http(request: Any, exc: HTTPException) -> Any:
        if not _ours(request.url.path):
            return await http_exception_handler(request, exc)
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404:
            detail = f"no API route {request.url.path}; see /v1/openapi.json"
        return problem_response(exc.status_code, detail, headers=getattr(exc, "headers", None))

    return {RequestValidationError: on_validation, HTTPException: on_http}


def routes(service: ApiService) -> list[Any]:
    """The API's routes (/v1 and /cds-services) over one service."""
    from cd38_guide.api.cds_routes import build_cds_router
    from cd38_guide.api.routes import build_router

    return [*build_router(service).routes, *build_cds_router(service).routes]


def create_app(service: ApiService | None = None, credentials: tuple[str, str] | None = None) -> Any:
    """The standalone FastAPI app (``cd38-guide api``): /v1, /cds-services and /v1/openapi.json.

    Args:
        service: the per-process state; None makes one that loads the Assistant on first use.
        credentials: (user, password) for HTTP Basic on every route but /v1/health; None for none.
    """
    from fastapi import FastAPI
    from starlette.middleware import Middleware

    from cd38_guide import __version__
    from cd38_guide.web_guard import LoginRateLimit

    service = service or ApiService()
    app = FastAPI(
        title="cd38-guide API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/v1/openapi.json",
        docs_url=None,  # the Swagger page loads scripts from a CDN, which an offline ward machine cannot reach
        redoc_url=None,
        routes=routes(service),
        exception_handlers=exception_handlers(),
        middleware=[
            # Failed Basic-auth logins rate-limited per address, as on the app's own /v1 mount.
            Middleware(LoginRateLimit, paths=(), prefixes=API_PREFIXES, methods=None, failure_statuses=(401,)),
            Middleware(ApiGuard, credentials=credentials),
        ],
    )
    app.openapi = lambda: openapi_document(app)  # type: ignore[method-assign]
    return app


def openapi_document(app: Any) -> dict[str, Any]:
    """The app's OpenAPI document, with the PatientProfile schema /v1/check's raw body refers to."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    from cd38_guide.rules.models import PatientProfile

    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    problem = problem_responses(422)[422]
    for operation in (op for path in doc["paths"].values() for op in path.values()):
        default_422 = operation.get("responses", {}).get("422", {}).get("content", {}).get("application/json")
        if default_422 is not None:  # FastAPI's own 422 shape is never sent: errors are problem+json
            operation["responses"]["422"] = problem
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    profile = PatientProfile.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(profile.pop("$defs", {}))
    schemas["PatientProfile"] = profile
    app.openapi_schema = doc
    return doc


def mount_kwargs(service: ApiService, credentials: tuple[str, str] | None = None) -> dict[str, Any]:
    """``app_kwargs`` for Gradio's ``launch``: the API's routes, handlers and guard inside the Gradio app."""
    from starlette.middleware import Middleware

    return {
        "routes": routes(service),
        "exception_handlers": exception_handlers(),
        "middleware": [Middleware(ApiGuard, credentials=credentials)],
    }
