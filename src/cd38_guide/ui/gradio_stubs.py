"""Import Gradio without its type-stub writer: a second off the app's start-up, no files written to the venv.

Every ``import gradio`` runs ``gradio.component_meta.create_or_modify_pyi`` for each of its ~80 component
classes: it reads the class's source file, parses it with ``ast``, renders a Jinja template and compares (or
writes) a ``.pyi`` stub beside it in site-packages. The stubs exist for editors; the running app never reads
them. Measured on the 2-core reference machine that is about 1 s of the ~2 s Gradio import, which is a quarter
of ``cd38-guide serve``'s time to its first answer.

``install()`` puts a one-shot import hook in front of ``sys.meta_path``: when ``gradio.component_meta`` is
executed, its ``create_or_modify_pyi`` is replaced by a no-op before any component class is defined. Nothing
else in Gradio changes. When Gradio is already imported (tests, a host application), the hook does nothing.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

TARGET = "gradio.component_meta"
STUB_WRITER = "create_or_modify_pyi"


def _no_stub(*_args: Any, **_kwargs: Any) -> None:
    """Stand-in for Gradio's stub writer: the app never reads ``.pyi`` files."""


class SkipStubWriter(importlib.abc.MetaPathFinder):
    """Finds ``gradio.component_meta`` the normal way and patches it right after it has run; then leaves."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != TARGET:
            return None
        uninstall()
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        loader = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run(module)
            if callable(getattr(module, STUB_WRITER, None)):  # a Gradio without it: nothing to skip
                setattr(module, STUB_WRITER, _no_stub)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install() -> bool:
    """Skip the stub writer in the coming ``import gradio``; False when Gradio is already imported."""
    if "gradio" in sys.modules or any(isinstance(f, SkipStubWriter) for f in sys.meta_path):
        return False
    sys.meta_path.insert(0, SkipStubWriter())
    return True


def uninstall() -> None:
    """Remove the hook (it removes itself once used)."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, SkipStubWriter)]
