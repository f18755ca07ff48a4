"""What every rule module shares: the context a rule reads, the findings it yields, and small helpers.

Rules live beside their evidence in ``status.py`` (anti-CD38 history and washout), ``frailty.py``,
``regimens.py`` (trials and partner drugs), ``organs.py`` (heart, kidney, nerves, marrow) and ``flags.py``;
``engine.py`` runs them in a fixed order and folds the findings into a Report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cd38_guide.rules.messages import text
from cd38_guide.rules.models import (
    AntiCD38Assessment,
    Flag,
    Frailty,
    MessageRef,
    PatientProfile,
    RegimenCode,
    Severity,
    Verdict,
)

CARFILZOMIB_REGIMENS: tuple[RegimenCode, ...] = ("DKd", "IsaKd")
POMALIDOMIDE_REGIMENS: tuple[RegimenCode, ...] = ("DPd", "IsaPd")
DARATUMUMAB_REGIMENS: tuple[RegimenCode, ...] = ("DRd", "DVd", "DKd", "DPd")
ISATUXIMAB_REGIMENS: tuple[RegimenCode, ...] = ("IsaPd", "IsaKd")
REGIMEN_PARTNER: dict[str, str] = {
    "DRd": "lenalidomide",
    "DVd": "bortezomib",
    "DKd": "carfilzomib",
    "DPd": "pomalidomide",
    "IsaPd": "pomalidomide",
    "IsaKd": "carfilzomib",
}
"""The partner drug each regimen relies on (with dexamethasone)."""


def say(message: str, /, **params: Any) -> MessageRef:
    """A sentence by its code in messages.yaml, with the values it names."""
    # model_construct: the rules build thousands of these per report (counterfactual runs); they are ours, not input.
    return MessageRef.model_construct(code=message, params={k: v for k, v in params.items() if v is not None})


@dataclass(frozen=True)
class RegimenFinding:
    """One rule's verdict on one regimen, with the sentence that explains it.

    ``outside_trial`` marks a finding that says the patient falls outside the supporting trial's population:
    the report ranks regimens by how few such findings they carry.
    """

    regimen: RegimenCode
    verdict: Verdict
    ref: MessageRef
    evidence: tuple[str, ...]
    outside_trial: bool = False

    @property
    def reason(self) -> str:
        return text(self.ref)


@dataclass(frozen=True)
class FlagFinding:
    """A flag, and the regimens it concerns: when every one of them is "avoid", the flag is dropped (a
    lenalidomide dose alert beside an avoided DRd only distracts). Empty ``applies_to``: always shown."""

    flag: Flag
    applies_to: tuple[RegimenCode, ...] = ()

    @property
    def evidence(self) -> tuple[str, ...]:
        return self.flag.evidence


Finding = Frailty | AntiCD38Assessment | RegimenFinding | FlagFinding


@dataclass(frozen=True)
class Context:
    """What a rule may read: the profile and the assessments earlier rules made."""

    profile: PatientProfile
    frailty: Frailty | None = None
    anti_cd38: AntiCD38Assessment | None = None


@dataclass(frozen=True)
class Rule:
    """A named rule: its id, what it checks, the passages it cites, and the function."""

    id: str
    description: str
    evidence: tuple[str, ...]
    apply: Callable[[Context], Iterable[Finding]] = field(repr=False, compare=False)


def num(value: float) -> str:
    """45.0 -> '45', 5.9 -> '5.9': numbers as a clinician would write them."""
    return f"{value:g}"


def each(
    codes: Iterable[RegimenCode],
    verdict: Verdict,
    ref: MessageRef,
    evidence: tuple[str, ...],
    outside_trial: bool = False,
) -> Iterator[RegimenFinding]:
    """The same finding for several regimens."""
    for code in codes:
        yield RegimenFinding(code, verdict, ref, evidence, outside_trial)


def flag(
    code: str,
    severity: Severity,
    ref: MessageRef,
    evidence: tuple[str, ...],
    applies_to: tuple[RegimenCode, ...] = (),
) -> FlagFinding:
    """A flag whose message is rendered in English from ``ref`` (``messages.render`` gives other languages)."""
    return FlagFinding(Flag(code=code, severity=severity, message=text(ref), evidence=evidence, ref=ref), applies_to)
