"""Statements that depend on the regimen, and the fixed labels of a draft in each language.

Topic statements live in ``education.topics`` and patient-report statements in ``education.profile``; this
module holds the regimens (``--regimen``): each one's name, its three drugs and what to know about each.
Every statement names the corpus passages that support it.
"""

from __future__ import annotations

from dataclasses import dataclass

from cd38_guide.education.content import Antibody, Lang, Question, S, Statement, Term
from cd38_guide.rules.models import REGIMEN_CODES

__all__ = [
    "DRUG_NAMES",
    "LABELS",
    "REGIMENS",
    "REGIMEN_CODES",
    "Regimen",
    "regimen_questions",
    "regimen_statements",
    "regimen_terms",
]

DRUG_NAMES: dict[str, tuple[str, str]] = {
    "daratumumab": ("daratumumab", "达雷妥尤单抗"),
    "isatuximab": ("isatuximab", "艾沙妥昔单抗"),
    "lenalidomide": ("lenalidomide", "来那度胺"),
    "pomalidomide": ("pomalidomide", "泊马度胺"),
    "bortezomib": ("bortezomib", "硼替佐米"),
    "carfilzomib": ("carfilzomib", "卡非佐米"),
    "dexamethasone": ("dexamethasone", "地塞米松"),
}
"""English and Chinese drug names (the Chinese ones from ``corpus/glossary.tsv``)."""


@dataclass(frozen=True)
class Regimen:
    """An anti-CD38 triplet: the antibody, the partner drug (with dexamethasone) and its pivotal trial passage."""

    code: str
    antibody: Antibody
    partner: str
    trial: str

    def drugs(self) -> tuple[str, str, str]:
        return (self.antibody, self.partner, "dexamethasone")

    def names(self, lang: Lang) -> tuple[str, ...]:
        i = 0 if lang == "en" else 1
        return tuple(DRUG_NAMES[d][i] for d in self.drugs())


REGIMENS: dict[str, Regimen] = {
    r.code: r
    for r in (
        Regimen("DRd", "daratumumab", "lenalidomide", "pollux-design"),
        Regimen("DVd", "daratumumab", "bortezomib", "castor-design"),
        Regimen("DKd", "daratumumab", "carfilzomib", "candor-design"),
        Regimen("DPd", "daratumumab", "pomalidomide", "apollo-design"),
        Regimen("IsaPd", "isatuximab", "pomalidomide", "icaria-design"),
        Regimen("IsaKd", "isatuximab", "carfilzomib", "ikema-design"),
    )
}
"""The six regimens, keyed and ordered like ``rules.models.REGIMEN_CODES`` (a test checks they match)."""

