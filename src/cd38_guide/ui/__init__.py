"""The Gradio web app (imported only by app.py and `cd38-guide serve`): Ask, Patient check, Patient education,
Evaluation and About tabs, and the /ask and /check API endpoints."""

from __future__ import annotations

from cd38_guide.ui import gradio_stubs

gradio_stubs.install()  # before anything here imports gradio: its .pyi writer costs ~1 s of start-up

from cd38_guide.ui.app import build_app, launch_options, serve  # noqa: E402 - after the import hook

__all__ = ["build_app", "launch_options", "serve"]
