"""A status page on the app's address while the model and index load: a clinician who opens the link early reads
what is happening (and how far the index build is) instead of a connection error; the page reloads itself and
becomes the app once it is ready.

It answers every request with 503 and ``Retry-After`` (so a health check keeps waiting), says nothing about the
corpus or any user, and is closed before the app binds the same port.
"""

from __future__ import annotations

import html
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REFRESH_S = 3


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class StartingPage:
    """``with StartingPage(host, port) as page: ... page.progress(done, total) ...``; closed on exit."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.status = ("Loading the model and the index...", "正在载入模型和索引……")
        self._server: _Server | None = None

    def progress(self, done: int, total: int) -> None:
        """Show how far the index build is (the ``progress`` callback of ``build_index``)."""
        self.status = (
            f"Building the search index: {done} of {total} texts (about a minute, once).",
            f"正在构建检索索引：{done}/{total}（约一分钟，仅首次）。",
        )

    def body(self) -> bytes:
        en, zh = (html.escape(s) for s in self.status)
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="{REFRESH_S}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1"><title>cd38-guide: starting</title>'
            "<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;"
            "color:#1f2937;line-height:1.5}</style></head><body>"
            f'<h1>cd38-guide</h1><p id="status">{en}</p><p lang="zh">{zh}</p>'
            "<p>This page reloads itself and opens the app when it is ready.</p>"
            '<p lang="zh">就绪后本页会自动打开应用。</p>'
            "</body></html>"
        ).encode()

    def __enter__(self) -> StartingPage:
        page = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, with_body: bool) -> None:
                body = page.body()
                self.send_response(503)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Retry-After", str(REFRESH_S))
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if with_body:
                    self.wfile.write(body)

            def do_GET(self) -> None:
                self._answer(True)

            def do_HEAD(self) -> None:
                self._answer(False)

            def log_message(self, format: str, *args: Any) -> None:  # requests are not logged
                return

        server_class: type[_Server] = _Server
        if ":" in self.host:
            server_class = type("_Server6", (_Server,), {"address_family": socket.AF_INET6})
        try:
            self._server = server_class((self.host, self.port), Handler)
        except OSError:  # the port is taken: the app's own launch will say so
            self._server = None
            return self
        threading.Thread(target=self._server.serve_forever, name="cd38-starting-page", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
