"""The verified fact table: trial outcomes, doses, schedules and thresholds as rows tied to their passages.

Rows live in ``corpus/facts/*.yaml`` (data a clinician can review; format in corpus/facts/README.md). Every
value of a row must occur verbatim in its passage, which ``verify_facts`` checks at load time and a test
checks for the whole table, so a direct answer built from rows never says what its passage does not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError

from cd38_guide.corpus.markdown import safe_load_yaml
from cd38_guide.errors import CorpusError
from cd38_guide.types import Frozen, Passage

FactKind = Literal["outcome", "dose", "schedule", "adjustment", "threshold", "statement"]


class FactRow(Frozen):
    """One figure, dose, schedule, threshold or label statement of one passage."""

    passage: str = Field(description="Id of the passage the row is read from.")
    kind: FactKind
    source: str = Field(description="Trial name, or the label/guideline short name.")
    regimen: str | None = Field(default=None, description="Regimen code or drug name the value belongs to.")
    comparator: str | None = None
    population: str = Field(default="all", description='"all" (ITT) or a subgroup.')
    endpoint: str | None = Field(default=None, description="PFS, OS, ORR, CR, MRD, dose ...")
    measure: str | None = Field(default=None, description="median, rate, hr, dose, schedule, threshold ...")
    values: tuple[str, ...] = Field(default=(), description="Verbatim values: regimen first, then comparator.")
    unit: str | None = None
    hr: str | None = None
    ci: str | None = None
    ci_level: str | None = None
    follow_up: str | None = None
    level: str | None = Field(default=None, description='The threshold a rate is measured at, verbatim ("10-6" MRD).')
    drug: str | None = Field(default=None, description="For dose/adjustment/threshold rows: the drug concerned.")

    def verbatim(self) -> list[str]:
        """Every string of the row that must occur in the passage text."""
        return [v for v in (*self.values, self.hr, self.ci, self.ci_level, self.follow_up, self.level) if v]


def read_facts(folder: Path) -> list[FactRow]:
    """All rows of ``folder/*.yaml`` (sorted by file name); a missing folder means no facts.

    Raises:
        CorpusError: a file that is not a list of valid rows, naming the file and row.
    """
    rows: list[FactRow] = []
    if not folder.is_dir():
        return rows
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = safe_load_yaml(path.read_text(encoding="utf-8")) or []
        except (yaml.YAMLError, UnicodeDecodeError) as err:
            raise CorpusError(f"not valid UTF-8 YAML: {err}", str(path)) from None
        if not isinstance(data, list):
            raise CorpusError("a fact file is a YAML list of rows", str(path))
        for i, item in enumerate(data, start=1):
            try:
                rows.append(FactRow.model_validate(item))
            except ValidationError as err:
                fields = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())
                raise CorpusError(f"row {i}: {fields}", str(path)) from None
    return rows


def verify_facts(rows: Iterable[FactRow], passages: dict[str, Passage]) -> list[str]:
    """Problems of rows against their passages: unknown passage, or a value not verbatim in its text."""
    problems = []
    for row in rows:
        p = passages.get(row.passage)
        if p is None:
            problems.append(f"{row.passage}: no such passage")
            continue
        problems.extend(f"{row.passage}: {v!r} is not in the passage text" for v in row.verbatim() if v not in p.text)
    return problems


def load_facts(corpus_dirs: Sequence[Path], passages: dict[str, Passage]) -> tuple[FactRow, ...]:
    """Rows of every corpus folder's ``facts/``, refusing any row its passage does not support.

    Raises:
        CorpusError: a malformed file, or a row whose value is not in its passage.
    """
    rows = [r for d in corpus_dirs for r in read_facts(d / "facts")]
    problems = verify_facts(rows, passages)
    if problems:
        raise CorpusError("fact table rows not supported by their passages: " + "; ".join(problems[:5]))
    return tuple(rows)
