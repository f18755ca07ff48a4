"""The smallest HTML helpers every renderer of the app shares: escaping, safe element ids, source links and the
relevance cue (kept on their own floor so the renderers do not import each other)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from cd38_guide.ui.i18n import t

_SAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


def esc(text: object) -> str:
    """HTML-escape any value (quotes too, so it is safe inside attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


def dom_id(*parts: object) -> str:
    """An element id made of safe characters only."""
    return "-".join(_SAFE_ID.sub("_", str(p)) for p in parts)


def source_link(c: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, url) pairs for a citation: PMID and DOI when known, else the URL."""
    links = []
    if c.get("pmid"):
        links.append((f"PMID {c['pmid']}", f"https://pubmed.ncbi.nlm.nih.gov/{c['pmid']}/"))
    if c.get("doi"):
        links.append((f"doi:{c['doi']}", f"https://doi.org/{c['doi']}"))
    if not links and c.get("url"):
        links.append(("link", str(c["url"])))
    return links


def relevance(scores: Sequence[float]) -> list[tuple[str, float]]:
    """A (strong|moderate|weak, share of the best score) cue per passage, in the given order."""
    best = max(scores, default=0.0) or 1.0
    out = []
    for s in scores:
        share = max(0.0, min(1.0, s / best))
        out.append(("rel_strong" if share >= 0.9 else "rel_moderate" if share >= 0.6 else "rel_weak", share))
    return out


def links_html(c: Mapping[str, Any], lang: str) -> str:
    """The citation's links (PMID, DOI, else its URL) as safe anchors; a bare URL is labelled in ``lang``."""
    return " · ".join(
        f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">'
        f"{esc(t(label, lang) if label == 'link' else label)}</a>"
        for label, url in source_link(c)
        if url.startswith(("https://", "http://"))
    )
