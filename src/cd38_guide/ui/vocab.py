"""Words the report and the form show instead of codes: flag labels, field names, units and validation messages,
in English and Chinese.

Rule reasons and flag messages are written by the rules core. ``rule_text`` is the single place where a Chinese
source for them plugs in (``set_zh_source``); until one is set they are shown as written, in English.
"""

from __future__ import annotations

import re
from collections.abc import Callable

DRUG_ZH: dict[str, str] = {
    "daratumumab": "达雷妥尤单抗",
    "isatuximab": "艾沙妥昔单抗",  # the first isatuximab row of corpus/glossary.tsv; the handouts use it too
    "lenalidomide": "来那度胺",
    "pomalidomide": "泊马度胺",
    "bortezomib": "硼替佐米",
    "carfilzomib": "卡非佐米",
    "dexamethasone": "地塞米松",
}
"""One Chinese name per drug, shared by the interface, the reports and the handouts."""

FLAG_LABELS: dict[str, tuple[str, str]] = {
    "blood_bank_baseline_typing": (
        "Blood bank: type and screen before the first dose",
        "血库：首剂前完成血型鉴定和筛查",
    ),
    "blood_bank_interference": ("Blood bank: antibody-screen interference", "血库：抗体筛查受干扰"),
    "dexamethasone_reduced_dose": ("Reduced dexamethasone dose", "地塞米松减量"),
    "frail_monitoring": ("Frailty: close monitoring", "虚弱：密切监测"),
    "hbv_reactivation_risk": ("Hepatitis B reactivation risk", "乙肝再激活风险"),
    "hbv_screening": ("Hepatitis B screening", "乙肝筛查"),
    "high_risk_cytogenetics": ("High-risk cytogenetics", "高危细胞遗传学"),
    "infusion_premedication": ("Infusion premedication", "输注前预防用药"),
    "ivig_consider": ("Consider immunoglobulin replacement", "考虑免疫球蛋白替代"),
    "lenalidomide_renal_dose": ("Lenalidomide renal dose", "来那度胺肾功能剂量调整"),
    "low_platelets": ("Low platelets", "血小板减少"),
    "neutropenia_hold": ("Neutropenia: delay the dose", "中性粒细胞减少：推迟给药"),
    "spep_ife_interference": ("SPEP/immunofixation interference", "血清蛋白电泳/免疫固定电泳受干扰"),
    "zoster_prophylaxis": ("Herpes zoster prophylaxis", "带状疱疹预防"),
}

SOURCE_KINDS: dict[str, tuple[str, str]] = {
    "consensus": ("consensus", "共识"),
    "trial": ("trial", "临床试验"),
    "label": ("label", "药品说明书"),
    "guideline": ("guideline", "指南"),
    "review": ("review", "综述"),
    "glossary": ("glossary", "术语表"),
    "user_added": ("added by a user, not reviewed", "用户添加，未经审核"),
}

FIELD_NAMES: dict[str, tuple[str, str]] = {
    "age": ("Age", "年龄"),
    "prior_lines": ("Prior lines", "既往治疗线数"),
    "ecog": ("ECOG", "ECOG 体能状态"),
    "charlson": ("Charlson index", "Charlson 合并症指数"),
    "adl": ("Katz ADL", "Katz ADL"),
    "iadl": ("Lawton IADL", "Lawton IADL"),
    "exposure": ("Prior therapy", "既往治疗"),
    "exposure.lenalidomide": ("Lenalidomide", "来那度胺"),
    "exposure.pomalidomide": ("Pomalidomide", "泊马度胺"),
    "exposure.bortezomib": ("Bortezomib", "硼替佐米"),
    "exposure.carfilzomib": ("Carfilzomib", "卡非佐米"),
    "anti_cd38": ("Anti-CD38 history", "抗CD38单抗治疗史"),
    "anti_cd38.status": ("Anti-CD38 history", "抗CD38单抗治疗史"),
    "anti_cd38.agent": ("Last anti-CD38 agent", "最近使用的抗CD38单抗"),
    "anti_cd38.months_since_last_dose": ("Months since last anti-CD38 dose", "距末次抗CD38单抗给药（月）"),
    "cytogenetics": ("Cytogenetics", "细胞遗传学"),
    "crcl_ml_min": ("Creatinine clearance", "肌酐清除率"),
    "heart_failure_nyha": ("Heart failure (NYHA)", "心力衰竭（NYHA）"),
    "lvef_percent": ("LVEF", "左室射血分数"),
    "uncontrolled_hypertension": ("Uncontrolled hypertension", "未控制的高血压"),
    "neuropathy_grade": ("Neuropathy grade", "周围神经病变分级"),
    "anc": ("ANC", "中性粒细胞绝对计数"),
    "platelets": ("Platelets", "血小板"),
    "hbv": ("Hepatitis B serology", "乙肝血清学"),
    "igg_mg_dl": ("Serum IgG", "血清 IgG"),
    "recurrent_infections": ("Recurrent infections", "反复感染"),
}

