"""The patient form as data: one spec per profile field, the form values <-> profile dict, and where each
validation message goes (beside its field).

An empty widget means unknown and the field is left out of the profile, so the rules core never assumes a value.
Numbers are passed through as typed (72.5 for an age stays 72.5) so the rules core's own message reports it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["int", "float", "choice_int", "choice", "radio", "bool", "multi"]

DRUG_STATUSES = ("unknown", "naive", "exposed", "refractory")
"""A drug's history; "unknown" (the default) is left out of the profile, never read as "never given"."""
YES_NO = ("unknown", "no", "yes")
"""A yes/no fact; "unknown" (the default) is left out, since an unticked box cannot tell "no" from "not asked"."""
CYTOGENETICS = ("del17p", "t(4;14)", "t(14;16)", "gain1q", "amp1q")


@dataclass(frozen=True)
class FieldSpec:
    """One form field: its profile path, widget kind, label key and (for choices) the allowed values."""

    path: str
    kind: Kind
    label: str
    choices: tuple[Any, ...] = ()
    default: Any = None
    required: bool = False
    unit_info: bool = False


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("age", "int", "age"),  # every field may be unknown: the report says what its verdicts rest on
    FieldSpec("prior_lines", "int", "prior_lines"),
    FieldSpec("ecog", "choice_int", "ecog", choices=(0, 1, 2, 3, 4)),
    FieldSpec("charlson", "int", "charlson", unit_info=True),
    FieldSpec("adl", "choice_int", "adl", choices=tuple(range(7))),
    FieldSpec("iadl", "choice_int", "iadl", choices=tuple(range(9))),
    FieldSpec("exposure.lenalidomide", "radio", "lenalidomide", choices=DRUG_STATUSES, default="unknown"),
    FieldSpec("exposure.pomalidomide", "radio", "pomalidomide", choices=DRUG_STATUSES, default="unknown"),
    FieldSpec("exposure.bortezomib", "radio", "bortezomib", choices=DRUG_STATUSES, default="unknown"),
    FieldSpec("exposure.carfilzomib", "radio", "carfilzomib", choices=DRUG_STATUSES, default="unknown"),
    FieldSpec("anti_cd38.status", "radio", "cd38_status", choices=DRUG_STATUSES, default="unknown"),
    FieldSpec("anti_cd38.agent", "choice", "cd38_agent", choices=("daratumumab", "isatuximab")),
    FieldSpec("anti_cd38.months_since_last_dose", "float", "cd38_months", unit_info=True),
    FieldSpec("cytogenetics", "multi", "cytogenetics", choices=CYTOGENETICS, default=()),
    FieldSpec("crcl_ml_min", "float", "crcl", unit_info=True),
    FieldSpec("heart_failure_nyha", "choice_int", "nyha", choices=(0, 1, 2, 3, 4)),
    FieldSpec("lvef_percent", "float", "lvef", unit_info=True),
    FieldSpec("uncontrolled_hypertension", "bool", "htn", choices=YES_NO, default="unknown"),
    FieldSpec("neuropathy_grade", "choice_int", "neuropathy", choices=(0, 1, 2, 3, 4), default=0),
    FieldSpec("anc", "float", "anc", unit_info=True),
    FieldSpec("platelets", "float", "platelets", unit_info=True),
    FieldSpec(
        "hbv",
        "choice",
        "hbv",
        choices=("negative", "hbsag_positive", "anti_hbc_positive", "unknown"),
        default="unknown",
    ),
    FieldSpec("igg_mg_dl", "float", "igg", unit_info=True),
    FieldSpec("recurrent_infections", "bool", "infections", choices=YES_NO, default="unknown"),
)
PATHS: tuple[str, ...] = tuple(f.path for f in FIELDS)

