"""``cd38-guide api``: serve the REST API and CDS Hooks with uvicorn, in one process or N worker processes.

Each worker loads the model, corpus and index once (the index on disk is read-only, so workers share the files
and the page cache, not the Python heap). Nothing else is held between requests: the only state is the audit
log (``CD38_GUIDE_AUDIT``, appended with single O_APPEND writes, so workers may share one file).
"""

from __future__ import annotations

import logging
from typing import Any

from cd38_guide.api.guards import credentials_from_env
from cd38_guide.web_guard import check_port_free, login_credentials

log = logging.getLogger(__name__)


def worker_app() -> Any:
    """The app of one worker process (uvicorn's factory): loads and warms the Assistant before serving."""
    import os

    import psutil

    from cd38_guide.api.app import create_app
    from cd38_guide.api.service import ApiService

    service = ApiService().warm()
    log.info(
        "worker %d ready: index %s, RSS %.0f MB",
        os.getpid(),
        service.assistant.index.manifest.build_id,
        psutil.Process().memory_info().rss / 2**20,
    )
    return create_app(service, credentials=credentials_from_env())


def run(host: str = "127.0.0.1", port: int = 7861, workers: int = 1, insecure: bool = False) -> None:
    """Serve until interrupted.

    Raises:
        InputError: a non-loopback host without CD38_GUIDE_USER / CD38_GUIDE_PASSWORD and without ``insecure``;
            ``workers`` below 1.
    """
    import uvicorn

    from cd38_guide.errors import InputError

    if workers < 1:
        raise InputError(f"--workers must be at least 1 (got {workers})")
    login_credentials(host, insecure)  # refuses a non-loopback host without login, and blank or half-set logins
    check_port_free(host, port)
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "warning", "proxy_headers": True}
    if workers == 1:
        uvicorn.run(worker_app(), **options)
    else:
        # an import string, so each worker process builds its own app (and loads the index once)
        uvicorn.run("cd38_guide.api.server:worker_app", factory=True, workers=workers, **options)
