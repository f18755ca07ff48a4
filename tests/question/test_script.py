"""Traditional Chinese read as simplified (question.script)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cd38_guide.question.script import to_simplified

ROOT = Path(__file__).resolve().parents[2]


def test_traditional_characters_become_simplified() -> None:
    assert to_simplified("達雷妥尤單抗輸注反應的發生率是多少？") == "达雷妥尤单抗输注反应的发生率是多少？"
    assert to_simplified("來那度胺難治，腎功能不全") == "来那度胺难治，肾功能不全"


def test_simplified_english_and_japanese_text_are_left_as_they_are() -> None:
    for text in ("DRd median PFS in POLLUX?", "显著改善，后续治疗", "腎機能障害のある患者の用量は？"):
        assert to_simplified(text) == text


def _simplified(text: str) -> bool:
    """Every Chinese character of ``text`` is in GB 2312, the simplified character set."""
    try:
        "".join(re.findall(r"[\u4e00-\u9fff]", text)).encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def test_no_simplified_question_of_the_evaluation_sets_is_changed() -> None:
    """The table holds no character that is itself a simplified form: a simplified question is never altered."""
    checked = 0
    for name in ("eval/gold.jsonl", "eval/calibration.jsonl"):
        for line in (ROOT / name).read_text("utf-8").splitlines():
            question = json.loads(line)["question"]
            if _simplified(question):
                checked += 1
                assert to_simplified(question) == question, question
            else:
                assert to_simplified(question) != question, question  # the calibration's traditional questions
    assert checked > 1000
