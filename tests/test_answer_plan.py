"""Planned answers from the fact table: outcome lines, comparison tables, selection lists (no model needed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cd38_guide.answer_plan import Planner
from cd38_guide.corpus import load_corpus
from cd38_guide.entity_guard import EntityGuard
from cd38_guide.facts import load_facts
from cd38_guide.question.analysis import analyse
from cd38_guide.question.vocabulary import load_vocabulary

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w])")  # as the evaluation reads figures: not the 38 of CD38


@pytest.fixture(scope="module")
def world():
    corpus = load_corpus([CORPUS])
    vocab = load_vocabulary(tuple(corpus.glossary))
    facts = load_facts([CORPUS], corpus.passages)
    return corpus, Planner(facts, vocab, corpus.passages), EntityGuard(vocab, corpus.passages)


def _plan(world, question: str):
    corpus, planner, _ = world
    return planner.plan(analyse(question, tuple(corpus.glossary)))


def _grounded(world, plan) -> None:
    """Every number of every planned claim occurs in the passage the claim cites."""
    corpus = world[0]
    for claim in [*plan.claims, *(c for row in plan.rows for c in row)]:
        if claim.passage is None:
            continue
        text = corpus.passages[claim.passage].text
        for number in NUMBER.findall(claim.text):
            assert number in text, (claim.text, claim.passage)


def test_trial_results_lead_with_the_primary_endpoints(world) -> None:
    plan = _plan(world, "What did CANDOR show?")
    assert [c.passage for c in plan.claims] == ["candor-final-pfs", "candor-final-os"]
    assert plan.claims[0].text.startswith("DKd vs Kd in CANDOR: median PFS 28.4 vs 15.2 months, HR 0.64")
    _grounded(world, plan)


@pytest.mark.parametrize("question", ["What did IRAKLIA show?", "Is SC isatuximab as effective as IV isatuximab?"])
def test_a_trial_without_pfs_or_os_rows_leads_with_its_own_endpoints(world, question: str) -> None:
    """IRAKLIA's co-primary endpoint was response: its result line, not an empty plan."""
    plan = _plan(world, question)
    assert plan.claims and plan.claims[0].passage == "iraklia-response"
    assert "71.1% vs 70.5%" in plan.claims[0].text
    _grounded(world, plan)


def test_asked_endpoint_and_population_pick_the_row(world) -> None:
    os_plan = _plan(world, "OS in POLLUX?")
    assert len(os_plan.claims) == 1 and "median OS 67.6 vs 51.8 months" in os_plan.claims[0].text
    elderly = _plan(world, "PFS with DVd in CASTOR pts aged 75 or over?")
    assert elderly.claims and "aged 75 or older" in elderly.claims[0].text
    assert elderly.claims[0].passage == "castor-elderly"
    _grounded(world, elderly)


@pytest.mark.parametrize(
    ("question", "shown", "not_shown"),
    [
        # no level asked: the headline MRD result, not a deeper level's
        ("CEPHEUS MRD negativity?", "MRD negativity 60.9% vs 39.4%", "10-6"),
        # the level and landmark asked, each labelled in the line
        ("CEPHEUS MRD at 10^-6 at 48 months?", "48-month rate MRD negativity at 10-6 45.2% vs 27.3%", "60.9"),
        ("CEPHEUS MRD rate at 10-5 at 12 months?", "12-month rate MRD negativity at 10-5 43.1% vs 28.3%", "22.8"),
        ("CEPHEUS研究12个月时10^-6水平MRD阴性率？", "12个月MRD阴性率（10-6） 22.8% 对比 11.1%", "43.1"),
    ],
)
def test_the_mrd_level_and_landmark_asked_pick_the_row(world, question: str, shown: str, not_shown: str) -> None:
    plan = _plan(world, question)
    assert plan.claims and shown in plan.claims[0].text
    assert not_shown not in plan.claims[0].text
    _grounded(world, plan)


def test_a_subgroup_without_a_row_gets_no_whole_trial_line(world) -> None:
    plan = _plan(world, "IsaPd PFS in daratumumab-refractory pts in ICARIA-MM?")
    assert plan.claims == []


def test_cross_trial_comparison_is_a_cited_table_with_both_sides_and_the_caveat(world) -> None:
    plan = _plan(world, "DPd vs IsaPd?")
    assert plan.columns == ["", "DPd (APOLLO)", "IsaPd (ICARIA-MM)"]
    pfs = next(row for row in plan.rows if row[0].text == "PFS")
    assert pfs[1].passage == "apollo-efficacy" and pfs[2].passage == "icaria-efficacy"
    assert "not randomised evidence" in plan.caveat
    _grounded(world, plan)


