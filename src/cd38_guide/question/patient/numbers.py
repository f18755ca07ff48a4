"""Numbers, units and durations as clinicians type them, converted or refused, never guessed.

"1,200" is twelve hundred (then refused as a creatinine clearance); "8,5" is refused (a decimal comma or a
typo?); "0.5 mL/s" is 30 mL/min; "800/µL" is 0.8 x10^9/L; "2 months and 3 weeks" is 2.7 months; "-5 months" is
refused. Chinese and Japanese numerals and units ("两个月", "半年", "3か月") are read too.
"""

from __future__ import annotations

import re

WORDS: dict[str, float] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12, "半": 0.5,
}  # fmt: skip

NUMBER = r"(?:(?<![0-9a-z])-\s?)?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)"
"""A written number: thousands separators, a decimal point, or a comma decimal (refused later)."""

_WORD_NUM = "|".join(sorted((re.escape(w) for w in WORDS), key=len, reverse=True))
_UNIT = (
    r"(?P<u>months?|mos?\b|mths?|weeks?|wks?\b|years?|yrs?\b|days?|个月|月|周|星期|年|天|か月|ヶ月|カ月|ヵ月|"
    r"ヶ月間|か月間|週間|週|日)"
)
_ONE = (
    rf"(?:(?P<lo>\d+(?:\.\d+)?)\s*(?:-|to|~|至|到)\s*)?"
    rf"(?P<n>{NUMBER}|(?<![a-z])(?:{_WORD_NUM})(?![a-z]))\s*(?:half\s+)?(?:a\s+)?{_UNIT}"
)
DURATION = re.compile(
    rf"{_ONE}(?:\s*(?:and|,)?\s*(?P<n2>\d+(?:\.\d+)?|{_WORD_NUM})\s*(?P<u2>weeks?|wks?|周|週間|週|days?|天|日))?"
)
"""One duration, optionally with a smaller second part ("2 months and 3 weeks", "2个月3周")."""

_DAYS_PER_MONTH = 30.4375


class Refused(ValueError):
    """A value that cannot be read safely; the message says why, in plain words."""


def number(text: str) -> float:
    """A written number as a float.

    Raises:
        Refused: a decimal comma ("8,5"), which may be 8.5 or a typo for 85.
    """
    raw = text.replace(" ", "")
    negative = raw.startswith("-")
    raw = raw.lstrip("-")
    if raw in WORDS:
        value = WORDS[raw]
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        value = float(raw.replace(",", ""))
    elif re.fullmatch(r"\d+,\d{1,2}", raw):
        raise Refused(f"'{text.strip()}' has a decimal comma; write it with a point")
    else:
        value = float(raw)
    return -value if negative else value


def _to_months(value: float, unit: str) -> float:
    if unit.startswith(("week", "wk", "周", "星期", "週")):
        return value * 7 / _DAYS_PER_MONTH
    if unit.startswith(("year", "yr", "年")):
        return value * 12
    if unit.startswith(("day", "天", "日")):
        return value / _DAYS_PER_MONTH
    return value


def duration_months(m: re.Match[str]) -> float:
    """The months a DURATION match stands for, rounded to 0.1.

    Raises:
        Refused: a negative duration, or a decimal comma.
    """
    value = number(m.group("lo") or m.group("n"))  # a range ("2-3 months ago"): the more recent end
    if value < 0:
        raise Refused(f"a negative time ('{m.group(0).strip()}')")
    months = _to_months(value, m.group("u"))
    if m.group("n2"):
        months += _to_months(number(m.group("n2")), m.group("u2"))
    return round(months, 1)


def fmt(value: float) -> str:
    """45.0 -> '45', 0.75 -> '0.75'."""
    return f"{value:g}"
