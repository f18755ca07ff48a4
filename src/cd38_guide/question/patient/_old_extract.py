"""Read a patient's facts out of a free-text clinician question, deterministically (regular expressions only).

"72-year-old, lenalidomide-refractory, daratumumab 4 months ago: can I rechallenge?" gives age 72,
lenalidomide refractory, daratumumab last given 4 months ago. English and simple Chinese ("72岁",
"来那度胺难治", "达雷妥尤单抗 4个月前") are understood. Whatever is filled in without being stated is listed, in
plain words, in ``assumptions``; a general question ("What is the washout before rechallenge?") gives None.

Thresholds in a question ("CrCl below 30", "ANC < 1.0") are not read as a patient's values: each lab pattern
needs the number right after the name.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import Field

from cd38_guide.rules.io import validate_profile
from cd38_guide.rules.models import (
    AntiCD38Agent,
    AntiCD38Status,
    Cytogenetic,
    DrugStatus,
    HbvStatus,
    PatientProfile,
)
from cd38_guide.types import Frozen

DEFAULT_AGE = 65
DEFAULT_PRIOR_LINES = 1
PARTNERS = ("lenalidomide", "pomalidomide", "bortezomib", "carfilzomib")


class ExtractedFacts(Frozen):
    """The patient facts found in a question, what they were read as, and what had to be assumed."""

    age: int | None = None
    prior_lines: int | None = None
    ecog: int | None = None
    charlson: int | None = None
    adl: int | None = None
    iadl: int | None = None
    exposure: dict[str, DrugStatus] = Field(default_factory=dict, description="Only the drugs mentioned.")
    anti_cd38_status: AntiCD38Status | None = None
    anti_cd38_agent: AntiCD38Agent | None = None
    months_since_last_dose: float | None = None
    cytogenetics: tuple[Cytogenetic, ...] = ()
    crcl_ml_min: float | None = None
    heart_failure_nyha: int | None = None
    lvef_percent: float | None = None
    uncontrolled_hypertension: bool | None = None
    neuropathy_grade: int | None = None
    anc: float | None = None
    platelets: float | None = None
    hbv: HbvStatus | None = None
    igg_mg_dl: float | None = None
    recurrent_infections: bool | None = None
    facts: tuple[str, ...] = Field(default=(), description="What was read, in plain words ('age 72').")
    assumptions: tuple[str, ...] = Field(default=(), description="What was filled in or interpreted, and why.")


# --- vocabulary ------------------------------------------------------------------------------------------------

_DRUG_WORDS: dict[str, str] = {
    "lenalidomide": r"lenalidomide|revlimid|\blen\b|来那度胺",
    "pomalidomide": r"pomalidomide|pomalyst|imnovid|\bpom\b|泊马度胺",
    "bortezomib": r"bortezomib|velcade|\bbtz\b|硼替佐米",
    "carfilzomib": r"carfilzomib|kyprolis|\bcfz\b|卡非佐米",
    "daratumumab": r"daratumumab|darzalex|\bdara\b|达雷妥尤单抗|达雷木单抗",
    "isatuximab": r"isatuximab|sarclisa|\bisa\b|艾沙妥昔单抗|伊沙妥昔单抗",
    "anti-CD38": r"anti-?\s?cd38(?:\s?(?:mab|monoclonal antibody|antibody|antibodies|therapy))?"
    r"|抗?cd38单抗|抗cd38单克隆抗体",
}
_DRUG = {name: re.compile(rf"(?:{words})") for name, words in _DRUG_WORDS.items()}
_ANY_DRUG = "|".join(f"(?:{w})" for w in _DRUG_WORDS.values())
_CD38 = "|".join(f"(?:{_DRUG_WORDS[k]})" for k in ("daratumumab", "isatuximab", "anti-CD38"))
_LIST_SEP = r"\s*(?:,|/|&|\band\b|\bor\b|和|及|、)\s*"
_DRUG_LIST = rf"(?:{_ANY_DRUG})(?:{_LIST_SEP}(?:{_ANY_DRUG}))*"

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
    "七": 7, "八": 8, "九": 9, "十": 10,
}  # fmt: skip
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")"
_UNIT = r"(months?|mos?\b|weeks?|wks?\b|years?|yrs?\b|个月|月|周|年)"
_IS = r"\s*(?:of|is|was|=|:|at)?\s*"


def _number(text: str) -> float:
    return float(_NUMBER_WORDS[text]) if text in _NUMBER_WORDS else float(text)


def _normalise(question: str) -> str:
    # NFKC folds full-width digits and punctuation ("７２岁", "，") into ASCII; dashes become '-'.
    text = unicodedata.normalize("NFKC", question).lower()
    return re.sub(r"[\u2010-\u2015\u2212]", "-", text)


def _drugs_in(span: str) -> list[str]:
    return [name for name, rx in _DRUG.items() if rx.search(span)]


# --- statuses of the drugs -------------------------------------------------------------------------------------

_REFRACTORY = (
    re.compile(rf"({_DRUG_LIST})[\s-]*(?:refractory|resistant|难治|耐药)"),
    re.compile(rf"(?:refractory|resistant)\s+to\s+(?:both\s+)?({_DRUG_LIST})"),
    re.compile(rf"(?:progress(?:ed|ing|ion)?|relapsed?)\s+(?:on|during|while\s+on)\s+({_DRUG_LIST})"),
    re.compile(rf"对\s*({_DRUG_LIST})\s*(?:难治|耐药)"),
)
_NOT_REFRACTORY = (
    re.compile(rf"({_DRUG_LIST})[\s-]*(?:sensitive|non-?refractory|exposed|pretreated|treated)"),
    re.compile(rf"(?:not|non-?)\s*(?:refractory|resistant)\s+to\s+({_DRUG_LIST})"),
    re.compile(rf"not\s+({_DRUG_LIST})[\s-]*refractory"),
    re.compile(
        rf"(?:prior|previous|previously\s+(?:received|given|treated\s+with|on)|received|exposed\s+to|"
        rf"treated\s+with|after|had|on)\s+({_DRUG_LIST})"
    ),
    re.compile(rf"(?:用过|接受过|使用过|既往|曾用)\s*({_DRUG_LIST})"),
    re.compile(rf"({_DRUG_LIST})\s*(?:暴露|治疗后|治疗过|治疗史)"),
)
_NAIVE = (
    re.compile(rf"({_DRUG_LIST})[\s-]*naive"),
    re.compile(rf"(?:never|not\s+previously)\s+(?:received|had|been\s+given|treated\s+with)\s+({_DRUG_LIST})"),
    re.compile(rf"(?:未用过|未使用过|未接受过)\s*({_DRUG_LIST})"),
)


def _statuses(text: str) -> dict[str, str]:
    """Drug -> status stated in the text; refractory outranks exposed, which outranks naive."""
    found: dict[str, str] = {}
    rank = {"naive": 0, "exposed": 1, "refractory": 2}
    negated = {m.span() for rx in _NOT_REFRACTORY[1:3] for m in rx.finditer(text)}
    for status, patterns in (("naive", _NAIVE), ("exposed", _NOT_REFRACTORY), ("refractory", _REFRACTORY)):
        for rx in patterns:
            for m in rx.finditer(text):
                if status == "refractory" and any(s <= m.start() < e for s, e in negated):
                    continue
                if status == "refractory" and re.search(r"(?:not|non-?)\s*$", text[max(0, m.start() - 5) : m.start()]):
                    continue
                for drug in _drugs_in(m.group(1)):
                    if rank[status] > rank.get(found.get(drug, ""), -1):
                        found[drug] = status
    return found


# --- time since the last anti-CD38 dose ------------------------------------------------------------------------

_TIME = (
    re.compile(rf"(?:{_CD38})[^.;?!。；？]{{0,40}}?(?<![0-9a-z.]){_NUM}\s*{_UNIT}\s*(?:ago|before|earlier|前)"),
    re.compile(
        rf"(?:last|final|most\s+recent)\s+(?:dose\s+)?(?:of\s+)?(?:{_CD38})?[^.;?!]{{0,20}}?(?<![0-9a-z.]){_NUM}\s*{_UNIT}\s*ago"
    ),
    re.compile(
        rf"(?<![0-9a-z.]){_NUM}\s*{_UNIT}\s+(?:since|after|from|off)\s+(?:the\s+)?(?:last\s+|final\s+)?(?:dose\s+of\s+)?(?:{_CD38})"
    ),
    re.compile(rf"(?:off|stopped|discontinued|停用|停)\s*(?:{_CD38})\s*(?:for\s+|已\s*)?{_NUM}\s*{_UNIT}"),
    re.compile(rf"(?:{_CD38})[^。；？]{{0,10}}?(\d+(?:\.\d+)?|[一二两三四五六七八九十])\s*{_UNIT}\s*前"),
    re.compile(rf"(?:距|距离)\s*(?:末次|最后一次)?\s*(?:{_CD38})?[^。；]{{0,8}}?(\d+(?:\.\d+)?)\s*{_UNIT}"),
)


def _months(value: float, unit: str) -> float:
    if unit.startswith(("week", "wk", "周")):
        return round(value * 7 / 30.4375, 1)
    if unit.startswith(("year", "yr", "年")):
        return value * 12
    return value


def _time_since(text: str) -> tuple[float, str] | None:
    for rx in _TIME:
        m = rx.search(text)
        if m:
            value, unit = _number(m.group(1)), m.group(2)
            return _months(value, unit), f"{m.group(1)} {unit}"
    return None


# --- everything else -------------------------------------------------------------------------------------------

_AGE = (
    re.compile(r"\b(\d{2,3})[\s-]*(?:years?|yrs?|y)[\s-]*old\b"),
    re.compile(r"\b(\d{2,3})\s*(?:yo|y/o|y\.o\.)(?![a-z])"),
    re.compile(r"\b(?:aged|age)\s*(?:of\s*)?[:=]?\s*(\d{2,3})\b"),
    re.compile(r"(\d{2,3})\s*岁"),
    re.compile(r"年龄\s*[:：]?\s*(\d{2,3})"),
)
_ORDINALS = {
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "5th": 5,
    "6th": 6,
}
_LINES = (
    re.compile(
        rf"(?<![-\d≥≤<>])(?<!least )(?<![0-9a-z.]){_NUM}\s+(?:prior\s+|previous\s+)?(?:lines?|regimens?)\b(?!\s*-)"
    ),
    re.compile(r"(?:既往|接受过|经过)\s*(\d+|[一二两三四五六七八九十])\s*线"),
)
_LINE_ORDINAL = re.compile(r"\b(second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th)[\s-]+(?:line|relapse)")
_FIRST_RELAPSE = re.compile(r"\bfirst\s+relapse\b|首次复发")
_CYTO: dict[str, re.Pattern[str]] = {
    "del17p": re.compile(r"del\s*\(?\s*17p\s*\)?|17p\s*(?:deletion|del|缺失)|deletion\s+(?:of\s+)?17p"),
    "t(4;14)": re.compile(r"t\s*\(\s*4\s*;\s*14\s*\)"),
    "t(14;16)": re.compile(r"t\s*\(\s*14\s*;\s*16\s*\)"),
    "amp1q": re.compile(r"amp(?:lification|lified)?\s*(?:of\s*)?\(?\s*1q|1q(?:21)?\s*(?:amp|扩增)"),
    "gain1q": re.compile(r"gain\s*(?:of\s*)?\(?\s*1q|\+\s*1q\b|1q(?:21)?\s*(?:gain|获得)|1q21\s*\+|\b1q\+"),
}
_NYHA = re.compile(r"nyha\s*(?:class\s*)?(iv|i{1,3}|[1-4])\b|class\s+(iv|i{1,3})\s+(?:heart\s+failure|hf|chf)")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _first(patterns: tuple[re.Pattern[str], ...] | re.Pattern[str], text: str) -> re.Match[str] | None:
    for rx in patterns if isinstance(patterns, tuple) else (patterns,):
        m = rx.search(text)
        if m:
            return m
    return None


def _value(rx: str, text: str) -> float | None:
    m = re.search(rx, text)
    return float(m.group(1)) if m else None


def extract_patient_facts(question: str) -> ExtractedFacts | None:
    """The patient facts in ``question``, or None when it carries none (a general question).

    At least an age, or two other facts, must be present: a single drug status ("in lenalidomide-refractory
    disease, ...") describes a population more often than a patient.
    """
    text = _normalise(question)
    got: dict[str, Any] = {}
    facts: list[str] = []
    notes: list[str] = []

    m = _first(_AGE, text)
    if m and 18 <= int(m.group(1)) <= 120:
        got["age"] = int(m.group(1))
        facts.append(f"age {got['age']}")

    statuses = _statuses(text)
    exposure = {d: s for d, s in statuses.items() if d in PARTNERS}
    if exposure:
        got["exposure"] = {d: exposure[d] for d in PARTNERS if d in exposure}
        facts += [f"{d} {s}" for d, s in got["exposure"].items()]

    _anti_cd38(text, statuses, got, facts, notes)
    _lines(text, got, facts)
    _other_facts(text, got, facts, notes)

    if "age" not in got and len(facts) < 2:
        return None
    notes += _default_notes(got)
    return ExtractedFacts(**got, facts=tuple(facts), assumptions=tuple(notes))


def _anti_cd38(text: str, statuses: dict[str, str], got: dict[str, Any], facts: list[str], notes: list[str]) -> None:
    cd38 = {d: s for d, s in statuses.items() if d in ("daratumumab", "isatuximab", "anti-CD38")}
    time = _time_since(text)
    if not cd38 and not time:
        return
    named = [d for d in ("daratumumab", "isatuximab") if d in cd38 or (time and _DRUG[d].search(text))]
    agent = named[0] if named else None
    who = agent or "the anti-CD38 antibody"
    stated = max(cd38.values(), key=("naive", "exposed", "refractory").index) if cd38 else None
    if stated == "naive" and time:
        stated = None  # "naive" with a last dose contradicts itself; treat as unstated
    if time:
        months, said = time
        got["months_since_last_dose"] = months
        facts.append(f"last {who} dose {_fmt(months)} months ago")
        if not said.split()[1].startswith(("month", "mo", "个月", "月")):
            notes.append(f"'{said}' since the last anti-CD38 dose read as {_fmt(months)} months.")
    if stated is None:
        stated = "refractory"
        notes.append(
            f"{who.capitalize()} status assumed refractory (not stated): the stricter reading, so the 6-month "
            "washout before rechallenge is checked. If the disease did not progress on it or within 60 days of "
            "the last dose it is only exposed, and the patient is a candidate without a washout."
        )
    else:
        facts.append(f"{who} {stated}")
    got["anti_cd38_status"] = stated
    if stated != "naive":
        got["anti_cd38_agent"] = agent


def _lines(text: str, got: dict[str, Any], facts: list[str]) -> None:
    m = _first(_LINES, text)
    n: int | None = None
    if m:
        n = int(_number(m.group(1)))
    elif (o := _LINE_ORDINAL.search(text)) is not None:
        # "third line" is the treatment being chosen, so 2 came before; "second relapse" followed 2 lines.
        k = _ORDINALS[o.group(1)]
        n = k if "relapse" in o.group(0) else k - 1
    elif _FIRST_RELAPSE.search(text):
        n = 1
    if n is not None and 1 <= n <= 30:
        got["prior_lines"] = n
        facts.append(f"{n} prior line" + ("s" if n > 1 else ""))


def _fmt(value: float) -> str:
    return f"{value:g}"


def _other_facts(text: str, got: dict[str, Any], facts: list[str], notes: list[str]) -> None:
    def put(name: str, value: Any, fact: str, lo: float, hi: float) -> None:
        if value is not None and lo <= value <= hi:
            got[name] = value
            facts.append(fact)

    ecog = _value(r"\b(?:ecog|performance status)\s*(?:ps)?" + _IS + r"([0-4])\b", text)
    if ecog is None:
        ecog = _value(r"\bps\s*([0-4])\b", text)
    put("ecog", None if ecog is None else int(ecog), f"ECOG {_fmt(ecog or 0)}", 0, 4)
    cci = _value(r"\b(?:charlson(?:\s+comorbidity\s+index)?|cci)(?:\s+score)?" + _IS + r"(\d{1,2})\b", text)
    put("charlson", None if cci is None else int(cci), f"Charlson {_fmt(cci or 0)}", 0, 40)
    iadl = _value(r"\biadl" + _IS + r"(\d)\b", text)
    put("iadl", None if iadl is None else int(iadl), f"IADL {_fmt(iadl or 0)}", 0, 8)
    adl = _value(r"(?<!i)\badl" + _IS + r"(\d)\b", text)
    put("adl", None if adl is None else int(adl), f"ADL {_fmt(adl or 0)}", 0, 6)

    cyto = tuple(name for name, rx in _CYTO.items() if rx.search(text))
    if "amp1q" in cyto and "gain1q" in cyto:
        cyto = tuple(c for c in cyto if c != "gain1q")
    if cyto:
        got["cytogenetics"] = tuple(sorted(cyto, key=list(_CYTO).index))
        facts += list(got["cytogenetics"])

    crcl = _value(r"(?:crcl|creatinine clearance|肌酐清除率)" + _IS + r"(\d+(?:\.\d+)?)", text)
    put("crcl_ml_min", crcl, f"CrCl {_fmt(crcl or 0)} mL/min", 0, 250)
    lvef = _value(r"\b(?:lvef|ejection fraction|ef)" + _IS + r"(\d{1,2}(?:\.\d+)?)\s*%?", text)
    put("lvef_percent", lvef, f"LVEF {_fmt(lvef or 0)}%", 5, 90)
    if (m := _NYHA.search(text)) is not None:
        raw = m.group(1) or m.group(2)
        put("heart_failure_nyha", _ROMAN.get(raw) or int(raw), f"NYHA class {raw.upper()}", 0, 4)
    if re.search(
        r"uncontrolled\s+(?:hypertension|blood\s+pressure|bp|htn)|高血压(?:控制不佳|未控制)|未控制的高血压", text
    ):
        got["uncontrolled_hypertension"] = True
        facts.append("uncontrolled hypertension")
    neuro = _value(r"\b(?:grade|g)\s*([0-4])\s+(?:peripheral\s+|sensory\s+)?neuropathy", text)
    if neuro is None:
        neuro = _value(r"neuropathy\s*(?:of\s*)?(?:grade|g)\s*([0-4])\b", text)
    put("neuropathy_grade", None if neuro is None else int(neuro), f"grade {_fmt(neuro or 0)} neuropathy", 0, 4)

    anc = _value(r"\b(?:anc|absolute neutrophil count|neutrophils?|中性粒细胞)" + _IS + r"(\d+(?:\.\d+)?)", text)
    if anc is not None and anc > 50:
        notes.append(f"ANC {_fmt(anc)} read as cells/µL, i.e. {_fmt(anc / 1000)} x10^9/L.")
        anc = anc / 1000
    put("anc", anc, f"ANC {_fmt(anc or 0)} x10^9/L", 0, 100)
    plt = _value(r"\b(?:platelets?|plt|血小板)(?:\s+count)?" + _IS + r"(\d+(?:\.\d+)?)", text)
    if plt is not None and plt > 2000:
        notes.append(f"Platelets {_fmt(plt)} read as cells/µL, i.e. {_fmt(plt / 1000)} x10^9/L.")
        plt = plt / 1000
    put("platelets", plt, f"platelets {_fmt(plt or 0)} x10^9/L", 0, 2000)
    if (m := re.search(r"\bigg" + _IS + r"(\d+(?:\.\d+)?)\s*(mg/dl|g/l)?", text)) is not None:
        igg, unit = float(m.group(1)), m.group(2)
        if unit == "g/l" or (unit is None and igg <= 30):
            if unit is None:
                notes.append(f"IgG {_fmt(igg)} with no unit read as g/L, i.e. {_fmt(igg * 100)} mg/dL.")
            igg = igg * 100
        put("igg_mg_dl", igg, f"IgG {_fmt(igg)} mg/dL", 0, 10000)
    if re.search(r"(?:recurrent|repeated|frequent)\s+(?:\w+\s+)?infections?|反复感染", text):
        got["recurrent_infections"] = True
        facts.append("recurrent infections")

    hbv: str | None = None
    if re.search(r"hbsag\s*(?:\+|positive|pos\b|阳性)|乙肝表面抗原\s*阳性", text):
        hbv = "hbsag_positive"
    elif re.search(
        r"(?:anti-?\s?hbc|hbcab|hbv core antibody|core antibody)\s*(?:\+|positive|pos\b|阳性)"
        r"|resolved hepatitis b|乙肝核心抗体\s*阳性",
        text,
    ):
        hbv = "anti_hbc_positive"
    elif re.search(r"(?:hbv|hepatitis b)\s*(?:serology\s*)?(?:negative|neg\b|-\s)|乙肝\s*阴性", text):
        hbv = "negative"
    if hbv:
        got["hbv"] = hbv
        facts.append(
            {"hbsag_positive": "HBsAg positive", "anti_hbc_positive": "anti-HBc positive"}.get(hbv, "HBV negative")
        )


def _default_notes(got: dict[str, Any]) -> list[str]:
    """The assumptions ``build_profile`` will make, said before it makes them."""
    notes = []
    if "age" not in got:
        notes.append(
            f"Age assumed {DEFAULT_AGE} (not stated): the age-based rules (frailty points above 75, dexamethasone "
            "20 mg from 75) are not applied."
        )
    if "prior_lines" not in got:
        notes.append(f"prior_lines assumed {DEFAULT_PRIOR_LINES} (not stated); IsaPd needs at least 2.")
    unstated = [d for d in PARTNERS if d not in got.get("exposure", {})]
    if unstated:
        notes.append(f"Not mentioned, so assumed never given: {', '.join(unstated)}.")
    if "anti_cd38_status" not in got:
        notes.append("No prior anti-CD38 antibody mentioned: assumed anti-CD38 naive.")
    absent = [
        label
        for key, label in (
            ("heart_failure_nyha", "heart failure"),
            ("uncontrolled_hypertension", "uncontrolled hypertension"),
            ("neuropathy_grade", "peripheral neuropathy"),
            ("recurrent_infections", "recurrent infections"),
        )
        if key not in got
    ]
    if absent:
        notes.append(f"Not mentioned, so assumed absent: {', '.join(absent)}.")
    unknown = [
        label
        for key, label in (
            ("crcl_ml_min", "CrCl"),
            ("lvef_percent", "LVEF"),
            ("anc", "ANC"),
            ("platelets", "platelets"),
            ("igg_mg_dl", "IgG"),
            ("hbv", "hepatitis B status"),
            ("cytogenetics", "cytogenetics"),
        )
        if key not in got
    ]
    if unknown:
        notes.append(f"Not mentioned, so left unknown: {', '.join(unknown)}.")
    return notes


def build_profile(facts: ExtractedFacts) -> PatientProfile:
    """A full profile from extracted facts, with the defaults ``facts.assumptions`` already states.

    Raises:
        InputError: if the facts do not make a valid profile (they are range-checked when read, so rarely).
    """
    anti: dict[str, Any] = {"status": facts.anti_cd38_status or "naive"}
    if anti["status"] != "naive":
        anti["agent"] = facts.anti_cd38_agent
        anti["months_since_last_dose"] = facts.months_since_last_dose
    data: dict[str, Any] = {
        "age": facts.age if facts.age is not None else DEFAULT_AGE,
        "prior_lines": facts.prior_lines if facts.prior_lines is not None else DEFAULT_PRIOR_LINES,
        "exposure": dict(facts.exposure),
        "anti_cd38": anti,
        "cytogenetics": list(facts.cytogenetics),
    }
    for name in (
        "ecog", "charlson", "adl", "iadl", "crcl_ml_min", "heart_failure_nyha", "lvef_percent",
        "uncontrolled_hypertension", "neuropathy_grade", "anc", "platelets", "hbv", "igg_mg_dl",
        "recurrent_infections",
    ):  # fmt: skip
        value = getattr(facts, name)
        if value is not None:
            data[name] = value
    return validate_profile(data, "facts read from the question")