# Validation message bodies (after "field: ") the form and the rules core write, and their Chinese.
_MESSAGES_ZH: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^must be between (\S+) and (\S+) \(got (.+)\)$"), r"应在 \1 到 \2 之间（当前为 \3）"),
    (re.compile(r"^required \(between (\S+) and (\S+)\)$"), r"必填（\1 到 \2 之间）"),
    (re.compile(r"^required$"), "必填"),
    (re.compile(r"^must be a number \(got (.+)\); leave it empty if unknown$"), r"应为数字（当前为 \1）；未知请留空"),
    (re.compile(r"^must be a whole number \(got (.+)\)$"), r"应为整数（当前为 \1）"),
    (re.compile(r"^must be a whole number$"), "应为整数"),
    (re.compile(r"^must be a number$"), "应为数字"),
    (re.compile(r"^must be one of (.+?)(?: \(got (.+)\))?$"), r"应为以下之一：\1"),
    (re.compile(r"^unknown field.*$"), "未知字段"),
)
_UNITS = ((re.compile(r"\s?x\s?10\^9\s?/\s?L"), " ×10⁹/L"), (re.compile(r"\bx10\^9\b"), "×10⁹"))
_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")

ZhSource = Callable[[str, str], "str | None"]
_zh_source: ZhSource | None = None


def set_zh_source(source: ZhSource | None) -> None:
    """Plug in the Chinese text of rule reasons and flag messages: ``source(kind, english) -> zh or None``,
    where kind is 'reason', 'flag' or 'note'. The report renderers call it through ``rule_text``."""
    global _zh_source
    _zh_source = source


def units(text: str) -> str:
    """Units as a clinician writes them: 'x10^9/L' becomes '×10⁹/L'."""
    for pattern, repl in _UNITS:
        text = pattern.sub(repl, text)
    return text


_FIELD_KEY = re.compile(r"\b(?:anti_cd38\.)?[a-z]+(?:_[a-z0-9]+)+\b")


def _field_names(text: str, lang: str) -> str:
    """Profile keys inside a message ('prior_lines assumed 1') written as the form labels them."""

    def name(m: re.Match[str]) -> str:
        key = m.group(0)
        return field_name(key, lang) if key in FIELD_NAMES else key

    return _FIELD_KEY.sub(name, text)


def rule_text(kind: str, english: str, lang: str) -> str:
    """A rule reason, flag message or reading note for display: the plugged-in Chinese when there is one, units
    written out, profile keys named as the form labels them."""
    if lang == "zh" and _zh_source is not None:
        zh = _zh_source(kind, english)
        if zh:
            return _field_names(units(zh), "zh")
    return _field_names(units(english), "en")  # an English sentence names its fields in English


def flag_label(code: str, lang: str) -> str:
    """A flag's human label; an unknown code is spelled with spaces, never shown as snake_case."""
    en, zh = FLAG_LABELS.get(code, (code.replace("_", " ").capitalize(), code.replace("_", " ")))
    return zh if lang == "zh" else en


def source_kind(kind: str, lang: str) -> str:
    """A source kind in words ('trial' -> '临床试验')."""
    en, zh = SOURCE_KINDS.get(kind, (kind.replace("_", " "), kind.replace("_", " ")))
    return zh if lang == "zh" else en


def is_user_added(citation: object) -> bool:
    """True for a passage a user added (source kind ``user_added`` or a ``user_added`` flag on the citation)."""
    get = getattr(citation, "get", None)
    if get is None:
        return False
    return bool(get("source_kind") == "user_added" or get("user_added"))


def field_name(path: str, lang: str) -> str:
    """The field's name as the form labels it ('anti_cd38.months_since_last_dose' -> 'Months since ...')."""
    base = path.split("[", 1)[0]
    if base not in FIELD_NAMES:  # already a name (a localized report), or a field the form does not have
        from cd38_guide.rules import field_label

        label = field_label(base, lang)
        return label if label != base else base.replace("_", " ").replace(".", ": ")
    en, zh = FIELD_NAMES[base]
    return zh if lang == "zh" else en


def field_message(line: str, lang: str) -> str:
    """'anc: must be a number (got ...)' -> 'ANC: must be ...' (or its Chinese); the field key is never shown."""
    head, sep, body = line.partition(":")
    if not sep or head.split("[", 1)[0] not in FIELD_NAMES:
        return line
    body = body.strip()
    if lang == "zh":
        for pattern, repl in _MESSAGES_ZH:
            if pattern.match(body):
                body = pattern.sub(repl, body)
                break
        return f"{field_name(head, lang)}：{body}"
    return f"{field_name(head, lang)}: {body}"


def has_code(text: str) -> list[str]:
    """snake_case tokens in ``text`` (what a Chinese page must not show)."""
    return _CODE.findall(text)
