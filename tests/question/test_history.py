"""What a question says the patient has had (question.history)."""

from __future__ import annotations

import pytest

from cd38_guide.question.history import stated_refractory


@pytest.mark.parametrize(
    ("text", "drugs"),
    [
        ("refractory to both lenalidomide and bortezomib", ["lenalidomide", "bortezomib"]),
        ("progression on daratumumab maintenance", ["daratumumab"]),
        ("not lenalidomide-refractory", []),
        ("来那度胺和硼替佐米双耐药", ["lenalidomide", "bortezomib"]),
        ("What is the median PFS in POLLUX?", []),
    ],
)
def test_stated_refractoriness(text: str, drugs: list[str]) -> None:
    assert sorted(stated_refractory(text)) == sorted(drugs)


def test_every_refractory_cue_of_the_patient_lexicon_passes_the_quick_check() -> None:
    """The analyser skips the patient-fact reader when no refractory word is present; no cue may slip by."""
    from importlib import resources

    import yaml

    from cd38_guide.question.history import REFRACTORY_WORD

    lex = yaml.safe_load(
        resources.files("cd38_guide.question").joinpath("data/patient_lexicon.yaml").read_text("utf-8")
    )
    cues = [*lex["refractory"]["before"], *lex["refractory"]["after"]]
    assert cues and all(REFRACTORY_WORD.search(c) for c in cues), [c for c in cues if not REFRACTORY_WORD.search(c)]


@pytest.mark.parametrize(
    ("text", "drug", "history"),
    [
        ("Does prior daratumumab exposure reduce response to teclistamab?", "daratumumab", True),
        ("Does prior daratumumab exposure reduce response to teclistamab?", "teclistamab", False),
        ("Isatuximab after lenalidomide?", "lenalidomide", True),
        ("Daratumumab dose after a reaction?", "daratumumab", False),
    ],
)
def test_a_drug_named_only_as_history(text: str, drug: str, history: bool) -> None:
    """A drug named only as what the patient had ("prior daratumumab exposure") is not what is asked about."""
    from cd38_guide.question.history import history_drug
    from cd38_guide.question.vocabulary import load_vocabulary

    assert history_drug(text, drug, load_vocabulary()) is history
