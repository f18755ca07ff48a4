"""Read a patient profile from JSON (text, bytes or a file) and turn every problem into a plain one-line message.

This is the edge where user input meets the strict models: a broken file, broken JSON or a bad field becomes
an ``InputError`` whose ``problems`` hold one line per bad field (``age: must be between 18 and 120 (got
150)``), never a traceback.
"""

from __future__ import annotations

import difflib
import json
import logging
import stat
from pathlib import Path
from typing import Any

from annotated_types import Ge, Le
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from cd38_guide.errors import InputError
from cd38_guide.rules.models import UNITS, PatientProfile

log = logging.getLogger(__name__)

MAX_BYTES = 1_000_000
"""A patient profile is a few hundred bytes; anything over 1 MB is the wrong file and is refused unread."""


class _DuplicateKey(ValueError):
    pass


def load_profile(source: str | Path | bytes) -> PatientProfile:
    """Parse and validate a patient profile.

    Args:
        source: a ``Path`` to a JSON file; ``bytes`` of JSON; or a ``str`` that is either JSON text (it starts
            with ``{`` or ``[``) or a file path.

    Raises:
        InputError: the file is missing, unreadable, over 1 MB or not UTF-8; the JSON is broken (line and
            column given); or fields are unknown, of the wrong type or out of range (one line each).
    """
    if isinstance(source, bytes):
        origin = "input"
        text = _decode(_limit(source, origin), origin)
    elif isinstance(source, Path):
        origin = str(source)
        text = _decode(_read_file(source), origin)
    elif isinstance(source, str):
        if source.lstrip().startswith(("{", "[")):
            origin = "input"
            text = _decode(_limit(source.encode("utf-8", "surrogatepass"), origin), origin)
        else:
            origin = source
            text = _decode(_read_file(Path(source)), origin)
    else:
        raise InputError(f"a patient profile must be JSON text or a file path, not {type(source).__name__}")
    return validate_profile(_parse_json(text, origin), origin)


def _limit(raw: bytes, origin: str) -> bytes:
    if len(raw) > MAX_BYTES:
        raise InputError(_too_big(origin, len(raw)))
    return raw


def _too_big(origin: str, size: int) -> str:
    return (
        f"{origin}: {size / 1_000_000:.1f} MB is too large for a patient profile (the limit is 1 MB); "
        "check that this is the right file"
    )


def _read_file(path: Path) -> bytes:
    """The file's bytes, refusing a directory, a missing file or one over the limit before reading it all."""
    try:
        if path.is_dir():
            raise InputError(f"{path}: is a directory; give the path of a patient JSON file")
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO with no writer would block the read for ever
            raise InputError(f"{path}: not a regular file (a pipe or device?); save the profile to a JSON file")
        if st.st_size > MAX_BYTES:
            raise InputError(_too_big(str(path), st.st_size))
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)  # the file may have grown since the stat
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; give the path of a patient JSON file or the JSON text") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err.strerror or err})") from None
    return _limit(raw, str(path))


def _decode(raw: bytes, origin: str) -> str:
    try:
        return raw.decode("utf-8-sig")  # tolerate a byte-order mark, as editors on Windows write one
    except UnicodeDecodeError as err:
        raise InputError(
            f"{origin}: not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start}); save the file as UTF-8"
        ) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed; give a number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _parse_json(text: str, origin: str) -> Any:
    if not text.strip():
        raise InputError(f'{origin}: empty; a patient profile is a JSON object such as {{"age": 72, "prior_lines": 2}}')
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        raise InputError(f"{origin}: not valid JSON at line {err.lineno}, column {err.colno}: {err.msg}") from None
    except _DuplicateKey as err:
        raise InputError(f"{origin}: duplicate field '{err.args[0]}'; give each field once") from None
    except ValueError as err:  # NaN / Infinity
        raise InputError(f"{origin}: not valid JSON: {err}") from None
    except RecursionError:
        raise InputError(f"{origin}: JSON nested too deeply; a patient profile is one flat object") from None


