"""Reusable ASGI guards for every HTTP front end (the Gradio app, the REST API): body size and login rate.

Both are plain ASGI middleware (no framework import), so any Starlette/FastAPI app mounts them with
``app.add_middleware(BodySizeLimit, max_bytes=...)`` or ``FastAPI(middleware=guard_middleware())``.

- ``BodySizeLimit`` refuses a request whose body is over ``max_bytes`` with 413 before the application reads
  it: at once from ``Content-Length``, else while the chunks arrive (so a 15 MB question never reaches JSON
  parsing or normalisation).
- ``LoginRateLimit`` counts failed logins (a 4xx answer to a login path) per client address and answers 429
  with ``Retry-After`` once ``max_failures`` failed within ``window_s``, until ``lockout_s`` has passed.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY_BYTES = 2 * 1024 * 1024
"""Largest request body accepted: a question is at most 8 KB and a patient profile 1 MB."""
LOGIN_PATHS = ("/login", "/login/")


async def _reply(send: Send, status: int, detail: str, headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"error": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
"""Hosts a server may bind to without a login."""


def login_credentials(host: str, insecure: bool) -> tuple[str, str] | None:
    """The login from CD38_GUIDE_USER / CD38_GUIDE_PASSWORD, or None when neither is set.

    Raises:
        InputError: only one is set, either is blank or whitespace, or a non-local host has no login and
            ``insecure`` is not given.
    """
    from cd38_guide.errors import InputError

    user, password = os.environ.get("CD38_GUIDE_USER"), os.environ.get("CD38_GUIDE_PASSWORD")
    if user is None and password is None:
        if host not in LOCAL_HOSTS and not insecure:
            raise InputError(
                f"refusing to serve on {host} without login: "
                "set CD38_GUIDE_USER and CD38_GUIDE_PASSWORD, or pass --insecure"
            )
        return None
    if not (user or "").strip() or not (password or "").strip():
        raise InputError(
            f"refusing to serve on {host}: CD38_GUIDE_USER and CD38_GUIDE_PASSWORD must both be set and not blank "
            "(whitespace is not a password)"
        )
    return user, password  # type: ignore[return-value]


def check_port_free(host: str, port: int) -> None:
    """Refuse, in one line, a port that is out of range or already taken (before the model is loaded).

    Raises:
        InputError: naming the host and port and what to do.
    """
    import socket

    from cd38_guide.errors import InputError

    if not 0 <= port <= 65535:
        raise InputError(f"port {port}: a port is a number from 1 to 65535 (0 picks a free one)")
    if port == 0:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        raise InputError(f"cannot listen on {host}: the host name does not resolve ({err.strerror})") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is not "in use"
        try:
            sock.bind(addr)
        except OSError as err:
            raise InputError(
                f"cannot listen on {host}:{port} ({err.strerror or err}); is another server running there? "
                "Stop it or choose another --port"
            ) from None


def _under(path: str, prefixes: Iterable[str]) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


class BodySizeLimit:
    """ASGI middleware: 413 for a request body over ``max_bytes`` (declared or streamed).

    ``skip_prefixes`` leaves paths that enforce limits of their own (the REST API's ``/v1``, ``/cds-services``).
    """

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES, skip_prefixes: Iterable[str] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.skip_prefixes = tuple(skip_prefixes)

    def _message(self) -> str:
        return f"request body is larger than the limit of {self.max_bytes:,} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _under(scope.get("path", ""), self.skip_prefixes):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _reply(send, 400, "invalid Content-Length")
                    return
                if declared > self.max_bytes:
                    await _reply(send, 413, self._message())
                    return
                await self.app(scope, receive, send)  # declared and within the limit (servers enforce it)
                return
        # No Content-Length (chunked): read the body here, up to the limit, then replay it to the app.
        chunks: list[Message] = []
        seen = 0
        while True:
            message = await receive()
            chunks.append(message)
            if message["type"] != "http.request":
                break
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                await _reply(send, 413, self._message())
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return chunks.pop(0) if chunks else await receive()

        await self.app(scope, replay, send)


class LoginRateLimit:
    """ASGI middleware: after ``max_failures`` failed logins from one address within ``window_s``, 429 for
    ``lockout_s``. The table of addresses is bounded (``max_clients``, oldest forgotten first).

    A login form: ``paths`` (exact) with ``methods={"POST"}``; a failure is a 4xx answer. HTTP Basic auth on every
    request: ``prefixes=("/v1",)``, ``methods=None`` and ``failure_statuses=(401,)``.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        paths: Iterable[str] = LOGIN_PATHS,
        prefixes: Iterable[str] = (),
        methods: Iterable[str] | None = ("POST",),
        failure_statuses: Iterable[int] | None = None,
        max_failures: int = 5,
        window_s: float = 60.0,
        lockout_s: float = 60.0,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.paths = frozenset(paths)
        self.prefixes = tuple(prefixes)
        self.methods = None if methods is None else frozenset(methods)
        self.failure_statuses = None if failure_statuses is None else frozenset(failure_statuses)
        self.max_failures = max_failures
        self.window_s = window_s
        self.lockout_s = lockout_s
        self.max_clients = max_clients
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> float:
        """Seconds until ``client`` may try again (0 when it is not locked out)."""
        with self._lock:
            return max(0.0, self._locked_until.get(client, 0.0) - self.clock())

    def record(self, client: str, ok: bool) -> None:
        """Count one login attempt's outcome; a success clears the client's failures."""
        now = self.clock()
        with self._lock:
            if ok:
                self._failures.pop(client, None)
                self._locked_until.pop(client, None)
                return
            times = self._failures.pop(client, None) or deque()
            times.append(now)
            while times and now - times[0] > self.window_s:
                times.popleft()
            self._failures[client] = times  # most recent last
            if len(times) >= self.max_failures:
                self._locked_until[client] = now + self.lockout_s
                times.clear()
            while len(self._failures) > self.max_clients:
                old, _ = self._failures.popitem(last=False)
                self._locked_until.pop(old, None)
            for who in [c for c, until in self._locked_until.items() if until <= now]:
                del self._locked_until[who]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        watched = path in self.paths or _under(path, self.prefixes)
        if (
            scope["type"] != "http"
            or not watched
            or (self.methods is not None and scope.get("method") not in self.methods)
        ):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.retry_after(client)
        if wait > 0:
            await _reply(
                send,
                429,
                f"too many failed logins; try again in {int(wait) + 1} s",
                [(b"retry-after", str(int(wait) + 1).encode())],
            )
            return
        status: list[int] = []

        async def watching_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        await self.app(scope, receive, watching_send)
        if status:
            code = status[0]
            failed = code in self.failure_statuses if self.failure_statuses is not None else 400 <= code < 500
            if failed:
                self.record(client, ok=False)
            elif code < 400:
                self.record(client, ok=True)


def guard_middleware(
    max_body_bytes: int = MAX_BODY_BYTES, skip_prefixes: Iterable[str] = (), **login_limits: Any
) -> list[Any]:
    """``[Middleware(BodySizeLimit), Middleware(LoginRateLimit)]`` for ``FastAPI(middleware=...)``."""
    from starlette.middleware import Middleware

    return [
        Middleware(BodySizeLimit, max_bytes=max_body_bytes, skip_prefixes=skip_prefixes),
        Middleware(LoginRateLimit, **login_limits),
    ]