_DRUG_STATEMENTS: dict[str, tuple[Statement, ...]] = {
    "daratumumab": (
        S(
            "drug.daratumumab",
            "Daratumumab is the antibody in your treatment. You get it as a shot under the skin or as a drip "
            "into a vein.",
            "达雷妥尤单抗是您治疗中的抗体药，可以皮下注射，也可以静脉输液。",
            "label-daratumumab-sc-dosing",
            "label-daratumumab-iv-dosing",
        ),
    ),
    "isatuximab": (
        S(
            "drug.isatuximab",
            "Isatuximab is the antibody in your treatment. You get it as a drip into a vein.",
            "艾沙妥昔单抗是您治疗中的抗体药，通过静脉输液给药。",
            "label-isatuximab-dosing",
        ),
    ),
    "lenalidomide": (
        S(
            "drug.lenalidomide",
            "Lenalidomide is another myeloma medicine. In the main study, it was given on days 1 to 21 of "
            "each 28-day cycle.",
            "来那度胺是另一种骨髓瘤药物。在主要研究中，每个28天的疗程里，第1到21天用这种药。",
            "pollux-design",
        ),
        S(
            "drug.lenalidomide_kidney",
            "Your kidneys clear lenalidomide from your body. So its dose depends on how well your kidneys work.",
            "来那度胺主要通过肾脏排出体外，所以它的剂量要看您的肾功能。",
            "lenalidomide-renal-dosing",
        ),
    ),
    "pomalidomide": (
        S(
            "drug.pomalidomide",
            "Pomalidomide is another myeloma medicine. In the main studies, it was given on days 1 to 21 of "
            "each cycle.",
            "泊马度胺是另一种骨髓瘤药物。在主要研究中，每个疗程的第1到21天用这种药。",
            "apollo-dosing",
        ),
        S(
            "drug.pomalidomide_counts",
            "Low neutrophils were common in studies of pomalidomide with these medicines. Your blood counts "
            "will be checked for this.",
            "研究发现，泊马度胺和这类抗体一起用时，中性粒细胞减少很常见。您会定期验血，及时发现这个问题。",
            "apollo-toxicity",
            "icaria-neutropenia",
            "cytopenia-dose-delay",
        ),
    ),
    "bortezomib": (
        S(
            "drug.bortezomib",
            "Bortezomib is another myeloma medicine. In the main study, it was given for 8 cycles.",
            "硼替佐米是另一种骨髓瘤药物。在主要研究中，一共用了8个疗程。",
            "castor-design",
        ),
        S(
            "drug.bortezomib_nerves",
            "Bortezomib can cause nerve problems, such as pain or loss of feeling. Tell your care team about "
            "any such change. Your dose may be lowered or paused to protect your nerves.",
            "硼替佐米可能损伤神经，比如引起疼痛或感觉减退。出现这类变化请告诉医疗团队。为了保护神经，"
            "可能会减少剂量或暂停用药。",
            "bortezomib-neuropathy",
        ),
        S(
            "drug.bortezomib_recovery",
            "Nerve problems often get better after bortezomib stops. But this can take a long time.",
            "停用硼替佐米后，神经问题大多会好转，但可能需要很长时间。",
            "bortezomib-neuropathy-course",
        ),
    ),
    "carfilzomib": (
        S(
            "drug.carfilzomib",
            "Carfilzomib is another myeloma medicine. It can raise your blood pressure and can affect your heart.",
            "卡非佐米是另一种骨髓瘤药物。它可能让血压升高，也可能影响心脏。",
            "carfilzomib-cardiovascular-risk",
        ),
        S(
            "drug.carfilzomib_checks",
            "Your heart will be checked before you start. Your blood pressure and heart will be checked during "
            "treatment too.",
            "开始用药前会先检查心脏。治疗期间，也会定期检查血压和心脏。",
            "carfilzomib-cardiovascular-risk",
        ),
        S(
            "drug.carfilzomib_isakd",
            "In the main IsaKd study, high blood pressure was common. Adding isatuximab raised it only a little.",
            "在IsaKd方案的主要研究中，高血压很常见；加用艾沙妥昔单抗后，高血压只增加了一点。",
            "ikema-hypertension",
            regimens=("IsaKd",),
        ),
    ),
}

_DEXAMETHASONE: dict[str, Statement] = {
    "daratumumab": S(
        "drug.dexamethasone",
        "Dexamethasone is a steroid. It is part of your myeloma treatment. It is also one of the medicines you "
        "get before each dose to prevent a reaction.",
        "地塞米松是一种激素。它是骨髓瘤治疗的一部分，也是每次用药前预防反应的药之一。",
        "premedication-daratumumab",
    ),
    "isatuximab": S(
        "drug.dexamethasone",
        "Dexamethasone is a steroid. It is part of your myeloma treatment. It is also one of the medicines you "
        "get before each dose to prevent a reaction.",
        "地塞米松是一种激素。它是骨髓瘤治疗的一部分，也是每次用药前预防反应的药之一。",
        "premedication-isatuximab",
    ),
}


def regimen_statements(code: str) -> tuple[Statement, ...]:
    """The regimen's own section: what it is called, then each of its three drugs explained."""
    r = REGIMENS[code]
    en = r.names("en")
    zh = r.names("zh")
    intro = S(
        "regimen.what",
        f"Your treatment is called {code}. It uses three medicines: {en[0]}, {en[1]} and {en[2]}.",
        f"您的治疗方案叫{code}，包括三种药：{zh[0]}、{zh[1]}和{zh[2]}。",
        r.trial,
    )
    drugs = (*_DRUG_STATEMENTS[r.antibody], *_DRUG_STATEMENTS[r.partner], _DEXAMETHASONE[r.antibody])
    return (intro, *(s for s in drugs if s.regimens is None or code in s.regimens))