def test_head_to_head_comparison_needs_no_caveat(world) -> None:
    plan = _plan(world, "BVd or DVd?")
    assert plan.claims and all("DREAMM-7" in c.text for c in plan.claims)
    assert plan.caveat == "" and plan.rows == []


def test_a_side_without_a_trial_is_said_to_be_missing(world) -> None:
    plan = _plan(world, "KRd vs DKd?")
    assert any("KRd" in m for m in plan.missing)


def test_selection_names_the_anti_cd38_triplets_without_the_refractory_drug(world) -> None:
    plan = _plan(world, "Which anti-CD38 regimen for lenalidomide-refractory disease?")
    named = " ".join(c.text for c in plan.claims)
    for code in ("DVd", "DKd", "DPd", "IsaPd", "IsaKd"):
        assert code in named
    assert "DRd" not in named and "lenalidomide" in plan.caveat
    _grounded(world, plan)


def test_chinese_questions_get_chinese_lines(world) -> None:
    plan = _plan(world, "POLLUX研究的总生存期是多少？")
    assert plan.claims and plan.claims[0].text.startswith("POLLUX研究")
    assert "中位总生存期" in plan.claims[0].text


def test_non_results_questions_get_no_outcome_line(world) -> None:
    assert _plan(world, "How many pts were randomised in CANDOR?").empty
    assert _plan(world, "What dex dose did IKEMA use?").empty
    assert _plan(world, "70-year-old with HBV core antibody positive starting DKd: what monitoring?").empty
    # How a regimen acts is no trial result either; how long the antibody is given is the label's statement.
    assert _plan(world, "How does DKd work?").empty
    duration = _plan(world, "How long is daratumumab given in DRd?")
    label = "Daratumumab labelling: how long it is given: until disease progression"
    assert [c.text for c in duration.claims] == [label]
    assert _plan(world, "How long is isatuximab continued in IsaPd?").empty  # no isatuximab statement: the quotes
    assert "用药时长" in _plan(world, "抗CD38单抗需要用多久？").claims[0].text
    assert not _plan(world, "How does DRd work in elderly patients?").empty  # how well: its results


def test_guard_tells_a_drug_from_its_rivals(world) -> None:
    _, _, guard = world
    assert guard.mentions("Isa-Kd was given weekly", "IsaKd")
    assert guard.mentions("isatuximab, carfilzomib and dexamethasone", "IsaKd")
    assert guard.mentions("anti-CD38 antibodies as a class", "daratumumab")
    assert "pomalidomide" in guard.rivals("lenalidomide") and "daratumumab" not in guard.rivals("lenalidomide")
    assert guard.passage_about("candor-design", "CANDOR")
    assert not guard.sentence_about("lenalidomide-renal-dosing", "Lenalidomide is cleared by the kidney.", "isatuximab")


@pytest.mark.parametrize(
    ("question", "passage", "value"),
    [
        (
            "Pt relapsed 14 months after finishing dara-based therapy. Retreat with dara?",
            "consensus-rechallenge-washout",
            "6 to 12 months",
        ),
        ("抗CD38单抗再治疗前需要间隔多久？", "consensus-zh-rechallenge-washout", "6至12个月"),
    ],
)
def test_rechallenge_plan_states_the_washout_in_the_question_language(world, question, passage, value) -> None:
    """The washout line is the consensus abstract's own statement, in the question's language, cited."""
    plan = _plan(world, question)
    assert [c.passage for c in plan.claims] == [passage]
    assert value in plan.claims[0].text
    _grounded(world, plan)


def test_each_asked_population_gets_its_own_line(world) -> None:
    plan = _plan(world, "What did CASTOR show in patients 75 and over with one prior line?")
    texts = " ".join(c.text for c in plan.claims)
    assert "17.9" in texts and "27.0" in texts
    _grounded(world, plan)


def test_a_single_population_study_reports_its_rows_without_a_population_asked(world) -> None:
    plan = _plan(world, "What did MAMMOTH show?")
    assert plan.claims and all(c.passage == "mammoth-outcomes" for c in plan.claims)
    _grounded(world, plan)


