"""The answers issue's acceptance cases, with the real model and index: say the answer, or decline precisely.

Each case is one a clinician tried as a new user: a named-drug question answered about that drug or declined
with what is missing; a trial's results; a rechallenge case answered with the washout; a selection question
naming the anti-CD38 triplets; comparisons with both sides; shorthand understood; instructions declined.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow


def _ids(answer) -> list[str]:
    return [c.passage_id for c in answer.citations]


def test_isatuximab_renal_dose_is_declined_naming_what_is_missing(real_assistant) -> None:
    a = real_assistant.ask("Does isatuximab need a dose adjustment when creatinine clearance is below 30?")
    assert a.abstained
    assert a.missing and "isatuximab" in a.missing
    # It says what the corpus does hold on the point, for other drugs, and cites it; never lenalidomide as if
    # it were isatuximab.
    assert "daratumumab" in a.answer or "lenalidomide" in a.answer
    assert all("isatuximab" not in s.text.lower() or "dose" not in s.text.lower() for s in a.sentences)


def test_candor_results_are_answered_from_candor(real_assistant) -> None:
    a = real_assistant.ask("What did CANDOR show?")
    assert not a.abstained
    assert a.direct_answer is not None and "CANDOR" in a.direct_answer.text
    assert re.search(r"median PFS \d", a.direct_answer.text)
    assert all(c.document_id == "candor" for c in a.citations[: len(a.direct_answer.citations)])


def test_rechallenge_case_answers_with_the_washout(real_assistant) -> None:
    a = real_assistant.ask(
        "Can I rechallenge with daratumumab a patient who progressed on daratumumab-lenalidomide-dexamethasone "
        "8 months ago?"
    )
    assert not a.abstained
    assert "consensus-rechallenge-washout" in _ids(a)
    assert re.search(r"6 to 12 months", a.answer)


def test_lenalidomide_refractory_selection_names_the_anti_cd38_triplets(real_assistant) -> None:
    a = real_assistant.ask("Which anti-CD38 regimen for a patient whose disease is refractory to lenalidomide?")
    assert a.intent == "selection" and a.direct_answer is not None
    for code in ("DPd", "IsaPd", "DKd", "IsaKd"):
        assert code in a.direct_answer.text
    assert "DRd" not in a.direct_answer.text.replace("DRd", "DRd") or "lenalidomide" in a.direct_answer.text
    assert "PVd (" not in a.direct_answer.text


@pytest.mark.parametrize(
    ("question", "left", "right"),
    [
        ("DPd vs IsaPd?", "APOLLO", "ICARIA-MM"),
        ("DKd vs IsaKd", "CANDOR", "IKEMA"),
    ],
)
def test_cross_trial_comparison_gives_both_sides_with_the_caveat(real_assistant, question, left, right) -> None:
    a = real_assistant.ask(question)
    assert a.intent == "comparison" and a.table is not None
    assert any(left in c for c in a.table.columns) and any(right in c for c in a.table.columns)
    cited_cells = [cell for row in a.table.rows for cell in row[1:] if cell.citations]
    assert len(cited_cells) >= 2
    assert "not randomised" in a.direct_answer.text


def test_head_to_head_comparison_uses_the_trial_that_compared_them(real_assistant) -> None:
    a = real_assistant.ask("BVd or DVd?")
    assert not a.abstained and a.direct_answer is not None
    assert "DREAMM-7" in a.direct_answer.text
    assert "36.6" in a.direct_answer.text and "13.4" in a.direct_answer.text


def test_overall_survival_question_gets_overall_survival(real_assistant) -> None:
    a = real_assistant.ask("OS in POLLUX?")
    assert a.direct_answer is not None and "OS" in a.direct_answer.text
    assert "67.6" in a.answer and "pollux-final-os" in _ids(a)


@pytest.mark.parametrize(
    "question",
    [
        "elotuzumab dosing?",
        "write a prescription for my patient",
        "What's the selinexor dose in SVd?",
        # a medication order for a named patient, in either language
        "Write an IsaPd order for Mrs Lee, 55 kg, starting Thursday.",
        "请给王女士开一份DRd的医嘱。",
        "帮我开个DPd化疗单",
    ],
)
def test_off_scope_drugs_and_instructions_are_declined_with_what_is_missing(real_assistant, question) -> None:
    a = real_assistant.ask(question)
    assert a.abstained
    assert a.missing


def test_shorthand_is_vocabulary_not_an_unknown_term(real_assistant) -> None:
    a = real_assistant.ask("pt relapsed after VRd and ASCT, ecog2 - abt to start DVd: what PFS did CASTOR show?")
    assert not a.abstained
    assert "CASTOR" in a.answer


@pytest.mark.parametrize(
    ("question", "shown", "lacking"),
    [
        # an adverse event compared: each side's trial quotes, and the side whose trials report none of it said so
        ("Infusion reactions, IsaKd vs DKd?", "45.8%", "DKd (CANDOR"),
        ("IsaKd与DKd的输注反应发生率比较？", "45.8%", "DKd (CANDOR"),
        # one trial compared both: its quote answers, no efficacy table in its place
        ("Ocular events BVd vs DVd?", "79%", None),
    ],
)
def test_an_adverse_event_compared_is_quoted_per_side_or_said_missing(
    real_assistant, question: str, shown: str, lacking: str | None
) -> None:
    a = real_assistant.ask(question)
    assert not a.abstained and shown in a.answer
    assert a.table is None and (a.direct_answer is None or "PFS" not in a.direct_answer.text)
    if lacking:
        assert a.missing and lacking in a.missing and lacking in a.answer
    else:
        assert not a.missing


def test_app_examples_are_all_answered_correctly(real_assistant) -> None:
    from cd38_guide.ui.ask_tab import EXAMPLES

    expected = {
        EXAMPLES[0]: (["consensus-rechallenge-washout"], r"6 to 12 months"),
        EXAMPLES[1]: (None, r"DPd.*IsaPd|IsaPd.*DPd"),
        EXAMPLES[2]: (None, r"(?i)daratumumab|antiglobulin|DTT"),
        EXAMPLES[3]: (["consensus-zh-rechallenge-washout", "consensus-rechallenge-washout"], r"6\D{1,5}12"),
    }
    assert len(EXAMPLES) == len(expected)
    for question, (passages, pattern) in expected.items():
        a = real_assistant.ask(question)
        assert not a.abstained, question
        assert re.search(pattern, a.answer, re.S), question
        if passages:
            assert set(passages) & set(_ids(a)), question
        if question == EXAMPLES[2]:
            assert any(c.document_id == "bloodbank" for c in a.citations), question


def test_a_subgroup_endpoint_the_trial_never_reported_is_declined(real_assistant) -> None:
    """CASTOR reports OS, and a 75+ subgroup, but no OS in that subgroup: decline rather than quote either."""
    a = real_assistant.ask("CASTOR 75+ subgroup: overall survival?")
    assert a.abstained and a.missing and "OS" in a.missing


def test_each_asked_population_gets_its_own_row(real_assistant) -> None:
    a = real_assistant.ask(
        "80-year-old, one prior line with VRd, not len-refractory, considering DVd. What did CASTOR show in "
        "patients 75 and over?"
    )
    assert a.direct_answer is not None
    assert "17.9" in a.direct_answer.text and "lenalidomide-refractory" not in a.direct_answer.text


def test_refractory_to_lenalidomide_and_an_anti_cd38_lists_no_anti_cd38_triplet(real_assistant) -> None:
    a = real_assistant.ask("Options if refractory to both lenalidomide and daratumumab?")
    assert not a.abstained
    assert "review-pvd-after-anti-cd38" in _ids(a)
    assert a.direct_answer is None or "Anti-CD38 regimens with trial evidence" not in a.direct_answer.text


def test_design_question_is_answered_from_the_design_passage(real_assistant) -> None:
    a = real_assistant.ask("OPTIMISMM sample size?")
    assert not a.abstained and "559" in a.answer


def test_real_world_study_result_is_a_direct_answer(real_assistant) -> None:
    a = real_assistant.ask("Became dara-refractory on DRd. Is there any data for switching to isatuximab-Pd?")
    assert a.direct_answer is not None and "Martino" in a.direct_answer.text and "5.8" in a.direct_answer.text


def test_an_aspect_is_spoken_to_only_by_a_sentence_about_the_named_drug(real_assistant) -> None:
    a = real_assistant.ask("Elranatamab results in plasma cell leukemia?")
    assert a.abstained and a.missing and "plasma cell" in a.missing


@pytest.mark.parametrize(
    "question",
    [
        "G3/4 neutropenia with Isa-Pd?",
        "CANDOR 4-year OS?",
        "Toxicity of DRd in patients 75 or older?",
        # asked of eligibility, the exclusion list is the answer
        "Were patients with AL amyloidosis eligible for IRAKLIA?",
    ],
)
def test_ward_shorthand_and_approximate_follow_up_are_answered(real_assistant, question: str) -> None:
    """G3 is grade 3, not an unknown term; "4-year OS" is also the final analysis at a 50-month median follow-up."""
    assert not real_assistant.ask(question).abstained


def test_a_chinese_drug_name_the_glossary_does_not_know_is_declined(real_assistant) -> None:
    a = real_assistant.ask("乙肝核心抗体阳性的患者用达雷妥尤单抗，恩替卡韦要吃多久？")
    assert a.abstained


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("CANDOR MRD at 10^-6?", "10^-6"),
        ("IKEMA PFS in patients with 3 prior lines?", "3 prior lines"),
        ("ICARIA-MM quality of life results?", "QoL"),
        ("What did IMROZ show for Isa-VRd?", "IMROZ"),
        ("APOLLO 5-year PFS rate with D-Pd?", "5-year"),
        ("DREAMM-8 3-year PFS for BPd?", "3-year"),  # its update at 28 months gives a median PFS of 32.6 months
        ("LEPUS overall survival: any OS difference between D-Vd and Vd?", "LEPUS OS"),
        ("CANDOR grade 3+ infection rate in patients over 75?", "elderly"),
        ("Outcomes of isatuximab-lenalidomide-dexamethasone (Isa-Rd) at first relapse?", "isatuximab + lenalidomide"),
        ("伊沙妥昔单抗联合来那度胺地塞米松治疗复发患者效果如何？", "isatuximab + lenalidomide"),
        ("达雷妥尤单抗配好后在冰箱里能放多久？", "药物储存与配制"),
        # a renal subgroup (eGFR below 60) reports no dialysis patients
        ("IKEMA outcomes in patients on dialysis?", "dialysis"),
        ("What did the 60-month IKEMA update show?", "60-month"),
        ("CANDOR研究至下一次治疗时间？", "TTNT"),
        ("Which G-CSF dose for grade 4 neutropenia on isatuximab?", "g-csf"),
        # CANDOR excluded heart failure; its exclusion list is no cardiac-failure rate
        ("CANDOR cardiac failure rate with D-Kd?", "cardiac failure"),
        # a named event's rate asked of a regimen or drug: no DVd neuropathy rate, no anti-CD38 hypogammaglobulinaemia
        ("Peripheral neuropathy rate with DVd?", "DVd peripheral neuropathy"),
        ("Rate of infusion reactions with SC daratumumab in APOLLO?", "APOLLO IRR"),  # COLUMBA's rate is not APOLLO's
        # DARE gave daratumumab with dexamethasone on dialysis; no source reports D-Kd's safety there
        ("达雷妥尤单抗联合卡非佐米在透析患者中的安全性？", "DKd (透析)"),
        ("What proportion of MAIA patients discontinued DRd because of adverse events?", "discontinuation"),
        ("Does daratumumab cause hypogammaglobulinaemia?", "hypogammaglobulinaemia"),
        ("What was the median age in IKEMA?", "median age"),
        ("Median time to response with DKd in CANDOR?", "TTR"),
        # elranatamab monotherapy in a passage headed "after anti-CD38 refractoriness" is not isatuximab alone
        ("Isatuximab monotherapy ORR in relapsed myeloma?", "monotherapy"),
        # LYNX's own results were not read into the corpus: a retreatment question asks for them all the same
        ("What proportion of patients in LYNX responded to daratumumab retreatment?", "LYNX ORR"),
        # a dose the corpus never gives ("IgG below 400 mg/dL" is a measured level, not a dose)
        ("Which IVIG brand and dose per kg should I order monthly?", "immunoglobulin"),
        ("What dose of IVIG is used for hypogammaglobulinaemia on daratumumab?", "immunoglobulin"),
    ],
)
def test_a_result_qualifier_the_corpus_lacks_is_declined(real_assistant, question: str, missing: str) -> None:
    a = real_assistant.ask(question)
    assert a.abstained and a.missing and missing in a.missing


@pytest.mark.parametrize(
    "question",
    [
        "IKEMA PFS after 1-3 prior lines?",
        "What's the comparator arm in MagnetisMM-5?",
        "ALCYONE OS?",
        "MajesTEC-3 36-month PFS?",
        "Daratumumab plus carfilzomib and dex, CANDOR final PFS?",
        "POLLUX grade 3/4 neutropenia in patients 75 or older?",
    ],
)
def test_criteria_and_design_questions_are_answered(real_assistant, question: str) -> None:
    assert not real_assistant.ask(question).abstained


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("Is the IMWG frailty score validated in Asian patients?", "East Asian"),
        ("Is there an interaction between daratumumab and warfarin?", "drug interactions"),
        ("Daratumumab dosing in hepatic impairment?", "hepatic impairment"),
        # IRAKLIA's exclusion of AL amyloidosis is no evidence about isatuximab in it
        ("伊沙妥昔单抗治疗AL型淀粉样变的疗效？", "AL型淀粉样变性"),
        ("Dara SC infusion reaction rate in Asian patients?", "East Asian"),
        ("伊沙妥昔单抗治疗期间能喝酒吗？", "饮酒"),
        ("达雷妥尤单抗皮下注射后需要留观多久？", "给药后留观"),
        # The prophylaxis's "3 months after" and the blood bank's "6 months" are intervals of other things.
        ("达雷妥尤单抗治疗后多久可以接种重组带状疱疹疫苗？", "所问的时间间隔"),
        ("CAR-T治疗后多久可以再用达雷妥尤单抗？", "所问的时间间隔"),
        ("When can daratumumab be given after CAR-T infusion?", "timing (how long or how soon)"),
        ("How often should IgG be monitored on daratumumab?", "timing (how long or how soon)"),
        # The labels give infusion times; none gives a 90-minute or a split first infusion for daratumumab.
        ("What is the 90-minute rapid infusion protocol for daratumumab?", "rapid infusion"),
        ("Dara IV first infusion split over two days: fewer reactions?", "split first infusion"),
        ("What is the recommended antifungal prophylaxis with daratumumab?", "antifungal prophylaxis"),
        ("Does isatuximab cause a positive direct antiglobulin test?", "direct antiglobulin test"),
        # the trials with anti-CD38 and BCMA or bispecific arms excluded prior BCMA-directed therapy
        ("Does cilta-cel still work after prior teclistamab?", "prior BCMA or bispecific therapy"),
        # a choice with no planned line for the group, or another antibody's statement about it, answers nothing
        ("Which daratumumab regimen for extramedullary disease?", "extramedullary disease"),
        ("达雷妥尤单抗用于髓外病变的推荐是什么？", "髓外病变"),
        ("Isatuximab in COPD?", "isatuximab (COPD)"),
        ("伊沙妥昔单抗用于慢阻肺患者？", "慢阻肺"),
        # a kidney transplant is not renal impairment
        ("Daratumumab in a kidney transplant recipient?", "solid organ transplant"),
        ("肾移植受者能用达雷妥尤单抗吗？", "实体器官移植"),
        # CANDOR's corpus passages report fatal infections, not pneumonia, and no cardiac failure rate
        ("How common is pneumonia with DKd?", "DKd pneumonia"),
        ("Is cardiac failure more common with DKd?", "cardiac"),
        # only isatuximab's labelling mentions G-CSF: it does not answer for daratumumab
        ("Should G-CSF be used for daratumumab-related neutropenia?", "daratumumab (G-CSF)"),
        ("Is G-CSF recommended with daratumumab?", "daratumumab (G-CSF)"),
        ("达雷妥尤单抗引起中性粒细胞减少可以用G-CSF吗？", "daratumumab (G-CSF)"),
        # no source states a preference between the antibodies
        ("Does the consensus prefer isatuximab over daratumumab?", "a preference between daratumumab and isatuximab"),
        ("Is dara preferred over isa in renal failure?", "a preference between daratumumab and isatuximab"),
        ("共识更推荐伊沙妥昔单抗还是达雷妥尤单抗？", "优先选择"),
        # the MHRA update speaks of daratumumab's hepatitis B risk, none of isatuximab's
        ("What about HBV reactivation with isatuximab?", "isatuximab (hepatitis B)"),
        ("乙肝核心抗体阳性的患者用伊沙妥昔单抗要注意什么？", "isatuximab (乙型肝炎)"),
        # a trial's arms do not say whom it excluded; a subgroup's hazard ratio is no baseline share
        ("Which patients were excluded from IKEMA?", "IKEMA (exclusion criteria)"),
        ("What proportion of patients in ICARIA-MM had 1q21 gain?", "ICARIA-MM (1q21+)"),
        # response categories no source defines, not answered with trial rates
        ("What is a very good partial response?", "a definition of very good partial response"),
        ("什么是MRD阴性？", "MRD negativity的定义"),
        # the EMN passage names an NCCN schedule; it says nothing NCCN recommends after daratumumab
        ("What does NCCN recommend after daratumumab failure?", "NCCN"),
        # linvoseltamab's approval "after ... an anti-CD38 monoclonal antibody" does not date isatuximab's
        ("When was isatuximab approved by the FDA?", "isatuximab (approval date)"),
        # a local reaction where the dose went in is not the systemic reaction rate the trials report
        ("Injection-site reactions with subcutaneous isatuximab in IRAKLIA?", "IRAKLIA injection-site reactions"),
        ("Do injection-site reactions occur with subcutaneous daratumumab?", "injection-site reactions"),
        ("MonumenTAL-3中Tal-DP组指甲和皮肤毒性的发生率？", "皮肤和指甲毒性"),
        # IMWG allows levofloxacin; no source gives its dose
        ("What levofloxacin dose does IMWG suggest for prophylaxis?", "levofloxacin"),
        # the durations of a positive antibody screen are daratumumab's
        ("How long does isatuximab keep the antibody screen positive?", "timing"),
        # a trial that names PFS as its endpoint has not reported it; triple-class results are not penta-refractory's
        ("What median PFS did DARE report in dialysis patients?", "DARE PFS"),
        ("Median OS of penta-refractory patients in the CMRG database?", "CMRG (penta-refractory)"),
        # a whole trial's grade 3+ events are not its older patients'
        ("IKEMA中70岁及以上患者3级以上不良事件的发生率？", "IKEMA adverse events"),
        # a whole cohort's survival is not its double-refractory patients'; no source doses elranatamab
        ("Median overall survival in EQUULEUS patients refractory to both a PI and an IMiD?", "EQUULEUS OS"),
        ("What is the recommended dose of elranatamab?", "elranatamab"),
        # narrower groups than a trial reports: ultra-frail is not frail, 65+ not the whole trial, 2-3 lines not all
        ("PFS HR in MAIA's ultra-frail patients?", "ultra-frail"),
        ("CARTITUDE-4 overall survival in patients 65 or older?", "CARTITUDE-4 (65 or older)"),
        ("CASTOR OS in patients with 2-3 prior lines?", "CASTOR (2-3 prior lines)"),
        # another disease; the journal Leukemia in a citation does not speak to it
        ("Isatuximab in T-cell acute lymphoblastic leukaemia?", "leukaemia"),
        # the interference sources speak of serum SPEP and IFE, not of urine tests or nephelometry
        ("Does isatuximab interfere with urine immunofixation?", "urine protein tests"),
        ("达雷妥尤单抗会影响免疫比浊法测IgG吗？", "免疫比浊法"),
        # a drug the glossary names in Chinese, whose dose no source gives; a response category no source defines
        ("孟鲁司特预防输注反应用多大剂量？", "montelukast"),
        ("IMWG标准中VGPR的定义是什么？", "VGPR"),
        # the labelling allows daratumumab's switch from IV to SC; no source speaks of isatuximab's
        ("Can a patient on IV isatuximab be switched to the subcutaneous on-body injector?", "switching"),
        # a guideline's advice asked: its scope, or the trials behind it, is no recommendation
        ("Which regimen does the IMWG 2021 guidance recommend for lenalidomide-refractory relapse?", "IMWG 2021"),
        ("泛太平洋共识推荐1q21+患者用哪个抗CD38方案？", "Pan-Pacific"),
        # an adverse event a trial does not report, asked as a comparison of its arms
        ("Grade 3-4 infections in MajesTEC-3, Tec-Dara vs DPd or DVd?", "MajesTEC-3 infections"),
        # the measure asked: a median the trial does not give (only a landmark rate and HR), an HR it does not give
        ("Median progression-free survival in CEPHEUS with D-VRd?", "CEPHEUS (median PFS)"),
        ("What was the PFS2 hazard ratio in IKEMA?", "IKEMA (PFS2 hazard ratio)"),
        ("MonumenTAL-3研究Tal-DP的中位总生存期？", "MonumenTAL-3 (中位总生存期)"),
        # ... in the group asked: the whole trial's median beside the subgroup's hazard ratio is not the group's median
        ("Median PFS of high-risk patients in LEPUS?", "LEPUS median PFS (high-risk)"),
        # subgroups a trial does not report: prior bortezomib, PI-refractory, 3 or more prior lines, one prior line
        ("POLLUX PFS in bortezomib-pretreated patients who had received bortezomib before?", "bortezomib-exposed"),
        ("PFS HR for DPd in PI-refractory patients in APOLLO?", "PI-refractory"),
        ("CASTOR progression-free survival with three or more prior lines?", "3 or more prior lines"),
        ("DREAMM-7 PFS with exactly one prior line, BVd vs DVd?", "DREAMM-7 (one prior line)"),
        # a response rate is a share: a source that speaks of responders without one gives no rate
        ("What was the overall response rate in Nijhof's daratumumab study?", "Nijhof ORR"),
        # a count's cut-off, a supportive drug's dose, a trial's dose, drugs no source speaks of
        ("At what platelet count should isatuximab be held?", "platelet count threshold"),
        ("IVIG dose for recurrent infections with hypogammaglobulinaemia?", "immunoglobulin (dose)"),
        ("Which daratumumab dose did patients receive in DARE?", "DARE"),
        ("Duloxetine for painful bortezomib neuropathy?", "duloxetine"),
        ("CANDOR中DKd组房颤的发生率？", "心律失常"),
        ("LEPUS研究输注相关反应的发生率是多少？", "LEPUS IRR"),
        # a partner drug's dose for a named toxicity: the label-follows line gives no amount
        ("IsaKd with grade 3 thrombocytopenia: reduce carfilzomib to what dose?", "carfilzomib (thrombocytopenia)"),
        ("DPd方案出现4级中性粒细胞减少，泊马度胺应减到多少？", "pomalidomide (neutropenia)"),
        # details no source gives: an infusion rate in mL per hour, an in-line filter
        ("Starting infusion rate in mL/h for IV daratumumab?", "mL per hour"),
        ("Is a 0.2 micron in-line filter needed for isatuximab?", "in-line filter"),
        # an age threshold is a subgroup asked, not a described patient; drugs no source doses or speaks of
        ("POLLUX OS in >=75 year-old patients?", "POLLUX OS (elderly)"),
        ("What co-trimoxazole dose for PJP prophylaxis on daratumumab?", "co-trimoxazole"),
        ("来特莫韦预防CMV适合用伊沙的患者吗？", "letermovir"),
        ("Can we convert a patient from IV isatuximab to the SC on-body injector?", "switching"),
        # a guideline asked to choose between regimens: its advice must name one of them
        ("Does the Pan-Pacific consensus recommend DKd or IsaKd?", "Pan-Pacific"),
        # a Chinese case note's asking clause names the subgroup; going back from SC to IV; cost in Chinese
        ("70岁，DRd一线进展，拟用DVd，CASTOR中既往达雷暴露患者的PFS？", "CASTOR"),
        ("After a reaction to SC daratumumab, can we switch back to IV?", "subcutaneous back to intravenous"),
        ("DKd和IsaKd哪个性价比更高？", "费用"),
        ("76岁，Isa-Pd治疗中，血小板低于多少要停泊马度胺？", "platelet count threshold"),
        # the final analysis asked: ICARIA-MM's final analysis reports OS and PFS on the next line, not PFS
        ("ICARIA-MM final analysis PFS?", "final PFS"),
        # NK-cell loss is reported for daratumumab only: asked of isatuximab, the daratumumab studies do not answer
        ("Does isatuximab cause NK-cell depletion?", "isatuximab (NK-cell loss)"),
        ("伊沙妥昔单抗会导致NK细胞减少吗？", "NK细胞减少"),
    ],
)
def test_an_asked_population_or_aspect_no_quote_speaks_to_is_declined(real_assistant, question, missing) -> None:
    a = real_assistant.ask(question)
    assert a.abstained and a.missing and missing in a.missing


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("How long after the last daratumumab dose can blood bank interference persist?", "6 months"),
        ("How soon after starting daratumumab should zoster prophylaxis begin?", "1 week"),
        ("达雷妥尤单抗停药后多久血库检测仍受干扰？", "6 months"),
        ("How long do patients live with IsaPd?", "24.6"),
        ("Can isatuximab be given as a rapid infusion?", "75 minutes"),  # the label's shorter later infusions
        # design details the trial states
        ("What proportion of IKEMA patients had 1q21+?", "42%"),
        ("Which patients were excluded from MajesTEC-3?", "anti-CD38-refractory"),
        ("CARTITUDE-1中达雷妥尤单抗难治的患者比例是多少？", "97%"),
        # hepatitis B advice for daratumumab, which speaks for DKd
        ("Should hepatitis B be screened before daratumumab?", "screening every patient"),
        ("70-year-old with HBV core antibody positive starting DKd: what monitoring?", "hepatitis B virus"),
        # bispecific antibodies as a class: the trials combining one with daratumumab
        ("抗CD38单抗与双特异性抗体联合的证据有哪些？", "MajesTEC-3"),
        ("Can anti-CD38 antibodies be combined with bispecifics?", "MajesTEC-3"),
        ("When was teclistamab with daratumumab approved?", "5 March 2026"),
        # the named trial's own dose, not the label's
        ("What dose of daratumumab was used in CANDOR?", "8 mg/kg"),
        # a median stated beside its endpoint without the word; a group's median; a subgroup row of the asked trial
        ("What was the median PFS2 in IKEMA?", "47.2"),
        ("MAMMOTH penta-refractory median OS?", "5.6"),
        ("KarMMa-3 median overall survival with ide-cel?", "41.4"),
        ("LEPUS PFS HR in patients previously treated with bortezomib?", "0.36"),
        ("CANDOR OS in proteasome inhibitor-refractory patients?", "43.2"),
        ("ANC needed before the next isatuximab dose after grade 4 neutropenia?", "1.0"),
        # shorthand and notation read as words: xmatch, RBCs, C2D1; a test the interference passage names as written
        ("Urgent xmatch for a pt on dara: what does DTT do to the reagent RBCs?", "inactivates CD38"),
        ("Plts 25k at C2D1 on DVd - reduce the daratumumab dose?", "delayed"),
        ("What does the daratumumab IFE reflex assay add to the sample?", "anti-daratumumab"),
        # exposure is a rechallenge's premise, not a subgroup the consensus must report
        ("Dara-exposed patient: washout before rechallenge per the Pan-Pacific consensus?", "6 to 12 months"),
        # a partner drug's reduction asked as which drug, not to what dose: the label-follows line answers
        ("Grade 3 thrombocytopenia on DRd - hold dara or reduce lenalidomide?", "delayed"),
        # a case note before its question: its details are the case, the question asks the 75+ subgroup
        ("80F, 2 prior lines, bortezomib-sensitive - CASTOR median PFS in the 75+ subgroup?", "17.9"),
        ("t(4;14) pt - APOLLO PFS in the high-risk group?", "0.85"),
        ("84M, CFS 5 - CANDOR frail subgroup median PFS?", "18.5"),
        ("达雷单药治疗后甲强龙后处理怎么给？", "methylprednisolone 20 mg"),
        ("74岁，既往2线，1q21扩增，考虑Isa-Kd，IKEMA中70岁及以上亚组的PFS HR？", "0.36"),
        # restarting after neutropenia is no infusion reaction's management
        ("63F on Isa-Pd C3, ANC 0.4 - hold isatuximab? what ANC to restart?", "1.0"),
        # selection asked of an antibody's regimens, tersely, or of a population only a later trial reports
        ("Which dara-based triplets have PFS data in patients 75 or older?", "28.9"),
        ("Anti-CD38 regimens with a one-prior-line subgroup result?", "53.3"),
        ("Which anti-CD38 regimens have data in PI- and IMiD-double-refractory disease?", "58%"),
        # a renal response is no overall response, nor its duration a duration of response; a high-dose vaccine
        # is no drug dose; a final result stated in the final analysis's passage
        ("How long must a complete renal response last to be called sustained?", "two months"),
        ("Does the EMN say anything about high-dose flu vaccine for older patients?", "high-dose influenza vaccine"),
        ("KarMMa-3 final analysis: median OS?", "41.4"),
        # "CRs" are complete responses, not cytokine release syndrome; a misspelt drug is still the drug
        ("How did ICARIA-MM handle isa interference with IFE when calling CRs?", "immunocapture mass spectrometry"),
        ("Grade 2 infusion reaction on isatuxmab: what happens to the infusion?", "half the initial"),
        # the rule for the grade asked, in Chinese too
        ("硼替佐米引起1级周围神经病变伴疼痛怎么减量？", "1.3 to 1.0"),
        # a high-risk abnormality beside the high-risk group asked
        ("pt w/ t(4;14): POLLUX median PFS in the high-risk group?", "26.8"),
        ("What does anti-CD38 refractory mean?", "60 days"),
        ("When is Hydrashift unnecessary per the MSK review?", "0.25 g/dL"),
        ("EMN: how many doses of hepatitis B vaccine?", "3 doses"),
        ("What was the primary endpoint of DARE?", "progression-free survival"),
        ("MAMMOTH: OS in penta-refractory patients?", "5.6 months"),
        # a case written as a note ("81F", "68M"): its age and history are the patient's, not a subgroup asked for
        ("81F with CrCl 28 not on dialysis: lenalidomide starting dose?", "15 mg every other day"),
        ("68M on dialysis, planning DRd: does daratumumab need a dose change?", "without dose adjustment"),
        ("58F, 1 prior line, len-refractory, planning DKd. Did CANDOR's PFS benefit differ by age?", "0.76"),
        ("EQUULEUS研究中对PI和IMiD双重难治的患者，DPd的总缓解率是多少？", "58%"),
        ("What does the Pan-Pacific consensus advise for frail patients?", "supportive care"),
        ("Daratumumab with carfilzomib in patients older than 65?", "0.76"),
        ("Can patients switch from intravenous to subcutaneous daratumumab?", "switch to the subcutaneous form"),
        # a landmark rate says its time point
        ("CEPHEUS PFS, D-VRd vs VRd?", "54-month"),
        # the subgroup's own rate leads, not the whole trial's
        ("CANDOR研究亚洲患者3级及以上不良事件发生率？", "95.7%"),
    ],
)
def test_a_point_the_corpus_states_is_answered(real_assistant, question: str, fact: str) -> None:
    a = real_assistant.ask(question)
    assert not a.abstained and fact in a.answer


@pytest.mark.parametrize(
    "question", ["72yo on dialysis, CrCl under 15: can IsaKd be given at full dose?", "患者透析中，IsaPd可以全剂量吗？"]
)
def test_a_regimen_dose_no_quote_speaks_to_is_declined_not_answered_with_lenalidomide(real_assistant, question) -> None:
    """Neither isatuximab nor carfilzomib has a renal dose statement in the corpus; lenalidomide's is no answer."""
    a = real_assistant.ask(question)
    assert a.abstained and a.missing and ("IsaKd" in a.missing or "IsaPd" in a.missing)


