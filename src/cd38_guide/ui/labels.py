"""The registry behind the language switch: each component records which of its properties are labels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cd38_guide.ui.i18n import t

Prop = str | Callable[[str], Any]


class Labels:
    """Components and their translatable properties; ``updates(lang)`` relabels them all, in registration order."""

    def __init__(self) -> None:
        self.items: list[tuple[Any, dict[str, Prop]]] = []

    def add(self, component: Any, **props: Prop) -> Any:
        """Register ``component``; each prop is a key of ``i18n.STRINGS`` or a function of the language."""
        self.items.append((component, props))
        return component

    @property
    def components(self) -> list[Any]:
        return [c for c, _ in self.items]

    def values(self, lang: str) -> list[dict[str, Any]]:
        """The property values for ``lang``, one dict per component."""
        return [{k: (v(lang) if callable(v) else t(v, lang)) for k, v in props.items()} for _, props in self.items]

    def updates(self, lang: str) -> list[Any]:
        import gradio as gr

        return [gr.update(**vals) for vals in self.values(lang)]


def user_error(message: str) -> Exception:
    """A gr.Error for a problem the user can fix, shown in the page and not printed as a server traceback
    (the message may hold patient values, which stay out of the server's output)."""
    import gradio as gr

    return gr.Error(message, print_exception=False)
