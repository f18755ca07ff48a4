"""Request and response models of the REST API that are not already library contracts.

The answer (``types.Answer``), the patient profile and report (``rules.models``), the passage (``types.Passage``)
and the education draft (``education.draft.Draft``) are returned as they are; only the request envelopes and the
health document are defined here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cd38_guide.types import Frozen


class AskRequest(Frozen):
    """One question, optionally with the earlier questions of the same chat."""

    question: str = Field(description="The question, in English or Chinese (at most 2,000 characters).")
    k: int | None = Field(default=None, ge=1, le=50, description="Passages to retrieve (default 5).")
    history: list[str] = Field(
        default_factory=list, max_length=20, description="Earlier questions of the same chat, oldest first."
    )
    id: str | None = Field(default=None, max_length=200, description="Echoed back in the answer's id.")


class EducateRequest(Frozen):
    """A patient-education draft request: the same choices as ``cd38-guide educate``."""

    topic: str = Field(description="Topic id, e.g. 'retreatment' (GET /v1/health lists them).")
    lang: str = Field(default="en", description="Draft language: en or zh.")
    regimen: str | None = Field(default=None, description="One of DRd, DVd, DKd, DPd, IsaPd, IsaKd.")
    patient: dict | None = Field(
        default=None, description="A patient profile (the /v1/check body) to adapt the draft to its rules report."
    )
    format: Literal["md", "html"] = Field(default="md", description="html adds a standalone page in 'html'.")


class Health(Frozen):
    """What this worker serves: the index, corpus and ruleset versions, and its own process."""

    status: Literal["ok"] = "ok"
    version: str = Field(description="cd38-guide version.")
    index_id: str = Field(description="Build id of the loaded index (builds/<id>).")
    corpus_version: str = Field(description="'<n> passages, <first 12 hex digits of the corpus hash>'.")
    ruleset_version: str = Field(description="Version of the rules core behind /v1/check and the CDS cards.")
    education_topics: list[str] = Field(description="Topic ids /v1/educate accepts.")
    pid: int = Field(description="Process id of the worker that answered (one per --workers).")
    rss_mb: float = Field(description="Resident memory of that worker, MB.")