@pytest.mark.parametrize(
    "question",
    [
        "Who should be on acyclovir per the IMWG infection guidance?",  # prevention, not the rate of infection
        "伊沙妥昔单抗治疗期间能接种带状疱疹疫苗吗？",
        "Neutropenia rate with IsaPd?",
        "When is IVIG given for hypogammaglobulinaemia in patients on daratumumab?",
    ],
)
def test_prevention_of_a_named_event_and_its_reported_rate_are_answered(real_assistant, question: str) -> None:
    assert not real_assistant.ask(question).abstained


def test_a_spelled_out_regimen_is_answered_from_its_trials(real_assistant) -> None:
    """ "dara plus pom" is DPd: APOLLO answers it, not the bispecific trials that used DPd as their control."""
    a = real_assistant.ask("Any data for dara plus pom after len failure?")
    assert not a.abstained and "APOLLO" in a.answer


def test_a_regimen_dose_its_drug_has_is_still_answered(real_assistant) -> None:
    a = real_assistant.ask("Patient on DRd with CrCl 25: what lenalidomide dose now?")
    assert not a.abstained and "15 mg every other day" in a.answer


def test_an_interference_question_in_everyday_words_finds_the_blood_bank_evidence(real_assistant) -> None:
    """No word of "emergency blood" is in the blood-bank passages: the fallback query in their words finds them."""
    a = real_assistant.ask("Can a patient on dara still get emergency blood?")
    assert a.intent == "interference" and not a.abstained
    assert _ids(a)[0].startswith("bloodbank-")


