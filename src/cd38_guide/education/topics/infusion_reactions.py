"""Topic ``infusion_reactions``: what to expect on treatment day, premedication and what to report."""

from __future__ import annotations

from cd38_guide.education.content import Question, S, Section, Term, Topic

TOPIC = Topic(
    id="infusion_reactions",
    en_title="Treatment day: reactions to the drip or shot",
    zh_title="用药当天：输液或注射反应",
    sections=(
        Section(
            "what",
            "What can happen",
            "可能会发生什么",
            (
                S(
                    "infusion.what",
                    "Some people react to the medicine while it goes in, or in the hours after. This is called "
                    "an infusion reaction.",
                    "有些人在用药过程中，或用药后几个小时内会出现反应，这叫输液反应。",
                    "premedication-daratumumab",
                    "label-daratumumab-sc-reactions",
                    "label-isatuximab-irr-rates",
                ),
                S(
                    "infusion.first",
                    "Reactions are most common with the first dose.",
                    "反应在第一次用药时最常见。",
                    "premedication-daratumumab",
                    "daratumumab-early-access-irr",
                    "label-isatuximab-irr-rates",
                ),
                S(
                    "infusion.dara_iv_rate",
                    "In one large group of people who got daratumumab by drip, more than half reacted to the "
                    "first drip. Only about 2 in 100 reacted to later drips.",
                    "在一大组静脉输注达雷妥尤单抗的人中，一半以上在第一次输液时有反应；以后再输液，只有大约2%的人有反应。",
                    "daratumumab-early-access-irr",
                    antibody="daratumumab",
                ),
                S(
                    "infusion.dara_sc",
                    "The shot under the skin caused fewer reactions than the drip.",
                    "和静脉输液相比，皮下注射引起的反应更少。",
                    "columba-sc-vs-iv",
                    antibody="daratumumab",
                ),
                S(
                    "infusion.dara_sc_late",
                    "With the shot, a reaction may start a few hours later, even after you get home. If this "
                    "happens, call your care team.",
                    "皮下注射后，反应可能几个小时后才出现，甚至在您回家以后。如果出现这种情况，请联系医疗团队。",
                    "label-daratumumab-sc-reactions",
                    antibody="daratumumab",
                ),
                S(
                    "infusion.isa_rate",
                    "In the main isatuximab studies, about 4 to 5 in 10 people had a reaction. In one study, "
                    "all of them came with the first drip.",
                    "在艾沙妥昔单抗的主要研究中，大约十个人里有四到五个人出现过输液反应。其中一项研究里，所有反应都发生在第一次输液时。",
                    "label-isatuximab-irr-rates",
                    antibody="isatuximab",
                ),
                S(
                    "infusion.mild",
                    "Most reactions in the studies were mild. Severe reactions were rare.",
                    "研究中大多数反应都比较轻，严重反应很少见。",
                    "label-daratumumab-sc-reactions",
                    "ikema-safety",
                ),
            ),
        ),
        Section(
            "premed",
            "Medicines before your dose",
            "用药前的预防用药",
            (
                S(
                    "premed.why",
                    "Before each dose, you get medicines to lower the chance of a reaction.",
                    "每次用药前，您会先用几种药，降低出现反应的可能。",
                    "premedication-daratumumab",
                    "premedication-isatuximab",
                ),
                S(
                    "premed.what",
                    "These include a steroid, paracetamol (also called acetaminophen) and an allergy medicine "
                    "called an antihistamine.",
                    "这些药包括一种激素、对乙酰氨基酚（也叫扑热息痛），以及一种抗过敏药（抗组胺药）。",
                    "premedication-daratumumab",
                    "premedication-isatuximab",
                ),
                S(
                    "premed.dara_time",
                    "With daratumumab, you get them 1 to 3 hours before each dose.",
                    "用达雷妥尤单抗时，这些药要在每次用药前1到3小时用。",
                    "premedication-daratumumab",
                    antibody="daratumumab",
                ),
                S(
                    "premed.dara_post",
                    "After a daratumumab dose, you may take a low dose of steroid the next day. This helps "
                    "prevent late reactions.",
                    "用完达雷妥尤单抗后，第二天可能还要用小剂量激素，帮助预防迟发的反应。",
                    "label-daratumumab-postmedication",
                    antibody="daratumumab",
                ),
                S(
                    "premed.copd",
                    "If you have COPD, a long-term lung disease, you may also get inhaled medicines with daratumumab.",
                    "如果您有慢阻肺（COPD，一种长期的肺病），用达雷妥尤单抗时可能还要加用吸入药物。",
                    "label-daratumumab-postmedication",
                    antibody="daratumumab",
                ),
                S(
                    "premed.isa_time",
                    "With isatuximab, you get them 15 to 60 minutes before the drip. You may also get a "
                    "medicine that lowers stomach acid.",
                    "用艾沙妥昔单抗时，这些药在输液前15到60分钟用。可能还会加一种减少胃酸的药。",
                    "premedication-isatuximab",
                    antibody="isatuximab",
                ),
                S(
                    "premed.isa_review",
                    "If you have no reaction in your first 4 drips, your care team may check if you still need "
                    "all of these medicines.",
                    "如果前4次输液都没有反应，医疗团队可能会重新考虑您是否还需要这些预防用药。",
                    "premedication-isatuximab",
                    antibody="isatuximab",
                ),
            ),
        ),
        Section(
            "report",
            "What to report right away",
            "需要马上告诉护士的情况",
            (
                S(
                    "report.now",
                    "Tell your nurse at once if you feel unwell during or after a dose.",
                    "用药时或用药后如果觉得不舒服，请马上告诉护士。",
                    "premedication-daratumumab",
                    "label-isatuximab-irr-management",
                ),
                S(
                    "report.dara_severe",
                    "With daratumumab, a serious reaction can mean a tight chest, trouble breathing, or a "
                    "problem with your eyes.",
                    "用达雷妥尤单抗时，严重的反应可能表现为胸闷、呼吸困难，或者眼睛出问题。",
                    "label-daratumumab-sc-reactions",
                    antibody="daratumumab",
                ),
                S(
                    "report.isa_pause",
                    "With isatuximab, the nurse may pause the drip if you react. When you feel better, it can "
                    "start again more slowly.",
                    "用艾沙妥昔单抗时，如果出现反应，护士可能会先暂停输液。等您好转后，再用较慢的速度继续输。",
                    "label-isatuximab-irr-management",
                    antibody="isatuximab",
                ),
                S(
                    "report.isa_stop",
                    "Rarely, a severe reaction means that isatuximab must be stopped for good.",
                    "极少数情况下，严重的反应意味着必须永久停用艾沙妥昔单抗。",
                    "label-isatuximab-irr-management",
                    "label-isatuximab-irr-rates",
                    antibody="isatuximab",
                ),
            ),
        ),
        Section(
            "plan",
            "Planning your treatment day",
            "安排好用药的那一天",
            (
                S(
                    "plan.dara_iv",
                    "A daratumumab drip takes about 7 hours the first time. The next one takes about 4 hours, "
                    "and later ones about 3 hours.",
                    "达雷妥尤单抗静脉输液第一次大约要7个小时，第二次大约4个小时，以后每次大约3个小时。",
                    "label-daratumumab-infusion-duration",
                    antibody="daratumumab",
                ),
                S(
                    "plan.dara_split",
                    "Your first daratumumab dose by drip may be split over two days in a row.",
                    "第一次静脉输注达雷妥尤单抗时，剂量可能分成连续两天输完。",
                    "label-daratumumab-iv-dosing",
                    antibody="daratumumab",
                ),
                S(
                    "plan.dara_sc",
                    "The daratumumab shot takes about 3 to 5 minutes.",
                    "达雷妥尤单抗皮下注射大约只要3到5分钟。",
                    "label-daratumumab-sc-dosing",
                    antibody="daratumumab",
                ),
                S(
                    "plan.isa",
                    "The first isatuximab drip takes a little over 3 hours. If you have no reactions, later "
                    "drips can take about 75 minutes.",
                    "艾沙妥昔单抗第一次输液要3个多小时。如果一直没有反应，以后每次大约75分钟就能输完。",
                    "label-isatuximab-dosing",
                    "label-isatuximab-irr-management",
                    antibody="isatuximab",
                ),
            ),
        ),
    ),
    glossary=(
        Term(
            "Infusion reaction",
            "A reaction to a medicine while it goes in, or soon after.",
            "输液反应",
            "用药过程中或用药后不久出现的身体反应。",
        ),
        Term(
            "Steroid",
            "A type of medicine that calms swelling and the immune system.",
            "激素",
            "一类能减轻炎症、抑制免疫反应的药物。",
        ),
        Term("Antihistamine", "A medicine used for allergies.", "抗组胺药", "一种治疗过敏的药。"),
        Term(
            "Drip",
            "Medicine that flows slowly into a vein. It is also called an infusion.",
            "输液",
            "药物慢慢流进静脉，也叫静脉滴注。",
        ),
    ),
    questions=(
        Question("Which medicines do I take before each dose, and when?", "每次用药前要用哪些药？什么时候用？"),
        Question("How long will my first visit take?", "第一次来用药要多长时间？"),
        Question("What signs of a reaction should I watch for at home?", "回家后，我要注意哪些反应的迹象？"),
        Question("Who do I call if I have a reaction after I leave?", "离开医院后如果出现反应，我该找谁？"),
        Question(
            "Can I have the shot under the skin instead of the drip?",
            "我可以用皮下注射代替输液吗？",
            antibody="daratumumab",
        ),
    ),
)
