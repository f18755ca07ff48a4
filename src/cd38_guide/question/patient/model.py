"""What the patient-fact reader returns: the facts as stated, nothing filled in.

Every field is None (or empty) when the text does not state it. ``exposure``-like fields hold what the text says
about each drug ("naive" only when it says never given); each anti-CD38 agent keeps its own status and timing,
because "isatuximab 8 months ago, daratumumab 2 months ago" must not collapse into one 8-month washout.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cd38_guide.rules.models import Cytogenetic, HbvStatus
from cd38_guide.types import Frozen

Stated = Literal["naive", "exposed", "refractory"]
PARTNERS: tuple[str, ...] = ("lenalidomide", "pomalidomide", "bortezomib", "carfilzomib")
AGENTS: tuple[str, ...] = ("daratumumab", "isatuximab", "anti_cd38")
"""anti_cd38: an anti-CD38 antibody mentioned without naming which."""


class PatientFacts(Frozen):
    """The facts one question states about one patient; None = not stated."""

    age: int | None = Field(default=None, description="Completed years (72.9 -> 72).")
    prior_lines: int | None = None
    ecog: int | None = None
    charlson: int | None = None
    adl: int | None = None
    iadl: int | None = None
    lenalidomide: Stated | None = None
    pomalidomide: Stated | None = None
    bortezomib: Stated | None = None
    carfilzomib: Stated | None = None
    daratumumab: Stated | None = None
    daratumumab_months: float | None = Field(default=None, description="Months since the last daratumumab dose.")
    isatuximab: Stated | None = None
    isatuximab_months: float | None = None
    anti_cd38: Stated | None = Field(default=None, description="An anti-CD38 antibody, agent not named.")
    anti_cd38_months: float | None = None
    not_refractory: tuple[str, ...] = Field(
        default=(), description="Drugs the text explicitly calls not refractory ('exposed, not refractory')."
    )
    cytogenetics: tuple[Cytogenetic, ...] = Field(default=(), description="Findings stated present.")
    crcl_ml_min: float | None = None
    lvef_percent: float | None = None
    heart_failure_nyha: int | None = None
    uncontrolled_hypertension: bool | None = None
    neuropathy_grade: int | None = None
    anc: float | None = Field(default=None, description="x10^9/L, converted from the unit written.")
    platelets: float | None = Field(default=None, description="x10^9/L, converted from the unit written.")
    hbv: HbvStatus | None = None
    igg_mg_dl: float | None = None
    recurrent_infections: bool | None = None
    refused: tuple[str, ...] = Field(default=(), description="Fields whose stated value was implausible, so not used.")
    notes: tuple[str, ...] = Field(default=(), description="Conversions and refusals, in plain words.")

    def stated(self) -> dict[str, object]:
        """The fields the text stated (for display and for the labelled-set comparison)."""
        skip = {"notes", "not_refractory"}
        return {k: v for k, v in self.model_dump().items() if k not in skip and v not in (None, (), [])}