_REGIMEN_TERMS: tuple[Term, ...] = (
    Term(
        "Cycle",
        "A set stretch of treatment days that repeats, one after the other.",
        "疗程",
        "一段固定的治疗天数，一个接一个地重复。",
    ),
    Term(
        "Steroid",
        "A type of medicine that calms swelling and the immune system.",
        "激素",
        "一类能减轻炎症、抑制免疫反应的药物。",
    ),
)


def regimen_terms(code: str) -> tuple[Term, ...]:
    """Glossary terms the regimen section adds (the caller drops ones the topic already has)."""
    del code  # every regimen section uses both terms
    return _REGIMEN_TERMS


_PARTNER_QUESTIONS: dict[str, tuple[Question, ...]] = {
    "lenalidomide": (
        Question("Does my kidney test change my lenalidomide dose?", "我的肾功能会影响来那度胺的剂量吗？"),
    ),
    "pomalidomide": (Question("How often will my blood counts be checked?", "我多久要查一次血细胞？"),),
    "bortezomib": (Question("Which nerve changes should I tell you about?", "出现哪些神经方面的变化要告诉你们？"),),
    "carfilzomib": (
        Question("How often will my blood pressure and heart be checked?", "多久检查一次我的血压和心脏？"),
    ),
}


def regimen_questions(code: str) -> tuple[Question, ...]:
    """Questions the regimen adds: why this regimen, and one about the partner drug's main check."""
    r = REGIMENS[code]
    why = Question(f"Why is {code} a good choice for me?", f"为什么{code}方案适合我？")
    return (why, *_PARTNER_QUESTIONS.get(r.partner, ()))


LABELS: dict[str, dict[str, str]] = {
    "en": {
        "draft": "DRAFT for clinician review",
        "draft_note": "Check every statement against its references before this is given to a patient.",
        "date": "Date",
        "corpus": "Evidence base",
        "treatment": "Treatment",
        "profile": "Adapted to a patient's rules report (see the clinician appendix)",
        "regimen_heading": "Your medicines: {code}",
        "profile_heading": "What this means for you",
        "glossary": "Words to know",
        "questions": "Questions to ask your care team",
        "empty": "No statement on this topic is supported by the current evidence base.",
        "appendix": "Clinician appendix",
        "references": "References",
        "method": "How this draft was made",
        "method_statements": "Each statement is fixed plain-language text written for this topic and tied to the "
        "corpus passages numbered after it. A statement whose passages are missing from the corpus is left out.",
        "method_regimen": "Regimen: {code} ({names}).",
        "method_profile": "Patient rules report: {notes}.",
        "method_profile_none": "Patient rules report: no item changes this topic.",
        "method_omitted": "Left out because their passages are missing from the corpus: {keys}.",
        "passage": "passage",
    },
    "zh": {
        "draft": "DRAFT for clinician review（草稿，须经临床医生审核）",
        "draft_note": "交给患者之前，请逐条对照参考文献核实。",
        "date": "日期",
        "corpus": "证据库",
        "treatment": "治疗方案",
        "profile": "已根据患者的规则评估报告调整（详见临床医生附录）",
        "regimen_heading": "您的用药：{code}方案",
        "profile_heading": "和您有关的要点",
        "glossary": "需要了解的词",
        "questions": "可以问医疗团队的问题",
        "empty": "当前证据库中没有能支持本主题的内容。",
        "appendix": "临床医生附录（Clinician appendix）",
        "references": "参考文献",
        "method": "本草稿的生成方式",
        "method_statements": "每条内容都是为本主题预先写好的通俗表述，并对应其后编号的语料段落；"
        "段落在语料库中缺失的内容不会出现。",
        "method_regimen": "方案：{code}（{names}）。",
        "method_profile": "患者规则评估报告：{notes}。",
        "method_profile_none": "患者规则评估报告：没有影响本主题的项目。",
        "method_omitted": "因语料段落缺失而未纳入：{keys}。",
        "passage": "段落",
    },
}
"""Fixed wording of a draft, by language. The English DRAFT marker appears in both languages on purpose."""
