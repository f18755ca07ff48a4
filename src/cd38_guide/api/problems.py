"""RFC 9457 problem details: every error the API returns is ``application/problem+json`` with one-line text.

``detail`` is the same one-line message the CLI prints after ``error:``; ``errors`` lists every line the CLI
would print (one per bad field), so a client can show them beside the fields.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cd38_guide.errors import InputError

PROBLEM_JSON = "application/problem+json"

TITLES: dict[int, str] = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    412: "Precondition Failed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(default="about:blank", description="A URI naming the problem type; about:blank here.")
    title: str = Field(description="The HTTP status phrase.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="One line saying what is wrong and how to fix it (as the CLI prints it).")
    errors: list[str] = Field(default_factory=list, description="One line per problem (per bad field).")


def problem_body(status: int, detail: str, errors: list[str] | None = None) -> bytes:
    """The JSON bytes of a problem document."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "errors": list(errors) if errors else [detail],
    }
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def problem_response(status: int, detail: str, errors: list[str] | None = None, headers: dict | None = None) -> Any:
    """A starlette Response carrying a problem document."""
    from starlette.responses import Response

    return Response(problem_body(status, detail, errors), status_code=status, media_type=PROBLEM_JSON, headers=headers)


def from_input_error(err: InputError, status: int = 422) -> Any:
    """The problem response for a user error: ``detail`` is ``str(err)``, ``errors`` the CLI's lines."""
    return problem_response(status, str(err), err.lines)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries declaring problem+json bodies for these status codes."""
    return {
        s: {"description": TITLES.get(s, "Error"), "content": {PROBLEM_JSON: {"schema": Problem.model_json_schema()}}}
        for s in statuses
    }
