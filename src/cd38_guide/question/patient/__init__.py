"""Patient facts from a clinician's free text, read so that a misreading fails safe.

``read_patient(question)`` gives the facts, the rules profile built from them and the fields left unknown (or
None when the question describes no patient). Vocabulary is data (``question/data/patient_lexicon.yaml`` and the
shared ``regimens.yaml``); ``numbers`` converts or refuses values; ``drugs`` reads statuses and per-agent timing;
``findings`` reads the rest.
"""

from __future__ import annotations

from cd38_guide.question.patient.model import PatientFacts
from cd38_guide.question.patient.reader import PatientReading, read_facts, read_patient, to_profile

__all__ = ["PatientFacts", "PatientReading", "read_facts", "read_patient", "to_profile"]
