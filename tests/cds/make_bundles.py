"""Writes the example CDS Hooks calls (FHIR R4 prefetch) and their JSON profiles in data/.

python tests/cds/make_bundles.py
"""

import json
import pathlib

OUT = pathlib.Path(__file__).resolve().parent / "data"
LOINC, SCT = "http://loinc.org", "http://snomed.info/sct"
ICD10, ICD10CM = "http://hl7.org/fhir/sid/icd-10", "http://hl7.org/fhir/sid/icd-10-cm"


def searchset(*res):
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(res),
        "entry": [{"fullUrl": f"urn:uuid:{r['resourceType'].lower()}-{r['id']}", "resource": r} for r in res],
    }


def patient(pid, born):
    return {"resourceType": "Patient", "id": pid, "birthDate": born, "gender": "unknown"}


def myeloma(pid, system=SCT, code="109989006", display="Multiple myeloma"):
    return {
        "resourceType": "Condition",
        "id": f"{pid}-mm",
        "subject": {"reference": f"Patient/{pid}"},
        "clinicalStatus": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]
        },
        "code": {"coding": [{"system": system, "code": code, "display": display}]},
    }


def qty(pid, n, code, display, value, unit, date="2026-11-20"):
    return {
        "resourceType": "Observation",
        "id": f"{pid}-o{n}",
        "status": "final",
        "subject": {"reference": f"Patient/{pid}"},
        "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
        "effectiveDateTime": date,
        "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
    }


def ecog(pid, n, value, date="2026-11-20"):
    return {
        "resourceType": "Observation",
        "id": f"{pid}-o{n}",
        "status": "final",
        "subject": {"reference": f"Patient/{pid}"},
        "code": {"coding": [{"system": LOINC, "code": "89247-1", "display": "ECOG Performance Status score"}]},
        "effectiveDateTime": date,
        "valueInteger": value,
    }


def sero(pid, n, code, display, positive, date="2026-11-10"):
    res = ("10828004", "Positive (qualifier value)") if positive else ("260385009", "Negative (qualifier value)")
    return {
        "resourceType": "Observation",
        "id": f"{pid}-o{n}",
        "status": "final",
        "subject": {"reference": f"Patient/{pid}"},
        "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
        "effectiveDateTime": date,
        "valueCodeableConcept": {"coding": [{"system": SCT, "code": res[0], "display": res[1]}]},
    }


def hbv(pid, s_pos, c_pos):
    return [
        sero(pid, 80, "5195-3", "Hepatitis B virus surface Ag [Presence] in Serum", s_pos),
        sero(pid, 81, "16933-4", "Hepatitis B virus core Ab [Presence] in Serum", c_pos),
    ]


def egfr(pid, n, v):
    return qty(
        pid,
        n,
        "33914-3",
        "Glomerular filtration rate/1.73 sq M.predicted by Creatinine-based formula (MDRD)",
        v,
        "mL/min/{1.73_m2}",
    )


def anc(pid, n, v, unit="10*9/L"):
    return qty(pid, n, "751-8", "Neutrophils [#/volume] in Blood by Automated count", v, unit)


def plt(pid, n, v, unit="10*9/L"):
    return qty(pid, n, "777-3", "Platelets [#/volume] in Blood by Automated count", v, unit)


def med(pid, n, text, status="completed", start=None, end=None, reason=None):
    r = {
        "resourceType": "MedicationStatement",
        "id": f"{pid}-m{n}",
        "status": status,
        "subject": {"reference": f"Patient/{pid}"},
        "medicationCodeableConcept": {"text": text},
    }
    if start or end:
        r["effectivePeriod"] = {k: v for k, v in (("start", start), ("end", end)) if v}
    if reason:
        r["statusReason"] = [{"text": reason}]
    return r


def request(pid, hook, resources, context_extra=None, meds=None, reqs=None, conds=None, pat=True):
    service = "cd38-guide-patient-view" if hook == "patient-view" else "cd38-guide-order-select"
    ctx = {"userId": "Practitioner/example", "patientId": pid, **(context_extra or {})}
    return {
        "hook": hook,
        "hookInstance": f"00000000-0000-4000-8000-{abs(hash(pid)) % 10**12:012d}",
        "fhirServer": "https://ehr.example.org/fhir",
        "context": ctx,
        "prefetch": {
            "patient": resources["patient"],
            "observations": searchset(*resources.get("obs", [])),
            "medications": searchset(*(meds or [])),
            "medicationRequests": searchset(*(reqs or [])),
            "conditions": searchset(*(conds or [])),
        },
    }, service


