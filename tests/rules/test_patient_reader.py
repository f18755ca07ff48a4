"""The patient-fact reader against a labelled set read by a hematologist, the issue's examples, and properties.

``data/patient_texts.jsonl``: free-text descriptions (English, Chinese, Japanese terms; typos, shorthand,
negation, several agents, units) with the facts expected. Field accuracy counts every field either side states
(a field both leave unstated is not counted, so the figure is not inflated by empty fields); whether the text
describes a patient at all is one more field per text.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cd38_guide.question.patient import read_facts, read_patient
from cd38_guide.rules import check_patient

ROWS = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "patient_texts.jsonl").read_text("utf-8").splitlines()
]
DRUGS = ("lenalidomide", "pomalidomide", "bortezomib", "carfilzomib", "daratumumab", "isatuximab", "anti_cd38")
RANK = {None: -1, "naive": 0, "exposed": 1, "refractory": 2}


def _got(text: str) -> dict[str, Any] | None:
    facts = read_facts(text)
    if facts is None:
        return None
    return {k: list(v) if isinstance(v, tuple) else v for k, v in facts.stated().items()}


def _same(expected: object, got: object) -> bool:
    if isinstance(expected, float) and isinstance(got, (int, float)):
        return abs(expected - got) < 0.051  # durations are read to 0.1 month
    return expected == got


def unsafe(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Readings that would push a verdict the wrong way: refractory read as less, recent read as older, a
    finding present read absent or absent read present, a number read wrong (not refused)."""
    out = []
    for d in DRUGS:
        e, g = expected.get(d), got.get(d)
        if e == "refractory" and g in ("exposed", "naive"):
            out.append(f"{d}: refractory read as {g}")
        if e in ("exposed", "refractory") and g == "naive":
            out.append(f"{d}: given read as never given")
        if e in (None, "naive") and g in ("exposed", "refractory"):
            out.append(f"{d}: {e or 'unstated'} read as {g}")
        em, gm = expected.get(f"{d}_months"), got.get(f"{d}_months")
        if gm is not None and (em is None or gm > em + 0.05):
            out.append(f"{d}: last dose {em} months ago read as {gm}")
    if set(expected.get("cytogenetics", [])) != set(got.get("cytogenetics", [])):
        out.append(f"cytogenetics {expected.get('cytogenetics')} read as {got.get('cytogenetics')}")
    for key in ("uncontrolled_hypertension", "recurrent_infections", "hbv", "heart_failure_nyha", "neuropathy_grade"):
        if got.get(key) is not None and expected.get(key) != got.get(key):
            out.append(f"{key}: {expected.get(key)} read as {got[key]}")
    for key in ("age", "prior_lines", "crcl_ml_min", "lvef_percent", "anc", "platelets", "igg_mg_dl", "ecog"):
        if got.get(key) is not None and not _same(expected.get(key), got[key]):
            out.append(f"{key}: {expected.get(key)} read as {got[key]}")
    return out


def score(rows: list[dict[str, Any]]) -> tuple[Counter[str], Counter[str], list[str]]:
    """(exact fields by language, all fields by language, unsafe readings)."""
    ok: Counter[str] = Counter()
    total: Counter[str] = Counter()
    bad: list[str] = []
    for row in rows:
        got, lang = _got(row["text"]), row["lang"]
        total[lang] += 1
        if (got is not None) != row["patient"]:
            bad.append(f"{row['id']}: patient={row['patient']} but read {got}")
            continue
        ok[lang] += 1
        if got is None:
            continue
        for key in set(row["expected"]) | set(got):
            total[lang] += 1
            ok[lang] += _same(row["expected"].get(key), got.get(key))
        bad += [f"{row['id']}: {u}" for u in unsafe(row["expected"], got)]
    return ok, total, bad


def test_labelled_set_is_large_and_mixed() -> None:
    langs = Counter(r["lang"] for r in ROWS)
    assert len(ROWS) >= 200
    assert langs["en"] >= 100 and langs["zh"] >= 50 and langs["ja"] >= 10


