"""Every sentence of a report as data: code -> English and Chinese text in ``messages.yaml``.

Rules emit a ``MessageRef`` (code + values); ``text`` writes it in a language, ``localize`` re-writes a whole Report
in Chinese without re-running the rules, and ``field_label`` names a profile field for a reader. Clinicians can
review and correct the wording in the YAML without reading code; a test checks that every code the rules can emit
has both languages and the same placeholders. The YAML ships with the package and is read once (it is part of the
ruleset, like the thresholds, not input), so the rules stay deterministic.
"""

from __future__ import annotations

import string
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml

from cd38_guide.errors import InputError
from cd38_guide.rules.models import MessageRef, Report

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")
_TERM_PARAMS = ("agent", "drug", "code", "trial", "method")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Any]:
    """The parsed ``messages.yaml``: ``terms``, ``fields`` and ``messages``, each code -> {en, zh}."""
    raw = resources.files("cd38_guide.rules").joinpath("messages.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(raw)
    return {key: data[key] for key in ("terms", "fields", "messages")}


def _lang(lang: str) -> Lang:
    if lang not in LANGS:
        raise InputError(f"language must be one of {', '.join(LANGS)} (got {lang!r})")
    return lang  # type: ignore[return-value]


def _fmt(value: str | int | float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _months(value: float, lang: Lang) -> str:
    if lang == "zh":
        return f"{_fmt(value)}个月"
    return f"{_fmt(value)} month" + ("" if value == 1 else "s")


def term(word: str, lang: str) -> str:
    """A drug or trial word in ``lang`` (the glossary's first zh row for drugs); unknown words pass through."""
    entry = catalogue()["terms"].get(word)
    return str(entry[_lang(lang)]) if entry else word


def field_label(name: str, lang: str) -> str:
    """A profile field path (``exposure.lenalidomide``) as a reader would name it in ``lang``."""
    entry = catalogue()["fields"].get(name)
    return str(entry[_lang(lang)]) if entry else name


def text(ref: MessageRef, lang: str = "en") -> str:
    """The sentence for ``ref`` in ``lang``.

    Raises:
        KeyError: the code is not in messages.yaml (a bug in a rule, caught by the tests).
    """
    lang = _lang(lang)
    template = catalogue()["messages"][ref.code][lang]
    values: dict[str, str] = {}
    for key, value in ref.params.items():
        if key == "months" and not isinstance(value, str):
            values[key] = _months(float(value), lang)
        elif key in _TERM_PARAMS and isinstance(value, str):
            values[key] = term(value, lang)
        else:
            values[key] = _fmt(value)
    out = template.format(**values)
    return out[:1].upper() + out[1:] if lang == "en" else out


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template uses (for the test that both languages agree)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def localize(report: Report, lang: str) -> Report:
    """The same report with every reason, flag message and field name written in ``lang``.

    Verdicts, codes and evidence are unchanged; only the sentences are. Call it with the interface language
    (the UI, handouts): ``localize(report, "zh")``.
    """
    lang = _lang(lang)

    def reasons(refs: tuple[MessageRef, ...], fallback: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(text(r, lang) for r in refs)) if refs else fallback

    regimens = tuple(
        r.model_copy(
            update={
                "reasons": reasons(r.reason_refs, r.reasons),
                "depends_on": tuple(field_label(f, lang) for f in r.depends_on),
            }
        )
        for r in report.regimens
    )
    flags = tuple(f.model_copy(update={"message": text(f.ref, lang)}) if f.ref else f for f in report.flags)
    anti = report.anti_cd38.model_copy(
        update={
            "reasons": reasons(report.anti_cd38.reason_refs, report.anti_cd38.reasons),
            "depends_on": tuple(field_label(f, lang) for f in report.anti_cd38.depends_on),
        }
    )
    frailty = report.frailty.model_copy(update={"missing": tuple(field_label(f, lang) for f in report.frailty.missing)})
    return report.model_copy(
        update={
            "regimens": regimens,
            "flags": flags,
            "anti_cd38": anti,
            "frailty": frailty,
            "unknown": tuple(field_label(f, lang) for f in report.unknown),
        }
    )
