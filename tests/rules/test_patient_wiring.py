"""The assistant's patient report: read only for a described patient, with the profile as read and the unknowns."""

from __future__ import annotations

from cd38_guide.assistant import Assistant
from cd38_guide.rules import Report, load_profile, localize


def test_report_carries_profile_and_unknown() -> None:
    notes: list[str] = []
    out = Assistant._patient_report("78 years old, lenalidomide-refractory, CrCl 35, ANC 0.8", notes)
    assert out is not None
    profile = load_profile(__import__("json").dumps(out["profile"]))  # the same schema as `check` takes
    assert (profile.age, profile.exposure.lenalidomide, profile.crcl_ml_min, profile.anc) == (
        78,
        "refractory",
        35.0,
        0.8,
    )
    assert "exposure.bortezomib" in out["unknown"] and "age" not in out["unknown"]
    report = Report.model_validate({k: v for k, v in out.items() if k != "profile"})
    assert report.unknown == tuple(out["unknown"])
    assert notes[0].startswith("Patient facts read from the question: age 78; lenalidomide refractory")
    assert any(n.startswith("Patient facts not stated, left unknown:") for n in notes)


def test_an_age_threshold_attaches_no_report() -> None:
    notes: list[str] = []
    assert Assistant._patient_report("Should patients over 75 get dexamethasone 20 mg with DPd?", notes) is None
    assert notes == []


def test_chinese_rendering_of_a_read_report() -> None:
    out = Assistant._patient_report("72岁，来那度胺难治，4个月前使用达雷妥尤单抗", [])
    assert out is not None
    zh = localize(Report.model_validate({k: v for k, v in out.items() if k != "profile"}), "zh")
    assert zh.anti_cd38.status == "rechallenge_too_early"
    assert "来那度胺难治：DRd 依赖来那度胺。" in zh.regimen("DRd").reasons
    assert zh.regimen("DRd").reasons[0].startswith("再次使用为时过早：末次抗CD38单抗给药在4个月前")
    assert "硼替佐米治疗史" in zh.unknown
