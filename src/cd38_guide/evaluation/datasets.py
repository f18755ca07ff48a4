"""The gold Q&A set: one JSON object per line, validated into GoldQuestion records."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cd38_guide.errors import InputError

Kind = Literal["fact", "recommendation", "comparison", "multi_hop", "patient_education", "out_of_scope"]


class GoldQuestion(BaseModel):
    """One gold question: what a correct answer must cite and contain, or that it must abstain."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, description="Unique id of the question within the gold file.")
    question: str = Field(min_length=1, description="The question as a clinician, pharmacist or nurse would ask it.")
    language: Literal["en", "zh"]
    topic: str = Field(
        pattern=r"^[a-z0-9_]+$", description="Topic slug (the corpus topic vocabulary, or e.g. out_of_scope)."
    )
    kind: Kind
    expected_passages: tuple[str, ...] = Field(
        default=(), description="Passage ids; retrieving any of them counts as finding the evidence."
    )
    key_facts: tuple[str, ...] = Field(
        default=(), description="Regexes (case-insensitive) that a correct answer must all contain."
    )
    must_abstain: bool = Field(description="True when the corpus cannot answer and the assistant must say so.")

    @field_validator("key_facts")
    @classmethod
    def _regexes_compile(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as err:
                raise ValueError(
                    f"key fact {pattern!r} is not a valid regex ({err}); escape ( ) [ ] + ? with a backslash"
                ) from None
        return value

    @property
    def answerable(self) -> bool:
        """Questions the assistant should answer (the complement of ``must_abstain``)."""
        return not self.must_abstain


def _problems(err: ValidationError) -> list[str]:
    out = []
    for e in err.errors():
        field = ".".join(str(x) for x in e["loc"]) or "record"
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown field; remove it or fix its spelling"
        out.append(f"{field}: {msg}")
    return out


def load_gold(path: Path | str) -> list[GoldQuestion]:
    """Read a gold JSONL file (blank lines skipped), refusing it whole if any record is bad.

    Raises:
        InputError: missing or empty file, a line that is not a JSON object, a record that fails validation,
            or a duplicate id; ``problems`` has one ``file:line: ...`` entry per defect.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such gold file; pass --gold PATH (a JSONL file of gold questions)")
    problems: list[str] = []
    questions: list[GoldQuestion] = []
    seen: dict[str, int] = {}
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{no}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            problems.append(f"{where}: not valid JSON ({err.msg} at column {err.colno})")
            continue
        if not isinstance(obj, dict):
            problems.append(f"{where}: expected a JSON object with id, question, language, topic, kind, ...")
            continue
        try:
            q = GoldQuestion.model_validate(obj)
        except ValidationError as err:
            qid = f" (id {obj['id']})" if isinstance(obj.get("id"), str) else ""
            problems.extend(f"{where}{qid}: {p}" for p in _problems(err))
            continue
        if q.id in seen:
            problems.append(f"{where}: duplicate id {q.id!r} (first on line {seen[q.id]}); ids must be unique")
            continue
        seen[q.id] = no
        questions.append(q)
    if problems:
        raise InputError(f"{problems[0]} ({len(problems)} problem(s) in {path})", problems)
    if not questions:
        raise InputError(f"{path}: the gold file holds no questions")
    return questions
