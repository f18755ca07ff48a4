"""Pydantic models of the rules core: the patient profile going in and the report coming out.

The profile is validated strictly (no ``"72"`` for an age, no ``true`` for a count, no unknown fields at any
level) because a silently coerced or ignored field would change a verdict without anyone noticing.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from cd38_guide.types import Frozen

DrugStatus = Literal["unknown", "naive", "exposed", "refractory"]
AntiCD38Status = Literal["unknown", "naive", "exposed", "refractory"]
AntiCD38Agent = Literal["daratumumab", "isatuximab"]
Cytogenetic = Literal["del17p", "t(4;14)", "t(14;16)", "gain1q", "amp1q"]
HbvStatus = Literal["negative", "hbsag_positive", "anti_hbc_positive", "unknown"]

RegimenCode = Literal["DRd", "DVd", "DKd", "DPd", "IsaPd", "IsaKd"]
REGIMEN_CODES: tuple[RegimenCode, ...] = ("DRd", "DVd", "DKd", "DPd", "IsaPd", "IsaKd")
"""The six regimens, in the order every report lists them."""

Verdict = Literal["option", "caution", "avoid"]
VERDICT_RANK: dict[str, int] = {"option": 0, "caution": 1, "avoid": 2}
"""Higher wins when rules disagree: avoid > caution > option."""

Severity = Literal["info", "warning", "critical"]
SEVERITY_RANK: dict[str, int] = {"critical": 0, "warning": 1, "info": 2}
"""Sort key for flags: critical first."""

FrailtyCategory = Literal["fit", "intermediate", "frail", "unknown"]
FrailtyMethod = Literal["imwg", "simplified"]
Cd38Verdict = Literal["candidate", "rechallenge_feasible", "rechallenge_too_early", "needs_last_dose_date"]

PassageId = str


class _Input(Frozen):
    """Strict input: a wrong JSON type is an error, never coerced; NaN and infinity are refused."""

    model_config = ConfigDict(strict=True, allow_inf_nan=False)


class Exposure(_Input):
    """Prior partner drugs. A drug not listed is ``unknown``, never assumed ``naive`` (never given): reading an
    unmentioned drug as never given made lenalidomide look "sensitive" after "progressed on dara-len-dex"."""

    lenalidomide: DrugStatus = Field(default="unknown", description="Lenalidomide (R).")
    pomalidomide: DrugStatus = Field(default="unknown", description="Pomalidomide (P).")
    bortezomib: DrugStatus = Field(default="unknown", description="Bortezomib (V).")
    carfilzomib: DrugStatus = Field(default="unknown", description="Carfilzomib (K).")

    def had(self, drug: str) -> bool:
        """True when the drug is known to have been given before (exposed or refractory)."""
        return bool(getattr(self, drug) in ("exposed", "refractory"))

    def known(self, drug: str) -> bool:
        """True when the drug's status was stated (including "never given")."""
        return bool(getattr(self, drug) != "unknown")

    @property
    def had_proteasome_inhibitor(self) -> bool:
        """Bortezomib or carfilzomib given before."""
        return self.had("bortezomib") or self.had("carfilzomib")


class AntiCD38History(_Input):
    """Prior anti-CD38 antibody treatment."""

    status: AntiCD38Status = Field(
        default="unknown",
        description="unknown: not stated; naive: never given; exposed: given, not refractory; refractory: "
        "progression on it or within 60 days of the last dose.",
    )
    agent: AntiCD38Agent | None = Field(default=None, description="The antibody last given, if known.")
    months_since_last_dose: float | None = Field(
        default=None, ge=0, le=600, description="Months since the last anti-CD38 dose; null when unknown."
    )

    @model_validator(mode="after")
    def _naive_has_no_history(self) -> AntiCD38History:
        # A naive patient with a last-dose date is a contradiction the rules must not guess their way through.
        if self.status in ("naive", "unknown") and (self.agent is not None or self.months_since_last_dose is not None):
            raise ValueError(
                f"status is '{self.status}' but an agent or a last dose is given; set status to 'exposed' or "
                "'refractory'"
            )
        return self


UNITS: dict[str, str] = {
    "crcl_ml_min": "mL/min",
    "lvef_percent": "%",
    "anc": "x10^9/L",
    "platelets": "x10^9/L",
    "igg_mg_dl": "mg/dL",
    "months_since_last_dose": "months",
}
"""Units named in validation messages, by field name."""


