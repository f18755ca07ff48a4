"""Topic ``retreatment``: why a break of months comes before an anti-CD38 antibody is used again."""

from __future__ import annotations

from cd38_guide.education.content import Question, S, Section, Term, Topic

TOPIC = Topic(
    id="retreatment",
    en_title="Using daratumumab or isatuximab again",
    zh_title="再次使用达雷妥尤单抗或艾沙妥昔单抗",
    sections=(
        Section(
            "stops",
            "When the medicine stops working",
            "当药物不再起作用时",
            (
                S(
                    "rt.resistance",
                    "Sometimes myeloma stops responding to daratumumab or isatuximab. This is called resistance.",
                    "有时，骨髓瘤会对达雷妥尤单抗或艾沙妥昔单抗不再有反应，这叫耐药。",
                    "consensus-rechallenge-washout",
                ),
                S(
                    "rt.refractory",
                    "If myeloma gets worse during treatment, or within 60 days of the last dose, doctors call "
                    "it refractory.",
                    "如果骨髓瘤在治疗期间或最后一次用药后60天内加重，医生就称之为难治。",
                    "mammoth-refractory-definition",
                    "imwg-refractory-definition",
                ),
                S(
                    "rt.right_away",
                    "In one study, using daratumumab again right away, after it had stopped working, helped little.",
                    "一项研究发现，达雷妥尤单抗失效后马上再用，帮助很小。",
                    "frerichs-prior-response",
                ),
            ),
        ),
        Section(
            "why",
            "Why a break of months helps",
            "为什么要停药几个月",
            (
                S(
                    "rt.cd38",
                    "In a study of daratumumab, myeloma cells carried less CD38 during treatment. After the "
                    "medicine was stopped, the CD38 went up again.",
                    "一项达雷妥尤单抗的研究发现，治疗期间骨髓瘤细胞上的CD38会减少；停药以后，CD38又会增加。",
                    "nijhof-cd38-downregulation",
                ),
                S(
                    "rt.immune",
                    "Some of the immune cells that help daratumumab work also drop during treatment.",
                    "治疗期间，一些帮助达雷妥尤单抗起作用的免疫细胞也会减少。",
                    "wang-nk-fratricide",
                ),
                S(
                    "rt.washout",
                    "A break of months may let the target and your immune cells partly recover. So experts say "
                    "the medicine can be used again after a long break, typically 6 to 12 months.",
                    "停药几个月，可能让靶点和免疫细胞部分恢复。所以专家认为，停药足够长的时间（通常6到12个月）以后，"
                    "可以再次使用这类药。",
                    "consensus-rechallenge-washout",
                ),
            ),
        ),
        Section(
            "expect",
            "What to expect",
            "可能会怎样",
            (
                S(
                    "rt.less_well",
                    "The medicine may work less well the second time. In one small study, fewer people "
                    "responded to a second course than to the first.",
                    "第二次用时，效果可能不如第一次。一项小型研究中，第二个疗程有效的人比第一个疗程少。",
                    "souren-retreatment",
                ),
                S(
                    "rt.break_helped",
                    "The same study found that a break between courses helped.",
                    "同一项研究发现，两个疗程之间停一段时间是有好处的。",
                    "souren-retreatment",
                ),
                S(
                    "rt.switch",
                    "Daratumumab and isatuximab attach to different parts of CD38. But there is little proof yet "
                    "about switching from one to the other.",
                    "达雷妥尤单抗和艾沙妥昔单抗结合在CD38的不同部位，但关于从一种换成另一种，目前证据还很少。",
                    "leleu-epitopes-sequencing",
                ),
                S(
                    "rt.isapd",
                    "In one study, more than half of people whose myeloma no longer responded to daratumumab "
                    "then responded to isatuximab, pomalidomide and dexamethasone.",
                    "一项研究中，对达雷妥尤单抗已经耐药的人，改用艾沙妥昔单抗、泊马度胺和地塞米松后，一半以上有效。",
                    "martino-isapd-after-daratumumab",
                ),
                S(
                    "rt.choices",
                    "Resistance is still a challenge. Your care team will help you weigh all your choices.",
                    "耐药仍然是个难题。医疗团队会帮您权衡所有的治疗选择。",
                    "consensus-rechallenge-washout",
                    "consensus-framework",
                ),
            ),
        ),
    ),
    glossary=(
        Term("Resistance", "When myeloma no longer responds to a medicine.", "耐药", "骨髓瘤对某种药不再有反应。"),
        Term(
            "Refractory",
            "Myeloma that gets worse during treatment, or soon after it.",
            "难治",
            "骨髓瘤在治疗期间或治疗后不久加重。",
        ),
        Term(
            "CD38",
            "The target on myeloma cells that these medicines attach to.",
            "CD38",
            "骨髓瘤细胞上的靶点，这类药就是和它结合。",
        ),
        Term("Course", "One full stretch of treatment with a medicine.", "疗程", "用一种药完整治疗的一段时间。"),
    ),
    questions=(
        Question("How long has it been since my last dose?", "我最后一次用药是多久以前？"),
        Question("Did my myeloma get worse while I was on this medicine?", "我用这种药的时候，骨髓瘤加重了吗？"),
        Question("What other treatments could I have now?", "我现在还有哪些治疗可以选？"),
        Question(
            "If I need to wait, what treatment will I have in the meantime?", "如果需要等，这段时间我用什么治疗？"
        ),
    ),
)
