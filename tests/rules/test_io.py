"""load_profile: every bad input becomes an InputError with one precise line per problem, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cd38_guide.errors import InputError
from cd38_guide.rules import PatientProfile, load_profile
from cd38_guide.rules.io import MAX_BYTES, validate_profile

GOOD = {"age": 72, "prior_lines": 2, "exposure": {"lenalidomide": "refractory"}}


def problems(source: object) -> list[str]:
    with pytest.raises(InputError) as info:
        load_profile(source)  # type: ignore[arg-type]
    err = info.value
    assert "\n" not in str(err)  # the CLI prints it on one line
    return err.lines


def write(tmp_path: Path, content: str | bytes, name: str = "patient.json") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_loads_text_path_str_path_and_bytes(tmp_path: Path) -> None:
    text = json.dumps(GOOD)
    path = write(tmp_path, text)
    expected = PatientProfile.model_validate(GOOD)
    assert load_profile(text) == expected
    assert load_profile(path) == expected
    assert load_profile(str(path)) == expected
    assert load_profile(text.encode()) == expected


def test_utf8_bom_accepted(tmp_path: Path) -> None:
    assert load_profile(write(tmp_path, b"\xef\xbb\xbf" + json.dumps(GOOD).encode())).age == 72


def test_broken_json_gives_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "age": 72,\n  "prior_lines": \n}')
    [line] = problems(path)
    assert line.startswith(f"{path}: not valid JSON at line 4, column 1")


def test_trailing_comma(tmp_path: Path) -> None:
    [line] = problems('{"age": 72, "prior_lines": 1,}')
    assert "not valid JSON at line 1, column 30" in line


def test_empty_input(tmp_path: Path) -> None:
    assert "empty" in problems(write(tmp_path, "  \n"))[0]


def test_unknown_field_with_suggestion() -> None:
    assert problems(json.dumps({**GOOD, "agee": 3})) == ["unknown field 'agee' (did you mean 'age'?)"]


def test_unknown_nested_field() -> None:
    data = {**GOOD, "exposure": {"lenalidomid": "refractory"}}
    assert problems(json.dumps(data)) == ["unknown field 'exposure.lenalidomid' (did you mean 'lenalidomide'?)"]
    data = {**GOOD, "anti_cd38": {"status": "exposed", "xyz": 1}}
    assert problems(json.dumps(data)) == [
        "unknown field 'anti_cd38.xyz' (allowed: agent, months_since_last_dose, status)"
    ]


def test_wrong_types() -> None:
    assert problems(json.dumps({**GOOD, "age": "abc"})) == ['age: must be a whole number (got "abc")']
    assert problems(json.dumps({**GOOD, "age": True})) == ["age: must be a whole number (got true)"]
    assert problems(json.dumps({**GOOD, "crcl_ml_min": "45"})) == ['crcl_ml_min: must be a number in mL/min (got "45")']
    assert problems(json.dumps({**GOOD, "recurrent_infections": "yes"})) == [
        'recurrent_infections: must be true or false (got "yes")'
    ]
    assert problems(json.dumps({**GOOD, "exposure": ["lenalidomide"]})) == [
        'exposure: must be a JSON object {...} (got ["lenalidomide"])'
    ]


def test_out_of_range_messages_name_range_and_unit() -> None:
    assert problems(json.dumps({**GOOD, "age": 150})) == ["age: must be between 18 and 120 (got 150)"]
    assert problems(json.dumps({**GOOD, "crcl_ml_min": 300})) == [
        "crcl_ml_min: must be between 0 and 250 mL/min (got 300)"
    ]
    assert problems(json.dumps({**GOOD, "lvef_percent": 3})) == ["lvef_percent: must be between 5 and 90% (got 3)"]
    assert problems(json.dumps({**GOOD, "anc": 150})) == ["anc: must be between 0 and 100 x10^9/L (got 150)"]
    assert problems(json.dumps({**GOOD, "igg_mg_dl": -5})) == ["igg_mg_dl: must be between 0 and 10000 mg/dL (got -5)"]
    months = {"status": "refractory", "months_since_last_dose": -1}
    assert problems(json.dumps({**GOOD, "anti_cd38": months})) == [
        "anti_cd38.months_since_last_dose: must be between 0 and 600 months (got -1)"
    ]


def test_literal_message_lists_allowed_values() -> None:
    [line] = problems(json.dumps({**GOOD, "hbv": "positive"}))
    assert (
        line == "hbv: must be one of 'negative', 'hbsag_positive', 'anti_hbc_positive' or 'unknown' (got \"positive\")"
    )
    [line] = problems(json.dumps({**GOOD, "cytogenetics": ["del17p", "del13"]}))
    assert line.startswith("cytogenetics[1]: must be one of 'del17p'")


def test_duplicate_cytogenetics_and_naive_contradiction() -> None:
    assert problems(json.dumps({**GOOD, "cytogenetics": ["gain1q", "gain1q"]})) == [
        "cytogenetics: duplicate value 'gain1q'"
    ]
    [line] = problems(json.dumps({**GOOD, "anti_cd38": {"status": "naive", "months_since_last_dose": 2}}))
    assert line.startswith("anti_cd38: status is 'naive' but")


def test_empty_profile_is_valid_and_all_unknown() -> None:
    # Since ruleset 2026.11.1 nothing is required: an omitted field is unknown (the profile a question yields can
    # lack an age), and the report lists what each verdict depends on instead of assuming a value.
    assert load_profile("{}").age is None


def test_multiple_bad_fields_one_line_each() -> None:
    data = {"age": 150, "prior_lines": 0, "agee": 1, "exposure": {"lenalidomide": "maybe"}, "anc": "low"}
    lines = problems(json.dumps(data))
    assert len(lines) == 5
    assert "age: must be between 18 and 120 (got 150)" in lines
    assert "prior_lines: must be between 1 and 30 (got 0)" in lines
    assert "unknown field 'agee' (did you mean 'age'?)" in lines
    assert any(x.startswith("exposure.lenalidomide: must be one of") for x in lines)
    assert 'anc: must be a number in x10^9/L (got "low")' in lines


def test_message_summarises_every_problem() -> None:
    with pytest.raises(InputError) as info:
        load_profile(json.dumps({"age": 150, "prior_lines": 0}))
    assert str(info.value) == (
        "input: invalid patient profile: 2 problems: age: must be between 18 and 120 (got 150); "
        "prior_lines: must be between 1 and 30 (got 0)"
    )


def test_top_level_must_be_an_object() -> None:
    assert problems("[1, 2]") == ["input: a patient profile must be a JSON object {...}, not a list"]
    with pytest.raises(InputError, match="not null"):
        validate_profile(None)


def test_duplicate_keys_refused() -> None:
    assert problems('{"age": 70, "age": 80, "prior_lines": 1}') == [
        "input: duplicate field 'age'; give each field once"
    ]


def test_nan_refused() -> None:
    [line] = problems('{"age": 70, "prior_lines": 1, "anc": NaN}')
    assert "NaN is not allowed" in line


def test_file_over_one_megabyte_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse: its size says 1 MB+, its bytes are never read

    def no_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_read)
    [line] = problems(path)
    assert (
        line
        == f"{path}: 1.0 MB is too large for a patient profile (the limit is 1 MB); check that this is the right file"
    )


def test_file_at_the_limit_is_read(tmp_path: Path) -> None:
    text = json.dumps(GOOD)
    path = write(tmp_path, text + " " * (MAX_BYTES - len(text)))
    assert load_profile(path).age == 72


def test_large_text_and_bytes_refused() -> None:
    big = '{"age": 70, "prior_lines": 1}' + " " * MAX_BYTES
    assert "too large" in problems(big)[0]
    assert "too large" in problems(big.encode())[0]


def test_non_utf8_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, b'{"age": 70, "prior_lines": 1, "hbv": "neg\xe9"}')
    [line] = problems(path)
    assert line == f"{path}: not UTF-8 text (byte 0xe9 at offset 41); save the file as UTF-8"
    assert "not UTF-8" in problems(b"\xff\xfe{}")[0]


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert "no such file" in problems(tmp_path / "nope.json")[0]
    assert "no such file" in problems("nope.json")[0]
    assert "is a directory" in problems(tmp_path)[0]


def test_wrong_source_type() -> None:
    assert "not int" in problems(42)[0]
