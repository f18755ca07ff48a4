"""Progress shown while the index is built: a tqdm bar on a terminal, one line per quarter otherwise.

Only the CLI and ``serve`` use it; the library takes a plain ``progress(done, total)`` callback and prints nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO


@contextmanager
def index_progress(stream: TextIO | None = None) -> Iterator[Callable[[int, int], None]]:
    """A ``progress(done, total)`` callback for ``build_index``; says once that a build started."""
    out = stream or sys.stderr
    state: dict[str, object] = {"bar": None, "said": False, "quarter": -1}

    def update(done: int, total: int) -> None:
        if not state["said"]:
            print(f"cd38-guide: building the search index ({total} texts to embed; about a minute)...", file=out)
            state["said"] = True
        if out.isatty():
            bar = state["bar"]
            if bar is None:
                from tqdm import tqdm  # installed with transformers; imported only when a bar is drawn

                bar = state["bar"] = tqdm(total=total, unit="text", desc="embedding", file=out, leave=False)
            bar.update(done - bar.n)  # type: ignore[attr-defined]
        else:
            quarter = 4 * done // max(total, 1)
            if quarter != state["quarter"]:
                print(f"cd38-guide: embedded {done}/{total} texts", file=out, flush=True)
                state["quarter"] = quarter

    try:
        yield update
    finally:
        if state["bar"] is not None:
            state["bar"].close()  # type: ignore[attr-defined]
