"""Topic ``low_blood_counts``: which counts fall, how they are checked, and why doses are delayed, not cut."""

from __future__ import annotations

from cd38_guide.education.content import Question, S, Section, Term, Topic

TOPIC = Topic(
    id="low_blood_counts",
    en_title="Low blood counts",
    zh_title="血细胞减少",
    sections=(
        Section(
            "what",
            "What can happen",
            "可能会出现什么情况",
            (
                S(
                    "lbc.which",
                    "This treatment can lower your white cells, red cells or platelets.",
                    "这种治疗可能让白细胞、红细胞或血小板减少。",
                    "pollux-toxicity",
                    "apollo-toxicity",
                    "cytopenia-dose-delay",
                ),
                S(
                    "lbc.neutrophils",
                    "Low neutrophils are the most common. Neutrophils are white cells that fight infection. "
                    "They were low more often when daratumumab or isatuximab was added.",
                    "最常见的是中性粒细胞减少。中性粒细胞是负责对抗感染的白细胞。加用达雷妥尤单抗或艾沙妥昔单抗后，"
                    "中性粒细胞减少更常见。",
                    "pollux-toxicity",
                    "apollo-toxicity",
                    "icaria-neutropenia",
                ),
                S(
                    "lbc.fever",
                    "A fever when your neutrophils are low can be serious. It was more common when these "
                    "medicines were added.",
                    "中性粒细胞低的时候发烧可能很严重。加用这类药以后，这种情况更常见。",
                    "apollo-toxicity",
                    "icaria-neutropenia",
                ),
                S(
                    "lbc.other",
                    "Low platelets and low red cells can also happen.",
                    "血小板减少和红细胞减少也可能发生。",
                    "pollux-toxicity",
                    "apollo-toxicity",
                ),
            ),
        ),
        Section(
            "checks",
            "How your counts are checked",
            "怎样检查血细胞",
            (
                S(
                    "lbc.tests",
                    "You will have regular blood tests to check your counts.",
                    "您需要定期验血，检查血细胞计数。",
                    "isatuximab-neutropenia-gcsf",
                    "cytopenia-dose-delay",
                ),
            ),
        ),
        Section(
            "low",
            "If your counts are low",
            "如果血细胞偏低",
            (
                S(
                    "lbc.delay",
                    "The dose of daratumumab or isatuximab is not made smaller. Instead, your dose may be put "
                    "off until your counts come back up.",
                    "达雷妥尤单抗或艾沙妥昔单抗的剂量不会减少，而是可能推迟用药，等血细胞恢复后再用。",
                    "cytopenia-dose-delay",
                    "isatuximab-neutropenia-gcsf",
                ),
                S(
                    "lbc.partners",
                    "Your other myeloma medicines may be lowered or paused.",
                    "您的其他骨髓瘤药物可能会减量或暂停。",
                    "cytopenia-dose-delay",
                ),
                S(
                    "lbc.gcsf",
                    "With isatuximab, your care team may give you a medicine called G-CSF. It lowers the chance "
                    "of low neutrophils.",
                    "用艾沙妥昔单抗时，医疗团队可能会给您用一种叫G-CSF（粒细胞集落刺激因子）的药，降低中性粒细胞减少的风险。",
                    "isatuximab-neutropenia-gcsf",
                    antibody="isatuximab",
                ),
                S(
                    "lbc.prophylaxis",
                    "With isatuximab, you may also get medicines to prevent infection.",
                    "用艾沙妥昔单抗时，您可能还会用一些预防感染的药。",
                    "isatuximab-neutropenia-gcsf",
                    antibody="isatuximab",
                ),
            ),
        ),
        Section(
            "call",
            "When to call",
            "什么时候要联系医疗团队",
            (
                S(
                    "lbc.call",
                    "Call your care team right away if you have a fever or any signs of bleeding.",
                    "如果发烧或有任何出血的迹象，请马上联系医疗团队。",
                    "cytopenia-dose-delay",
                ),
            ),
        ),
    ),
    glossary=(
        Term(
            "Blood count",
            "A blood test that counts your white cells, red cells and platelets.",
            "血细胞计数",
            "一种验血，数一数白细胞、红细胞和血小板的数量。",
        ),
        Term("Neutrophils", "White blood cells that fight infection.", "中性粒细胞", "一种对抗感染的白细胞。"),
        Term("Platelets", "Blood cells that help your blood clot.", "血小板", "帮助血液凝固、止血的血细胞。"),
        Term(
            "G-CSF",
            "A medicine that helps your body make more neutrophils.",
            "G-CSF",
            "粒细胞集落刺激因子，一种帮助身体多产生中性粒细胞的药。",
            antibody="isatuximab",
        ),
    ),
    questions=(
        Question("How often will my blood counts be checked?", "我多久要查一次血细胞？"),
        Question("What should I do if I have a fever?", "如果发烧，我该怎么办？"),
        Question("Which signs of bleeding should I tell you about?", "出现哪些出血的迹象要告诉你们？"),
        Question("Will I need a medicine to raise my white cells?", "我需要用提升白细胞的药吗？"),
        Question("Will low counts change my treatment plan?", "血细胞低会改变我的治疗计划吗？"),
    ),
)
