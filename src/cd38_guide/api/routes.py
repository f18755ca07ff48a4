"""The /v1 routes: ask, check, educate, passages and health. Thin: each calls the library and returns its model."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from cd38_guide.api.models import AskRequest, EducateRequest, Health
from cd38_guide.api.problems import from_input_error, problem_response, problem_responses
from cd38_guide.api.service import ApiService
from cd38_guide.education.draft import Draft
from cd38_guide.errors import InputError
from cd38_guide.rules.models import PatientProfile, Report
from cd38_guide.types import Answer, Passage

_INPUT = "input: "


def _strip_origin(err: InputError) -> InputError:
    """The profile came in the body, not from a file: drop the 'input: ' origin, as the web app's /check does."""
    lines = [line.removeprefix(_INPUT) for line in err.lines]
    return InputError(str(err).removeprefix(_INPUT), problems=lines if err.problems else None)


def passage_page(p: Passage) -> str:
    """A small standalone HTML page for one passage: title, heading, text and its source."""
    from html import escape

    link = p.provenance.link
    source = escape(p.provenance.citation) + (f' <a href="{escape(link)}">{escape(link)}</a>' if link else "")
    return (
        f'<!doctype html><html lang="{p.language}"><head><meta charset="utf-8"><title>{escape(p.id)}</title></head>'
        f"<body><h1>{escape(p.title)}</h1><h2>{escape(p.heading)}</h2>"
        f'<p style="white-space:pre-wrap">{escape(p.text)}</p><p><small>{escape(p.id)} · {source}</small></p>'
        "</body></html>"
    )


def build_router(service: ApiService) -> APIRouter:
    """The /v1 routes over one ``service`` (one per process)."""
    router = APIRouter(prefix="/v1", tags=["v1"])

    @router.post(
        "/ask",
        response_model=Answer,
        responses=problem_responses(400, 413, 422),
        summary="Answer one question with citations (the answer contract of `ask --json`).",
    )
    def ask(body: AskRequest) -> Any:
        try:
            return service.assistant.ask(body.question, history=body.history, k=body.k, id=body.id)
        except InputError as err:
            return from_input_error(err)

    @router.post(
        "/check",
        response_model=Report,
        responses=problem_responses(400, 413, 422),
        summary="Check a patient profile against the rules core (the report of `check --json`).",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PatientProfile"}}},
            }
        },
    )
    async def check(request: Request) -> Any:
        from cd38_guide import audit
        from cd38_guide.rules import check_patient, load_profile

        raw = await request.body()
        try:
            # bytes, so the body is always parsed as JSON and never taken for a server-side file path
            profile = load_profile(raw)
        except InputError as err:
            return from_input_error(_strip_origin(err), 422 if err.problems else 400)
        t0 = time.perf_counter()
        report = check_patient(profile)
        audit.record_check(profile, report, (time.perf_counter() - t0) * 1000)  # only when CD38_GUIDE_AUDIT is set
        return report

    @router.post(
        "/educate",
        response_model=Draft,
        responses=problem_responses(400, 413, 422),
        summary="Draft a patient-education leaflet for clinician review (as `educate --json`).",
    )
    def educate(body: EducateRequest) -> Any:
        from cd38_guide.education.draft import make_draft
        from cd38_guide.education.render import draft_to_html
        from cd38_guide.rules import validate_profile

        try:
            profile = None if body.patient is None else validate_profile(body.patient, "patient")
            draft = make_draft(
                body.topic,
                corpus=service.assistant.corpus,
                today=service.today(),
                regimen=body.regimen,
                profile=profile,
                lang=body.lang,
            )
        except InputError as err:
            return from_input_error(err)
        if body.format == "html":
            return JSONResponse({**draft.model_dump(mode="json"), "html": draft_to_html(draft, standalone=True)})
        return draft

    @router.get(
        "/passages/{passage_id}",
        response_model=Passage,
        responses={
            200: {"content": {"text/html": {"schema": {"type": "string"}}}},
            **problem_responses(404),
        },
        summary="One corpus passage: the text every citation and every rule's evidence points to.",
        description="JSON by default; a browser (Accept: text/html, e.g. a clinician following a CDS card's "
        "evidence link) gets a readable page.",
    )
    def passage(passage_id: str, request: Request) -> Any:
        found = service.assistant.corpus.passages.get(passage_id)
        if found is None:
            return problem_response(
                404, f"no passage with id {passage_id!r}; use an id from an answer's citations or a report's evidence"
            )
        accept = request.headers.get("accept", "")
        if "text/html" in accept and "application/json" not in accept:
            return HTMLResponse(passage_page(found))
        return found

    @router.get("/health", response_model=Health, summary="Index, corpus and ruleset versions of this worker.")
    def health() -> Health:
        import os

        import psutil

        from cd38_guide import __version__
        from cd38_guide.education.draft import EDUCATION_TOPICS
        from cd38_guide.rules import RULESET_VERSION

        return Health(
            version=__version__,
            index_id=service.assistant.index.manifest.build_id,
            corpus_version=service.corpus_version,
            ruleset_version=RULESET_VERSION,
            education_topics=list(EDUCATION_TOPICS),
            pid=os.getpid(),
            rss_mb=round(psutil.Process().memory_info().rss / 2**20, 1),
        )

    return router


__all__ = ["PatientProfile", "build_router"]
