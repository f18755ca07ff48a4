"""Answer parity between two embedders: the ONNX path must give the answers sentence-transformers gave.

Each embedder builds its own index (in its own home) and answers every gold question; the answer JSON is
compared whole except ``latency_ms`` and ``timings_ms``. Used by a slow test and by ``cd38-guide bench``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cd38_guide.config import Settings
    from cd38_guide.index.embedder import Embedder

TIMING_FIELDS = frozenset({"latency_ms", "timings_ms"})


def answer_parity(
    settings: Settings, gold_path: Path, reference: Embedder, candidate: Embedder, home: Path
) -> dict[str, Any]:
    """Compare the answers of ``candidate`` with those of ``reference`` on every question of ``gold_path``.

    Returns:
        ``{"questions", "identical", "differing_ids"}``; ``differing_ids`` lists at most 20 question ids.
    """
    from cd38_guide.assistant import Assistant
    from cd38_guide.evaluation.datasets import load_gold

    gold = load_gold(gold_path)
    answers = []
    for name, embedder in (("reference", reference), ("candidate", candidate)):
        assistant = Assistant(settings.model_copy(update={"home": home / name}), embedder=embedder)
        answers.append(
            [assistant.ask(q.question, id=q.id).model_dump(mode="json", exclude=set(TIMING_FIELDS)) for q in gold]
        )
    differing = [q.id for q, a, b in zip(gold, answers[0], answers[1], strict=True) if a != b]
    return {"questions": len(gold), "identical": len(gold) - len(differing), "differing_ids": differing[:20]}
