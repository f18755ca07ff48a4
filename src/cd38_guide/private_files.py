"""A private per-process folder for files that hold patient data (report and leaflet exports, Gradio's copies).

The folder is made 0700 on first use under the system temporary directory and removed when the process exits
(``atexit``; ``serve`` turns SIGTERM into a normal exit so that this runs). Files are written 0600.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path

_lock = threading.Lock()
_dir: Path | None = None


def private_dir() -> Path:
    """This process's private folder (0700), created once and removed at exit."""
    global _dir
    with _lock:
        if _dir is None or not _dir.is_dir():
            _dir = Path(tempfile.mkdtemp(prefix=f"cd38-guide-{os.getpid()}-"))  # mkdtemp makes it 0700
            atexit.register(shutil.rmtree, _dir, ignore_errors=True)
        return _dir


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as a 0600 file, atomically (temporary name, then rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