@pytest.mark.parametrize(
    ("question", "studies", "absent"),
    [
        ("Options after progression on DRd?", ["MAMMOTH"], ["DPd (APOLLO)", "DVd vs Vd"]),
        ("Best anti-CD38 option at first relapse after VRd induction and len maintenance?", ["DPd"], ["DRd vs Rd"]),
        ("Isatuximab or daratumumab for an East Asian patient at relapse?", ["ICARIA-MM", "POLLUX"], []),
    ],
)
def test_selection_shapes_name_what_applies(real_assistant, question, studies, absent) -> None:
    a = real_assistant.ask(question)
    assert a.direct_answer is not None and not a.missing
    assert all(s in a.direct_answer.text for s in studies)
    assert not any(x in a.direct_answer.text for x in absent)


@pytest.mark.parametrize(
    "question",
    [
        # the populations set the scene of a comparison; the table says which side reports them
        "After one prior line, frail: DPd or IsaPd per ICARIA-MM?",
        # the broader subgroup is asked beside the narrower one, and the trial reports the broader one
        "On haemodialysis: did the renal-impairment subgroup of IKEMA benefit from IsaKd?",
    ],
)
def test_populations_that_set_the_scene_do_not_decline_an_answerable_question(real_assistant, question) -> None:
    a = real_assistant.ask(question)
    assert not a.abstained, a.missing


