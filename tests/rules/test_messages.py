"""Messages as data: every sentence the rules can write exists in English and Chinese with the same placeholders,
drug names follow the glossary, and a whole report re-renders in Chinese."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from cd38_guide.errors import InputError
from cd38_guide.rules import check_patient, field_label, load_profile, localize
from cd38_guide.rules.messages import catalogue, placeholders, term

RULES_DIR = Path(__file__).resolve().parents[2] / "src" / "cd38_guide" / "rules"
GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.patient.json"))


def _codes_in_source() -> set[str]:
    source = "\n".join(p.read_text("utf-8") for p in RULES_DIR.glob("*.py"))
    codes = set(re.findall(r'say\(\s*"([a-z_0-9]+)"', source))
    codes |= {f"trial_{c}" for c in ("DRd", "DVd", "DKd", "DPd", "IsaPd", "IsaKd")}  # say(f"trial_{code}")
    codes |= {f"neuropathy_{g}" for g in (2, 3, 4)}  # say(f"neuropathy_{grade}")
    codes |= set(re.findall(r'"(cd38_(?:within|beyond)_window)"', source))
    return codes


def test_every_code_has_both_languages_with_the_same_placeholders() -> None:
    messages = catalogue()["messages"]
    assert _codes_in_source() <= set(messages)
    for code, entry in messages.items():
        assert set(entry) == {"en", "zh"}, code
        assert placeholders(entry["en"]) == placeholders(entry["zh"]), code


def test_no_message_is_orphaned() -> None:
    assert set(catalogue()["messages"]) <= _codes_in_source() | {"cd38_within_window", "cd38_beyond_window"}


def test_one_chinese_name_per_drug_from_the_glossary() -> None:
    glossary = Path(__file__).resolve().parents[2] / "corpus" / "glossary.tsv"
    first: dict[str, str] = {}
    with glossary.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["language"] == "zh" and row["kind"] == "drug":
                first.setdefault(row["expansion"], row["term"])
    for drug in ("daratumumab", "isatuximab", "lenalidomide", "pomalidomide", "bortezomib", "carfilzomib"):
        assert term(drug, "zh") == first[drug], drug
    assert term("isatuximab", "zh") == "艾沙妥昔单抗"
    zh_text = "".join(e["zh"] for e in catalogue()["messages"].values())
    assert "伊沙妥昔单抗" not in zh_text  # the glossary's second isatuximab row is never used


@pytest.mark.parametrize("patient", GOLDEN, ids=lambda p: p.name.removesuffix(".patient.json"))
def test_every_golden_report_renders_in_chinese(patient: Path) -> None:
    report = check_patient(load_profile(patient))
    zh = localize(report, "zh")
    assert [r.verdict for r in zh.regimens] == [r.verdict for r in report.regimens]
    for text in [
        *zh.anti_cd38.reasons,
        *(r for reg in zh.regimens for r in reg.reasons),
        *(f.message for f in zh.flags),
    ]:
        assert re.search(r"[\u4e00-\u9fff]", text), text
    en = localize(report, "en")  # English re-rendering gives the same sentences, and field names for readers
    assert [r.reasons for r in en.regimens] == [r.reasons for r in report.regimens]
    assert [f.message for f in en.flags] == [f.message for f in report.flags]
    assert en.unknown == tuple(field_label(f, "en") for f in report.unknown)


def test_field_labels_and_bad_language() -> None:
    assert field_label("exposure.lenalidomide", "zh") == "来那度胺治疗史"
    assert field_label("lvef_percent", "en") == "LVEF"
    with pytest.raises(InputError):
        field_label("age", "fr")
