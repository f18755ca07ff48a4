"""cd38-guide: offline, citation-grounded decision support for anti-CD38 antibodies in RRMM.

Public API: ``Assistant`` (cited answers), ``check_patient`` / ``load_profile`` (the rules core), ``Settings``.
Imports are lazy so ``import cd38_guide`` stays cheap (no torch, faiss or gradio until used).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Answer",
    "Assistant",
    "PatientProfile",
    "Report",
    "Settings",
    "__version__",
    "check_patient",
    "load_profile",
]

_LAZY = {
    "Assistant": "cd38_guide.assistant",
    "Settings": "cd38_guide.config",
    "Answer": "cd38_guide.types",
    "check_patient": "cd38_guide.rules",
    "load_profile": "cd38_guide.rules",
    "PatientProfile": "cd38_guide.rules",
    "Report": "cd38_guide.rules",
}

if TYPE_CHECKING:
    from cd38_guide.assistant import Assistant
    from cd38_guide.config import Settings
    from cd38_guide.rules import PatientProfile, Report, check_patient, load_profile
    from cd38_guide.types import Answer


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cd38_guide' has no attribute {name!r}")
