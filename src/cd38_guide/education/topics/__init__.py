"""The education topics, one YAML data file each (``<topic id>.yaml`` beside this module), in the order the CLI
and the web app list them.

A clinician reviews and edits the wording in those files without reading code. Each file is validated at load by
the pydantic models below (unknown keys refused, every statement with at least one passage id) and turned into the
frozen content dataclasses the drafts are built from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cd38_guide.education.content import Question, Section, Statement, Term, Topic
from cd38_guide.errors import CorpusError

TOPICS_DIR = Path(__file__).parent
"""Where the topic files live."""

Antibody = Literal["daratumumab", "isatuximab"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Bilingual(_Model):
    """A text in English and Chinese."""

    en: str = Field(min_length=1, description="English text.")
    zh: str = Field(min_length=1, description="Chinese text (the glossary's drug names).")


class StatementData(Bilingual):
    """One plain-language statement and the corpus passages that support it."""

    id: str = Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$", description="Stable statement id, '<topic>.<name>'.")
    passages: list[str] = Field(min_length=1, description="Ids of the corpus passages the statement rests on.")
    antibody: Antibody | None = Field(default=None, description="Only in drafts whose regimen uses this antibody.")
    regimens: list[str] | None = Field(default=None, description="Only in drafts for these regimen codes.")
    in_generic: bool = Field(default=True, description="False: left out of drafts without a regimen.")


class SectionData(_Model):
    """A headed group of statements."""

    key: str = Field(min_length=1, description="Section id within the topic.")
    heading: Bilingual = Field(description="Section heading.")
    statements: list[StatementData] = Field(min_length=1, description="The statements, in reading order.")


class TermData(_Model):
    """A glossary entry."""

    en: str = Field(min_length=1, description="English term.")
    en_definition: str = Field(min_length=1, description="Plain English definition.")
    zh: str = Field(min_length=1, description="Chinese term.")
    zh_definition: str = Field(min_length=1, description="Plain Chinese definition.")
    antibody: Antibody | None = Field(default=None, description="Only in drafts whose regimen uses this antibody.")


class QuestionData(Bilingual):
    """A question the patient may ask the care team."""

    antibody: Antibody | None = Field(default=None, description="Only in drafts whose regimen uses this antibody.")
    regimens: list[str] | None = Field(default=None, description="Only in drafts for these regimen codes.")


class TopicData(_Model):
    """One topic file."""

    id: str = Field(pattern=r"^[a-z0-9_]+$", description="Topic id (the file name without .yaml).")
    order: int = Field(ge=1, description="Position in the topic list.")
    title: Bilingual = Field(description="Topic title.")
    sections: list[SectionData] = Field(min_length=1, description="Headed groups of statements.")
    glossary: list[TermData] = Field(default_factory=list, description="Terms explained at the end.")
    questions: list[QuestionData] = Field(default_factory=list, description="Questions for the care team.")

    def to_topic(self) -> Topic:
        """The frozen content object the drafts are built from."""

        def tup(x: list[str] | None) -> tuple[str, ...] | None:
            return None if x is None else tuple(x)

        return Topic(
            id=self.id,
            en_title=self.title.en,
            zh_title=self.title.zh,
            sections=tuple(
                Section(
                    s.key,
                    s.heading.en,
                    s.heading.zh,
                    tuple(
                        Statement(
                            key=st.id,
                            en=st.en,
                            zh=st.zh,
                            evidence=tuple(st.passages),
                            antibody=st.antibody,
                            regimens=tup(st.regimens),
                            in_generic=st.in_generic,
                        )
                        for st in s.statements
                    ),
                )
                for s in self.sections
            ),
            glossary=tuple(Term(g.en, g.en_definition, g.zh, g.zh_definition, g.antibody) for g in self.glossary),
            questions=tuple(Question(q.en, q.zh, q.antibody, tup(q.regimens)) for q in self.questions),
        )


def load_topic_file(path: Path) -> TopicData:
    """Read and validate one topic file.

    Raises:
        CorpusError: the file is not valid YAML, breaks the schema, or its id differs from its file name.
    """
    import yaml

    from cd38_guide.corpus.markdown import safe_load_yaml

    try:
        text = path.read_text(encoding="utf-8")
        raw = safe_load_yaml(text)  # libyaml's safe loader when present, as the corpus reader uses
        data = TopicData.model_validate(raw)
    except (OSError, yaml.YAMLError) as err:
        raise CorpusError(f"{path}: cannot read education topic ({err})") from None
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in err.errors())
        raise CorpusError(f"{path}: invalid education topic: {problems}") from None
    if data.id != path.stem:
        raise CorpusError(f"{path}: topic id {data.id!r} must match the file name {path.stem!r}")
    return data


def load_topics(directory: Path = TOPICS_DIR) -> dict[str, Topic]:
    """Every ``*.yaml`` topic in ``directory``, ordered by their ``order`` field.

    Raises:
        CorpusError: a file is invalid, or two files share an order or a statement id.
    """
    files = [load_topic_file(p) for p in sorted(directory.glob("*.yaml"))]
    files.sort(key=lambda d: d.order)
    orders = [d.order for d in files]
    if len(set(orders)) != len(orders):
        raise CorpusError(f"{directory}: two education topics share an 'order' value")
    seen: set[str] = set()
    for d in files:
        for s in d.sections:
            for st in s.statements:
                if st.id in seen:
                    raise CorpusError(f"{directory}/{d.id}.yaml: statement id {st.id!r} is used twice")
                seen.add(st.id)
    return {d.id: d.to_topic() for d in files}


TOPICS: dict[str, Topic] = load_topics()
"""Topic id -> content; the ids are a fixed contract (CLI ``--topic``, web app, saved drafts)."""

__all__ = ["TOPICS", "TOPICS_DIR", "TopicData", "load_topic_file", "load_topics"]