# Choice labels per language: value -> (en, zh). Values stay the same in both languages.
CHOICE_LABELS: dict[str, dict[Any, tuple[str, str]]] = {
    "ecog": {
        0: ("0 - fully active", "0 - 活动完全正常"),
        1: ("1 - restricted in strenuous activity", "1 - 剧烈活动受限"),
        2: ("2 - ambulatory, no work; up >50% of day", "2 - 可自理，不能工作；日间卧床<50%"),
        3: ("3 - limited self-care; in bed >50%", "3 - 生活部分自理；日间卧床>50%"),
        4: ("4 - completely disabled", "4 - 完全失能"),
    },
    "heart_failure_nyha": {
        0: ("0 - no heart failure", "0 - 无心衰"),
        1: ("I", "I 级"),
        2: ("II", "II 级"),
        3: ("III", "III 级"),
        4: ("IV", "IV 级"),
    },
    "neuropathy_grade": {
        0: ("0 - none", "0 - 无"),
        1: ("1", "1 级"),
        2: ("2", "2 级"),
        3: ("3", "3 级"),
        4: ("4", "4 级"),
    },
    "bool": {"unknown": ("unknown", "未知"), "no": ("no", "否"), "yes": ("yes", "是")},
    "drug": {
        "unknown": ("unknown", "未知"),
        "naive": ("never given", "未用过"),
        "exposed": ("exposed", "用过（非难治）"),
        "refractory": ("refractory", "难治"),
    },
    "anti_cd38.agent": {"daratumumab": ("daratumumab", "达雷妥尤单抗"), "isatuximab": ("isatuximab", "艾沙妥昔单抗")},
    "hbv": {
        "negative": ("negative", "阴性"),
        "hbsag_positive": ("HBsAg positive", "HBsAg 阳性"),
        "anti_hbc_positive": ("anti-HBc positive (HBsAg negative)", "抗-HBc 阳性（HBsAg 阴性）"),
        "unknown": ("unknown / not tested", "未知 / 未检测"),
    },
}
UNKNOWN = ""
"""The dropdown value that means unknown (the field is left out of the profile)."""


def choices_for(spec: FieldSpec, lang: str) -> list[tuple[str, Any]]:
    """(label, value) pairs for a choice widget in ``lang``; optional dropdowns start with 'unknown'."""
    li = 1 if lang == "zh" else 0
    table = CHOICE_LABELS[spec.kind] if spec.kind in ("drug", "bool") else CHOICE_LABELS.get(spec.path, {})
    if spec.kind == "radio":
        table = CHOICE_LABELS["drug"]
    pairs = [(table[v][li] if v in table else str(v), v if spec.kind != "choice_int" else str(v)) for v in spec.choices]
    if spec.kind in ("choice", "choice_int") and spec.default is None:
        pairs.insert(0, ("unknown" if lang != "zh" else "未知", UNKNOWN))
    return pairs


def parse_number(text: Any) -> int | float | None:
    """A number typed in a box, as JSON would carry it ("72" -> 72, "1.8" or "1,8" -> 1.8, "" -> None).

    Raises:
        ValueError: the text is not a finite number.
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, bool):
        raise ValueError(text)
    if isinstance(text, (int, float)):
        value: float = float(text)
    else:
        value = float(str(text).strip().replace(",", "."))
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return int(value) if value.is_integer() else value


def _number_text(v: Any) -> str:
    """A profile number as the text of its box; anything else (a wrong type from a file) leaves the box empty."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return ""
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(float(v))


def values_to_profile(values: Sequence[Any]) -> tuple[dict[str, Any], list[str]]:
    """The profile dict for the form values (in ``FIELDS`` order), empty widgets left out, and a problem line
    for each number box holding something that is not a number."""
    out: dict[str, Any] = {}
    problems: list[str] = []
    for spec, value in zip(FIELDS, values, strict=True):
        if spec.kind in ("int", "float"):
            try:
                value = parse_number(value)
            except ValueError:
                shown = str(value) if len(str(value)) <= 40 else str(value)[:37] + "..."
                problems.append(f"{spec.path}: must be a number (got {shown!r}); leave it empty if unknown")
                continue
            if value is None:
                continue
        elif spec.kind == "choice_int":
            if value in (None, UNKNOWN):
                continue
            value = int(value)
        elif spec.kind == "choice":
            if value in (None, UNKNOWN):
                continue
        elif spec.kind == "multi":
            value = list(value or [])
            if not value:
                continue
        elif spec.kind == "bool":
            if value in (None, "", "unknown"):
                continue
            value = value is True or value == "yes"
        elif spec.kind == "radio":
            value = value or spec.default
            if value == "unknown":  # not stated: left out, so the rules core treats it as unknown
                continue
        head, _, tail = spec.path.partition(".")
        if tail:
            out.setdefault(head, {})[tail] = value
        else:
            out[head] = value
    return out, problems


