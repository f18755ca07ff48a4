"""The code table (``codes.yaml``): which LOINC, RxNorm, SNOMED CT and ICD-10 codes the FHIR reader accepts.

Every code carries the source it was checked against; a resource coded with anything else is ignored, so its
field stays unknown rather than guessed.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, model_validator

from cd38_guide.types import Frozen

CODES_PATH = Path(__file__).with_name("codes.yaml")

ObservationField = Literal[
    "crcl_ml_min", "egfr", "anc", "platelets", "igg_mg_dl", "lvef_percent", "hbsag", "anti_hbc", "ecog"
]
Drug = Literal[
    "daratumumab", "isatuximab", "lenalidomide", "pomalidomide", "bortezomib", "carfilzomib", "dexamethasone"
]


class Code(Frozen):
    """One code of one system, with its display name and the page it was checked on."""

    system: str = Field(description="Key into ``systems`` (loinc, rxnorm, snomed, icd10, ...).")
    code: str
    display: str
    source: str = Field(description="Where the code and its meaning were checked.")


class ObservationCode(Code):
    """An Observation code and the profile field its value fills."""

    field: ObservationField
    units: dict[str, float] = Field(default_factory=dict, description="UCUM unit -> factor to the profile unit.")


class MedicationCodes(Frozen):
    """The codes and names that identify one drug."""

    codes: tuple[Code, ...] = ()
    names: tuple[str, ...]


class ResultCodes(Frozen):
    """Coded qualitative results (serology)."""

    positive: tuple[Code, ...] = ()
    negative: tuple[Code, ...] = ()


class CodeTable(Frozen):
    """The whole of ``codes.yaml``."""

    systems: dict[str, str]
    observations: tuple[ObservationCode, ...]
    medications: dict[Drug, MedicationCodes]
    myeloma: tuple[Code, ...]
    results: ResultCodes
    refractory_reasons: tuple[Code, ...] = ()

    @model_validator(mode="after")
    def _known_systems(self) -> CodeTable:
        every = [*self.observations, *self.myeloma, *self.results.positive, *self.results.negative]
        every += [*self.refractory_reasons, *(c for m in self.medications.values() for c in m.codes)]
        for c in every:
            if c.system not in self.systems:
                raise ValueError(f"code {c.code}: unknown system {c.system!r}")
            if not c.source.startswith("http"):
                raise ValueError(f"code {c.code}: the source must be the address of the page it was checked on")
        return self

    def uri(self, system: str) -> str:
        """The FHIR system URI of a system key."""
        return self.systems[system]

    def pairs(self, codes: tuple[Code, ...]) -> set[tuple[str, str]]:
        """(system URI, code) pairs of ``codes``."""
        return {(self.systems[c.system], c.code) for c in codes}

    def observation(self, system: str | None, code: str | None) -> ObservationCode | None:
        """The table entry of an Observation coding, or None."""
        for o in self.observations:
            if self.systems[o.system] == system and o.code == code:
                return o
        return None

    def name_pattern(self, drug: str) -> re.Pattern[str]:
        """Whole-word, case-insensitive pattern of a drug's names."""
        names = sorted(self.medications[drug].names, key=len, reverse=True)  # type: ignore[index]
        return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)


@cache
def load_codes(path: Path = CODES_PATH) -> CodeTable:
    """Read and validate the code table (cached; the file ships with the package)."""
    return CodeTable.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
