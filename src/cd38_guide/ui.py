"""Gradio app (imported only by app.py and `cd38-guide serve`): a cited chat over the corpus."""

from __future__ import annotations

import html
import os

from cd38_guide.assistant import Assistant
from cd38_guide.errors import Cd38GuideError, InputError
from cd38_guide.types import Answer

EXAMPLES = [
    "How long a washout is needed before rechallenging with an anti-CD38 antibody?",
    "抗CD38单抗再次治疗前需要多长的洗脱期？",
]


def render_sources(ans: Answer) -> str:
    """HTML list of cited passages: title, source kind, year, link; used sentences highlighted."""
    if ans.abstained:
        return "<p><strong>No answer:</strong> the corpus does not cover this question.</p>"
    items = []
    for c in ans.citations:
        text, marked, pos = c.text, [], 0
        for start, end in c.supporting:
            marked.append(html.escape(text[pos:start]))
            marked.append(f"<mark>{html.escape(text[start:end])}</mark>")
            pos = end
        marked.append(html.escape(text[pos:]))
        link = f"https://doi.org/{c.doi}" if c.doi else (f"https://pubmed.ncbi.nlm.nih.gov/{c.pmid}/" if c.pmid else c.url)
        ref = f'<a href="{html.escape(link)}" target="_blank" rel="noopener">{html.escape(c.citation)}</a>' if link else html.escape(c.citation)
        items.append(
            f'<li id="src-{c.n}"><strong>[{c.n}] {html.escape(c.title)}</strong> - {html.escape(c.heading)} '
            f"<em>({html.escape(c.source_kind)}, {c.year or 'n.d.'})</em><br>{ref}"
            f'<p class="passage">{"".join(marked)}</p></li>'
        )
    return "<ol class='sources'>" + "".join(items) + "</ol>"


def build_app(assistant: Assistant):  # noqa: ANN201 - gr.Blocks
    import gradio as gr

    def ask_api(question: str) -> dict:
        try:
            return assistant.ask(question).model_dump()
        except Cd38GuideError as err:
            raise gr.Error(str(err)) from None

    def chat(question: str, history: list[dict], asked: list[str]):  # noqa: ANN202
        try:
            ans = assistant.ask(question, history=asked)
        except InputError as err:
            raise gr.Error(str(err)) from None
        history = [*history, {"role": "user", "content": question}, {"role": "assistant", "content": ans.answer}]
        return "", history, [*asked, ans.resolved_question or ans.question], render_sources(ans)

    with gr.Blocks(title="cd38-guide") as demo:
        gr.Markdown("## cd38-guide\nCited answers on anti-CD38 antibodies in RRMM. Decision support, not a prescriber.")
        asked = gr.State([])
        chatbot = gr.Chatbot(label="Answers", height=420)
        question = gr.Textbox(label="Question", placeholder="Ask in English or Chinese", lines=2)
        send = gr.Button("Ask", variant="primary")
        sources = gr.HTML(label="Sources")
        gr.Examples(EXAMPLES, inputs=question)
        send.click(chat, [question, chatbot, asked], [question, chatbot, asked, sources], api_visibility="private")
        question.submit(chat, [question, chatbot, asked], [question, chatbot, asked, sources], api_visibility="private")
        gr.api(ask_api, api_name="ask")
    return demo


def serve(host: str = "127.0.0.1", port: int = 7860, insecure: bool = False) -> None:
    """Load the model and index once, then serve the app."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    user, password = os.environ.get("CD38_GUIDE_USER"), os.environ.get("CD38_GUIDE_PASSWORD")
    if host not in ("127.0.0.1", "localhost", "::1") and not (user and password) and not insecure:
        raise InputError(
            f"refusing to serve on {host} without login: set CD38_GUIDE_USER and CD38_GUIDE_PASSWORD, or pass --insecure"
        )
    assistant = Assistant().warm()
    demo = build_app(assistant)
    demo.queue(default_concurrency_limit=4).launch(
        server_name=host, server_port=port, auth=(user, password) if user and password else None, show_error=False
    )
