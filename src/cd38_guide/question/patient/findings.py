"""Everything but drugs: age, prior lines, frailty inputs, cytogenetics (with negation), organ function, counts
(with units), hepatitis B, IgG and infections.

A number counts as the patient's value only right after its name ("CrCl 35", "肌酐清除率 35 ml/min"); "CrCl below
30" is a threshold in a question. Units are converted (mL/s, /µL, G/L, g/L) and an implausible value is refused
with a note, never clamped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from cd38_guide.question.patient.numbers import NUMBER, WORDS, Refused, fmt, number

_GAP = r"\s*(?:of|is|was|=|:|at|only|about|~)?\s*"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_THRESHOLD_AGE = re.compile(
    r"(?:over|above|under|older than|younger than|at least|>|≥|<|≤)\s*$"
    r"|^\s*(?:years?\s+)?(?:or|and)\s+(?:older|over|above|younger)|^\s*\+"
    r"|^\s*(?:岁|歳)?\s*(?:以上|以下|及以上|或以上)"
)
_AGE = (
    re.compile(r"(?<![\d.])(\d{2,3}(?:\.\d)?)[\s-]*(?:years?|yrs?|y)[\s-]*old\b"),
    re.compile(r"(?<![\d.])(\d{2,3})\s*(?:yo|y/o|y\.o\.|yrs?)(?![a-z])"),
    re.compile(r"(?<![\d.a-z])(\d{2})(?:m|f)(?![a-z0-9])"),
    re.compile(r"\b(?:patient|pt)\s*(?:is|,)?\s*(\d{2,3})\b(?!\s*(?:mg|ml|%|months?|weeks?|years? ago))"),
    re.compile(r"(?<![\d.])(\d{2,3}(?:\.\d)?)\s*(?:岁|歳)"),
    re.compile(r"(?:年龄|年齢)\s*:?\s*(\d{2,3})"),
    re.compile(r"\baged?\s*:?\s*(\d{2,3})\b"),
    re.compile(r"\b(?:patient|pt|man|woman|male|female)\s+(?:of|aged)\s+(\d{2,3})\b"),
    re.compile(r"\b(?:patient|pt|man|woman|male|female|lady|gentleman)\s*\((\d{2,3})\)"),
)
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "2nd": 2, "3rd": 3, "4th": 4}
_ZH_NUM = r"(\d+|[一二两三四五六七八九十])"
_CYTO: dict[str, str] = {
    "del17p": r"del\s*\(?\s*17p\s*\)?|17p\s*(?:deletion|del|缺失|欠失)|deletion\s+(?:of\s+)?17p",
    "t(4;14)": r"t\s*\(\s*4\s*;\s*14\s*\)",
    "t(14;16)": r"t\s*\(\s*14\s*;\s*16\s*\)",
    "amp1q": r"amp(?:lification|lified)?\s*(?:of\s*)?\(?\s*1q(?:21)?\)?|1q(?:21)?\s*(?:amplification|amp|扩增|増幅)",
    "gain1q": r"gain\s*(?:of\s*)?\(?\s*1q(?:21)?\)?|\+\s*1q(?:21)?\b|1q(?:21)?\s*(?:gain|获得|\+)",
}
_NEG_BEFORE = re.compile(r"(?:\bno|\bwithout|negative\s+for|absence\s+of|\bnot|无|未见|没有|なし)\s*$")
_NEG_AFTER = re.compile(r"^\s*(?:negative|neg\b|-(?![\d])|阴性|陰性|absent|not\s+detected|なし)")


def _first(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    for rx in patterns:
        for m in rx.finditer(text):
            if not (
                _THRESHOLD_AGE.search(text[max(0, m.start() - 14) : m.start()])
                or _THRESHOLD_AGE.search(text[m.end(1) : m.end(1) + 14])
            ):
                return m
    return None


def read_age(text: str, got: dict[str, Any], notes: list[str]) -> None:
    m = _first(_AGE, text)
    if m is None:
        return
    value = float(m.group(1))
    if not 18 <= value <= 120:
        got.setdefault("refused", []).append("age")
        notes.append(f"Age {fmt(value)} is not plausible; not used.")
        return
    got["age"] = int(value)  # completed years: 72.9 -> 72
    if value != int(value):
        notes.append(f"Age {fmt(value)} read as {int(value)} completed years.")


def read_lines(text: str, got: dict[str, Any]) -> None:
    words = "|".join(w for w in WORDS if w.isascii() and len(w) > 2)
    m = re.search(
        rf"(?<![-\d≥≤<>~])(?<!least )(?<![0-9a-z.])(\d+|{words})\s+"
        r"(?:prior\s+|previous\s+)?(?:lines?|regimens?)\b(?!\s*-(?!\s))",  # not "2 lines->"; "2 lines - which?" is
        text,
    )
    n: int | None = None
    colon = re.search(r"(?:prior\s+)?lines?(?:\s+of\s+therapy)?\s*[:=]\s*(\d{1,2})\b", text)
    if m:
        n = int(number(m.group(1)))
    elif colon:
        n = int(colon.group(1))
    elif (
        o := re.search(
            r"\b(second|third|fourth|fifth|sixth|2nd|3rd|4th)[\s-]+(line\s+(?:therapy|treatment|options?)|relapse)",
            text,
        )
    ) is not None:
        # "third-line therapy" is being chosen, so 2 came before; "Kd in second line" says nothing of the count.
        n = _ORDINAL[o.group(1)] - o.group(2).startswith("line")
    elif re.search(r"\b(?:first|1st)\s+relapse\b|首次复发|初回再発", text):
        n = 1
    elif (
        z := re.search(rf"(?:既往|接受过|经过)\s*{_ZH_NUM}\s*线|{_ZH_NUM}\s*线治疗后|(\d)\s*ライン", text)
    ) is not None:
        raw = next(g for g in z.groups() if g)
        n = int(WORDS.get(raw, 0) or raw)
    elif (z := re.search(rf"第{_ZH_NUM}次复发", text)) is not None:
        n = int(WORDS.get(z.group(1), 0) or z.group(1))
    if n is not None and 1 <= n <= 30:
        got["prior_lines"] = n


def read_frailty(text: str, got: dict[str, Any]) -> None:
    for name, rx, hi in (
        ("ecog", r"(?:ecog(?:\s*ps)?|performance\s+status|(?<![a-z])ps)" + _GAP + r"([0-4])(?![\d.])", 4),
        ("charlson", r"(?:charlson(?:\s+comorbidity\s+index)?|cci)(?:\s+score)?" + _GAP + r"(\d{1,2})(?![\d.])", 40),
        ("iadl", r"iadl" + _GAP + r"(\d)(?:\s*/\s*8)?(?![\d.])", 8),
        ("adl", r"(?<![a-z])adl" + _GAP + r"(\d)(?:\s*/\s*6)?(?![\d.])", 6),
    ):
        m = re.search(rx, text)
        if m and 0 <= int(m.group(1)) <= hi:
            got[name] = int(m.group(1))


def read_cytogenetics(text: str, got: dict[str, Any]) -> None:
    found = []
    for name, rx in _CYTO.items():
        for m in re.finditer(rx, text):
            clause_start = max(text.rfind(sep, 0, m.start()) for sep in ",;，；、:")
            before = text[clause_start + 1 : m.start()]
            between_list = re.sub(r"(?:" + "|".join(_CYTO.values()) + r")\s*(?:and|or|nor|,|和|或)?\s*", "", before)
            if _NEG_BEFORE.search(between_list) or _NEG_AFTER.match(text[m.end() : m.end() + 12]):
                continue
            found.append(name)
    if "amp1q" in found and "gain1q" in found:
        found.remove("gain1q")
    if found:
        got["cytogenetics"] = tuple(sorted(set(found)))


def _lab(
    text: str,
    names: str,
    got: dict[str, Any],
    notes: list[str],
    field: str,
    label: str,
    convert: Callable[[float, str], tuple[float, str | None]],
    lo: float,
    hi: float,
) -> None:
    m = re.search(rf"(?:{names})(?:\s+count)?{_GAP}({NUMBER})\s*([^\s,;，；、)]*)", text)
    if m is None:
        return
    try:
        value = number(m.group(1))
        value, note = convert(value, m.group(2))
    except Refused as err:
        got.setdefault("refused", []).append(field)
        notes.append(f"{label} not used: {err}.")
        return
    if not lo <= value <= hi:
        got.setdefault("refused", []).append(field)
        notes.append(f"{label} {m.group(1).strip()} {m.group(2)} is not plausible; not used.".replace("  ", " "))
        return
    got[field] = round(value, 3)
    if note:
        notes.append(note)


def _crcl(value: float, unit: str) -> tuple[float, str | None]:
    if re.match(r"mls?/s", unit):
        return value * 60, f"CrCl {fmt(value)} mL/s read as {fmt(value * 60)} mL/min."
    return value, None


def _count(label: str, plain_max: float) -> Callable[[float, str], tuple[float, str | None]]:
    """x10^9/L and G/L as written; /µL, /mm3 and cells divided by 1000; "k" (thousands per µL) as written."""

    def convert(value: float, unit: str) -> tuple[float, str | None]:
        if re.search(r"million", unit):
            raise Refused(f"'{fmt(value)} {unit}' is not a plausible {label} count")
        if re.search(r"/\s*(?:μl|ul|mm3|mm\^3)|cells", unit):
            return value / 1000, f"{label} {fmt(value)}/µL read as {fmt(value / 1000)} x10^9/L."
        if unit.startswith("k") or re.search(r"10\^?9|g/l", unit):
            return value, None
        if value > plain_max:
            return value / 1000, f"{label} {fmt(value)} with no unit read as /µL, i.e. {fmt(value / 1000)} x10^9/L."
        return value, None

    return convert


def _igg(value: float, unit: str) -> tuple[float, str | None]:
    if unit.startswith("mg"):
        return value, None
    if unit.startswith("g/l") or (not unit and value <= 30):
        note = None if unit else f"IgG {fmt(value)} with no unit read as g/L, i.e. {fmt(value * 100)} mg/dL."
        return value * 100, note
    return value, None


def read_labs(text: str, got: dict[str, Any], notes: list[str]) -> None:
    comp = r"(?!\s*(?:below|under|above|over|less|more|greater|<|>|≤|≥|低于|小于|高于|大于|未満))"
    _lab(text, rf"(?:crcl|creatinine clearance|肌酐清除率|クレアチニンクリアランス){comp}", got, notes,
         "crcl_ml_min", "CrCl", _crcl, 0, 250)  # fmt: skip
    lvef = r"lvef|left ventricular ejection fraction|ejection fraction|(?<![a-z])ef|左室射血分数|射血分数"
    _lab(text, rf"(?:{lvef}){comp}",
         got, notes, "lvef_percent", "LVEF", lambda v, u: (v, None), 5, 90)  # fmt: skip
    _lab(text, rf"(?:anc|absolute neutrophil count|neutrophils?|中性粒细胞(?:绝对计数)?|好中球(?:数)?){comp}", got,
         notes, "anc", "ANC", _count("ANC", 50), 0, 100)  # fmt: skip
    _lab(text, rf"(?:platelets?|plts?|血小板(?:计数)?){comp}", got, notes, "platelets", "Platelets",
         _count("Platelets", 2000), 0, 2000)  # fmt: skip
    _lab(text, rf"(?<![a-z])igg{comp}", got, notes, "igg_mg_dl", "IgG", _igg, 0, 10000)


def read_conditions(text: str, got: dict[str, Any]) -> None:
    """NYHA class, blood pressure control, neuropathy grade, hepatitis B, recurrent infections."""
    if m := re.search(
        r"nyha\s*(?:class\s*)?(iv|iii|ii|i|[1-4])(?![a-z\d])|class\s+(iv|iii|ii|i)\s+heart\s+failure|心功能\s*(iv|iii|ii|i|[1-4])\s*级",
        text,
    ):
        raw = next(g for g in m.groups() if g)
        got["heart_failure_nyha"] = _ROMAN.get(raw) or int(raw)
    elif re.search(r"\bno\s+(?:heart\s+failure|hf|chf)\b|无心衰|无心力衰竭|心不全なし", text):
        got["heart_failure_nyha"] = 0
    bp = r"(?:hypertension|blood\s+pressure|bp|htn)"
    if re.search(
        rf"(?:uncontrolled|poorly\s+controlled|not\s+controlled)\s+{bp}|{bp}\s+(?:is\s+)?(?:uncontrolled|poorly\s+controlled|not\s+controlled)|高血压\s*\(?\s*(?:控制不佳|未控制|控制差)|血压控制不佳|未控制的高血压",
        text,
    ):
        got["uncontrolled_hypertension"] = True
    elif re.search(
        rf"\bno\s+hypertension|{bp}\s+(?:well\s+|is\s+)?controlled|normotensive|血压控制良好|高血压控制良好|无高血压",
        text,
    ):
        got["uncontrolled_hypertension"] = False
    pn = r"(?:peripheral\s+|sensory\s+)?(?:neuropathy|pn)"
    if m := re.search(
        rf"(?:grade|g)\s*([0-4])\s+(?:painful\s+|sensory\s+|motor\s+)?{pn}|{pn}\s*(?:of\s*)?(?:grade|g)\s*([0-4])|([0-4])\s*级(?:周围)?神经病变|周围神经病变\s*([0-4])\s*级",
        text,
    ):
        got["neuropathy_grade"] = int(next(g for g in m.groups() if g))
    elif re.search(rf"\bno\s+{pn}|无(?:周围)?神经病变", text):
        got["neuropathy_grade"] = 0
    pos = r"\s*(?:\+|positive|pos\b|阳性|陽性)"
    neg = r"\s*(?:-|negative|neg\b|阴性|陰性)"
    hbsag = r"(?:hbsag|hbs抗原|乙肝表面抗原)"
    core = r"(?:anti-?\s?hbc|hbcab|hbc抗体|乙肝核心抗体)"
    if re.search(hbsag + pos, text):
        got["hbv"] = "hbsag_positive"
    elif re.search(core + pos, text):
        got["hbv"] = "anti_hbc_positive"
    elif re.search(r"(?:hbv|hepatitis\s+b)\s*(?:serology\s*)?(?:negative|neg\b)|乙肝\s*阴性", text) or (
        re.search(hbsag + neg, text) and re.search(core + neg, text)
    ):
        got["hbv"] = "negative"
    if re.search(r"\bno\s+(?:recurrent\s+)?infections?|无反复感染", text):
        got["recurrent_infections"] = False
    elif re.search(
        r"(?:recurrent|repeated|frequent)\s+(?:\w+\s+)?(?:infections?|pneumonias?|sepsis)|反复感染|反复肺炎", text
    ):
        got["recurrent_infections"] = True
