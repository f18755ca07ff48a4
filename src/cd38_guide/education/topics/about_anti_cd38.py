"""Topic ``about_anti_cd38``: what daratumumab and isatuximab are and how they are given."""

from __future__ import annotations

from cd38_guide.education.content import Question, S, Section, Term, Topic

TOPIC = Topic(
    id="about_anti_cd38",
    en_title="Your treatment with daratumumab or isatuximab",
    zh_title="用达雷妥尤单抗或艾沙妥昔单抗治疗",
    sections=(
        Section(
            "what",
            "What these medicines are",
            "这是什么药",
            (
                S(
                    "about.what",
                    "Daratumumab and isatuximab are medicines for multiple myeloma. They are used when myeloma "
                    "has come back, or when it no longer responds to treatment.",
                    "达雷妥尤单抗和艾沙妥昔单抗是治疗多发性骨髓瘤的药物。骨髓瘤复发，或者原来的治疗不再起作用时，"
                    "可以使用这类药物。",
                    "consensus-scope",
                ),
                S(
                    "about.key",
                    "Experts see them as a key part of treatment at this stage.",
                    "专家认为，在这个阶段，它们是治疗中很重要的一部分。",
                    "consensus-scope",
                ),
                S(
                    "about.antibody",
                    "Both are antibodies that attach to a target called CD38. Myeloma cells carry CD38.",
                    "这两种药都是抗体，会和一个叫CD38的靶点结合。骨髓瘤细胞上带有CD38。",
                    "leleu-epitopes-sequencing",
                    "nijhof-cd38-baseline",
                ),
                S(
                    "about.triplet",
                    "You usually get one of them with two other myeloma medicines. Three medicines together is "
                    "the usual plan when myeloma comes back.",
                    "通常，您会同时使用其中一种抗体和另外两种骨髓瘤药物。骨髓瘤复发时，三种药物一起用是常见的治疗方案。",
                    "review-relapse-triplets",
                    "pollux-design",
                    "icaria-design",
                ),
            ),
        ),
        Section(
            "how",
            "How you get them",
            "怎样用药",
            (
                S(
                    "about.dara_routes",
                    "Daratumumab can be given as a drip into a vein. It can also be given as a shot under the "
                    "skin of your belly.",
                    "达雷妥尤单抗可以静脉输液，也可以在肚子上做皮下注射。",
                    "label-daratumumab-iv-dosing",
                    "label-daratumumab-sc-dosing",
                    antibody="daratumumab",
                ),
                S(
                    "about.dara_time",
                    "The shot takes about 3 to 5 minutes. A daratumumab drip takes hours. The first one takes "
                    "about 7 hours.",
                    "皮下注射大约只要3到5分钟。达雷妥尤单抗静脉输液要几个小时，第一次大约要7个小时。",
                    "label-daratumumab-infusion-duration",
                    antibody="daratumumab",
                ),
                S(
                    "about.dara_switch",
                    "If you get the drip, you may be able to switch to the shot at your next dose.",
                    "如果您现在是输液，可能从下一次起就可以改成皮下注射。",
                    "label-daratumumab-sc-dosing",
                    antibody="daratumumab",
                ),
                S(
                    "about.isa_route",
                    "Isatuximab is given as a drip into a vein. The first drip takes about 3 hours and 20 "
                    "minutes. Later drips get shorter, down to about 75 minutes.",
                    "艾沙妥昔单抗是静脉输液。第一次大约要3小时20分钟，以后会慢慢缩短，最短大约75分钟。",
                    "label-isatuximab-dosing",
                    antibody="isatuximab",
                ),
                S(
                    "about.schedule",
                    "At first, you get a dose every week. Later, the doses come less often.",
                    "刚开始每周用一次药，以后用药的间隔会慢慢拉长。",
                    "label-daratumumab-iv-dosing",
                    "label-isatuximab-dosing",
                ),
                S(
                    "about.premed",
                    "Before each dose, you get some medicines to help prevent a reaction.",
                    "每次用药前，您会先用几种药，帮助预防用药反应。",
                    "premedication-daratumumab",
                    "premedication-isatuximab",
                ),
            ),
        ),
        Section(
            "know",
            "Things to know",
            "需要了解的事",
            (
                S(
                    "about.first_dose",
                    "Reactions to the medicine are most common with the first dose.",
                    "用药反应在第一次用药时最常见。",
                    "premedication-daratumumab",
                    "label-isatuximab-irr-rates",
                ),
                S(
                    "about.infections",
                    "These medicines can make infections more likely. Call your care team if you get a fever.",
                    "这类药会让人更容易感染。如果发烧，请联系您的医疗团队。",
                    "label-isatuximab-infections",
                    "nahi-infections-nk",
                    "cytopenia-dose-delay",
                ),
                S(
                    "about.counts",
                    "They can lower your blood counts. Then your dose may be put off until your counts come back "
                    "up. The dose is not made smaller.",
                    "它们可能让血细胞减少。这时可能会推迟用药，等血细胞恢复后再用，但抗体的剂量不会减少。",
                    "cytopenia-dose-delay",
                ),
                S(
                    "about.bloodbank",
                    "They change the results of some blood bank tests. Tell any hospital that you get this medicine.",
                    "它们会影响血库的一些检测结果。不管去哪家医院，都请告诉医生您在用这种药。",
                    "bloodbank-mechanism",
                    "bloodbank-baseline-typing",
                ),
                S(
                    "about.mprotein",
                    "They can also show up in a blood test for myeloma protein. A special test can tell them apart.",
                    "它们还可能出现在检测骨髓瘤蛋白的验血结果里。有专门的检测可以把两者分开。",
                    "spep-ife-interference",
                    "spep-dira-hydrashift",
                ),
                S(
                    "about.older",
                    "They can also give lasting results in older or frail people, with the right checks and support.",
                    "对老年人或身体较弱的人，只要有合适的监测和支持照护，这类药同样可以带来持久的效果。",
                    "consensus-elderly-frail",
                ),
            ),
        ),
    ),
    glossary=(
        Term("Antibody", "A protein that attaches to one exact target.", "抗体", "一种能和特定目标结合的蛋白质。"),
        Term("CD38", "A target found on myeloma cells.", "CD38", "骨髓瘤细胞上的一种靶点。"),
        Term(
            "Drip",
            "Medicine that flows slowly into a vein. It is also called an infusion.",
            "输液",
            "药物慢慢流进静脉，也叫静脉滴注。",
        ),
        Term(
            "Shot under the skin",
            "A quick injection into the fat just under the skin.",
            "皮下注射",
            "把药打进皮肤下面的脂肪层，很快就能打完。",
            antibody="daratumumab",
        ),
    ),
    questions=(
        Question("Which of these medicines will I get, and how will I get it?", "我会用哪一种药？怎么用？"),
        Question("How long will each visit take?", "每次来医院要多长时间？"),
        Question("How often will I need to come in?", "我多久要来一次医院？"),
        Question(
            "Can I have the shot under the skin instead of the drip?",
            "我可以用皮下注射代替输液吗？",
            antibody="daratumumab",
        ),
        Question("Who should I call if I feel unwell at home?", "在家里觉得不舒服时，我应该找谁？"),
    ),
)
