"""Traditional Chinese read as simplified (question.script)."""

from __future__ import annotations

import json
from pathlib import Path

from cd38_guide.question.script import to_simplified

ROOT = Path(__file__).resolve().parents[2]


def test_traditional_characters_become_simplified() -> None:
    assert to_simplified("達雷妥尤單抗輸注反應的發生率是多少？") == "达雷妥尤单抗输注反应的发生率是多少？"
    assert to_simplified("來那度胺難治，腎功能不全") == "来那度胺难治，肾功能不全"


def test_simplified_english_and_japanese_text_are_left_as_they_are() -> None:
    for text in ("DRd median PFS in POLLUX?", "显著改善，后续治疗", "腎機能障害のある患者の用量は？"):
        assert to_simplified(text) == text


def test_no_simplified_question_of_the_evaluation_sets_is_changed() -> None:
    """The table holds no character that is itself a simplified form: a simplified question is never altered."""
    for name in ("eval/gold.jsonl", "eval/calibration.jsonl"):
        for line in (ROOT / name).read_text("utf-8").splitlines():
            question = json.loads(line)["question"]
            assert to_simplified(question) == question, question