@pytest.mark.parametrize(
    ("question", "studies"),
    [
        ("Options if refractory to both lenalidomide and daratumumab?", ("MAMMOTH",)),
        ("What are the options for triple-class refractory disease?", ("MagnetisMM-3", "LocoMMotion")),
        ("三类药物难治的患者有哪些治疗选择？", ("MagnetisMM-3",)),
    ],
)
def test_disease_past_the_anti_cd38_class_gets_study_results_not_anti_cd38_triplets(world, question, studies) -> None:
    """Refractory to (or past) the class: no anti-CD38 triplet is offered; the studies of that population are."""
    plan = _plan(world, question)
    named = " ".join(c.text for c in plan.claims)
    assert plan.claims and all(s in named for s in studies)
    assert not any(code in named for code in ("DVd", "DKd", "DPd", "IsaKd", "DRd"))
    assert "anti-CD38" in plan.lead or "抗CD38" in plan.lead
    _grounded(world, plan)


def test_guard_knows_which_sentences_name_their_subject(world) -> None:
    """A quoted sentence that names no drug, regimen or trial gets its source's name before it."""
    _, _, guard = world
    assert guard.names_something("Daratumumab was given weekly.")
    assert guard.names_something("In CANDOR, PFS was longer.")
    assert guard.names_something("DRd gave the longest PFS.")
    assert guard.names_something("Anti-CD38 antibodies interfere with testing.")
    assert not guard.names_something("Median PFS was 44.5 months.")


def test_found_in_is_pattern_search_remembered() -> None:
    from cd38_guide.entity_guard import found_in

    pfs = re.compile(r"progression-free", re.IGNORECASE)
    text = "Progression-free survival was longer"
    assert found_in(pfs, text) and found_in(pfs, text)  # searched, then remembered
    assert not found_in(pfs, "Overall survival was longer")


def test_drug_names_of_an_unlisted_drug_is_its_own_name(world) -> None:
    _, _, guard = world
    listed = guard.vocab.drug_names("daratumumab")
    assert listed is guard.vocab.drugs["daratumumab"]
    (own,) = guard.vocab.drug_names("zorbatumab")
    assert own.search("Zorbatumab was given") and not own.search("zorbatumabs")


@pytest.mark.parametrize(
    "question",
    [
        "What's the preferred anti-CD38 combo for a fit patient at first relapse on lenalidomide maintenance?",
        "Which regimen would you pick for an East Asian patient refractory to lenalidomide?",
    ],
)
def test_selection_never_lists_a_regimen_with_the_drug_the_disease_is_refractory_to(world, question) -> None:
    plan = _plan(world, question)
    assert plan.claims and not any(c.text.startswith("DRd") for c in plan.claims)
    assert "lenalidomide-refractory" in plan.lead


def test_selection_for_1q_gain_gives_each_trial_its_subgroup_result(world) -> None:
    plan = _plan(world, "Best option for a 1q amp patient at relapse?")
    texts = " ".join(c.text for c in plan.claims)
    assert "0.58" in texts and "0.50" in texts
    _grounded(world, plan)


@pytest.mark.parametrize(
    ("question", "condition", "unstated"),
    [
        (
            "Best anti-CD38 option at relapse after VRd induction and len maintenance?",
            "If the disease progressed on lenalidomide maintenance",
            "Whether the disease progressed on lenalidomide was not stated",
        ),
        ("来那度胺维持治疗后复发，抗CD38方案怎么选？", "若疾病在来那度胺维持治疗期间进展", "问题未说明疾病是否"),
    ],
)
def test_relapse_after_maintenance_gives_the_refractory_evidence_under_its_condition(
    world, question, condition, unstated
) -> None:
    """Maintenance says the drug was given, not that the disease progressed on it: the lenalidomide-refractory
    evidence is given as conditional on that, the condition is said, and no lenalidomide regimen is listed."""
    plan = _plan(world, question)
    assert plan.lead.startswith(condition) and unstated in plan.caveat
    named = " ".join(c.text for c in plan.claims)
    assert "DPd" in named and "IsaKd" in named and "DRd" not in named
    _grounded(world, plan)


def test_progression_during_maintenance_is_refractoriness_stated(world) -> None:
    plan = _plan(world, "来那度胺维持期间进展的患者可以用哪些方案？")
    assert plan.lead.startswith("有来那度胺难治") and "来那度胺" in plan.caveat and "lenalidomide" not in plan.caveat


def test_antibody_against_antibody_is_compared_through_their_regimens_trials(world) -> None:
    """ "Isatuximab or daratumumab?" names antibodies, not regimens: each side is a trial of one of its regimens
    (the one reporting the asked population), never "no trial result for isatuximab"."""
    plan = _plan(world, "Isatuximab or daratumumab for an East Asian patient at relapse?")
    assert not plan.missing and plan.caveat
    assert "ICARIA-MM" in plan.columns[1] and "POLLUX" in plan.columns[2]
    assert all("East Asian" in c.text for c in plan.claims)
    _grounded(world, plan)


