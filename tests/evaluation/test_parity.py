"""The ONNX path answers the whole gold set exactly as the sentence-transformers path did."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_onnx_answers_equal_sentence_transformers_answers_on_the_gold_set(tmp_path: Path) -> None:
    from cd38_guide.config import Settings
    from cd38_guide.evaluation.parity import answer_parity
    from cd38_guide.index.embedder import MiniLMEmbedder
    from cd38_guide.index.export_onnx import export
    from cd38_guide.index.onnx_embedder import OnnxEmbedder

    settings = Settings(home=tmp_path / "unused", corpus_dirs=[ROOT / "corpus"])
    export(settings.model)
    result = answer_parity(
        settings, ROOT / "eval" / "gold.jsonl", MiniLMEmbedder(settings.model), OnnxEmbedder(settings.model), tmp_path
    )
    assert result["questions"] >= 250
    assert result["identical"] == result["questions"], result["differing_ids"]