@pytest.mark.parametrize(
    ("question", "declined"),
    [
        ("What grade of infusion reaction stops daratumumab permanently?", True),  # only isatuximab's label says
        ("Should the dara infusion rate be slowed after a reaction?", True),
        ("After a grade 2 isatuximab infusion reaction, at what rate is the infusion resumed?", False),
    ],
)
def test_managing_an_infusion_reaction_is_answered_only_from_the_named_drugs_label(
    real_assistant, question, declined
) -> None:
    a = real_assistant.ask(question)
    assert a.abstained is declined
    if declined:
        assert "infusion reaction management" in (a.missing or "")
    else:
        assert "half the initial rate" in a.answer


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("Does daratumumab affect the platelet count measurement?", "platelet"),
        ("Does daratumumab affect the troponin assay?", "troponin"),
        ("Does daratumumab interfere with HLA crossmatching before transplant?", "HLA"),
    ],
)
def test_an_interference_question_about_a_test_the_evidence_never_names_is_declined(
    real_assistant, question: str, missing: str
) -> None:
    """The blood-bank and SPEP passages are about those tests only: they do not answer for another one."""
    a = real_assistant.ask(question)
    assert a.abstained and a.missing and missing in a.missing and "interference" in a.missing


@pytest.mark.parametrize(
    "question",
    ["Does dara interfere with Kell typing?", "Does isatuximab cause a falsely positive Coombs test?"],
)
def test_an_interference_question_about_a_covered_test_is_answered(real_assistant, question: str) -> None:
    a = real_assistant.ask(question)
    assert not a.abstained and any(c.document_id == "bloodbank" for c in a.citations)