def test_field_accuracy_at_least_98_percent_in_every_language() -> None:
    ok, total, _ = score(ROWS)
    for lang in total:
        assert ok[lang] / total[lang] >= 0.98, (lang, ok[lang], total[lang])
    assert sum(ok.values()) / sum(total.values()) >= 0.98


def test_no_unsafe_reading() -> None:
    _, _, bad = score(ROWS)
    assert not [b for b in bad if "patient=" not in b], bad


def test_scorer_catches_unsafe_readings() -> None:
    assert unsafe({"lenalidomide": "refractory"}, {"lenalidomide": "exposed"})
    assert unsafe(
        {"daratumumab": "exposed", "daratumumab_months": 2.0}, {"daratumumab": "exposed", "daratumumab_months": 8.0}
    )
    assert unsafe({}, {"cytogenetics": ["del17p"]})
    assert unsafe({"crcl_ml_min": 1200.0}, {"crcl_ml_min": 1.0})
    assert not unsafe({"daratumumab": "exposed", "daratumumab_months": 4.0}, {"daratumumab": "exposed"})


# --- the issue's examples, read safely and carried through the rules ------------------------------------------


def _report(text: str) -> Any:
    reading = read_patient(text)
    assert reading is not None, text
    return reading, check_patient(reading.profile)


def test_dara_len_dex_progression_reads_lenalidomide_refractory() -> None:
    reading, report = _report("Progressed on dara-len-dex 8 months ago, what next?")
    assert reading.profile.exposure.lenalidomide == "refractory"
    assert report.regimen("DRd").verdict == "avoid"
    for code in ("DPd", "IsaPd"):
        assert not any("has not had lenalidomide" in r for r in report.regimen(code).reasons)


@pytest.mark.parametrize(
    ("text", "lenalidomide", "bortezomib"),
    [
        ("80-year-old, one prior line with VRd, not len-refractory, considering DVd", "exposed", None),
        ("68 yo, non-lenalidomide-refractory, 2 prior lines", "exposed", None),
        ("70岁，来那度胺维持治疗后复发", "exposed", None),  # relapse after maintenance ended: not refractory
        ("72岁，来那度胺维持2年后进展", "refractory", None),  # progression during it
        ("75岁，来那度胺和硼替佐米双耐药", "refractory", "refractory"),
        ("70 yo, refractory to both lenalidomide and bortezomib", "refractory", "refractory"),
    ],
)
def test_negated_and_coordinated_refractoriness(text: str, lenalidomide: str, bortezomib: str | None) -> None:
    reading = read_patient(text)
    assert reading is not None, text
    assert reading.profile.exposure.lenalidomide == lenalidomide
    if bortezomib:
        assert reading.profile.exposure.bortezomib == bortezomib


def test_each_agent_keeps_its_timing_and_the_most_recent_counts() -> None:
    reading, report = _report("72-year-old man, isatuximab 8 months ago, daratumumab 2 months ago, can I rechallenge?")
    assert (reading.facts.isatuximab_months, reading.facts.daratumumab_months) == (8.0, 2.0)
    assert reading.profile.anti_cd38.months_since_last_dose == 2.0
    assert report.anti_cd38.status == "rechallenge_too_early"


def test_chinese_daratumumab_before_the_drug_name_is_read() -> None:
    reading, report = _report("72岁，来那度胺难治，4个月前使用达雷妥尤单抗")
    assert reading.facts.daratumumab_months == 4.0
    assert report.anti_cd38.status != "candidate"


@pytest.mark.parametrize(
    ("text", "field", "value", "refused"),
    [
        ("65 yo, no del(17p), lenalidomide-refractory", "cytogenetics", (), ()),
        ("70-year-old, CrCl 1,200 mL/min, lenalidomide-refractory", "crcl_ml_min", None, ("crcl_ml_min",)),
        ("68-year-old, CrCl 0.5 mL/s, bortezomib exposed", "crcl_ml_min", 30.0, ()),
        ("70 yo, daratumumab -5 months ago, len refractory", "daratumumab_months", None, ("daratumumab_months",)),
        ("74-year-old, last daratumumab 2 months and 3 weeks ago, progressed on it", "daratumumab_months", 2.7, ()),
        ("72.9-year-old woman, lenalidomide-refractory, 2 prior lines", "age", 72, ()),
        # "plts" is the note's shorthand for platelets; "22k" is thousands per µL, i.e. 22 x10^9/L
        ("80F on DVd, plts 22k at C2D1", "platelets", 22.0, ()),
        ("78M, plt 95 x10^9/L, 2 prior lines", "platelets", 95.0, ()),
    ],
)
def test_issue_numbers_are_converted_or_refused(text: str, field: str, value: object, refused: tuple) -> None:
    facts = read_facts(text)
    assert facts is not None
    assert getattr(facts, field) == value
    assert facts.refused == refused
    if refused:
        assert any("not" in n for n in facts.notes)  # the refusal is said, not silent


