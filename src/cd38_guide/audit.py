"""Optional audit log: one JSON line per answered question or checked patient, appended and fsynced.

Off unless ``CD38_GUIDE_AUDIT`` names a file. Each record carries the UTC time, the event (``ask`` or
``check``), the passage ids cited, whether the answer abstained and the latency. A question is logged as the
SHA-256 of its normalised text (the answer's ``question`` field) unless ``CD38_GUIDE_AUDIT_TEXT=1``; a patient
profile is never logged unless ``CD38_GUIDE_AUDIT_PATIENT=1``.

Each record is one ``os.write`` on an ``O_APPEND`` descriptor followed by ``os.fsync``, so concurrent writers
never interleave inside a line and a crash can at worst cut the last line short. Writing never raises into
the caller: an I/O error is a logged warning, and the answer or report is still returned.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cd38_guide.rules.models import PatientProfile, Report
    from cd38_guide.types import Answer

log = logging.getLogger(__name__)

ENV_PATH = "CD38_GUIDE_AUDIT"
ENV_TEXT = "CD38_GUIDE_AUDIT_TEXT"
ENV_PATIENT = "CD38_GUIDE_AUDIT_PATIENT"
_TRUE = {"1", "true", "yes", "on"}


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def audit_path() -> str | None:
    """The audit file from ``CD38_GUIDE_AUDIT``, or None when auditing is off (read on every call)."""
    return os.environ.get(ENV_PATH) or None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def append_record(path: str, record: dict[str, Any]) -> bool:
    """Append ``record`` as one JSON line with a single write, then fsync; False (and a warning) on failure."""
    try:
        data = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        # 0600: the log may hold question text or a profile when those are enabled.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            written = os.write(fd, data)
            if written != len(data):
                raise OSError(f"short write ({written} of {len(data)} bytes)")
            os.fsync(fd)
        finally:
            os.close(fd)
    except (OSError, ValueError, TypeError) as err:
        log.error("audit log %s not written (%s); this %s event is not recorded", path, err, record.get("event"))
        return False
    return True


def record_ask(answer: Answer) -> bool:
    """Log one answered question when auditing is on; True when a record was written."""
    path = audit_path()
    if path is None:
        return False
    record: dict[str, Any] = {"time": _now(), "event": "ask"}
    if _flag(ENV_TEXT):
        record["question"] = answer.question
    else:
        record["question_sha256"] = hashlib.sha256(answer.question.encode("utf-8")).hexdigest()
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
