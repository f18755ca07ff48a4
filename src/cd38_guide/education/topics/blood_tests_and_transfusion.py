"""Topic ``blood_tests_and_transfusion``: why the blood bank needs to know, carrying a card, M-protein tests."""

from __future__ import annotations

from cd38_guide.education.content import Question, S, Section, Term, Topic

TOPIC = Topic(
    id="blood_tests_and_transfusion",
    en_title="Blood tests and blood transfusions",
    zh_title="验血和输血",
    sections=(
        Section(
            "why",
            "Why the blood bank needs to know",
            "为什么要告诉血库",
            (
                S(
                    "bb.match",
                    "Before you get blood from a donor, the blood bank tests your blood to find a safe match.",
                    "在给您输别人捐献的血之前，血库会先检测您的血，找到安全、匹配的血。",
                    "bloodbank-mechanism",
                ),
                S(
                    "bb.interfere",
                    "Daratumumab and isatuximab stick to red blood cells in these tests. This makes the tests "
                    "look as if your blood reacts with all other blood. It can also hide a real problem.",
                    "达雷妥尤单抗和艾沙妥昔单抗在这些检测中会粘在红细胞上，让结果看起来好像您的血和所有的血都会起反应，"
                    "还可能掩盖真正需要注意的问题。",
                    "bloodbank-mechanism",
                ),
                S(
                    "bb.abo",
                    "Your basic blood group, such as A, B or O, is not affected.",
                    "您的基本血型（比如A型、B型、O型）不受影响。",
                    "bloodbank-mechanism",
                ),
                S(
                    "bb.fix",
                    "The blood bank can get around this. The lab treats its test cells with a chemical. Because "
                    "of this, you may be given a type of blood called Kell-negative.",
                    "血库有办法解决这个问题：化验室会用一种化学试剂处理检测用的红细胞。因此，您可能会输到一种叫"
                    "Kell阴性的血。",
                    "bloodbank-dtt-kell",
                ),
            ),
        ),
        Section(
            "before",
            "Before your first dose",
            "第一次用药前",
            (
                S(
                    "bb.baseline",
                    "Before your first dose, you will give a blood sample to record your blood type. A fuller "
                    "check of your red cells may also be done. This helps the blood bank find well-matched blood "
                    "later.",
                    "第一次用药前，您要抽血记录血型，可能还会对红细胞做更全面的检查。这样以后血库更容易找到和您匹配的血。",
                    "bloodbank-baseline-typing",
                ),
                S(
                    "bb.tell_bank",
                    "The hospital blood bank should be told before you start.",
                    "开始用药前，应该通知医院的血库。",
                    "bloodbank-baseline-typing",
                ),
            ),
        ),
        Section(
            "card",
            "Tell every hospital",
            "告诉每一家医院",
            (
                S(
                    "bb.card",
                    "Tell any hospital you go to that you get this medicine. It helps to carry a card or note "
                    "that says so.",
                    "不管去哪家医院，都请告诉他们您在用这种药。随身带一张写明用药情况的卡片或纸条会很有帮助。",
                    "bloodbank-baseline-typing",
                ),
                S(
                    "bb.duration",
                    "The effect on blood bank tests can last for months after your last dose. Keep telling "
                    "hospitals during this time.",
                    "停药以后，这种对血库检测的影响还可能持续几个月。在这段时间里，也请继续告诉医院。",
                    "bloodbank-duration",
                ),
            ),
        ),
        Section(
            "mprotein",
            "Tests for myeloma protein",
            "骨髓瘤蛋白的检测",
            (
                S(
                    "mp.what",
                    "Your care team checks a myeloma protein in your blood to see how well treatment is working.",
                    "医疗团队会检测您血里的骨髓瘤蛋白，来了解治疗效果。",
                    "spep-ife-interference",
                ),
                S(
                    "mp.interfere",
                    "These medicines are antibodies too, so they can show up in this test. In some people, it "
                    "can look as if myeloma protein is still there.",
                    "这类药本身也是抗体，所以也会出现在这项检测里。对一部分人来说，结果看起来好像骨髓瘤蛋白还在。",
                    "spep-ife-interference",
                ),
                S(
                    "mp.special",
                    "Special tests can tell the medicine apart from the myeloma protein.",
                    "有专门的检测可以把药物和骨髓瘤蛋白区分开。",
                    "spep-dira-hydrashift",
                ),
            ),
        ),
    ),
    glossary=(
        Term("Transfusion", "Getting blood from a donor through a vein.", "输血", "通过静脉输入别人捐献的血。"),
        Term(
            "Blood bank",
            "The hospital lab that tests blood and gives it out for transfusions.",
            "血库",
            "医院里负责检测血液、提供输血用血的部门。",
        ),
        Term(
            "Kell-negative blood",
            "Donor blood that lacks a marker called Kell.",
            "Kell阴性血",
            "不带有一种叫Kell的标记的献血。",
        ),
        Term(
            "Myeloma protein",
            "A protein made by myeloma cells. Its level helps show how treatment is going.",
            "骨髓瘤蛋白",
            "骨髓瘤细胞产生的一种蛋白，它的水平能反映治疗效果。",
        ),
    ),
    questions=(
        Question("Has the blood bank been told that I get this medicine?", "血库知道我在用这种药了吗？"),
        Question("Was my blood type checked before my first dose?", "第一次用药前查过我的血型了吗？"),
        Question("Should I carry a card about this medicine?", "我需要随身带一张说明用药的卡片吗？"),
        Question(
            "If my myeloma protein test looks high, could the medicine be the cause?",
            "如果骨髓瘤蛋白的结果偏高，会不会是这种药引起的？",
        ),
    ),
)