def test_a_named_regimen_with_the_refractory_drug_is_said_and_the_studied_ones_listed(world) -> None:
    plan = _plan(world, "Is DRd a good option for lenalidomide-refractory disease?")
    named = " ".join(c.text for c in plan.claims)
    assert "DRd" not in named and "DPd" in named and plan.caveat.endswith("DRd contains lenalidomide.")


def test_a_second_population_adds_its_own_subgroup_results(world) -> None:
    plan = _plan(world, "Which anti-CD38 triplet for a 78-year-old with creatinine clearance 25?")
    texts = [c.text for c in plan.claims]
    assert any("(aged 75 or older)" in t for t in texts) and any("(renal impairment)" in t for t in texts)
    assert "aged 75 or older patients and in renal impairment patients" in plan.lead
    _grounded(world, plan)


def test_every_further_population_adds_its_own_subgroup_results(world) -> None:
    """ "82, frail, CrCl 28, len-refractory": the renal subgroup is listed beside the 75-or-older one."""
    plan = _plan(world, "82-year-old, IMWG frail, CrCl 28, refractory to lenalidomide: which anti-CD38 option?")
    texts = [c.text for c in plan.claims]
    assert any("(aged 75 or older)" in t for t in texts) and any("(renal impairment)" in t for t in texts)
    assert "lenalidomide-refractory disease, in " in plan.lead and "renal impairment patients" in plan.lead
    assert "aged 75 or older patients" in plan.lead and "DRd" not in " ".join(texts)
    _grounded(world, plan)


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("Compare IsaKd and DKd in patients with renal impairment.", "CANDOR reports no renal impairment subgroup"),
        ("Is DRd or DKd better for 1q21+?", "POLLUX and CANDOR report no 1q21+ subgroup"),
        ("IsaKd和DKd在肾功能不全患者中的疗效比较？", "CANDOR在语料库中没有肾功能损害亚组的结果"),
    ],
)
def test_a_comparison_side_without_the_asked_subgroup_says_so(world, question: str, says: str) -> None:
    plan = _plan(world, question)
    assert plan.rows and says in plan.caveat


def test_a_side_reporting_the_subgroup_for_another_endpoint_lacks_only_this_one_and_cells_say_their_group(
    world,
) -> None:
    """CANDOR reports a high-risk OS but no high-risk PFS: the note names the endpoint, and a whole-trial cell beside
    a subgroup's is labelled, never passed off as the subgroup's."""
    plan = _plan(world, "High-risk cytogenetics: DKd or IsaKd?")
    assert "CANDOR reports no high-risk subgroup PFS result" in plan.caveat
    cells = {row[0].text: [c.text for c in row[1:]] for row in plan.rows}
    assert cells["PFS"][0].startswith("all patients: ") and not cells["PFS"][1].startswith("all patients")
    assert not cells["OS"][0].startswith("all patients") and cells["OS"][1].startswith("all patients: ")


def test_a_comparison_whose_sides_report_the_subgroup_adds_no_such_note(world) -> None:
    plan = _plan(world, "CASTOR vs POLLUX in high-risk cytogenetics?")
    assert plan.rows and "subgroup result" not in plan.caveat


def test_a_threshold_row_is_never_a_result_line(world) -> None:
    """IRAKLIA's ORR rows hold the result (71.1% vs 70.5%) and the non-inferiority margin (0.839)."""
    plan = _plan(world, "ORR with isatuximab SC in IRAKLIA?")
    text = " ".join(c.text for c in plan.claims)
    assert "71.1%" in text and "0.839" not in text


def test_a_trial_with_two_experimental_arms_speaks_through_its_own_regimen(world) -> None:
    """MonumenTAL-3 reports Tal-D and Tal-DP against DPd; "Tal-Dara vs DPd" gets Tal-D's figures, not Tal-DP's."""
    plan = _plan(world, "Tal-Dara vs DPd?")
    text = " ".join(c.text for c in plan.claims)
    assert "77.6%" in text and "81.3%" not in text and not plan.missing
    _grounded(world, plan)


def test_a_comparison_of_something_other_than_results_gets_no_results_table(world) -> None:
    """ "Dara vs isa epitopes?" asks a mechanism: the quotes answer it, not a PFS/OS table."""
    assert _plan(world, "What is the difference between daratumumab and isatuximab epitopes?").empty
    assert not _plan(world, "DPd vs IsaPd?").empty


