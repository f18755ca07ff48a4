"""Deterministic patient-eligibility rules: a patient profile in, a cited report on the six anti-CD38 regimens out.

Pure code over pydantic models (no LLM, no I/O in the engine, no clock): the same profile gives the same report.
``localize(report, "zh")`` writes the report's sentences in Chinese. Reading a profile out of free text lives in
``cd38_guide.question.patient``.
"""

from __future__ import annotations

from cd38_guide.rules.engine import RULES, RULESET_VERSION, Rule, check_patient
from cd38_guide.rules.io import load_profile, validate_profile
from cd38_guide.rules.messages import field_label, localize
from cd38_guide.rules.models import PatientProfile, Report
from cd38_guide.rules.render import report_to_markdown, report_to_text

__all__ = [
    "RULES",
    "RULESET_VERSION",
    "PatientProfile",
    "Report",
    "Rule",
    "check_patient",
    "field_label",
    "load_profile",
    "localize",
    "report_to_markdown",
    "report_to_text",
    "validate_profile",
]
