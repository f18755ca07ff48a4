"""Figures and combinations a question asks more precisely than its subject (evidence_qualifiers)."""

from __future__ import annotations

import pytest

from cd38_guide.evidence_qualifiers import asked_measures, asked_qualifiers, names_together
from cd38_guide.question.vocabulary import load_vocabulary


def _labels(question: str) -> list[str]:
    return [label for label, _ in asked_qualifiers(question)]


@pytest.mark.parametrize(
    ("question", "label", "stated", "not_stated"),
    [
        ("APOLLO 5-year PFS rate?", "5-year result", "PFS at 60 months was", "36-month PFS was 45%"),
        ("PERSEUS研究6年无进展生存率？", "6-year result", "6-year PFS", "4-year progression-free survival was 84%"),
        ("MajesTEC-3 36-month PFS?", "36-month result", "36-month progression-free survival", "24-month PFS"),
        ("ICARIA-MM OS at 3 years?", "3-year result", "36-month overall survival", "54-month overall survival"),
        ("CANDOR 4-year OS?", "4-year result", "median follow-up 50 months", "median follow-up 27 months"),
        # an analysis well short of the landmark reports no result at it
        ("DREAMM-8 3-year PFS?", "3-year result", "at a median follow-up of 38 months", "median PFS of 32.6 months"),
        ("DREAMM-8 3-year PFS?", "3-year result", "follow-up of 33 months", "median follow-up of 28 months"),
        ("ICARIA-MM 4-year OS rate?", "4-year result", "48-month OS rate was 40%", "median follow-up 52.4 months"),
        ("SC dara under 40 kg?", "40 kg", "patients weighing 40 kg or less", "50 kg or less"),
        ("What did the 60-month IKEMA update show?", "60-month result", "at 60 months", "median follow-up 56.6 months"),
        ("POLLUX研究10年随访结果？", "10-year result", "10-year overall survival", "44.3 months"),
        ("KarMMa-3 PFS after 4 prior lines?", "4 prior lines", "after 4 prior lines", "with 2-4 prior lines"),
        ("What was the median age in IKEMA?", "median age", "The median age was 64 years", "median PFS 35.7 months"),
        ("伊沙妥昔单抗单药治疗的缓解率？", "monotherapy", "daratumumab monotherapy", "isatuximab-Pd"),
        (
            "ICARIA-MM PFS benefit by number of prior lines?",
            "by number of prior lines",
            "By prior lines, the HR was 0.70 after one line",
            "after at least 2 prior lines including lenalidomide",
        ),
        ("CANDOR PFS benefit by age?", "by age", "0.57 in patients aged 65 or younger", "median PFS 28.4 months"),
        ("KarMMa-3研究中既往4线治疗患者的PFS？", "4 prior lines", "4 prior lines", "2-4 prior lines"),
    ],
)
def test_a_time_point_or_weight_asked_must_be_the_one_stated(
    question: str, label: str, stated: str, not_stated: str
) -> None:
    pats = dict(asked_qualifiers(question))[label]
    assert any(p.search(stated) for p in pats)
    assert not any(p.search(not_stated) for p in pats)


@pytest.mark.parametrize(
    "question", ["DRd in patients 75 years or older?", "POLLUX研究中75岁及以上患者的疗效？", "What did CANDOR show?"]
)
def test_an_age_is_not_a_time_point(question: str) -> None:
    assert not [x for x in _labels(question) if "year" in x]


@pytest.mark.parametrize(
    ("text", "together"),
    [
        ("daratumumab, lenalidomide and dexamethasone (D-Rd) vs Rd", True),
        ("daratumumab plus VRd (D-VRd) vs VRd", True),
        ("teclistamab plus daratumumab (Tec-Dara)", True),
        ("after at least one prior line (including lenalidomide and a proteasome inhibitor) to isatuximab", False),
        ("isatuximab (SARCLISA) is indicated with pomalidomide after 2 prior therapies including lenalidomide", False),
        # a list of alternatives (two anti-CD38 antibodies) is not one regimen
        ("In serum-spiking studies with daratumumab, isatuximab and elotuzumab", False),
    ],
)
def test_drugs_named_together_as_one_regimen(text: str, together: bool) -> None:
    drugs = ["daratumumab", "elotuzumab"] if "elotuzumab" in text else None
    drugs = drugs or (["lenalidomide", "isatuximab"] if "isatuximab" in text else None)
    drugs = drugs or (["teclistamab", "daratumumab"] if "teclistamab" in text else ["daratumumab", "lenalidomide"])
    assert names_together(text, drugs, load_vocabulary(())) is together


@pytest.mark.parametrize(
    ("question", "endpoints", "label", "stated", "not_stated"),
    [
        (
            "CEPHEUS median PFS?",
            ["PFS"],
            "median PFS",
            "median progression-free survival was 12.4 months",
            "54-month progression-free survival of 68.1% vs 49.5%",
        ),
        # a median stated beside its endpoint without the word, or a few words on
        ("IKEMA median PFS2?", ["PFS2"], "median PFS2", "PFS on the next line (PFS2) 47.2 vs 32.4 months", "HR 0.58"),
        (
            "MAMMOTH median OS?",
            ["OS"],
            "median OS",
            "Overall survival ranged from 11.2 months in patients who were not triple-refractory",
            "24-month overall survival was 65.0%",
        ),
        ("Tal-DP组中位总生存期？", ["OS"], "中位总生存期", "中位总生存期 21.0个月", "24个月总生存期 83%"),
        # a hazard ratio asked of an endpoint is stated with that endpoint (or death, for overall survival)
        ("IKEMA PFS2 HR?", ["PFS2", "HR"], "PFS2 hazard ratio", "PFS2 HR 0.59", "median PFS2 47.2 vs 32.4 months"),
        ("APOLLO OS HR?", ["OS", "HR"], "OS hazard ratio", "lowered the risk of death (HR 0.82)", "PFS HR 0.63"),
    ],
)
def test_the_measure_asked_must_be_the_one_stated(
    question: str, endpoints: list[str], label: str, stated: str, not_stated: str
) -> None:
    lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in question) else "en"
    pats = dict(asked_measures(question, endpoints, load_vocabulary(), lang))[label]
    assert any(p.search(stated) for p in pats)
    assert not any(p.search(not_stated) for p in pats)


@pytest.mark.parametrize("question", ["What did CANDOR show for PFS?", "POLLUX PFS HR?", "median follow-up in APOLLO?"])
def test_no_measure_is_asked_without_a_median_or_a_hazard_ratio_of_another_endpoint(question: str) -> None:
    # PFS's hazard ratio is often stated as "the risk of progression or death", so it is not checked
    assert asked_measures(question, ["PFS", "HR"] if "HR" in question else ["PFS"], load_vocabulary()) == []
