"""Rules-report items that change a draft (``--patient``): the statements each adds and the topics it touches.

The statements speak in general terms ("your recent blood test showed low platelets"): no age, no laboratory
value and nothing else from the profile is copied into the draft.
"""

from __future__ import annotations

from dataclasses import dataclass

from cd38_guide.education.content import Question, S, Statement

__all__ = ["PROFILE_ITEMS", "ProfileItem"]


@dataclass(frozen=True)
class ProfileItem:
    """A rules-report item that changes a draft: the statements it adds, where, and the note that records it.

    ``code`` is ``flag:<flag code>``, ``anti_cd38:<status>`` or ``frailty:<category>``.
    """

    code: str
    topics: tuple[str, ...]
    statements: tuple[Statement, ...]
    note: tuple[str, str]
    """What the item changed in the draft, (English, Chinese): shown to the clinician in the draft's language."""
    question: Question | None = None


PROFILE_ITEMS: tuple[ProfileItem, ...] = (
    ProfileItem(
        "anti_cd38:rechallenge_too_early",
        ("about_anti_cd38", "retreatment"),
        (
            S(
                "profile.wait",
                "Your myeloma got worse on this kind of medicine, and your last dose was not long ago. It is best "
                "to wait longer before this medicine is used again. Experts advise a break of typically 6 to 12 "
                "months.",
                "您用这类药时骨髓瘤加重了，而且最后一次用药离现在还不久。最好再多等一段时间，再考虑重新用这种药。"
                "专家建议通常停药6到12个月。",
                "consensus-rechallenge-washout",
                "mammoth-refractory-definition",
            ),
        ),
        (
            "added the statement to wait longer before rechallenge (washout not yet reached)",
            "加入了再次使用前需再等待一段时间的说明（尚未达到洗脱期）",
        ),
        Question(
            "When will it be long enough since my last dose to try this medicine again?",
            "离最后一次用药多久以后，才可以再试这种药？",
        ),
    ),
    ProfileItem(
        "anti_cd38:rechallenge_feasible",
        ("about_anti_cd38", "retreatment"),
        (
            S(
                "profile.rechallenge_ok",
                "Your myeloma got worse on this kind of medicine before. Enough time has now passed since your "
                "last dose for it to be tried again. It may not work as well as the first time.",
                "您以前用这类药时骨髓瘤加重过。现在离最后一次用药已经过了足够长的时间，可以考虑再试一次，"
                "但效果可能不如第一次。",
                "consensus-rechallenge-washout",
                "souren-retreatment",
            ),
        ),
        (
            "added the statement that the washout has been reached and rechallenge is feasible",
            "加入了已达到洗脱期、可以考虑再次使用的说明",
        ),
    ),
    ProfileItem(
        "anti_cd38:needs_last_dose_date",
        ("about_anti_cd38", "retreatment"),
        (
            S(
                "profile.last_dose_date",
                "Your care team needs the date of your last dose of daratumumab or isatuximab. This shows if the "
                "break has been long enough.",
                "医疗团队需要知道您最后一次用达雷妥尤单抗或艾沙妥昔单抗的日期，才能判断停药的时间够不够长。",
                "consensus-rechallenge-washout",
            ),
        ),
        ("added a request for the date of the last anti-CD38 dose", "加入了询问最后一次抗CD38单抗用药日期的说明"),
    ),
    ProfileItem(
        "flag:dexamethasone_reduced_dose",
        ("about_anti_cd38", "infusion_reactions", "older_or_frail"),
        (
            S(
                "profile.dex_reduced",
                "Your care team may give you a lower dose of dexamethasone, the steroid in this treatment. The "
                "main studies used a lower dose for older people.",
                "医疗团队可能会给您用较低剂量的地塞米松（这种治疗里的激素）。主要研究中，年纪较大的人都用了较低的剂量。",
                "dexamethasone-elderly-dose",
            ),
        ),
        ("added the reduced dexamethasone dose statement", "加入了地塞米松减量的说明"),
        Question("How much dexamethasone will I take?", "我的地塞米松要用多少？"),
    ),
    ProfileItem(
        "flag:hbv_reactivation_risk",
        ("about_anti_cd38", "infections"),
        (
            S(
                "profile.hbv_monitor",
                "Your blood tests show that you have or have had hepatitis B. The virus can become active again "
                "during this treatment. Your care team will check for this during treatment and for at least 6 "
                "months after it. Get help quickly if you feel unwell.",
                "您的验血结果显示，您现在有乙肝或以前得过乙肝。这种治疗期间，病毒可能重新活跃。治疗期间以及治疗结束后"
                "至少6个月内，医疗团队都会给您做相关检查。如果觉得不舒服，请尽快就医。",
                "hbv-screening-monitoring",
                "hbv-reactivation-risk",
            ),
        ),
        (
            "added hepatitis B monitoring during and for at least 6 months after treatment",
            "加入了治疗期间及治疗结束后至少6个月监测乙肝的说明",
        ),
        Question("How often will you check me for hepatitis B?", "多久给我查一次乙肝？"),
    ),
    ProfileItem(
        "flag:hbv_screening",
        ("about_anti_cd38", "infections"),
        (
            S(
                "profile.hbv_test",
                "Your care team does not have your hepatitis B result yet. You need this blood test before you start.",
                "医疗团队还没有您的乙肝检查结果。开始用药前，您需要做这项验血。",
                "hbv-screening-monitoring",
            ),
        ),
        (
            "added the hepatitis B test before starting (serology unknown)",
            "加入了开始治疗前检查乙肝的说明（乙肝血清学未知）",
        ),
    ),
    ProfileItem(
        "flag:neutropenia_hold",
        ("about_anti_cd38", "infections", "low_blood_counts"),
        (
            S(
                "profile.neutropenia",
                "Your recent blood test showed low neutrophils, the white cells that fight infection. Your next "
                "dose may be put off until they recover. The dose itself is not made smaller.",
                "您最近的验血显示中性粒细胞偏低（这是对抗感染的白细胞）。下一次用药可能要推迟，等它恢复后再用，"
                "但剂量本身不会减少。",
                "cytopenia-dose-delay",
                "isatuximab-neutropenia-gcsf",
            ),
        ),
        ("added the dose delay for low neutrophils", "加入了中性粒细胞低时推迟用药的说明"),
    ),
    ProfileItem(
        "flag:low_platelets",
        ("about_anti_cd38", "low_blood_counts"),
        (
            S(
                "profile.platelets",
                "Your recent blood test showed low platelets, the cells that help your blood clot. Your next dose "
                "may be put off until they recover. Tell your care team right away about any bleeding.",
                "您最近的验血显示血小板偏低（血小板帮助止血）。下一次用药可能要推迟，等它恢复后再用。如果有任何出血，"
                "请马上告诉医疗团队。",
                "cytopenia-dose-delay",
            ),
        ),
        ("added the dose delay for low platelets", "加入了血小板低时推迟用药的说明"),
    ),
    ProfileItem(
        "flag:ivig_consider",
        ("about_anti_cd38", "infections"),
        (
            S(
                "profile.ivig",
                "Your level of germ-fighting antibodies is low. Your care team may talk with you about adding "
                "these antibodies back.",
                "您体内对抗病菌的抗体偏少。医疗团队可能会和您商量补充这些抗体（免疫球蛋白替代治疗）。",
                "ivig-replacement-criteria",
            ),
        ),
        ("added the immunoglobulin replacement statement", "加入了免疫球蛋白替代治疗的说明"),
    ),
    ProfileItem(
        "flag:lenalidomide_renal_dose",
        ("about_anti_cd38", "older_or_frail"),
        (
            S(
                "profile.lenalidomide_kidney",
                "Your kidney tests mean that lenalidomide, if you get it, needs a lower dose. Your kidneys clear "
                "this medicine from your body.",
                "根据您的肾功能检查，如果用来那度胺，需要减少剂量，因为这种药主要通过肾脏排出体外。",
                "lenalidomide-renal-dosing",
                regimens=("DRd",),
            ),
            S(
                "profile.daratumumab_kidney",
                "Daratumumab itself does not need a dose change for your kidneys.",
                "达雷妥尤单抗本身不需要因为肾功能调整剂量。",
                "daratumumab-renal",
                antibody="daratumumab",
            ),
        ),
        ("added the lenalidomide kidney dose statement", "加入了按肾功能调整来那度胺剂量的说明"),
    ),
    ProfileItem(
        "frailty:frail",
        ("about_anti_cd38", "older_or_frail"),
        (
            S(
                "profile.frail",
                "Your care team's check shows that you may be frail. This treatment can still help you. You will "
                "have close checks and extra support.",
                "医疗团队的评估显示您可能属于体弱。这种治疗仍然可以帮到您，您会得到更密切的监测和更多的支持照护。",
                "consensus-elderly-frail",
                "frailty-imwg-score",
            ),
        ),
        ("added the frail-patient monitoring and support statement", "加入了体弱患者监测与支持治疗的说明"),
    ),
    ProfileItem(
        "flag:blood_bank_interference",
        ("blood_tests_and_transfusion",),
        (
            S(
                "profile.bloodbank_prior",
                "You have had this kind of medicine before. Its effect on blood bank tests can last for months. "
                "Make sure the blood bank knows.",
                "您以前用过这类药。它对血库检测的影响可能会持续几个月。请确认血库已经知道这件事。",
                "bloodbank-duration",
                "bloodbank-mechanism",
            ),
        ),
        ("added the prior-exposure blood bank statement", "加入了既往用药需告知血库的说明"),
    ),
    ProfileItem(
        "flag:high_risk_cytogenetics",
        ("about_anti_cd38",),
        (
            S(
                "profile.high_risk",
                "Tests on your myeloma cells found changes that doctors call high-risk. These medicines have "
                "worked in people with such changes too.",
                "对您骨髓瘤细胞的检测发现了医生所说的高危改变。这类药对有这些改变的人同样有效。",
                "consensus-high-risk-efficacy",
            ),
        ),
        ("added the high-risk cytogenetics statement", "加入了高危细胞遗传学的说明"),
    ),
)
"""Report items that change a draft, in the order their statements appear."""
