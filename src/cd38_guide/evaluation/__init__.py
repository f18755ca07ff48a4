"""Evaluation against the gold Q&A set and the speed/scale benchmark.

``datasets`` reads the gold set, ``metrics`` holds the pure metric functions, ``runner`` evaluates the
assistant and the llama-index baseline and writes the report, ``bench`` measures build and query speed.
Nothing heavy is imported here: the CLI imports the submodule it needs.
"""

from __future__ import annotations

__all__ = ["GoldQuestion", "load_gold"]

from cd38_guide.evaluation.datasets import GoldQuestion, load_gold
