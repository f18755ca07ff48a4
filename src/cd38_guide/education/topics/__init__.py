"""The education topics, one data module each, in the order the CLI and the web app list them."""

from __future__ import annotations

from cd38_guide.education.content import Topic
from cd38_guide.education.topics import (
    about_anti_cd38,
    blood_tests_and_transfusion,
    infections,
    infusion_reactions,
    low_blood_counts,
    older_or_frail,
    retreatment,
)

TOPICS: dict[str, Topic] = {
    t.id: t
    for t in (
        about_anti_cd38.TOPIC,
        infusion_reactions.TOPIC,
        infections.TOPIC,
        blood_tests_and_transfusion.TOPIC,
        low_blood_counts.TOPIC,
        retreatment.TOPIC,
        older_or_frail.TOPIC,
    )
}
"""Topic id -> content; the ids are a fixed contract (CLI ``--topic``, web app, saved drafts)."""

__all__ = ["TOPICS"]