def validate_profile(data: object, origin: str = "patient profile") -> PatientProfile:
    """Validate already-parsed JSON (a dict) into a PatientProfile.

    Raises:
        InputError: with one line per bad field in ``problems``.
    """
    if not isinstance(data, dict):
        kind = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}.get(
            type(data), "null" if data is None else type(data).__name__
        )
        raise InputError(f"{origin}: a patient profile must be a JSON object {{...}}, not {kind}")
    try:
        return PatientProfile.model_validate(data)
    except ValidationError as err:
        problems = list(dict.fromkeys(describe_error(e) for e in err.errors()))
        log.debug("profile rejected with %d problems", len(problems))
        summary = problems[0] if len(problems) == 1 else f"{len(problems)} problems: " + "; ".join(problems)
        raise InputError(f"{origin}: invalid patient profile: {summary}", problems=problems) from None


# --- turning one pydantic error into one line ------------------------------------------------------------------


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model whose field the last element of ``loc`` names (None if the path leaves the models)."""
    model: type[BaseModel] = PatientProfile
    for part in loc:
        if isinstance(part, int):
            return None
        info = model.model_fields.get(part)
        ann = info.annotation if info else None
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return None
        model = ann
    return model


def _field(loc: tuple[int | str, ...]) -> FieldInfo | None:
    if not loc or not isinstance(loc[-1], str):
        return None
    model = _model_at(loc[:-1])
    return model.model_fields.get(loc[-1]) if model else None


def _bounds(info: FieldInfo | None) -> tuple[float | None, float | None]:
    lo = hi = None
    for m in info.metadata if info else ():
        if isinstance(m, Ge):
            lo = m.ge
        elif isinstance(m, Le):
            hi = m.le
    return lo, hi  # type: ignore[return-value]


def _unit(loc: tuple[int | str, ...]) -> str:
    unit = UNITS.get(str(loc[-1])) if loc else None
    if not unit:
        return ""
    return unit if unit == "%" else f" {unit}"


def _shown(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _range_text(loc: tuple[int | str, ...]) -> str:
    lo, hi = _bounds(_field(loc))
    unit = _unit(loc)
    if lo is not None and hi is not None:
        return f"between {lo:g} and {hi:g}{unit}"
    if lo is not None:
        return f"at least {lo:g}{unit}"
    return f"at most {hi:g}{unit}" if hi is not None else "in range"


def describe_error(e: ErrorDetails) -> str:
    """One plain line for one validation error: ``field: what is wrong (got value)``."""
    loc = tuple(e["loc"])
    path = _path(loc) or "profile"
    kind = e["type"]
    got = f"(got {_shown(e.get('input'))})"
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = sorted(model.model_fields) if model else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        hint = (
            f" (did you mean '{close[0]}'?)"
            if close
            else (f" (allowed: {', '.join(allowed)})" if len(allowed) <= 6 else "")
        )
        return f"unknown field '{path}'{hint}"
    if kind == "missing":
        return f"{path}: required ({_range_text(loc)})"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{path}: must be {_range_text(loc)} {got}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{path}: must be a whole number {got}"
    if kind in ("float_type", "float_parsing"):
        return f"{path}: must be a number{(' in' + _unit(loc)) if _unit(loc) else ''} {got}"
    if kind == "finite_number":
        return f"{path}: must be a finite number {got}"
    if kind in ("bool_type", "bool_parsing"):
        return f"{path}: must be true or false {got}"
    if kind == "literal_error":
        return f"{path}: must be one of {e.get('ctx', {}).get('expected', '')} {got}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{path}: must be a JSON object {{...}} {got}"
    if kind in ("tuple_type", "list_type"):
        return f"{path}: must be a list [...] {got}"
    if kind == "value_error":
        msg = e["msg"].removeprefix("Value error, ")
        return f"{path}: {msg}"
    return f"{path}: {e['msg']} {got}"