@pytest.mark.parametrize(
    ("question", "excluded"),
    [
        ("Which anti-CD38 combination suits a patient refractory to both len and bortezomib?", "or bortezomib"),
        ("哪种抗CD38方案适合来那度胺和硼替佐米双耐药的患者？", "或硼替佐米"),
    ],
)
def test_every_drug_the_disease_is_refractory_to_rules_its_regimens_out(world, question, excluded) -> None:
    """Refractory to lenalidomide and bortezomib: DVd (bortezomib) is as unusable as DRd; the caveat names both."""
    plan = _plan(world, question)
    named = " ".join(c.text for c in plan.claims)
    assert "DKd" in named and "DPd" in named
    assert "DVd" not in named and "DRd" not in named
    assert excluded in plan.caveat
    _grounded(world, plan)


def test_progression_on_antibody_maintenance_is_past_the_class(world) -> None:
    plan = _plan(world, "Best option after progression on daratumumab maintenance?")
    assert plan.lead.startswith("Study results in anti-CD38-refractory disease"), plan.lead
    named = " ".join(c.text for c in plan.claims)
    assert "MAMMOTH" in named and not any(code in named for code in ("DKd", "DPd", "IsaKd"))


def test_a_comparison_in_a_population_uses_each_sides_subgroup_row(world) -> None:
    """DKd vs IsaKd in lenalidomide-refractory disease: CANDOR's and IKEMA's own subgroup results, not one
    subgroup beside a whole-trial result."""
    plan = _plan(world, "whats the pfs for dkd in len refractory pts and how does it compare to isakd?")
    assert len(plan.claims) == 2 and all("lenalidomide-refractory" in c.text for c in plan.claims)
    assert "0.598" in plan.claims[1].text
    _grounded(world, plan)


@pytest.mark.parametrize(
    ("question", "drug", "absent"),
    [
        ("Which triplet for a patient refractory to bortezomib?", "bortezomib", "DVd"),
        ("What regimen should I choose for a patient who is pomalidomide-refractory?", "pomalidomide", "DPd"),
        ("硼替佐米耐药的患者用哪种抗CD38方案？", "硼替佐米", "DVd"),
    ],
)
def test_a_refractoriness_no_subgroup_reports_lists_the_triplets_without_the_drug(world, question, drug, absent):
    """No trial subgroup reports bortezomib-refractory disease: the triplets without bortezomib are listed with
    their whole-trial results, and the lead says that no result in that disease is in the corpus."""
    plan = _plan(world, question)
    named = " ".join(c.text for c in plan.claims)
    assert plan.claims and absent not in named and "IsaKd" in named
    assert drug in plan.lead and drug in plan.caveat
    _grounded(world, plan)


def test_a_comparison_of_an_endpoint_no_table_shows_gets_no_results_table(world) -> None:
    """ "dara vs isa infusion reactions": no PFS table in place of the reaction rates the quotes give."""
    plan = _plan(world, "daratumumab vs isatuximab infusion reactions")
    assert plan.empty


def test_a_subgroup_asked_in_a_comparison_says_when_a_side_is_the_whole_trial(world) -> None:
    plan = _plan(world, "DPd or IsaPd for a len-refractory patient?")
    assert all("(all patients)" in c.text for c in plan.claims)


def test_a_comparison_of_two_trials_names_each_once(world) -> None:
    plan = _plan(world, "CASTOR vs POLLUX: which showed the bigger PFS benefit?")
    assert plan.columns[1:] == ["CASTOR", "POLLUX"] and "no trial of CASTOR" not in plan.caveat


def test_a_row_with_only_a_hazard_ratio_still_names_its_endpoint(world) -> None:
    plan = _plan(world, "DREAMM-7 overall survival?")
    assert plan.claims and "OS HR 0.58" in plan.claims[0].text, plan.claims


def test_a_rechallenge_question_naming_a_study_gets_that_studys_rows_not_the_consensus_washout(world) -> None:
    plan = _plan(world, "What is the evidence for daratumumab retreatment in the Danish cohort?")
    assert plan.claims and "Szabo" in plan.claims[0].text and "24.6 vs 11.3" in plan.claims[0].text
    assert "washout" in _plan(world, "How long a washout before anti-CD38 rechallenge?").claims[0].text
    # A named guideline has no result rows: its washout is the answer.
    consensus = _plan(world, "What washout does the consensus recommend before retreatment?")
    assert consensus.claims and "6 to 12 months" in consensus.claims[0].text
