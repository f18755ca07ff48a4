"""CDS Hooks 2.0 service over FHIR R4: discovery, patient-view and order-select cards from the rules core.

``record`` maps a FHIR prefetch to the patient profile ``check`` takes; ``cards`` turns the report into cards;
``service`` holds the discovery document and the hook handlers. The HTTP routes live in ``api.cds_routes``.
"""

from __future__ import annotations

from cd38_guide.cds.record import RecordReading, read_record
from cd38_guide.cds.service import ORDER_SELECT, PATIENT_VIEW, discovery, handle

__all__ = ["ORDER_SELECT", "PATIENT_VIEW", "RecordReading", "discovery", "handle", "read_record"]
