"""The Patient education tab: topic, regimen and language in; a draft preview and Markdown/HTML downloads out.

Built against the contract of ``cd38_guide.education`` (make_draft, draft_to_markdown, draft_to_html, EDUCATION_TOPICS,
REGIMEN_CODES); when that module is absent the tab says so instead of failing the whole app.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from cd38_guide.errors import Cd38GuideError
from cd38_guide.private_files import write_private
from cd38_guide.ui.i18n import t
from cd38_guide.ui.labels import Labels, user_error

log = logging.getLogger(__name__)


CONTRACT = ("EDUCATION_TOPICS", "REGIMEN_CODES", "make_draft", "draft_to_markdown", "draft_to_html")


def _education() -> Any | None:
    """The education module when it provides the whole contract, else None (the tab then says it is missing)."""
    try:
        mod = importlib.import_module("cd38_guide.education")
    except ImportError as err:
        log.info("patient education unavailable: %s", err)
        return None
    missing = [name for name in CONTRACT if not hasattr(mod, name)]
    if missing:
        log.warning("patient education module lacks %s", ", ".join(missing))
        return None
    return mod


def _topic_content() -> Mapping[str, Any]:
    """Topic id -> content with en_title/zh_title, when the education package exposes it (titles only)."""
    try:
        found = getattr(importlib.import_module("cd38_guide.education.topics"), "TOPICS", {})
    except ImportError:
        return {}
    return found if isinstance(found, Mapping) else {}


def topic_choices(topics: Any, lang: str) -> list[tuple[str, str]]:
    """(label, id) per education topic, whatever shape EDUCATION_TOPICS has (ids, Topic objects or a mapping)."""
    items = list(topics.items()) if isinstance(topics, Mapping) else [(getattr(x, "id", x), x) for x in topics]
    content = _topic_content()
    out = []
    for tid, value in items:
        value = content.get(tid, value) if isinstance(value, str) else value
        label = getattr(value, "zh_title" if lang == "zh" else "en_title", None)
        if label is None and isinstance(value, str) and value != tid:
            label = value
        out.append((str(label or str(tid).replace("_", " ")), str(tid)))
    return out


def regimen_choices(codes: Any, lang: str) -> list[tuple[str, str]]:
    from cd38_guide.ui.report_html import REGIMEN_NAMES

    li = 1 if lang == "zh" else 0
    none = [(t("none", lang), "")]
    return none + [(f"{c} ({REGIMEN_NAMES[c][li]})" if c in REGIMEN_NAMES else str(c), str(c)) for c in codes]


def build_education_tab(corpus: Any, labels: Labels, lang_radio: Any, profile_state: Any, out_dir: Path) -> None:
    """Lay out the education tab inside the current gr.Tab and wire its events."""
    import gradio as gr

    edu = _education()
    labels.add(gr.Markdown(t("e_intro", "en")), value="e_intro")
    if edu is None:
        labels.add(gr.Markdown(f"**{t('e_missing', 'en')}**"), value=lambda lang: f"**{t('e_missing', lang)}**")
        return
    topics = edu.EDUCATION_TOPICS
    with gr.Row():
        first = topic_choices(topics, "en")
        topic = labels.add(
            gr.Dropdown(
                choices=first,
                value=first[0][1] if first else None,
                label=t("e_topic", "en"),
                elem_id="e-topic",
                min_width=300,  # the title stays readable: on a phone the topic takes the whole row
            ),
            label="e_topic",
            choices=lambda lang: topic_choices(topics, lang),
        )
        regimen = labels.add(
            gr.Dropdown(
                choices=regimen_choices(edu.REGIMEN_CODES, "en"),
                value="",
                label=t("e_regimen", "en"),
                elem_id="e-regimen",
            ),
            label="e_regimen",
            choices=lambda lang: regimen_choices(edu.REGIMEN_CODES, lang),
        )
        language = labels.add(
            gr.Radio(
                choices=[("English", "en"), ("中文", "zh")], value="en", label=t("e_language", "en"), elem_id="e-lang"
            ),
            label="e_language",
            value=lambda lang: lang,  # the sheet follows the interface language; the clinician can still switch
        )
    use_patient = labels.add(
        gr.Checkbox(value=False, label=t("e_use_patient", "en"), elem_id="e-use-patient"), label="e_use_patient"
    )
    make_btn = labels.add(gr.Button(t("e_make", "en"), variant="primary", elem_id="e-make"), value="e_make")
    labels.add(gr.Markdown(f"### {t('e_preview', 'en')}"), value=lambda lang: f"### {t('e_preview', lang)}")
    preview = gr.HTML(f"<p>{t('e_empty', 'en')}</p>", elem_id="e-preview", elem_classes=["edu-preview"])
    with gr.Row():
        md_dl = labels.add(
            gr.DownloadButton(t("e_download_md", "en"), interactive=False, elem_id="e-dl-md"), label="e_download_md"
        )
        html_dl = labels.add(
            gr.DownloadButton(t("e_download_html", "en"), interactive=False, elem_id="e-dl-html"),
            label="e_download_html",
        )

    def make(topic_id: str, regimen_code: str, lang: str, tailor: bool, profile: dict | None) -> list[Any]:
        from cd38_guide.rules import validate_profile

        try:
            prof = validate_profile(profile) if tailor and profile else None
            draft = edu.make_draft(
                topic_id, corpus=corpus, today=date.today(), regimen=regimen_code or None, profile=prof, lang=lang
            )
        except Cd38GuideError as err:
            raise user_error(str(err)) from None
        md, fragment = edu.draft_to_markdown(draft), edu.draft_to_html(draft)
        try:
            page = edu.draft_to_html(draft, standalone=True)
        except TypeError:  # a renderer without the standalone option: wrap the fragment ourselves
            page = f'<!doctype html><html><head><meta charset="utf-8"></head><body>{fragment}</body></html>'
        digest = hashlib.sha256(md.encode()).hexdigest()[:12]
        safe_topic = re.sub(r"[^A-Za-z0-9_-]", "_", str(topic_id))
        paths = []
        for suffix, body in (("md", md), ("html", page)):
            path = out_dir / f"cd38-education-{safe_topic}-{lang}-{digest}.{suffix}"
            if not path.exists():
                write_private(path, body)  # 0600: the leaflet may be tailored to a patient
            paths.append(str(path))
        # draft_to_html escapes every piece of text (its contract), so the fragment is shown as is
        return [fragment, gr.update(value=paths[0], interactive=True), gr.update(value=paths[1], interactive=True)]

    make_btn.click(
        make,
        [topic, regimen, language, use_patient, profile_state],
        [preview, md_dl, html_dl],
        api_visibility="private",
    )