def test_vrd_and_asct_count_as_a_proteasome_inhibitor() -> None:
    reading, report = _report("Relapsed after VRd and ASCT, 58-year-old, what second-line options?")
    assert reading.profile.exposure.bortezomib == "exposed"
    assert not any("neither bortezomib nor carfilzomib" in r for r in report.regimen("DPd").reasons)


@pytest.mark.parametrize(
    "text",
    [
        "Is DPd reasonable for patients aged 75 or older?",
        "What is the washout before anti-CD38 rechallenge in patients over 75?",
        "How is daratumumab dosed when CrCl is below 30 mL/min?",
        "In lenalidomide-refractory patients, is DKd better than DPd?",
        "75岁以上患者地塞米松剂量是多少？",
        "",
    ],
)
def test_an_age_threshold_or_a_population_is_not_a_patient(text: str) -> None:
    assert read_patient(text) is None


def test_78_year_old_with_low_anc_gets_the_expected_cautions() -> None:
    reading, report = _report("78 years old, lenalidomide-refractory, CrCl 35, ANC 0.8")
    verdicts = {r.code: r.verdict for r in report.regimens}
    assert verdicts["DRd"] == "avoid"
    assert verdicts["DPd"] == verdicts["IsaPd"] == "caution"  # ANC below 1.0 with a pomalidomide triplet
    assert any("LVEF not stated" in r for r in report.regimen("DKd").reasons)  # cardiac assessment
    assert report.flag("lenalidomide_renal_dose") is None  # DRd is avoided: its dose flag would distract
    assert report.order[-1] == "DRd" and set(report.order) == set(verdicts)
    assert "exposure.pomalidomide" in reading.unknown and "lvef_percent" in reading.unknown


# --- properties -----------------------------------------------------------------------------------------------

_PHRASES = {
    "lenalidomide": ["lenalidomide-refractory", "received lenalidomide", "来那度胺难治"],
    "pomalidomide": ["pomalidomide-refractory", "prior pomalidomide", "泊马度胺耐药"],
    "bortezomib": ["bortezomib-refractory", "after bortezomib", "既往用过硼替佐米"],
    "carfilzomib": ["carfilzomib-refractory", "received carfilzomib", "卡非佐米难治"],
    "daratumumab": ["daratumumab 7 months ago", "dara-refractory", "达雷妥尤单抗 3个月前"],
    "isatuximab": ["isatuximab 10 months ago", "isatuximab-refractory", "艾沙妥昔单抗难治"],
}
_OTHER = ["CrCl 45 mL/min", "ANC 1.5", "ECOG 1", "2 prior lines", "LVEF 55%", "del(17p)", "NYHA II", "IgG 300 mg/dL"]


@settings(max_examples=150, deadline=None)
@given(
    st.integers(40, 95),
    st.dictionaries(st.sampled_from(sorted(_PHRASES)), st.integers(0, 2), max_size=4),
    st.lists(st.sampled_from(_OTHER), max_size=3, unique=True),
    st.sampled_from([", ", "，"]),
)
def test_an_unmentioned_drug_is_never_never_given(age: int, chosen: dict[str, int], other: list[str], sep: str) -> None:
    parts = [f"{age}-year-old", *(_PHRASES[d][i] for d, i in chosen.items()), *other]
    reading = read_patient(sep.join(parts))
    assert reading is not None
    for drug in ("lenalidomide", "pomalidomide", "bortezomib", "carfilzomib"):
        if drug not in chosen:
            assert getattr(reading.profile.exposure, drug) == "unknown", (drug, parts)
            assert f"exposure.{drug}" in reading.unknown
    if not {"daratumumab", "isatuximab"} & set(chosen):
        assert reading.profile.anti_cd38.status == "unknown"


