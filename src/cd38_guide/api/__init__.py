"""The versioned REST API (/v1) and the CDS Hooks routes, as a FastAPI app (imported only by the CLI and serve)."""

from __future__ import annotations

from cd38_guide.api.app import create_app, mount_kwargs
from cd38_guide.api.service import ApiService

__all__ = ["ApiService", "create_app", "mount_kwargs"]
