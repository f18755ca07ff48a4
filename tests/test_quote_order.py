"""Quote order and labelling (``quote_order``): which chosen sentence leads, and which needs its source named."""

import pytest

from cd38_guide.quote_order import LEAD_MARGIN, lead_with_best, leans_back, needs_source
from cd38_guide.sentence_selection import Candidate


def _candidate(score: float, start: int, text: str, pid: str = "p") -> Candidate:
    return Candidate(score, 0.5, 0, pid, start, start + len(text), text, frozenset())


def test_the_best_sentence_of_the_first_passage_leads_only_when_it_clearly_wins_and_stands_alone():
    opening = _candidate(1.0, 0, "Daratumumab labelling also describes post-medication.")
    best = _candidate(1.0 + LEAD_MARGIN + 0.1, 200, "Patients with COPD should also receive bronchodilators.")
    other = _candidate(0.9, 0, "A sentence of another passage.", pid="q")
    assert lead_with_best([opening, best, other]) == [best, opening, other]
    # A narrow win keeps reading order; so does a sentence that leans on the one before it.
    close = _candidate(1.0 + LEAD_MARGIN / 2, 200, "Patients with COPD should also receive bronchodilators.")
    assert lead_with_best([opening, close, other]) == [opening, close, other]
    for text in ("It randomised 211 patients.", "In this group, median PFS was 11.4 months.", "该研究纳入了患者。"):
        leaning = _candidate(2.0, 200, text)
        assert lead_with_best([opening, leaning]) == [opening, leaning]
    # Only the first passage's sentences take part: a stronger sentence of a later passage stays where it is.
    later = _candidate(3.0, 0, "A strong sentence of another passage.", pid="q")
    assert lead_with_best([opening, later]) == [opening, later]


def test_a_leading_chinese_sentence_stays_first_and_the_next_passage_leads_with_its_best():
    native = _candidate(0.9, 0, "抗CD38单克隆抗体已成为治疗的关键组成部分。", pid="zh")
    opening = _candidate(1.0, 0, "Daratumumab labelling also describes post-medication.")
    best = _candidate(1.0 + LEAD_MARGIN + 0.1, 200, "Patients with COPD should also receive bronchodilators.")
    assert lead_with_best([native, opening, best], skip=1) == [native, best, opening]
    assert lead_with_best([native, opening, best]) == [native, opening, best]


@pytest.mark.parametrize(
    ("text", "needs", "leans"),
    [
        ("In the daratumumab arm, daratumumab could be stopped after at least 2 years of maintenance.", True, False),
        ("It randomised 211 patients 2:1 to D-Vd or Vd.", True, True),
        ("Daratumumab is a human IgG1-kappa monoclonal antibody against CD38.", False, False),
    ],
)
def test_a_quote_about_one_arm_needs_its_trial_named_but_may_lead(text: str, needs: bool, leans: bool) -> None:
    """ "In the daratumumab arm, ..." reads right only as "(PERSEUS) In the daratumumab arm, ..."; unlike "It
    randomised ...", it stands as a sentence and may lead its passage's quotes."""
    assert needs_source(text) is needs and leans_back(text) is leans