def test_holding_an_antibody_for_a_cytopenia_is_answered_from_the_delay_statement(real_assistant) -> None:
    """ "Hold" and "reduce" ask how the dose is managed: the labels delay, never reduce, the antibody."""
    a = real_assistant.ask("Do we hold isatuximab for platelets under 25?")
    assert a.intent == "dose_adjustment" and not a.abstained
    assert a.citations[0].passage_id == "cytopenia-dose-delay" and "delayed" in a.answer


def test_a_question_in_traditional_characters_is_answered_as_in_simplified(real_assistant) -> None:
    traditional = real_assistant.ask("達雷妥尤單抗皮下注射的劑量是多少？")
    simplified = real_assistant.ask("达雷妥尤单抗皮下注射的剂量是多少？")
    assert not traditional.abstained and "1800 mg" in traditional.answer
    assert [c.passage_id for c in traditional.citations] == [c.passage_id for c in simplified.citations]


@pytest.mark.parametrize(
    ("question", "passage", "amount"),
    [
        ("DKd方案中卡非佐米的剂量是多少？", "candor-design", "20/56 mg/m²"),
        ("IsaKd中卡非佐米的剂量？", "ikema-design", "56 mg/m²"),
        ("Dexamethasone dose in DRd for patients over 75?", "dexamethasone-elderly-dose", "20 mg"),
    ],
)
def test_a_partner_drugs_dose_leads_with_the_sentence_that_doses_it(real_assistant, question, passage, amount) -> None:
    """ "Carfilzomib dose in DKd": not the sentence giving daratumumab 1800 mg "plus carfilzomib"."""
    a = real_assistant.ask(question)
    assert not a.abstained and a.citations[0].passage_id == passage and amount in a.sentences[0].text


