"""The API's own guards, as one pure-ASGI middleware: a request-body size limit and HTTP Basic auth.

Scoped to path prefixes (``/v1``, ``/cds-services``) so that, mounted inside the Gradio app, it leaves Gradio's
routes to Gradio's own login and limits. Credentials are the app's: ``CD38_GUIDE_USER`` / ``CD38_GUIDE_PASSWORD``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from cd38_guide.api.problems import problem_body

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

API_BODY_LIMIT = 1_000_000
"""/v1 bodies: a question or a patient profile is a few hundred bytes; 1 MB as for a profile file."""
CDS_BODY_LIMIT = 5_000_000
"""CDS Hooks bodies carry FHIR prefetch bundles (observations over years), so they may be larger."""
OPEN_PATHS = ("/v1/health",)
"""Answer without credentials: a load balancer's health probe carries none, and health reveals no patient data."""


def credentials_from_env() -> tuple[str, str] | None:
    """(user, password) from CD38_GUIDE_USER / CD38_GUIDE_PASSWORD; None when unset or blank.

    ``server.run`` has already refused half-set or blank credentials (``web_guard.login_credentials``).
    """
    user, password = os.environ.get("CD38_GUIDE_USER"), os.environ.get("CD38_GUIDE_PASSWORD")
    return (user, password) if (user or "").strip() and (password or "").strip() else None  # type: ignore[return-value]


class _TooLarge(Exception):
    pass


class ApiGuard:
    """Body-size limit (413) and HTTP Basic auth (401) for the API's path prefixes; other paths pass untouched.

    Args:
        app: the wrapped ASGI app.
        limits: path prefix -> maximum request body in bytes; only these prefixes are guarded.
        credentials: (user, password) required on every guarded path except ``OPEN_PATHS``; None for no auth.
    """

    def __init__(
        self,
        app: ASGIApp,
        limits: dict[str, int] | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        self.app = app
        self.limits = limits if limits is not None else {"/v1": API_BODY_LIMIT, "/cds-services": CDS_BODY_LIMIT}
        self.credentials = credentials

    def _limit(self, path: str) -> int | None:
        for prefix, limit in self.limits.items():
            if path == prefix or path.startswith(prefix + "/"):
                return limit
        return None

    def _authorised(self, scope: Scope) -> bool:
        if self.credentials is None or scope["path"] in OPEN_PATHS:
            return True
        header = dict(scope.get("headers") or ()).get(b"authorization", b"")
        scheme, _, token = header.partition(b" ")
        if scheme.lower() != b"basic":
            return False
        try:
            user, _, password = base64.b64decode(token, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        want_user, want_password = self.credentials
        # compare both, always, in constant time
        ok_user = hmac.compare_digest(user.encode(), want_user.encode())
        ok_password = hmac.compare_digest(password.encode(), want_password.encode())
        return ok_user and ok_password

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        if limit is None:
            await self.app(scope, receive, send)
            return
        if not self._authorised(scope):
            await _send_problem(
                send,
                401,
                "login required: send HTTP Basic credentials (CD38_GUIDE_USER / CD38_GUIDE_PASSWORD of the server)",
                [(b"www-authenticate", b'Basic realm="cd38-guide"')],
            )
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _send_problem(send, 413, _too_large(int(declared), limit))
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if started:
                raise
            await _send_problem(send, 413, _too_large(received, limit, streamed=True))


def _too_large(size: int, limit: int, streamed: bool = False) -> str:
    more = "more than " if streamed else ""
    return (
        f"the request body is {more}{size:,} bytes; the limit is {limit:,} bytes. "
        "Send one question or patient at a time"
    )


async def _send_problem(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = problem_body(status, detail)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
