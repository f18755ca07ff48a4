"""One exception family for every error a user can cause or fix; each message is safe to show as is."""

from __future__ import annotations


class Cd38GuideError(Exception):
    """Base class: the CLI prints ``str(err)`` on one line and exits 2; the UI shows it as gr.Error."""

    exit_code = 2


class InputError(Cd38GuideError):
    """A question, patient profile or file argument the user supplied is not acceptable.

    ``problems`` lists one human-readable line per bad field (``field: what is wrong; how to fix``).
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = list(problems or [])
        super().__init__(message)

    @property
    def lines(self) -> list[str]:
        """Every line to show: the problems when there are any, else the message."""
        return self.problems or [str(self)]


class CorpusError(Cd38GuideError):
    """A corpus file is malformed; names the file and, where known, the line."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = ""
        if path:
            where = f"{path}:{line}: " if line else f"{path}: "
        super().__init__(f"{where}{message}")


class IndexStateError(Cd38GuideError):
    """The on-disk index is missing, stale, corrupted or locked; the message says how to rebuild."""


class ModelError(Cd38GuideError):
    """The bundled embedding model is absent or its weights do not match the expected hash."""


class AuditError(Cd38GuideError):
    """The audit log cannot be written while ``CD38_GUIDE_AUDIT_REQUIRED`` is set: nothing is answered."""