@pytest.mark.parametrize(
    "question",
    [
        "What is the IRR rate with subcutaneous daratumumab?",
        "SC dara reaction rate?",
        "达雷妥尤单抗皮下注射的输注反应发生率？",
    ],
)
def test_a_route_asked_is_answered_for_that_route(real_assistant, question: str) -> None:
    """The subcutaneous reaction rate (13% in COLUMBA, about 9% in the label), not the intravenous first-infusion
    figure (56%) that the early-access protocol reports."""
    a = real_assistant.ask(question)
    assert not a.abstained and ("13%" in a.answer or "9%" in a.answer)
    assert "56%" not in a.answer.split("[2]")[0]


def test_a_resistance_mechanism_question_is_not_read_as_a_refractory_population(real_assistant) -> None:
    """ "Resistant to daratumumab" asks about resistance, not for results in anti-CD38-refractory disease."""
    a = real_assistant.ask("Why do patients become resistant to daratumumab?")
    assert not a.abstained and any(c.document_id in ("nijhof-2016", "wang-2018-fratricide") for c in a.citations)


def test_a_chinese_comparison_of_epitopes_is_answered_from_the_epitope_statement(real_assistant) -> None:
    a = real_assistant.ask("达雷妥尤单抗与伊沙妥昔单抗的表位有何不同？")
    assert a.intent == "comparison" and a.citations[0].passage_id == "leleu-epitopes-sequencing"