def _leaves(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested profile dump as {"exposure.lenalidomide": "exposed", ...}."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        out.update(_leaves(v, f"{prefix}{k}.") if isinstance(v, dict) else {f"{prefix}{k}": v})
    return out


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([r for r in ROWS if r["patient"]]), st.sampled_from(_OTHER))
def test_adding_a_fact_never_lifts_an_avoid(row: dict[str, Any], extra: str) -> None:
    """A fact appended to a description never turns an "avoid" that the description caused into an option.

    Only a new fact counts: one that restates a field the description already gave ("second-line" then
    "2 prior lines") corrects it, and a correction may rightly change the verdict.
    """
    first, more = read_patient(row["text"]), read_patient(row["text"] + ", " + extra)
    assert first is not None and more is not None
    stated, now = _leaves(first.profile.model_dump(exclude_defaults=True)), _leaves(more.profile.model_dump())
    if any(now.get(k) != v for k, v in stated.items()):
        return  # the extra restated a stated field with another value: a correction
    before, after = check_patient(first.profile), check_patient(more.profile)
    for a, b in zip(before.regimens, after.regimens, strict=True):
        if a.verdict == "avoid":
            assert b.verdict != "option", (row["id"], extra, a.code)


_FRAGMENTS = st.sampled_from(
    [
        "72-year-old", "72岁", "no", "never", "-5", "1,200", "8,5", "0.5 mL/s", "months ago", "个月前", "refractory",
        "progressed on", "DRd", "dara", "isatuximab", "len", "lenalidomid", "CrCl", "ANC", "platelets", "/µL", "G/L",
        "del(17p)", "negative", "NYHA", "IV", "LVEF", "%", ",", "，", "、", ".", " ", "it", "无", "未用过", "难治",
        "after", "before", "2 months and 3 weeks", "半年", "ヶ月前", "抵抗性", "x10^9/L", "IgG", "g/L",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(_FRAGMENTS | st.text(max_size=8), max_size=14).map(" ".join))
def test_any_text_gives_a_reading_or_none_never_a_crash(text: str) -> None:
    reading = read_patient(text)
    if reading is not None:
        check_patient(reading.profile)  # whatever is read forms a valid profile


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        # the regimen a patient is on now has been given
        ("72F on DVd C5, plts 60", "bortezomib", "exposed"),
        ("72F, BP poorly controlled, on IsaKd", "isatuximab", "exposed"),
        ("68M currently on IsaKd, CrCl 40", "carfilzomib", "exposed"),
        ("70岁，正在用达雷妥尤单抗，ANC 0.8", "daratumumab", "exposed"),
        ("75岁男性，DPd治疗中，血小板30", "pomalidomide", "exposed"),
        ("69M, grade 2 painful neuropathy on DVd", "bortezomib", "exposed"),
        ("70岁，皮下达雷妥尤单抗注射后出现3级过敏样反应", "daratumumab", "exposed"),
        ("66M, VTD+ASCT, len maint, progressed", "bortezomib", "exposed"),
        # conditions written the other way round, and a dash before the question
        ("72F, BP poorly controlled, on IsaKd", "uncontrolled_hypertension", True),
        ("69M, grade 2 painful neuropathy on DVd", "neuropathy_grade", 2),
        ("74F, recurrent pneumonias on DRd", "recurrent_infections", True),
        ("70M after 2 lines - which anti-CD38?", "prior_lines", 2),
        # a regimen weighed, planned or asked about is not history
        ("70M, decision on DPd vs IsaPd?", "daratumumab", None),
        ("80F, best option DPd or IsaPd?", "pomalidomide", None),
        ("72M, 2 prior lines: DKd then cilta-cel?", "carfilzomib", None),
        ("70岁，计划达雷妥尤单抗注射后观察多久？", "daratumumab", None),
    ],
)
def test_current_therapy_and_case_note_findings_are_read(text: str, field: str, value: object) -> None:
    facts = read_facts(text)
    assert facts is not None
    assert getattr(facts, field) == value
