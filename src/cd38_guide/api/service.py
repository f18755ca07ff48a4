"""What the API's routes share in one worker process: the loaded Assistant (model, index, corpus) and a clock.

Loaded once per process; the index on disk is read-only, so N workers can open it side by side.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from functools import cached_property
from typing import Any

log = logging.getLogger(__name__)


class ApiService:
    """The per-process state behind the routes.

    Args:
        assistant: a loaded ``Assistant`` (the app and tests pass theirs); None loads one from ``Settings()``.
        today: the date used for "months since the last dose" and education drafts (tests fix it).
    """

    def __init__(self, assistant: Any = None, today: Callable[[], datetime.date] | None = None) -> None:
        self._assistant = assistant
        self.today = today or datetime.date.today

    @cached_property
    def assistant(self) -> Any:
        if self._assistant is None:
            from cd38_guide.assistant import Assistant

            self._assistant = Assistant()
        return self._assistant

    def warm(self) -> ApiService:
        """Load model, index and corpus now, so the first request does not pay for them."""
        self.assistant.warm()
        self.assistant.retrieve("anti-CD38 washout")
        return self

    @cached_property
    def corpus_version(self) -> str:
        corpus = self.assistant.corpus
        return f"{len(corpus.passages)} passages, {corpus.hash[:12]}"
