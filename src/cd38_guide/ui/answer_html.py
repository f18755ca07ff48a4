"""HTML for the parts of an answer that lead the quotes: the direct answer, the comparison table, what a decline
is missing, and how sure the answer is, in words.

Reads the answer contract of the answers issue when present (``direct_answer``, ``table``, ``intent``,
``entities``, ``missing``); an answer without those keys renders as before. Every text goes through ``esc``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cd38_guide.ui.html_base import esc, relevance
from cd38_guide.ui.i18n import t
from cd38_guide.ui.vocab import is_user_added

CiteLinks = Callable[[Sequence[int]], str]


def render_direct(ans: Mapping[str, Any], cite: CiteLinks, lang: str) -> str:
    """The direct answer line, prominent, with its citation markers; '' when the answer has none."""
    direct = ans.get("direct_answer")
    if not isinstance(direct, Mapping) or not str(direct.get("text") or "").strip():
        return ""
    return (
        f'<div class="direct" role="note"><span class="direct-label">{esc(t("direct_answer", lang))}</span>'
        f'<p lang="{esc(direct.get("language") or "en")}">{esc(direct["text"])}{cite(direct.get("citations", []))}'
        "</p></div>"
    )


def render_table(ans: Mapping[str, Any], cite: CiteLinks, lang: str) -> str:
    """The side-by-side table, each cell cited, in a box that scrolls sideways on its own on a phone."""
    table = ans.get("table")
    if not isinstance(table, Mapping) or not table.get("rows"):
        return ""
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in table.get("columns", []))
    rows = []
    for row in table["rows"]:
        cells = []
        for i, cell in enumerate(row):
            cell = cell if isinstance(cell, Mapping) else {"text": cell, "citations": []}
            tag = "th" if i == 0 else "td"
            scope = ' scope="row"' if i == 0 else ""
            cells.append(f"<{tag}{scope}>{esc(cell.get('text', ''))}{cite(cell.get('citations', []))}</{tag}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="cmp-wrap" tabindex="0" role="region" aria-label="{esc(t("cmp_table", lang))}">'
        f'<table class="cmp"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
        f'<p class="note cmp-caveat">{esc(t("cmp_caveat", lang))}</p>'
    )


def render_missing(ans: Mapping[str, Any], lang: str) -> str:
    """What the corpus lacks, on a decline that says so."""
    missing = ans.get("missing")
    if not missing:
        return ""
    items = [missing] if isinstance(missing, str) else [str(m) for m in missing]
    lis = "".join(f"<li>{esc(m)}</li>" for m in items)
    return f'<div class="missing-what"><strong>{esc(t("missing_what", lang))}</strong><ul>{lis}</ul></div>'


def confidence(ans: Mapping[str, Any]) -> str:
    """'high', 'medium' or 'low' from the relevance cue of the passages the answer quotes; '' on a decline.

    high: two or more quoted passages match the question about as well as the best one; medium: one does, and the
    rest match clearly less; low: the answer rests on a single passage only.
    """
    if ans.get("abstained"):
        return ""
    cites = ans.get("citations", [])
    used = {n for s in ans.get("sentences", []) for n in s.get("citations", [])}
    rels = relevance([float(c.get("score", 0.0)) for c in cites])
    strong = sum(1 for c, (label, _) in zip(cites, rels, strict=True) if c["n"] in used and label == "rel_strong")
    if len(used) <= 1:
        return "low"
    return "high" if strong >= 2 else "medium"


def render_confidence(ans: Mapping[str, Any], lang: str) -> str:
    """How sure the answer is, in a sentence a clinician reads, plus a mark when it quotes a user-added passage."""
    level = confidence(ans)
    if not level:
        return ""
    out = f'<p class="sure sure-{level}"><strong>{esc(t("sure_" + level, lang))}</strong> {esc(t("sure_note", lang))}'
    added = [c["n"] for c in ans.get("citations", []) if is_user_added(c)]
    if added:
        refs = ", ".join(f"[{n}]" for n in added)
        out += f' <span class="user-added">{esc(t("user_added_quoted", lang))} {esc(refs)}</span>'
    return out + "</p>"