class PatientProfile(_Input):
    """One patient, as the rules see them. Omitted optional fields are unknown, never assumed normal."""

    age: int | None = Field(default=None, ge=18, le=120, description="Age in years; null when unknown.")
    prior_lines: int | None = Field(
        default=None, ge=1, le=30, description="Prior lines of therapy (IMWG definition); null when unknown."
    )
    ecog: int | None = Field(default=None, ge=0, le=4, description="ECOG performance status.")
    charlson: int | None = Field(default=None, ge=0, le=40, description="Charlson Comorbidity Index.")
    adl: int | None = Field(default=None, ge=0, le=6, description="Katz activities of daily living (0-6).")
    iadl: int | None = Field(default=None, ge=0, le=8, description="Lawton instrumental activities (0-8).")
    exposure: Exposure = Field(default_factory=Exposure, description="Partner drugs given before.")
    anti_cd38: AntiCD38History = Field(default_factory=AntiCD38History, description="Prior anti-CD38 antibody.")
    cytogenetics: tuple[Cytogenetic, ...] = Field(default=(), description="High-risk FISH findings.")
    crcl_ml_min: float | None = Field(default=None, ge=0, le=250, description="Creatinine clearance, mL/min.")
    heart_failure_nyha: int | None = Field(default=None, ge=0, le=4, description="NYHA class; 0 = no heart failure.")
    lvef_percent: float | None = Field(default=None, ge=5, le=90, description="Left ventricular ejection fraction, %.")
    uncontrolled_hypertension: bool | None = Field(
        default=None, description="Blood pressure not controlled; null when not stated."
    )
    neuropathy_grade: int | None = Field(
        default=None, ge=0, le=4, description="Peripheral neuropathy grade (CTCAE); null when not stated."
    )
    anc: float | None = Field(default=None, ge=0, le=100, description="Absolute neutrophil count, x10^9/L.")
    platelets: float | None = Field(default=None, ge=0, le=2000, description="Platelets, x10^9/L.")
    hbv: HbvStatus = Field(default="unknown", description="Hepatitis B serology.")
    igg_mg_dl: float | None = Field(default=None, ge=0, le=10000, description="Serum IgG, mg/dL.")
    recurrent_infections: bool | None = Field(
        default=None, description="Recurrent or severe infections; null when not stated."
    )

    @field_validator("cytogenetics", mode="before")
    @classmethod
    def _list_without_duplicates(cls, value: object) -> object:
        # JSON arrays arrive as lists; strict mode would refuse a list for a tuple field.
        if isinstance(value, list):
            seen: set[object] = set()
            for item in value:
                if isinstance(item, str) and item in seen:
                    raise ValueError(f"duplicate value {item!r}")
                if isinstance(item, str):
                    seen.add(item)
            return tuple(value)
        return value


class MessageRef(Frozen):
    """A sentence as data: its code in ``rules/messages.yaml`` and the values it names, so it can be re-rendered
    in another language (``rules.messages.localize``) without re-running the rules."""

    code: str
    params: dict[str, str | int | float] = Field(default_factory=dict)


EvidenceList = Annotated[tuple[PassageId, ...], Field(description="Corpus passage ids the item rests on.")]


class Frailty(Frozen):
    """Frailty by the IMWG score, else the simplified score, else unknown."""

    score: int | None
    category: FrailtyCategory
    method: FrailtyMethod | None
    missing: tuple[str, ...] = Field(
        default=(),
        description="Fields that would allow a fuller score: what IMWG lacked when the simplified score was "
        "used, or what both scores lack when unknown.",
    )
    evidence: EvidenceList = ()


class AntiCD38Assessment(Frozen):
    """Whether an anti-CD38 antibody can be given now, and why."""

    status: Cd38Verdict
    reasons: tuple[str, ...]
    evidence: EvidenceList
    reason_refs: tuple[MessageRef, ...] = Field(default=(), description="The reasons as message codes.")
    depends_on: tuple[str, ...] = Field(
        default=(), description="Unstated fields whose value could change this status (profile field paths)."
    )


class RegimenAssessment(Frozen):
    """One of the six regimens, with the combined verdict and every reason behind it."""

    code: RegimenCode
    verdict: Verdict
    reasons: tuple[str, ...]
    evidence: EvidenceList
    reason_refs: tuple[MessageRef, ...] = Field(default=(), description="The reasons as message codes.")
    depends_on: tuple[str, ...] = Field(
        default=(), description="Unstated fields whose value could change this verdict (profile field paths)."
    )
    outside_trial: int = Field(
        default=0, description="How many ways the patient falls outside the population of the supporting trial."
    )


class Flag(Frozen):
    """A practical alert that applies whichever regimen is chosen."""

    code: str
    severity: Severity
    message: str
    evidence: EvidenceList
    ref: MessageRef | None = Field(default=None, description="The message as a code, for other languages.")


class Report(Frozen):
    """The rules core's answer for one patient: same profile, same report, every time."""

    frailty: Frailty
    anti_cd38: AntiCD38Assessment
    regimens: tuple[RegimenAssessment, ...]
    flags: tuple[Flag, ...]
    ruleset_version: str
    order: tuple[RegimenCode, ...] = Field(
        default=(),
        description="The regimens ranked: verdict first, then how closely the patient matches the population of "
        "the trial behind each (fewest mismatches, then fewest unknowns), then the fixed order. A ranking by fit "
        "to the evidence, not a preference between regimens, which the corpus does not give.",
    )
    unknown: tuple[str, ...] = Field(default=(), description="Profile fields the rules read that were not stated.")

    @model_validator(mode="after")
    def _six_regimens_in_order(self) -> Report:
        codes = tuple(r.code for r in self.regimens)
        if codes != REGIMEN_CODES:
            raise ValueError(f"regimens must be {', '.join(REGIMEN_CODES)} in that order (got {', '.join(codes)})")
        return self

    def regimen(self, code: str) -> RegimenAssessment:
        """The assessment of one regimen by code; KeyError if unknown."""
        for r in self.regimens:
            if r.code == code:
                return r
        raise KeyError(code)

    def flag(self, code: str) -> Flag | None:
        """The flag with this code, or None when it was not raised."""
        return next((f for f in self.flags if f.code == code), None)
