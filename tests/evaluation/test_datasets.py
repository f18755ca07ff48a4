"""The gold loader: valid files load; each kind of bad record is refused naming its line."""

import json
from pathlib import Path

import pytest

from cd38_guide.errors import InputError
from cd38_guide.evaluation.datasets import GoldQuestion, load_gold

TINY = Path(__file__).resolve().parents[1] / "data" / "eval" / "gold-tiny.jsonl"

GOOD = {
    "id": "q1",
    "question": "How long is the washout?",
    "language": "en",
    "topic": "rechallenge",
    "kind": "fact",
    "expected_passages": ["alpha-washout"],
    "key_facts": ["six months"],
    "must_abstain": False,
}


def write(tmp_path: Path, *records: object) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    return path


def test_loads_the_tiny_gold_file():
    gold = load_gold(TINY)
    assert len(gold) == 7
    assert {q.language for q in gold} == {"en", "zh"}
    assert sum(q.must_abstain for q in gold) == 2
    assert all(isinstance(q, GoldQuestion) for q in gold)


def test_blank_lines_are_skipped_and_lists_become_tuples(tmp_path):
    gold = load_gold(
        write(tmp_path, GOOD, "", {**GOOD, "id": "q2", "expected_passages": [], "key_facts": [], "must_abstain": True})
    )
    assert [q.id for q in gold] == ["q1", "q2"]
    assert gold[0].expected_passages == ("alpha-washout",)
    assert gold[1].answerable is False


def test_bad_json_names_the_line(tmp_path):
    path = write(tmp_path, GOOD, "{not json")
    with pytest.raises(InputError, match=r"gold.jsonl:2: not valid JSON"):
        load_gold(path)


def test_non_object_names_the_line(tmp_path):
    with pytest.raises(InputError, match=r":1: expected a JSON object"):
        load_gold(write(tmp_path, '["a list"]'))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"language": "fr"}, "language"),
        ({"kind": "trivia"}, "kind"),
        ({"topic": "Bad Topic"}, "topic"),
        ({"must_abstain": "perhaps"}, "must_abstain"),
        ({"question": ""}, "question"),
        ({"key_facts": ["unbalanced ("]}, "not a valid regex"),
        ({"colour": "red"}, "colour: unknown field"),
    ],
)
def test_invalid_records_name_line_id_and_field(tmp_path, change, expected):
    path = write(tmp_path, GOOD, {**GOOD, "id": "q2", **change})
    with pytest.raises(InputError) as err:
        load_gold(path)
    assert f"{path}:2 (id q2):" in str(err.value)
    assert expected in str(err.value)


def test_missing_required_field(tmp_path):
    record = {k: v for k, v in GOOD.items() if k != "must_abstain"}
    with pytest.raises(InputError, match=r":1 \(id q1\): must_abstain: Field required"):
        load_gold(write(tmp_path, record))


def test_duplicate_id_names_both_lines(tmp_path):
    with pytest.raises(InputError, match=r":3: duplicate id 'q1' \(first on line 1\)"):
        load_gold(write(tmp_path, GOOD, {**GOOD, "id": "q2"}, GOOD))


def test_every_problem_is_listed(tmp_path):
    path = write(tmp_path, "{oops", {**GOOD, "language": "fr"}, {**GOOD, "id": "q3", "kind": "x"})
    with pytest.raises(InputError) as err:
        load_gold(path)
    assert len(err.value.problems) == 3
    assert [p.split(":")[1].split(" ")[0] for p in err.value.problems] == ["1", "2", "3"]


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(InputError, match="no such gold file"):
        load_gold(tmp_path / "absent.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n\n")
    with pytest.raises(InputError, match="holds no questions"):
        load_gold(tmp_path / "empty.jsonl")