cases = {}
pid = "len-refractory"
cases[pid] = (
    request(
        pid,
        "patient-view",
        {
            "patient": patient(pid, "1958-03-10"),
            "obs": [egfr(pid, 1, 78), anc(pid, 2, 2.4), plt(pid, 3, 190), ecog(pid, 4, 1), *hbv(pid, False, False)],
        },
        meds=[
            med(
                pid,
                1,
                "Lenalidomide 10 mg capsule",
                "stopped",
                "2024-01-10",
                "2026-08-01",
                "Disease progression on lenalidomide maintenance",
            ),
            med(pid, 2, "Bortezomib 1.3 mg/m2 SC", "completed", "2023-05-01", "2023-11-01"),
        ],
        conds=[myeloma(pid)],
    ),
    {
        "age": 68,
        "exposure": {"lenalidomide": "refractory", "bortezomib": "exposed"},
        "ecog": 1,
        "crcl_ml_min": 78.0,
        "anc": 2.4,
        "platelets": 190.0,
        "hbv": "negative",
    },
)
pid = "dara-last-dose"
cases[pid] = (
    request(
        pid,
        "patient-view",
        {"patient": patient(pid, "1954-05-20"), "obs": [anc(pid, 1, 1.9), plt(pid, 2, 150), *hbv(pid, False, False)]},
        meds=[
            med(
                pid,
                1,
                "Daratumumab 1800 mg SC (Darzalex Faspro)",
                "completed",
                "2025-06-01",
                "2026-08-15",
                "Progressive disease on daratumumab",
            ),
            med(pid, 2, "Lenalidomide", "stopped", "2025-06-01", "2026-08-15", "progression"),
            med(pid, 3, "Velcade (bortezomib)", "completed", "2022-01-01", "2022-09-01"),
        ],
        conds=[myeloma(pid, ICD10, "C90.0")],
    ),
    {
        "age": 72,
        "exposure": {"lenalidomide": "refractory", "bortezomib": "exposed"},
        "anti_cd38": {"status": "refractory", "agent": "daratumumab", "months_since_last_dose": 3.5},
        "anc": 1.9,
        "platelets": 150.0,
        "hbv": "negative",
    },
)
pid = "renal"
cases[pid] = (
    request(
        pid,
        "patient-view",
        {"patient": patient(pid, "1950-01-15"), "obs": [egfr(pid, 1, 25), anc(pid, 2, 2.0), plt(pid, 3, 160)]},
        meds=[
            med(pid, 1, "lenalidomide", "completed", "2023-01-01", "2024-01-01"),
            med(pid, 2, "bortezomib", "completed", "2023-01-01", "2024-01-01"),
        ],
        conds=[myeloma(pid)],
    ),
    {
        "age": 76,
        "exposure": {"lenalidomide": "exposed", "bortezomib": "exposed"},
        "crcl_ml_min": 25.0,
        "anc": 2.0,
        "platelets": 160.0,
    },
)
pid = "neutropenia"
cases[pid] = (
    request(
        pid,
        "patient-view",
        {
            "patient": patient(pid, "1962-02-02"),
            "obs": [anc(pid, 1, 800, "/uL"), plt(pid, 2, 45, "10*3/uL"), egfr(pid, 3, 90)],
        },
        meds=[
            med(pid, 1, "Revlimid", "completed", "2024-01-01", "2025-01-01"),
            med(pid, 2, "Bortezomib", "completed", "2024-01-01", "2025-01-01"),
        ],
        conds=[myeloma(pid, ICD10CM, "C90.02", "Multiple myeloma in relapse")],
    ),
    {
        "age": 64,
        "exposure": {"lenalidomide": "exposed", "bortezomib": "exposed"},
        "crcl_ml_min": 90.0,
        "anc": 0.8,
        "platelets": 45.0,
    },
)
pid = "hbv-positive"
cases[pid] = (
    request(
        pid,
        "patient-view",
        {
            "patient": patient(pid, "1959-07-07"),
            "obs": [
                *hbv(pid, True, True),
                anc(pid, 1, 2.2),
                plt(pid, 2, 200),
                qty(pid, 3, "2465-3", "IgG [Mass/volume] in Serum or Plasma", 4.2, "g/L"),
            ],
        },
        meds=[med(pid, 1, "Lenalidomide", "completed", "2024-02-01", "2025-08-01")],
        conds=[myeloma(pid)],
    ),
    {
        "age": 67,
        "exposure": {"lenalidomide": "exposed"},
        "hbv": "hbsag_positive",
        "anc": 2.2,
        "platelets": 200.0,
        "igg_mg_dl": 420.0,
    },
)
pid = "frail-elderly"
cases[pid] = (
    request(
        pid,
        "patient-view",
        {
            "patient": patient(pid, "1941-04-04"),
            "obs": [
                ecog(pid, 1, 2),
                egfr(pid, 2, 55),
                anc(pid, 3, 1.6),
                plt(pid, 4, 140),
                qty(pid, 5, "2465-3", "IgG [Mass/volume] in Serum or Plasma", 380, "mg/dL"),
                qty(pid, 6, "10230-1", "Left ventricular Ejection fraction", 45, "%"),
            ],
        },
        meds=[
            med(pid, 1, "lenalidomide", "completed", "2024-01-01", "2025-06-01"),
            med(pid, 2, "bortezomib", "completed", "2024-01-01", "2025-06-01"),
        ],
        conds=[myeloma(pid)],
    ),
    {
        "age": 85,
        "exposure": {"lenalidomide": "exposed", "bortezomib": "exposed"},
        "ecog": 2,
        "crcl_ml_min": 55.0,
        "anc": 1.6,
        "platelets": 140.0,
        "igg_mg_dl": 380.0,
        "lvef_percent": 45.0,
    },
)
pid = "missing-data"
cases[pid] = (
    request(pid, "patient-view", {"patient": patient(pid, "1956-10-10")}, conds=[myeloma(pid)]),
    {"age": 70},
)
pid = "isa-unstated"
cases[pid] = (
    request(
        pid,
        "patient-view",
        {"patient": patient(pid, "1960-12-01"), "obs": [anc(pid, 1, 1.7), plt(pid, 2, 120)]},
        meds=[
            med(pid, 1, "Sarclisa (isatuximab)", "completed", "2024-10-01", "2025-10-01"),
            med(pid, 2, "Pomalidomide", "completed", "2024-10-01", "2025-10-01"),
            med(pid, 3, "Lenalidomide", "completed", "2022-10-01", "2024-06-01", "Refractory to lenalidomide"),
        ],
        conds=[myeloma(pid)],
    ),
    {
        "age": 65,
        "exposure": {"lenalidomide": "refractory", "pomalidomide": "exposed"},
        "anti_cd38": {"status": "refractory", "agent": "isatuximab", "months_since_last_dose": 13.9},
        "anc": 1.7,
        "platelets": 120.0,
    },
)
pid = "order-dpd"
draft = {
    "resourceType": "Bundle",
    "type": "collection",
    "entry": [
        {
            "resource": {
                "resourceType": "MedicationRequest",
                "id": "mr-dara",
                "status": "draft",
                "intent": "order",
                "subject": {"reference": f"Patient/{pid}"},
                "medicationCodeableConcept": {"text": "Daratumumab 1800 mg SC"},
            }
        },
        {
            "resource": {
                "resourceType": "MedicationRequest",
                "id": "mr-pom",
                "status": "draft",
                "intent": "order",
                "subject": {"reference": f"Patient/{pid}"},
                "medicationCodeableConcept": {"text": "Pomalidomide 4 mg"},
            }
        },
        {
            "resource": {
                "resourceType": "MedicationRequest",
                "id": "mr-dex",
                "status": "draft",
                "intent": "order",
                "subject": {"reference": f"Patient/{pid}"},
                "medicationCodeableConcept": {"text": "Dexamethasone 40 mg"},
            }
        },
    ],
}
cases[pid] = (
    request(
        pid,
        "order-select",
        {
            "patient": patient(pid, "1957-09-09"),
            "obs": [egfr(pid, 1, 65), anc(pid, 2, 1.5), plt(pid, 3, 110), *hbv(pid, False, True)],
        },
        {"selections": ["MedicationRequest/mr-dara"], "draftOrders": draft},
        meds=[
            med(pid, 1, "Lenalidomide", "stopped", "2024-03-01", "2026-09-01", "Disease progression"),
            med(pid, 2, "Bortezomib", "completed", "2022-03-01", "2022-12-01"),
        ],
        conds=[myeloma(pid)],
    ),
    {
        "age": 69,
        "exposure": {"lenalidomide": "refractory", "bortezomib": "exposed"},
        "crcl_ml_min": 65.0,
        "anc": 1.5,
        "platelets": 110.0,
        "hbv": "anti_hbc_positive",
    },
)

for name, ((req, service), profile) in cases.items():
    req["hookInstance"] = f"d1577c69-dfbe-44ad-ba6d-{sum(map(ord, name)):012d}"
    (OUT / f"{name}.request.json").write_text(json.dumps({"service": service, "request": req}, indent=1) + "\n")
    (OUT / f"{name}.profile.json").write_text(json.dumps(profile, indent=1) + "\n")
print(len(cases))