def _get(data: Mapping[str, Any], path: str) -> Any:
    head, _, tail = path.partition(".")
    value = data.get(head)
    if tail:
        return value.get(tail) if isinstance(value, Mapping) else None
    return value


def profile_to_values(data: Mapping[str, Any]) -> list[Any]:
    """Form values for a (possibly invalid) profile dict; a value the widget cannot hold becomes its default."""
    out: list[Any] = []
    for spec in FIELDS:
        v = _get(data, spec.path)
        if spec.kind in ("int", "float"):
            out.append(_number_text(v))
        elif spec.kind == "choice_int":
            ok = isinstance(v, int) and not isinstance(v, bool) and v in spec.choices
            out.append(str(v) if ok else (str(spec.default) if spec.default is not None else UNKNOWN))
        elif spec.kind == "choice":
            out.append(v if v in spec.choices else (spec.default if spec.default is not None else UNKNOWN))
        elif spec.kind == "radio":
            out.append(v if v in spec.choices else spec.default)
        elif spec.kind == "multi":
            out.append([x for x in v if x in spec.choices] if isinstance(v, list) else [])
        else:
            out.append(("no", "yes")[v] if isinstance(v, bool) else spec.default)
    return out


def default_values() -> list[Any]:
    """An empty form (everything unknown or at its default)."""
    return profile_to_values({})


EXAMPLE_PROFILE: dict[str, Any] = {
    "age": 77,
    "prior_lines": 2,
    "ecog": 1,
    "charlson": 2,
    "adl": 6,
    "iadl": 7,
    "exposure": {
        "lenalidomide": "refractory",
        "pomalidomide": "naive",
        "bortezomib": "exposed",
        "carfilzomib": "naive",
    },
    "anti_cd38": {"status": "refractory", "agent": "daratumumab", "months_since_last_dose": 9},
    "cytogenetics": ["gain1q"],
    "crcl_ml_min": 45,
    "heart_failure_nyha": 0,
    "lvef_percent": 55,
    "neuropathy_grade": 1,
    "anc": 1.8,
    "platelets": 140,
    "hbv": "anti_hbc_positive",
    "igg_mg_dl": 350,
    "uncontrolled_hypertension": False,
    "recurrent_infections": True,
}
"""A worked example for the 'Load example patient' button."""


def inputs_markdown(profile: Mapping[str, Any], lang: str = "en") -> str:
    """The patient's inputs as a Markdown list (every form field; an empty one is written as unknown), so an
    exported report says what its verdicts rest on."""
    from cd38_guide.ui.i18n import t

    li = 1 if lang == "zh" else 0
    unknown = ("unknown (not given)", "未知（未填写）")[li]
    lines = [("### Patient inputs", "### 患者输入")[li], ""]
    for spec in FIELDS:
        v = _get(profile, spec.path)
        if v is None or v == []:
            shown = unknown
        elif spec.kind == "bool":
            shown = ("yes", "是")[li] if v else ("no", "否")[li]
        elif spec.kind == "multi":
            shown = ", ".join(str(x) for x in v)
        elif spec.kind in ("int", "float"):
            shown = _number_text(v)
        else:
            table = CHOICE_LABELS["drug"] if spec.kind == "radio" else CHOICE_LABELS.get(spec.path, {})
            shown = table[v][li] if v in table else str(v)
        lines.append(f"- **{t(spec.label, lang)}{'：' if li else ':'}** {shown}")
    return "\n".join(lines) + "\n"


def route_problems(problems: Sequence[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Send each validation line to its field: ({path: [lines]}, lines that belong to no single field).

    A line starts with the field path ("anti_cd38.months_since_last_dose: ...", "cytogenetics[0]: ..."); a line
    about a group ("anti_cd38: ...") goes to the group's first field.
    """
    by_field: dict[str, list[str]] = {}
    general: list[str] = []
    for line in problems:
        head = line.split(":", 1)[0].strip() if ":" in line else ""
        path = head.split("[", 1)[0]
        target = path if path in PATHS else next((p for p in PATHS if path and p.startswith(path + ".")), None)
        if target is None:
            general.append(line)
        else:
            by_field.setdefault(target, []).append(line)
    return by_field, general
