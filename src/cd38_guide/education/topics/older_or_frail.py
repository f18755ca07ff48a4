"""Topic ``older_or_frail``: benefit in older or frail people, fitness checks, adjusted doses, closer care."""

from __future__ import annotations

from cd38_guide.education.content import Question, S, Section, Term, Topic

TOPIC = Topic(
    id="older_or_frail",
    en_title="Treatment when you are older or frail",
    zh_title="老年或体弱患者的治疗",
    sections=(
        Section(
            "help",
            "These medicines can still help",
            "这类药同样可以帮到您",
            (
                S(
                    "of.help",
                    "Daratumumab and isatuximab can still help older people and people who are frail. Lasting "
                    "results are possible with the right checks and support.",
                    "达雷妥尤单抗和艾沙妥昔单抗对老年人和体弱的人同样有帮助。只要有合适的监测和支持照护，可以取得持久的效果。",
                    "consensus-elderly-frail",
                ),
                S(
                    "of.trials",
                    "In studies, people aged 75 or older also did better when these medicines were added. "
                    "These groups were small.",
                    "研究中，75岁及以上的人加用这类药后效果也更好，不过这部分研究对象人数较少。",
                    "pollux-elderly",
                    "castor-elderly",
                    "icaria-elderly",
                ),
            ),
        ),
        Section(
            "fitness",
            "Checking how fit you are",
            "评估您的身体状况",
            (
                S(
                    "of.score",
                    "Your care team may check how fit you are. They look at your age, your other health "
                    "problems, and how well you manage daily tasks.",
                    "医疗团队可能会评估您的身体状况，看您的年龄、有没有其他疾病，以及日常生活能不能自理。",
                    "frailty-imwg-score",
                    "frailty-simplified-score",
                ),
                S(
                    "of.why",
                    "People who are frail are more likely to have serious side effects, or to stop treatment "
                    "early. So the result helps plan your care.",
                    "体弱的人更容易出现严重的副作用，或者提前停止治疗。所以评估结果能帮助安排您的治疗。",
                    "frailty-imwg-outcomes",
                ),
                S(
                    "of.change",
                    "How fit you are can change over time. So it may be checked again during treatment.",
                    "身体状况会随着时间变化，所以治疗期间可能会再评估。",
                    "maia-frailty-dynamic",
                ),
            ),
        ),
        Section(
            "doses",
            "Changes to your doses",
            "剂量的调整",
            (
                S(
                    "of.dex",
                    "Older people often get a lower dose of dexamethasone, a steroid in this treatment. In the "
                    "main studies, this dose was cut in half from about age 75.",
                    "老年人通常会用较低剂量的地塞米松（这种治疗里的一种激素）。在主要研究中，大约从75岁起，这个剂量减半。",
                    "dexamethasone-elderly-dose",
                ),
                S(
                    "of.antibody",
                    "The dose of daratumumab or isatuximab is not made smaller for side effects. Instead, a dose "
                    "may be put off for a while.",
                    "达雷妥尤单抗或艾沙妥昔单抗不会因为副作用减少剂量，而是可能推迟一段时间再用。",
                    "cytopenia-dose-delay",
                ),
                S(
                    "of.partners",
                    "The doses of your other myeloma medicines may be changed to suit you.",
                    "您的其他骨髓瘤药物，剂量可能会根据您的情况调整。",
                    "cytopenia-dose-delay",
                ),
                S(
                    "of.lenalidomide",
                    "For example, the dose of lenalidomide depends on how well your kidneys work.",
                    "比如，来那度胺的剂量要看您的肾功能好不好。",
                    "lenalidomide-renal-dosing",
                    regimens=("DRd",),
                ),
                S(
                    "of.dara_kidney",
                    "Daratumumab does not need a dose change if your kidneys work less well.",
                    "如果肾功能比较差，达雷妥尤单抗不需要调整剂量。",
                    "daratumumab-renal",
                    antibody="daratumumab",
                ),
                S(
                    "of.isa_kidney",
                    "In its main studies, isatuximab also helped people whose kidneys worked less well.",
                    "在主要研究中，艾沙妥昔单抗对肾功能较差的人同样有效。",
                    "isatuximab-renal-data",
                    antibody="isatuximab",
                ),
            ),
        ),
        Section(
            "care",
            "Extra care",
            "额外的照护",
            (
                S(
                    "of.counts",
                    "In one study, low neutrophils were more common in people aged 75 or older who got "
                    "daratumumab. Neutrophils are white cells that fight infection.",
                    "一项研究发现，75岁及以上用达雷妥尤单抗的人，中性粒细胞减少更常见。中性粒细胞是对抗感染的白细胞。",
                    "pollux-elderly",
                    antibody="daratumumab",
                ),
                S(
                    "of.blood_tests",
                    "Your blood counts will be checked regularly.",
                    "您需要定期检查血细胞。",
                    "isatuximab-neutropenia-gcsf",
                    "cytopenia-dose-delay",
                ),
                S(
                    "of.dkd",
                    "In the main DKd study, serious side effects were more common when daratumumab was added. "
                    "In people over 65, the benefit was smaller.",
                    "在DKd方案的主要研究中，加用达雷妥尤单抗后严重副作用更常见；在65岁以上的人中，获益更小。",
                    "candor-safety",
                    regimens=("DKd",),
                    in_generic=False,
                ),
            ),
        ),
    ),
    glossary=(
        Term(
            "Frail",
            "Having less strength and energy to cope with illness and treatment.",
            "体弱",
            "体力和精力不足，比较难承受疾病和治疗。",
        ),
        Term(
            "Dexamethasone",
            "A steroid medicine that is part of your myeloma treatment.",
            "地塞米松",
            "一种激素类药物，是骨髓瘤治疗的一部分。",
        ),
        Term("Side effect", "An unwanted effect of a medicine.", "副作用", "药物带来的不想要的作用。"),
        Term("Dose", "How much of a medicine you get.", "剂量", "每次用药的量。"),
    ),
    questions=(
        Question("Has my fitness been checked, and what did it show?", "评估过我的身体状况吗？结果怎么样？"),
        Question("Will my dexamethasone dose be lowered?", "我的地塞米松会减量吗？"),
        Question("What support can I get at home or during treatment?", "在家里或治疗期间，我能得到哪些帮助？"),
        Question("Which side effects should I report right away?", "哪些副作用要马上告诉你们？"),
        Question("How often will I have check-ups?", "我多久要复查一次？"),
    ),
)
