"""The Ask tab: a cited conversation with follow-ups, the sources panel, copy-with-references and examples."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cd38_guide.errors import Cd38GuideError
from cd38_guide.ui.i18n import t
from cd38_guide.ui.labels import Labels, user_error
from cd38_guide.ui.render import copy_text, render_conversation, render_sources
from cd38_guide.ui.theme import COPY_JS

log = logging.getLogger(__name__)

EXAMPLES: tuple[str, ...] = (
    "How long a washout is needed before rechallenging with an anti-CD38 antibody?",
    "Which anti-CD38 regimen for a patient whose disease is refractory to lenalidomide?",
    "达雷妥尤单抗会干扰输血前的血型检测吗？",
    "抗CD38单抗再次治疗前需要多长的洗脱期？",
)
"""Clickable example questions, English and Chinese; each is answered from the corpus."""

MAX_TURNS = 20
"""Turns a conversation keeps in its gr.State (each holds an answer with its cited passages, 10-40 KB)."""


@dataclass
class AskTab:
    """The components other parts of the app need (the language switch re-renders them)."""

    turns: Any
    convo: Any
    sources: Any
    copy_box: Any


def history_of(turns: Sequence[Mapping[str, Any]]) -> list[str]:
    """Earlier questions as the assistant should read them (a resolved follow-up replaces its raw text)."""
    return [a.get("resolved_question") or a["question"] for a in turns]


def build_ask_tab(assistant: Any, passages: Mapping[str, Any], labels: Labels, lang_radio: Any) -> AskTab:
    """Lay out the Ask tab inside the current gr.Tab and wire its events."""
    import gradio as gr

    turns = gr.State([])
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=360):
            convo = gr.HTML(render_conversation([], "en", passages), elem_id="convo", max_height=620, autoscroll=False)
            question = labels.add(
                gr.Textbox(
                    label=t("question", "en"),
                    placeholder=t("question_ph", "en"),
                    lines=1,
                    max_lines=8,
                    elem_id="question",
                    autofocus=True,
                ),
                label="question",
                placeholder="question_ph",
            )
            with gr.Row():
                ask_btn = labels.add(gr.Button(t("ask", "en"), variant="primary", elem_id="ask-btn"), value="ask")
                new_btn = labels.add(gr.Button(t("new_chat", "en"), elem_id="new-btn"), value="new_chat")
                copy_btn = labels.add(gr.Button(t("copy", "en"), elem_id="copy-btn"), value="copy")
            with labels.add(gr.Accordion(t("copy_acc", "en"), open=False, elem_id="copy-acc"), label="copy_acc"):
                copy_box = labels.add(
                    gr.Textbox(
                        label=t("copy_box", "en"), lines=8, interactive=False, buttons=["copy"], elem_id="copy-box"
                    ),
                    label="copy_box",
                )
            labels.add(gr.Markdown(f"**{t('examples', 'en')}**"), value=lambda lang: f"**{t('examples', lang)}**")
            example_btns = []
            with gr.Column(elem_id="examples"):
                for i in range(0, len(EXAMPLES), 2):
                    with gr.Row():
                        example_btns += [gr.Button(q, size="sm", elem_classes=["example"]) for q in EXAMPLES[i : i + 2]]
        with gr.Column(scale=2, min_width=320):
            labels.add(gr.Markdown(f"### {t('sources', 'en')}"), value=lambda lang: f"### {t('sources', lang)}")
            sources = gr.HTML(render_sources([], "en"), elem_id="sources", max_height=900)

    def chat(q: str, current: list[dict], lang: str) -> tuple[str, list[dict], str, str, str]:
        try:
            ans = assistant.ask(q, history=history_of(current))
        except Cd38GuideError as err:  # empty or over-long question, or an index problem: say so in the page
            raise user_error(str(err)) from None
        current = [*current, ans.model_dump(mode="json")][-MAX_TURNS:]  # bounded session state
        log.debug("answered turn %d", len(current))
        return (
            "",
            current,
            render_conversation(current, lang, passages),
            render_sources(current, lang),
            copy_text(current[-1]),
        )

    def clear(lang: str) -> tuple[str, list[dict], str, str, str]:
        return "", [], render_conversation([], lang, passages), render_sources([], lang), ""

    outs = [question, turns, convo, sources, copy_box]
    ask_btn.click(chat, [question, turns, lang_radio], outs, api_visibility="private")
    question.submit(chat, [question, turns, lang_radio], outs, api_visibility="private")
    new_btn.click(clear, [lang_radio], outs, api_visibility="private")
    copy_btn.click(None, [copy_box, lang_radio], None, js=COPY_JS, api_visibility="private")
    for btn, q in zip(example_btns, EXAMPLES, strict=True):
        btn.click(lambda q=q: q, None, question, api_visibility="private", queue=False).then(
            chat, [question, turns, lang_radio], outs, api_visibility="private"
        )
    return AskTab(turns=turns, convo=convo, sources=sources, copy_box=copy_box)
