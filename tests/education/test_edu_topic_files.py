"""The topic data files: each validates against the schema, bad files are refused with the file and field named,
and every passage id a statement cites exists in the corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from cd38_guide.corpus import Corpus
from cd38_guide.education.topics import TOPICS, TOPICS_DIR, load_topic_file, load_topics
from cd38_guide.errors import CorpusError

FILES = sorted(TOPICS_DIR.glob("*.yaml"))


def test_one_file_per_topic_and_no_python_content_left() -> None:
    assert [p.stem for p in FILES] == sorted(TOPICS)
    assert sorted(p.name for p in TOPICS_DIR.glob("*.py")) == ["__init__.py"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_topic_file_validates_and_cites_real_passages(path: Path, corpus: Corpus) -> None:
    data = load_topic_file(path)
    assert data.id == path.stem
    for section in data.sections:
        for st in section.statements:
            assert st.id.split(".")[0], st.id
            missing = [pid for pid in st.passages if pid not in corpus.passages]
            assert not missing, f"{path.name} {st.id}: unknown passage ids {missing}"


def _copy_with(tmp_path: Path, edit) -> Path:
    d = tmp_path / "topics"
    d.mkdir()
    src = TOPICS_DIR / "retreatment.yaml"
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    edit(data)
    (d / "retreatment.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return d


def test_unknown_key_is_refused_with_the_field(tmp_path: Path) -> None:
    d = _copy_with(tmp_path, lambda data: data["sections"][0]["statements"][0].update(evidence=["x"]))
    with pytest.raises(CorpusError, match=r"retreatment.yaml: invalid education topic: .*statements\.0\.evidence"):
        load_topics(d)


def test_statement_without_passages_is_refused(tmp_path: Path) -> None:
    d = _copy_with(tmp_path, lambda data: data["sections"][0]["statements"][0].update(passages=[]))
    with pytest.raises(CorpusError, match=r"passages"):
        load_topics(d)


def test_id_must_match_the_file_name(tmp_path: Path) -> None:
    d = _copy_with(tmp_path, lambda data: data.update(id="retreat"))
    with pytest.raises(CorpusError, match="must match the file name"):
        load_topics(d)


def test_duplicate_statement_id_is_refused(tmp_path: Path) -> None:
    d = _copy_with(tmp_path, lambda data: None)
    shutil.copy(TOPICS_DIR / "infections.yaml", d / "infections.yaml")
    data = yaml.safe_load((d / "infections.yaml").read_text(encoding="utf-8"))
    data["sections"][0]["statements"][0]["id"] = "rt.resistance"
    (d / "infections.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CorpusError, match="used twice"):
        load_topics(d)


def test_broken_yaml_is_refused(tmp_path: Path) -> None:
    d = tmp_path / "topics"
    d.mkdir()
    (d / "retreatment.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="cannot read education topic"):
        load_topics(d)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_reference_url_appears_once_in_the_html_appendix(corpus: Corpus, lang: str) -> None:
    import datetime
    import re

    from cd38_guide.education import draft_to_html, make_draft

    for topic in TOPICS:
        draft = make_draft(topic, corpus=corpus, today=datetime.date(2025, 6, 1), lang=lang)
        appendix = draft_to_html(draft).split('class="appendix"', 1)[1]
        for li in re.findall(r"<li id=.*?</li>", appendix):
            urls = re.findall(r"https?://[^\s<\"']+", re.sub(r'href="[^"]*"', "", li))
            assert len(urls) == len(set(urls)), li
