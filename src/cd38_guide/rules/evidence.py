"""The corpus passages each rule cites, in one place, so the citations can be reviewed (and tested) together.

Every id here must exist in ``corpus/`` (``docs/required_passages.md`` lists them with their gist); a test loads
the real corpus and checks. A rule cites a passage only where the passage supports what the rule says.
"""

from __future__ import annotations

# Frailty scores and what they mean for anti-CD38 therapy.
FRAILTY_IMWG = ("frailty-imwg-score",)
FRAILTY_SIMPLIFIED = ("frailty-simplified-score",)
FRAILTY_UNKNOWN = ("frailty-imwg-score", "frailty-simplified-score")
FRAIL_ELDERLY_USE = ("consensus-elderly-frail",)
FRAIL_CARFILZOMIB = ("candor-frail-subgroup", "candor-safety")
CANDOR_OLDER = ("candor-safety",)
ICARIA_ELDERLY = ("icaria-elderly",)

# Anti-CD38 history: definitions and the washout before rechallenge.
CD38_NAIVE = ("consensus-scope",)
CD38_EXPOSED = ("anti-cd38-exposed-definition", "imwg-refractory-definition")
CD38_REFRACTORY = ("mammoth-refractory-definition", "consensus-rechallenge-washout")
CD38_WASHOUT = ("consensus-rechallenge-washout",)

# The pivotal trial behind each regimen.
REGIMEN_TRIAL: dict[str, tuple[str, ...]] = {
    "DRd": ("pollux-design",),
    "DVd": ("castor-design",),
    "DKd": ("candor-design",),
    "DPd": ("apollo-design",),
    "IsaPd": ("icaria-design",),
    "IsaKd": ("ikema-design",),
}

# Partner drugs.
LENALIDOMIDE_STATUS = ("review-lenalidomide-status",)
LENALIDOMIDE_REFRACTORY = ("review-lenalidomide-status", "imwg-refractory-definition")
DVD_AFTER_LENALIDOMIDE = ("castor-lenalidomide-refractory",)
BORTEZOMIB_REFRACTORY = ("castor-design", "imwg-refractory-definition")
CARFILZOMIB_REFRACTORY = ("candor-design", "ikema-design", "imwg-refractory-definition")
POMALIDOMIDE_REFRACTORY = ("apollo-design", "icaria-design", "imwg-refractory-definition")
ISAPD_PREREQUISITES = ("icaria-design",)
DPD_PREREQUISITES = ("apollo-design",)
CARFILZOMIB_LINES = ("candor-design", "ikema-design")

# Comorbidity and organ function.
HEART_FAILURE = ("candor-design", "carfilzomib-cardiovascular-risk")
HYPERTENSION = ("ikema-hypertension", "carfilzomib-cardiovascular-risk")
NEUROPATHY = ("bortezomib-neuropathy",)
LENALIDOMIDE_RENAL = ("lenalidomide-renal-dosing",)
DARATUMUMAB_RENAL = ("daratumumab-renal",)
ISATUXIMAB_RENAL = ("isatuximab-renal-data",)
CANDOR_CRCL = ("candor-design",)
CARDIAC_ASSESSMENT = ("carfilzomib-cardiovascular-risk", "candor-design")
NEUTROPENIA_REGIMENS = ("apollo-toxicity", "icaria-neutropenia", "isatuximab-neutropenia-gcsf")

# Flags.
BLOOD_BANK_BASELINE = ("bloodbank-baseline-typing", "bloodbank-dtt-kell")
BLOOD_BANK_INTERFERENCE = ("bloodbank-dtt-kell",)
HBV_SCREENING = ("hbv-screening-monitoring", "hbv-reactivation-risk")
HBV_REACTIVATION = ("hbv-reactivation-risk", "hbv-screening-monitoring")
ZOSTER = ("zoster-prophylaxis", "isatuximab-neutropenia-gcsf")
DEXAMETHASONE_ELDERLY = ("dexamethasone-elderly-dose",)
NEUTROPENIA = ("cytopenia-dose-delay", "isatuximab-neutropenia-gcsf")
THROMBOCYTOPENIA = ("cytopenia-dose-delay",)
IVIG = ("ivig-replacement-criteria",)
SPEP_IFE = ("spep-ife-interference", "spep-dira-hydrashift")
PREMEDICATION = ("premedication-daratumumab", "premedication-isatuximab", "columba-sc-vs-iv")
HIGH_RISK = ("consensus-high-risk-efficacy",)


def _union(*groups: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({pid for g in groups for pid in g}))


RULE_EVIDENCE: dict[str, tuple[str, ...]] = {
    "frailty_imwg": _union(FRAILTY_IMWG),
    "frailty_simplified": _union(FRAILTY_SIMPLIFIED),
    "frailty_unknown": _union(FRAILTY_UNKNOWN),
    "anti_cd38_status": _union(CD38_NAIVE, CD38_EXPOSED, CD38_REFRACTORY, CD38_WASHOUT),
    "regimen_trials": _union(*REGIMEN_TRIAL.values()),
    "lenalidomide_status": _union(LENALIDOMIDE_STATUS, LENALIDOMIDE_REFRACTORY, DVD_AFTER_LENALIDOMIDE),
    "partner_refractory": _union(BORTEZOMIB_REFRACTORY, CARFILZOMIB_REFRACTORY, POMALIDOMIDE_REFRACTORY),
    "isapd_prerequisites": _union(ISAPD_PREREQUISITES),
    "dpd_prerequisites": _union(DPD_PREREQUISITES),
    "carfilzomib_prior_lines": _union(CARFILZOMIB_LINES),
    "frailty_carfilzomib": _union(FRAIL_CARFILZOMIB, FRAIL_ELDERLY_USE),
    "older_age_trials": _union(CANDOR_OLDER, ICARIA_ELDERLY),
    "heart_failure": _union(HEART_FAILURE),
    "hypertension": _union(HYPERTENSION),
    "cardiac_assessment": _union(CARDIAC_ASSESSMENT),
    "neuropathy": _union(NEUROPATHY),
    "renal": _union(LENALIDOMIDE_RENAL, DARATUMUMAB_RENAL, ISATUXIMAB_RENAL, CANDOR_CRCL),
    "neutropenia_regimens": _union(NEUTROPENIA_REGIMENS),
    "flag_blood_bank": _union(BLOOD_BANK_BASELINE, BLOOD_BANK_INTERFERENCE),
    "flag_hbv": _union(HBV_SCREENING, HBV_REACTIVATION),
    "flag_zoster": _union(ZOSTER),
    "flag_dexamethasone": _union(DEXAMETHASONE_ELDERLY),
    "flag_cytopenias": _union(NEUTROPENIA, THROMBOCYTOPENIA),
    "flag_ivig": _union(IVIG),
    "flag_spep_ife": _union(SPEP_IFE),
    "flag_premedication": _union(PREMEDICATION),
    "flag_high_risk": _union(HIGH_RISK),
}
"""Rule id -> every passage id the rule can emit (the engine's table repeats these, the tests compare)."""

KNOWN_IDS: frozenset[str] = frozenset(pid for ids in RULE_EVIDENCE.values() for pid in ids)
"""Every passage id the rules core can cite."""
