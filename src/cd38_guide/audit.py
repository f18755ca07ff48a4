"""Optional audit log: one JSON line per answered question or checked patient, appended and fsynced.

Off unless ``CD38_GUIDE_AUDIT`` names a file. Each record carries the UTC time, the event (``ask`` or
``check``), the passage ids cited, whether the answer abstained and the latency. A question is logged as the
HMAC-SHA256 of its normalised text (the answer's ``question`` field) under a per-install secret key
(``$CD38_GUIDE_HOME/audit.key``, made on first use, 0600), so a templated question cannot be recovered by
trying variants; ``CD38_GUIDE_AUDIT_TEXT=1`` logs the text instead. A patient profile is never logged unless
``CD38_GUIDE_AUDIT_PATIENT=1``.

The file is opened with ``O_NOFOLLOW`` (a symlink is refused) and kept at 0600, even when it existed with wider
permissions. Each record is one ``os.write`` under an exclusive ``flock`` on an ``O_APPEND`` descriptor, then
``os.fsync``: concurrent writers never interleave inside a line, and when the file ends in a record cut short
(SIGKILL mid-write, disk full) the next record starts on a fresh line, so only the cut one is lost.

By default writing never raises into the caller: an I/O error is a logged error and the answer or report is
still returned. With ``CD38_GUIDE_AUDIT_REQUIRED=1`` an unwritable log raises AuditError instead, so nothing is
answered that is not recorded.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cd38_guide.errors import AuditError

if TYPE_CHECKING:
    from cd38_guide.rules.models import PatientProfile, Report
    from cd38_guide.types import Answer

log = logging.getLogger(__name__)

ENV_PATH = "CD38_GUIDE_AUDIT"
ENV_TEXT = "CD38_GUIDE_AUDIT_TEXT"
ENV_PATIENT = "CD38_GUIDE_AUDIT_PATIENT"
ENV_REQUIRED = "CD38_GUIDE_AUDIT_REQUIRED"
KEY_NAME = "audit.key"
_TRUE = {"1", "true", "yes", "on"}


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def audit_path() -> str | None:
    """The audit file from ``CD38_GUIDE_AUDIT``, or None when auditing is off (read on every call)."""
    return os.environ.get(ENV_PATH) or None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _home() -> Path:
    from cd38_guide.config import _default_home

    return Path(os.environ.get("CD38_GUIDE_HOME") or _default_home())


def secret_key(home: Path | None = None) -> bytes:
    """The per-install HMAC key (32 random bytes in ``<home>/audit.key``, 0600), created on first use.

    Raises:
        OSError: the key cannot be read or created (a symlink is refused).
    """
    path = (home or _home()) / KEY_NAME
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{KEY_NAME}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            os.write(fd, secrets.token_bytes(32))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # atomic and never overwrites: a concurrent first use keeps one key
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        key = os.read(fd, 64)
    finally:
        os.close(fd)
    if len(key) < 32:
        raise OSError(f"audit key {path} is shorter than 32 bytes; delete it to make a new one")
    return key


def question_digest(question: str, key: bytes) -> str:
    """HMAC-SHA256 of the question under the install's secret key (hex)."""
    return hmac.new(key, question.encode("utf-8"), hashlib.sha256).hexdigest()


def _write_line(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError("not a regular file")
        if stat.S_IMODE(st.st_mode) & 0o077:
            os.fchmod(fd, 0o600)  # the log may hold question text or a profile when those are enabled
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data  # the last record was cut short: do not merge into it
            written = os.write(fd, data)
            if written != len(data):
                raise OSError(f"short write ({written} of {len(data)} bytes)")
            os.fsync(fd)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def append_record(path: str, record: dict[str, Any]) -> bool:
    """Append ``record`` as one JSON line with a single write, then fsync; False (and an error logged) on failure.

    Raises:
        AuditError: the record could not be written and ``CD38_GUIDE_AUDIT_REQUIRED`` is set.
    """
    try:
        data = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        _write_line(path, data)
    except (OSError, ValueError, TypeError) as err:
        return _not_written(path, record.get("event"), err)
    return True


def _not_written(path: str, event: object, err: Exception) -> bool:
    """Log the failure; raise AuditError instead when the log is required."""
    reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
    log.error("audit log %s not written (%s); this %s event is not recorded", path, reason, event)
    if _flag(ENV_REQUIRED):
        raise AuditError(
            f"the audit log {path} cannot be written ({reason}) and {ENV_REQUIRED} is set, so nothing is "
            "answered; fix the log file or its folder"
        )
    return False


def record_ask(answer: Answer) -> bool:
    """Log one answered question when auditing is on; True when a record was written."""
    path = audit_path()
    if path is None:
        return False
    record: dict[str, Any] = {"time": _now(), "event": "ask"}
    if _flag(ENV_TEXT):
        record["question"] = answer.question
    else:
        try:
            record["question_hmac"] = question_digest(answer.question, secret_key())
        except OSError as err:  # no key, no record: an unkeyed hash could be reversed by trying variants
            return _not_written(path, "ask", err)
    record.update(
        passages=[c.passage_id for c in answer.citations],
        abstained=answer.abstained,
        latency_ms=round(answer.latency_ms, 3),
    )
    return append_record(path, record)


def record_check(profile: PatientProfile, report: Report, latency_ms: float) -> bool:
    """Log one patient check when auditing is on: the passages the report cites; the profile only if enabled."""
    path = audit_path()
    if path is None:
        return False
    evidence = [report.frailty.evidence, report.anti_cd38.evidence]
    evidence += [r.evidence for r in report.regimens] + [f.evidence for f in report.flags]
    cited = {pid for ids in evidence for pid in ids}
    record: dict[str, Any] = {
        "time": _now(),
        "event": "check",
        "passages": sorted(cited),
        "abstained": False,
        "latency_ms": round(latency_ms, 3),
        "ruleset_version": report.ruleset_version,
    }
    if _flag(ENV_PATIENT):
        record["profile"] = profile.model_dump(mode="json")
    return append_record(path, record)
