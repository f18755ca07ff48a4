"""Gradio imported through cd38_guide.ui skips its .pyi writer, and nothing else about it changes."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from cd38_guide.ui import gradio_stubs


def test_the_app_imports_gradio_without_its_stub_writer_and_gradio_still_works() -> None:
    code = textwrap.dedent(
        """
        import sys
        import cd38_guide.ui
        import gradio as gr
        from gradio import component_meta, blocks_events
        assert component_meta.create_or_modify_pyi.__name__ == "_no_stub"
        assert blocks_events.create_or_modify_pyi.__name__ == "_no_stub"
        assert not any(type(f).__name__ == "SkipStubWriter" for f in sys.meta_path)  # one-shot
        with gr.Blocks() as demo:
            box = gr.Textbox(label="Question")
            box.submit(lambda s: s, box, box)  # component events still exist
        assert demo.blocks
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]


def test_the_hook_stays_out_when_gradio_is_already_imported() -> None:
    import gradio  # noqa: F401 - imported, as a test run or a host application would have

    assert gradio_stubs.install() is False
    assert not any(isinstance(f, gradio_stubs.SkipStubWriter) for f in sys.meta_path)


def test_the_hook_ignores_every_other_module() -> None:
    assert gradio_stubs.SkipStubWriter().find_spec("json", None) is None
