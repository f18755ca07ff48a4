"""The README's rule -> evidence table is the one the code generates."""

from __future__ import annotations

from pathlib import Path

from cd38_guide.rules import RULES
from cd38_guide.rules.table import readme_block, rule_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_table_matches_the_code() -> None:
    assert readme_block() in README.read_text(encoding="utf-8"), "regenerate with cd38_guide.rules.table.readme_block()"


def test_table_has_every_rule_and_its_evidence() -> None:
    table = rule_table()
    for rule in RULES:
        assert f"| `{rule.id}` |" in table
        for pid in rule.evidence:
            assert f"`{pid}`" in table
