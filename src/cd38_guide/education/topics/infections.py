"""Topic ``infections``: why infections matter, shingles prevention, hepatitis B checks and vaccines."""

from __future__ import annotations

from cd38_guide.education.content import Question, S, Section, Term, Topic

TOPIC = Topic(
    id="infections",
    en_title="Infections: how to lower your risk",
    zh_title="感染：怎样降低风险",
    sections=(
        Section(
            "why",
            "Why infections matter",
            "为什么要重视感染",
            (
                S(
                    "inf.more_likely",
                    "Daratumumab and isatuximab can make infections more likely. Some infections can be serious.",
                    "达雷妥尤单抗和艾沙妥昔单抗会让人更容易感染，有些感染可能很严重。",
                    "label-isatuximab-infections",
                    "nahi-infections-nk",
                ),
                S(
                    "inf.pneumonia",
                    "In studies, lung infections such as pneumonia were more common when these medicines were "
                    "added to treatment.",
                    "研究发现，治疗中加用这类药以后，肺炎等肺部感染更常见。",
                    "pollux-toxicity",
                    "apollo-toxicity",
                    "label-isatuximab-infections",
                ),
                S(
                    "inf.when",
                    "The risk of infection is high when myeloma has come back, or when it no longer responds "
                    "to treatment.",
                    "骨髓瘤复发，或者对治疗不再有反应时，感染的风险比较高。",
                    "imwg-infection-risk-periods",
                ),
                S(
                    "inf.viral",
                    "Some infections come from viruses that wake up again. One of these is the chickenpox virus, "
                    "which can cause shingles.",
                    "有些感染来自体内原本潜伏、又重新活跃的病毒，比如水痘病毒，它会引起带状疱疹。",
                    "nahi-infections-nk",
                    "zoster-prophylaxis",
                ),
            ),
        ),
        Section(
            "prevent",
            "Medicines to prevent infection",
            "预防感染的药",
            (
                S(
                    "prev.zoster",
                    "You will likely take an antiviral medicine to prevent shingles.",
                    "您很可能需要吃抗病毒药来预防带状疱疹。",
                    "zoster-prophylaxis",
                    "imwg-infection-prophylaxis",
                    "isatuximab-neutropenia-gcsf",
                ),
                S(
                    "prev.zoster_dara",
                    "With daratumumab, this medicine starts within 1 week of your first dose. It goes on for "
                    "3 months after your last dose.",
                    "用达雷妥尤单抗时，这种药要在开始治疗后1周内开始吃，并在最后一次用药后再继续吃3个月。",
                    "zoster-prophylaxis",
                    antibody="daratumumab",
                ),
                S(
                    "prev.other",
                    "When your risk is high, your care team may also think about an antibiotic. They may also "
                    "think about a medicine to prevent one kind of pneumonia.",
                    "在感染风险高的时候，医疗团队还可能考虑用抗生素，或者用一种预防某类肺炎的药。",
                    "imwg-infection-prophylaxis",
                ),
                S(
                    "prev.ig",
                    "Some people have low levels of the antibodies that fight germs. If they also get many "
                    "infections, their care team may think about adding these antibodies back. Only a small "
                    "number of people need this.",
                    "有些人体内对抗病菌的抗体偏少。如果同时还反复感染，医疗团队可能会考虑给他们补充这些抗体"
                    "（免疫球蛋白替代治疗）。只有少数人需要这样做。",
                    "ivig-replacement-criteria",
                    "imwg-infection-risk-periods",
                ),
            ),
        ),
        Section(
            "hbv",
            "Hepatitis B checks",
            "乙肝检查",
            (
                S(
                    "hbv.test",
                    "Before you start daratumumab, you will have a blood test for hepatitis B.",
                    "开始用达雷妥尤单抗之前，您要验血检查乙肝。",
                    "hbv-screening-monitoring",
                    antibody="daratumumab",
                ),
                S(
                    "hbv.risk",
                    "If you have had hepatitis B, the virus can become active again during treatment. Nearly "
                    "all cases were in the first 6 months. Most cases were not serious, but some were fatal.",
                    "如果您得过乙肝，治疗期间病毒可能重新活跃起来。几乎所有病例都出现在用药的前6个月。"
                    "大多数并不严重，但也有致命的病例。",
                    "hbv-reactivation-risk",
                    antibody="daratumumab",
                ),
                S(
                    "hbv.monitor",
                    "If your test shows hepatitis B, now or in the past, you will have checks during treatment. "
                    "They go on for at least 6 months after it ends. Get help quickly if you feel unwell.",
                    "如果检查发现您现在有乙肝或以前得过乙肝，治疗期间要定期检查，治疗结束后至少还要再查6个月。"
                    "如果觉得不舒服，请尽快就医。",
                    "hbv-screening-monitoring",
                    antibody="daratumumab",
                ),
            ),
        ),
        Section(
            "vaccines",
            "Vaccines",
            "疫苗",
            (
                S(
                    "vac.flu",
                    "Experts advise a flu shot every year for you and for the people close to you.",
                    "专家建议您和经常与您接触的人每年都打流感疫苗。",
                    "emn-vaccination-schedule",
                ),
                S(
                    "vac.other",
                    "They also advise vaccines against two germs called pneumococcus and Hib.",
                    "专家还建议接种肺炎球菌疫苗和b型流感嗜血杆菌（Hib）疫苗。",
                    "emn-vaccination-schedule",
                ),
                S(
                    "vac.response",
                    "Vaccines may work less well when you have myeloma. Your care team may check your blood to "
                    "see if a vaccine worked, or give you another dose.",
                    "得了骨髓瘤以后，疫苗的效果可能会差一些。医疗团队可能会验血看看疫苗有没有起作用，或者让您再打一针。",
                    "emn-vaccination-schedule",
                ),
            ),
        ),
        Section(
            "call",
            "When to call",
            "什么时候要联系医疗团队",
            (
                S(
                    "inf.call",
                    "Call your care team right away if you have a fever or other signs of infection.",
                    "如果发烧或有其他感染的迹象，请马上联系医疗团队。",
                    "cytopenia-dose-delay",
                    "label-isatuximab-infections",
                ),
            ),
        ),
    ),
    glossary=(
        Term(
            "Shingles",
            "An illness that comes when the chickenpox virus becomes active again.",
            "带状疱疹",
            "水痘病毒在体内重新活跃引起的病。",
        ),
        Term("Antiviral", "A medicine that fights a virus.", "抗病毒药", "对付病毒的药。"),
        Term("Hepatitis B", "A virus that infects the liver.", "乙肝", "乙型肝炎病毒，会感染肝脏。"),
        Term(
            "Vaccine", "A shot that helps your body learn to fight a germ.", "疫苗", "帮助身体学会对付某种病菌的针剂。"
        ),
    ),
    questions=(
        Question(
            "Which medicines should I take to prevent infections, and for how long?",
            "我需要吃哪些药来预防感染？要吃多久？",
        ),
        Question("Which vaccines should I have, and when?", "我应该打哪些疫苗？什么时候打？"),
        Question("Should the people I live with get a flu shot?", "和我住在一起的人要打流感疫苗吗？"),
        Question("What should I do if I get a fever at night or at the weekend?", "如果晚上或周末发烧，我该怎么办？"),
        Question("What did my hepatitis B test show?", "我的乙肝检查结果怎么样？", antibody="daratumumab"),
    ),
)