def test_a_chinese_abstract_sentence_leads_only_when_it_is_among_the_strong_ones(real_assistant) -> None:
    """The best Chinese sentence comes first for a Chinese reader, but not an unrelated one (elderly, for a
    definition of triple-class refractory)."""
    a = real_assistant.ask("什么是三类药物难治？")
    assert not a.abstained and "老年" not in a.sentences[0].text


def test_a_supportive_care_question_naming_a_regimen_gets_no_trial_result_line(real_assistant) -> None:
    a = real_assistant.ask("Should patients on teclistamab plus daratumumab receive IVIG?")
    assert a.direct_answer is None and a.citations[0].passage_id == "ivig-replacement-criteria"


@pytest.mark.parametrize("question", ["达雷妥尤单抗联合塞利尼索和地塞米松的疗效？", "维奈克拉治疗骨髓瘤的疗效？"])
def test_a_chinese_drug_name_ending_like_a_drug_is_an_unknown_drug(real_assistant, question: str) -> None:
    assert real_assistant.ask(question).abstained


@pytest.mark.parametrize(
    "question", ["Should dexamethasone be reduced in patients over 75?", "Is dex reduced for older patients on DPd?"]
)
def test_a_steroid_reduction_by_age_is_answered_from_the_dexamethasone_statement(real_assistant, question) -> None:
    """ "Reduced dexamethasone for older patients, from 40 mg to 20 mg" is a dose adjustment, though it never
    says "dose adjustment"."""
    a = real_assistant.ask(question)
    assert not a.abstained and a.citations[0].passage_id == "dexamethasone-elderly-dose"


def test_a_question_about_one_named_trial_is_answered_from_that_trial(real_assistant) -> None:
    """ "Eligibility criteria of ICARIA-MM?": not a registry's staging criteria that retrieval ranked first."""
    a = real_assistant.ask("What are the eligibility criteria of ICARIA-MM?")
    assert not a.abstained and a.citations[0].passage_id == "icaria-design"


@pytest.mark.parametrize(
    ("question", "passage"),
    [
        ("What is the definition of lenalidomide-refractory?", "imwg-refractory-definition"),
        ("什么是来那度胺难治？", "imwg-refractory-definition"),
        ("什么是三类药物难治？", "cmrg-tcr-definition"),
    ],
)
def test_a_definition_is_answered_from_the_defining_statement(real_assistant, question: str, passage: str) -> None:
    """Not from a trial's lenalidomide-refractory subgroup result, which names the term without defining it."""
    a = real_assistant.ask(question)
    assert a.intent == "definition" and a.citations[0].passage_id == passage


@pytest.mark.parametrize(
    ("question", "passage"),
    [
        ("What is the mode of action of daratumumab?", "daratumumab-mechanism"),
        ("伊沙妥昔单抗是怎么起作用的？", "isatuximab-mechanism"),
        ("How does isatuximab work?", "isatuximab-mechanism"),
    ],
)
def test_a_mode_of_action_question_leads_with_the_mechanism_not_trial_results(real_assistant, question, passage):
    a = real_assistant.ask(question)
    assert not a.abstained and a.intent == "general"
    assert a.sentences[0].citations and a.citations[a.sentences[0].citations[0] - 1].passage_id == passage
    assert "cytotoxicity" in a.answer


def test_managing_a_cytopenia_leads_with_what_is_done_not_how_often_it_occurs(real_assistant) -> None:
    a = real_assistant.ask("How should neutropenia on daratumumab be handled?")
    assert not a.abstained
    lead = a.citations[a.sentences[0].citations[0] - 1].passage_id
    assert lead == "cytopenia-dose-delay", lead
    assert "delayed until blood counts recover" in a.answer


def test_a_definition_leads_with_the_sentence_defining_the_term_asked(real_assistant) -> None:
    a = real_assistant.ask("What is penta-refractory myeloma?")
    assert a.sentences[0].text.startswith("Penta-refractory meant"), a.sentences[0].text


@pytest.mark.parametrize(
    "question",
    ["What washout does the consensus recommend before retreatment?", "What washout did the consensus suggest?"],
)
def test_the_consensus_washout_is_answered_whatever_verb_names_the_consensus(real_assistant, question) -> None:
    a = real_assistant.ask(question)
    assert not a.abstained and a.direct_answer is not None and "6 to 12 months" in a.direct_answer.text


def test_the_consensus_evidence_grades_are_declined_as_not_in_the_corpus(real_assistant) -> None:
    a = real_assistant.ask("What level of evidence does the consensus assign to anti-CD38 rechallenge?")
    assert a.abstained and a.missing and "evidence grades" in a.missing


def test_a_definition_no_passage_gives_is_declined_naming_the_term(real_assistant) -> None:
    """The trials report MRD negativity rates; no passage says what MRD negativity is."""
    a = real_assistant.ask("What does MRD negativity at 10^-5 mean?")
    assert a.abstained and a.missing and "definition of MRD" in a.missing


@pytest.mark.parametrize(
    "question",
    ["What is triple-class exposed?", "What does quad-refractory mean?", "What does 'anti-CD38-refractory' mean?"],
)
def test_a_definition_the_corpus_states_is_answered(real_assistant, question: str) -> None:
    a = real_assistant.ask(question)
    assert not a.abstained and a.intent == "definition"


@pytest.mark.parametrize("question", ["Daratumumab in patients with COPD?", "慢阻肺患者能用达雷妥尤单抗吗？"])
def test_a_drug_asked_in_a_comorbidity_is_answered_with_the_statement_about_that_group(real_assistant, question):
    a = real_assistant.ask(question)
    assert not a.abstained
    assert "chronic obstructive pulmonary disease" in a.sentences[0].text or "chronic obstructive" in a.answer[:400]


@pytest.mark.parametrize("question", ["Side effects of IsaKd?", "What are the side effects of DPd?"])
def test_side_effects_lead_with_adverse_events_not_efficacy(real_assistant, question: str) -> None:
    """ "Side" once matched "one-sided P" in a PFS sentence; an efficacy result answers another question."""
    a = real_assistant.ask(question)
    assert not a.abstained and a.intent == "toxicity"
    assert re.search(r"adverse|neutropenia|hypertension|reaction", a.sentences[0].text)
    assert not re.search(r"progression|hazard ratio|response rate", a.sentences[0].text)


