"""The clinician's workspace: five tabs, an English/Chinese label switch, and the /ask and /check API endpoints.

One Assistant (model, index, corpus) is loaded per process and shared by every session.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from cd38_guide.api.app import API_PREFIXES  # the REST API and CDS Hooks paths: their ApiGuard sets limits and auth
from cd38_guide.errors import Cd38GuideError, InputError
from cd38_guide.private_files import private_dir
from cd38_guide.ui.i18n import LANG_CHOICES, t
from cd38_guide.ui.labels import Labels, user_error

log = logging.getLogger(__name__)


def _header(lang: str) -> str:
    return f"# {t('title', lang)}\n{t('subtitle', lang)}"


def ask_endpoint(assistant: Any, question: str) -> dict:
    """/ask: the answer JSON contract for one question; a bad question is a gr.Error with the message."""

    try:
        return assistant.ask(question).model_dump(mode="json")
    except Cd38GuideError as err:
        raise user_error(str(err)) from None


def check_endpoint(patient: str) -> dict:
    """/check: the rules report for a patient JSON string; bad input is a gr.Error naming each field."""

    import time

    from cd38_guide import audit
    from cd38_guide.rules import check_patient, load_profile

    if not isinstance(patient, str):
        raise user_error("the patient profile must be a JSON string")
    try:
        # bytes, so the text is always parsed as JSON and never taken for a server-side file path
        profile = load_profile(patient.encode("utf-8", "surrogatepass"))
    except InputError as err:
        raise user_error("\n".join(line.replace("input: ", "", 1) for line in err.lines)) from None
    t0 = time.perf_counter()
    report = check_patient(profile)
    audit.record_check(profile, report, (time.perf_counter() - t0) * 1000)  # only when CD38_GUIDE_AUDIT is set
    return report.model_dump(mode="json")


def _figure(labels: Labels, reports: Path, name: str, label: str, elem_id: str) -> Any:
    """A read-only evaluation plot, hidden when the report has not been generated."""
    import gradio as gr

    from cd38_guide.ui.pages import figure

    path = figure(reports, name)
    return labels.add(
        gr.Image(
            path,
            label=t(label, "en"),
            interactive=False,
            elem_id=elem_id,
            buttons=["download", "fullscreen"],
            visible=path is not None,
        ),
        label=label,
    )


def build_app(assistant: Any, *, reports_dir: Path | None = None, downloads_dir: Path | None = None) -> Any:
    """The gr.Blocks app over a loaded ``assistant``; launch it with ``**launch_options()``."""
    import gradio as gr

    from cd38_guide import __version__
    from cd38_guide.rules import RULESET_VERSION
    from cd38_guide.ui.ask_tab import build_ask_tab
    from cd38_guide.ui.education_tab import build_education_tab
    from cd38_guide.ui.eval_summary import render_summary
    from cd38_guide.ui.pages import default_reports_dir, figure, read_report_md, render_about, render_bench
    from cd38_guide.ui.patient_tab import build_patient_tab
    from cd38_guide.ui.report_html import render_report

    reports = reports_dir or default_reports_dir()
    if downloads_dir is None:  # exports (0600) go to this process's private folder, removed at exit
        downloads_dir = Path(tempfile.mkdtemp(prefix="exports-", dir=private_dir()))
    out_dir = downloads_dir
    corpus = assistant.corpus
    passages = corpus.passages
    manifest = getattr(assistant.index, "manifest", None)
    labels = Labels()

    def about(lang: str) -> str:
        return render_about(corpus, lang, version=__version__, ruleset=RULESET_VERSION, manifest=manifest)

    with gr.Blocks(title="cd38-guide", analytics_enabled=False, delete_cache=(3600, 86400)) as demo:
        with gr.Row(equal_height=False):
            with gr.Column(scale=5):
                labels.add(gr.Markdown(_header("en"), elem_id="cd38-header"), value=_header)
            with gr.Column(scale=1, min_width=220):
                lang_radio = gr.Radio(
                    LANG_CHOICES, value="en", label="Interface language / 界面语言", elem_id="lang-radio"
                )
        with gr.Tabs(elem_id="tabs", overflow_behavior="wrap"):
            with labels.add(gr.Tab(t("tab_ask", "en"), id="ask", elem_id="tab-ask"), label="tab_ask"):
                ask = build_ask_tab(assistant, passages, labels, lang_radio)
            with labels.add(gr.Tab(t("tab_patient", "en"), id="patient", elem_id="tab-patient"), label="tab_patient"):
                patient = build_patient_tab(passages, labels, lang_radio, out_dir)
            with labels.add(
                gr.Tab(t("tab_education", "en"), id="education", elem_id="tab-education"), label="tab_education"
            ):
                build_education_tab(corpus, labels, lang_radio, patient.profile_state, out_dir)
            with labels.add(gr.Tab(t("tab_eval", "en"), id="eval", elem_id="tab-eval"), label="tab_eval"):
                labels.add(gr.Markdown(t("ev_intro", "en")), value="ev_intro")
                summary_html = gr.HTML(render_summary(reports, "en"), elem_id="ev-summary-box")
                with labels.add(gr.Accordion(t("ev_report", "en"), open=False, elem_id="ev-acc"), label="ev_report"):
                    report_md = gr.Markdown(read_report_md(reports, "en"), elem_id="ev-report")
                with labels.add(
                    gr.Accordion(t("ev_bench", "en"), open=False, elem_id="ev-bench-acc"), label="ev_bench"
                ):
                    bench_html = gr.HTML(render_bench(reports, "en"), elem_id="ev-bench")
                with labels.add(
                    gr.Accordion(t("ev_figures", "en"), open=False, elem_id="ev-fig-acc"), label="ev_figures"
                ):
                    with gr.Row():
                        recall_png = _figure(labels, reports, "recall_at_k.png", "ev_recall", "ev-recall")
                        latency_png = _figure(labels, reports, "latency_by_stage.png", "ev_latency", "ev-latency")
                reload_btn = labels.add(
                    gr.Button(t("ev_reload", "en"), size="sm", elem_id="ev-reload"), value="ev_reload"
                )
            with labels.add(gr.Tab(t("tab_about", "en"), id="about", elem_id="tab-about"), label="tab_about"):
                about_html = gr.HTML(about("en"), elem_id="about")

        def reload_reports(lang: str) -> list[Any]:
            pngs = [figure(reports, name) for name in ("recall_at_k.png", "latency_by_stage.png")]
            return [
                read_report_md(reports, lang),
                render_bench(reports, lang),
                render_summary(reports, lang),
                *(gr.update(value=png, visible=png is not None) for png in pngs),
            ]

        reload_btn.click(
            reload_reports,
            [lang_radio],
            [report_md, bench_html, summary_html, recall_png, latency_png],
            api_visibility="private",
        )

        from cd38_guide.ui.render import esc as _esc
        from cd38_guide.ui.render import render_conversation, render_sources

        def switch(lang: str, turns: list[dict], report: dict | None) -> list[Any]:
            rep = render_report(report, passages, lang) if report else f"<p>{_esc(t('report_empty', lang))}</p>"
            return [
                *labels.updates(lang),
                render_conversation(turns, lang, passages),
                render_sources(turns, lang),
                rep,
                about(lang),
                read_report_md(reports, lang),
                render_bench(reports, lang),
                render_summary(reports, lang),
            ]

        lang_radio.change(
            switch,
            [lang_radio, ask.turns, patient.report_state],
            [
                *labels.components,
                ask.convo,
                ask.sources,
                patient.report_html,
                about_html,
                report_md,
                bench_html,
                summary_html,
            ],
            api_visibility="private",
            queue=False,
        )

        def ask_api(question: str) -> dict:
            """Answer one question with citations (the answer JSON contract)."""
            return ask_endpoint(assistant, question)

        def check_api(patient: str) -> dict:
            """Check a patient profile given as a JSON string (the rules report JSON)."""
            return check_endpoint(patient)

        gr.api(ask_api, api_name="ask")
        gr.api(check_api, api_name="check")
    return demo


STATE_SESSION_CAPACITY = 100
"""Sessions whose state Gradio keeps in memory, least recently used dropped first. Each costs about 320 KB (a copy
of the app's component config), so Gradio's default of 10,000 let every API call from a new client grow the server
by that much, up to 3 GB; 100 sessions stay under 35 MB."""


def _limit_malloc_arenas(arenas: int = 2) -> None:
    """Cap glibc's malloc arenas (as MALLOC_ARENA_MAX does) before the worker threads start.

    Each of Gradio's worker threads otherwise gets an arena of its own that keeps freed memory, so the server's
    RSS creeps up under load although nothing leaks. A no-op without glibc or when MALLOC_ARENA_MAX is set.
    """
    if os.environ.get("MALLOC_ARENA_MAX"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-8, arenas)  # -8 is M_ARENA_MAX
    except (OSError, AttributeError):
        log.debug("mallopt is not available; malloc arenas left as they are")


def launch_options() -> dict[str, Any]:
    """Options for ``demo.launch``: theme, CSS and head script (system fonts only, so the page asks nothing of the
    internet), bounded per-session state, the HTTP guards (body size, login rate) and no unauthenticated
    FastAPI ``/openapi.json``."""
    from cd38_guide.ui.theme import CSS, HEAD, make_theme
    from cd38_guide.web_guard import guard_middleware

    return {
        "theme": make_theme(),
        "css": CSS,
        "head": HEAD,
        "ssr_mode": False,
        "max_file_size": "1mb",
        "state_session_capacity": STATE_SESSION_CAPACITY,
        # /v1 and /cds-services (the REST API, mounted by serve) enforce body limits of their own
        "app_kwargs": {"openapi_url": None, "middleware": guard_middleware(skip_prefixes=API_PREFIXES)},
    }


def _warm(assistant: Any) -> None:
    """Load what the first question would otherwise pay for; a failure here surfaces on that question instead."""
    try:
        assistant.warm()
        assistant.retrieve("anti-CD38 washout")  # the query expansion's lazy loading
        assistant.planner, assistant.guard  # noqa: B018 - fact tables and entity lists the first answer needs
    except Exception:  # logged; the request path raises the same error with its own message
        log.warning("warm-up failed", exc_info=True)


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def serve(host: str = "127.0.0.1", port: int = 7860, insecure: bool = False) -> None:
    """Load the model and index once, then serve the app (login from CD38_GUIDE_USER / CD38_GUIDE_PASSWORD).

    Raises:
        InputError: a non-local host without login credentials and without ``insecure``.
    """
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from cd38_guide.web_guard import check_port_free, login_credentials

    auth = login_credentials(host, insecure)
    check_port_free(host, port)
    # Gradio copies every returned file (reports hold patient data) into GRADIO_TEMP_DIR, read when gradio is
    # imported: point it into this process's private 0700 folder, removed at exit, and let SIGTERM exit normally
    # so that the removal runs.
    os.environ["GRADIO_TEMP_DIR"] = str(private_dir() / "gradio")
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    _limit_malloc_arenas()
    import threading

    from starlette.middleware import Middleware

    from cd38_guide.assistant import Assistant
    from cd38_guide.progress import index_progress
    from cd38_guide.ui.starting import StartingPage

    print("cd38-guide: loading the corpus, the model and the index...", file=sys.stderr, flush=True)
    # Until the app listens, the address shows a status page (with the index build's progress), not an error.
    with StartingPage(host, port) as page, index_progress() as progress:

        def both(done: int, total: int) -> None:
            progress(done, total)
            page.progress(done, total)

        assistant = Assistant(progress=both).open()  # corpus and index open (or are rebuilt) before the port
        demo = build_app(assistant)
    from cd38_guide.api import ApiService, mount_kwargs
    from cd38_guide.web_guard import LoginRateLimit

    options = launch_options()
    # the REST API (/v1) and CDS Hooks (/cds-services) in the same server, same login, same loaded index; the
    # guards of launch_options() go first (outermost), then a rate limit on the API's HTTP Basic auth failures
    api = mount_kwargs(ApiService(assistant), credentials=auth)
    guards = options.pop("app_kwargs")
    app_kwargs = {**api, **{k: v for k, v in guards.items() if k != "middleware"}}
    app_kwargs["middleware"] = [
        *guards["middleware"],
        Middleware(LoginRateLimit, paths=(), prefixes=API_PREFIXES, methods=None, failure_statuses=(401,)),
        *api.get("middleware", []),
    ]
    demo.queue(default_concurrency_limit=4).launch(
        server_name=host,
        server_port=port,
        auth=auth,
        show_error=False,
        app_kwargs=app_kwargs,
        quiet=True,  # no "set share=True" hint: this tool stays on this computer; the line below gives the URL
        prevent_thread_lock=True,  # returns once the server answers; serving goes on in Gradio's threads
        **options,
    )
    # Serving already: the encoder session and the query-side word lists load now (after Gradio's own start-up
    # check, which a busy warm-up could make time out), and a question that arrives first waits on the same
    # locks rather than loading them twice.
    warm = threading.Thread(target=_warm, args=(assistant,), name="cd38-guide-warm", daemon=True)
    warm.start()
    shown = f"[{host}]" if ":" in host else host
    print(f"cd38-guide: ready at http://{shown}:{port}/ (Ctrl+C stops it)", file=sys.stderr, flush=True)
    try:
        demo.block_thread()
    finally:
        # A stop (SIGTERM, Ctrl+C) during the warm-up would otherwise end the interpreter while the encoder's
        # native threads are still being built, which aborts the process (SIGABRT) instead of exiting cleanly.
        demo.close()
        warm.join(timeout=120)