@pytest.mark.parametrize(
    ("question", "drug"),
    [("透析患者能用伊沙妥昔单抗吗？", "isatuximab"), ("Should IgG be replaced if below 400 mg/dL on dara?", "IVIG")],
)
def test_a_question_about_one_antibody_does_not_lead_with_another_drugs_evidence(real_assistant, question, drug):
    """Lenalidomide's dialysis doses (PrE1003) or a daratumumab trial (DARE) do not lead an isatuximab question;
    supportive care given with the antibody (IVIG) still leads where asked."""
    a = real_assistant.ask(question)
    assert not a.abstained
    assert drug in a.sentences[0].text or drug in (a.sentences[0].label or "")


def test_supportive_care_the_asked_antibodys_label_states_is_answered(real_assistant) -> None:
    a = real_assistant.ask("G-CSF with isatuximab?")
    assert not a.abstained and "isatuximab-neutropenia-gcsf" in _ids(a)


@pytest.mark.parametrize(
    "question",
    [
        "82-year-old, IMWG frail, CrCl 28, refractory to lenalidomide: which anti-CD38 option does the corpus support?",
        "Which anti-CD38 regimen for a lenalidomide-refractory patient on dialysis?",
    ],
)
def test_an_anti_cd38_choice_quotes_no_regimen_without_an_antibody(real_assistant, question: str) -> None:
    """Lenalidomide's renal doses (PrE1003) or PVd are no anti-CD38 option for len-refractory disease."""
    a = real_assistant.ask(question)
    assert not a.abstained and a.intent == "selection"
    assert "pre1003-lenalidomide-renal" not in _ids(a)
    assert not any(s.text.startswith("According to a European School") for s in a.sentences)


@pytest.mark.parametrize(
    "question", ["How can infections be prevented during anti-CD38 therapy?", "抗CD38单抗治疗中如何预防感染？"]
)
def test_preventing_infections_leads_with_prophylaxis(real_assistant, question: str) -> None:
    a = real_assistant.ask(question)
    assert not a.abstained
    lead = " ".join(s.text for s in a.sentences[:2])
    assert re.search(r"prophylaxis", lead) and not lead.startswith("Moreover")


def test_a_drug_named_as_history_is_not_what_the_question_asks_about(real_assistant) -> None:
    """No source reports teclistamab's response by prior anti-CD38 exposure; daratumumab's definition of
    exposure does not answer it."""
    a = real_assistant.ask("Does prior daratumumab exposure reduce response to teclistamab?")
    assert a.abstained and a.missing and "teclistamab" in a.missing
    b = real_assistant.ask("Isatuximab after prior daratumumab?")
    assert not b.abstained and any(c.startswith("martino") for c in _ids(b))


def test_a_cytopenia_dose_question_leads_with_the_antibodys_delay(real_assistant) -> None:
    a = real_assistant.ask("Grade 3 thrombocytopenia on DVd - reduce dara or bortezomib?")
    assert not a.abstained and a.intent == "dose_adjustment"
    assert "dose-reduced for toxicity" in a.sentences[0].text


def test_immunoglobulin_levels_lead_with_the_replacement_criteria(real_assistant) -> None:
    a = real_assistant.ask("Should immunoglobulin levels be monitored during daratumumab therapy?")
    assert not a.abstained and _ids(a)[0] == "ivig-replacement-criteria"


def test_a_reason_in_the_patients_history_is_not_an_aspect_asked(real_assistant) -> None:
    """ "Stopped for fatigue" says why DRd ended; the question asks about rechallenge, answered with the washout."""
    a = real_assistant.ask(
        "65F relapsed 14 months after stopping DRd (stopped for fatigue, not progression). "
        "Can she get daratumumab again?"
    )
    assert not a.abstained and a.intent == "rechallenge" and "6 to 12 months" in a.answer


def test_a_lung_function_figure_beside_copd_is_not_an_unknown_term(real_assistant) -> None:
    a = real_assistant.ask("Patient with COPD FEV1 45% needs daratumumab. Any precautions?")
    assert not a.abstained and "chronic obstructive pulmonary disease" in a.sentences[0].text


def test_what_should_happen_to_the_drugs_in_a_cytopenia_is_answered_with_the_delay(real_assistant) -> None:
    a = real_assistant.ask(
        "Patient on DPd develops grade 4 neutropenia on day 15. What should happen to daratumumab and pomalidomide?"
    )
    assert not a.abstained and "cytopenia-dose-delay" in _ids(a)


def test_a_comparison_of_one_antibodys_regimens_quotes_not_the_other_antibodys_trial(real_assistant) -> None:
    """ "DRd or DKd for 1q21+?": IKEMA's 1q21+ result (isatuximab) is about neither side."""
    a = real_assistant.ask("Is DRd or DKd better for 1q21+?")
    assert not a.abstained and a.table is not None
    assert "ikema-1q21" not in _ids(a) and "no 1q21+ subgroup result" in a.answer


def test_a_why_question_leads_with_the_sentence_giving_the_cause(real_assistant) -> None:
    a = real_assistant.ask("达雷妥尤单抗为什么会导致抗体筛查阳性？")
    assert not a.abstained and "small amounts of CD38" in a.sentences[0].text


def test_a_chinese_sentence_leads_only_when_it_is_among_the_best(real_assistant) -> None:
    """The abstract's sentence on monitoring elderly patients shares a word with '血型检测' and no more."""
    a = real_assistant.ask("用药前需要做哪些血型检测？")
    assert not a.abstained and "baseline type and screen" in a.sentences[0].text


@pytest.mark.parametrize(
    ("question", "passage"),
    [
        ("What topics does the Pan-Pacific consensus cover?", "consensus-key-topics"),
        ("What is the consensus's main message?", "consensus-scope"),
    ],
)
def test_an_overview_of_a_named_source_is_answered_from_its_own_summary(real_assistant, question, passage) -> None:
    """The wording ("topics", "main message") is far from the abstract's; its own sentences answer."""
    a = real_assistant.ask(question)
    assert not a.abstained and passage in _ids(a)


def test_a_retreatment_result_asked_leads_with_the_retreatment_studies_not_the_washout(real_assistant) -> None:
    a = real_assistant.ask("What response rates were seen with daratumumab retreatment?")
    assert not a.abstained and a.direct_answer is None
    assert {"danish-daratumumab-retreatment", "souren-retreatment"} <= set(_ids(a)[:2])


@pytest.mark.parametrize("question", ["Does daratumumab deplete NK cells?", "达雷妥尤单抗治疗后NK细胞会怎样？"])
def test_nk_cell_loss_asked_of_daratumumab_is_answered_from_its_study(real_assistant, question) -> None:
    a = real_assistant.ask(question)
    assert not a.abstained
    assert "almost disappeared" in a.answer
    assert a.citations[0].passage_id == "wang-nk-fratricide"
