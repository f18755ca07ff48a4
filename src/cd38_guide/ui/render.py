"""HTML for the Ask tab: the conversation, the sources panel and the plain-text copy of an answer.

Every piece of text that comes from a user, a passage or an answer goes through ``esc`` (no XSS: a question such
as ``<img src=x onerror=alert(1)>`` is shown as text). Links that open a passage carry ``data-open`` with the
element id to expand; the page script in ``theme.py`` does the expanding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cd38_guide.ui.html_base import dom_id, esc, links_html, relevance, source_link
from cd38_guide.ui.i18n import t
from cd38_guide.ui.vocab import is_user_added, rule_text, source_kind


def highlight(text: str, spans: Sequence[Sequence[int]]) -> str:
    """Passage text, escaped, with the supporting ``[start, end]`` spans wrapped in <mark>."""
    out, pos = [], 0
    for start, end in sorted((int(a), int(b)) for a, b in spans):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        out.append(esc(text[pos:start]))
        out.append(f"<mark>{esc(text[start:end])}</mark>")
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def _cite_links(turn: int, numbers: Sequence[int]) -> str:
    return "".join(
        f' <a class="cite" href="#{dom_id("src", turn, n)}" data-open="{dom_id("src", turn, n)}" '
        f'aria-label="source {n}">[{n}]</a>'
        for n in numbers
    )


def _split_notes(notes: Sequence[str]) -> tuple[list[str], list[str], str | None]:
    """(general notes, patient-fact notes, follow-up reading) from an answer's notes."""
    general, patient, followup = [], [], None
    for note in notes:
        if note.startswith("Follow-up read as: "):
            followup = note.removeprefix("Follow-up read as: ")
        elif note.startswith(("Patient facts", "Assumed: ")):
            patient.append(note)
        else:
            general.append(note)
    return general, patient, followup


_NOTE_HEADS = (
    ("Patient facts read from the question: ", "从问题中读取的患者信息："),
    ("Patient facts were found but do not form a valid profile: ", "发现了患者信息，但不构成有效的档案："),
    ("Assumed: ", "假设："),
)


def _note(note: str, lang: str) -> str:
    """A reading note: the plugged-in Chinese when there is one; else the UI's own lead-in translated and the
    rest as the rules core wrote it."""
    shown = rule_text("note", note, lang)
    if lang != "zh" or shown != rule_text("note", note, "en"):
        return shown
    for en, zh in _NOTE_HEADS:
        if shown.startswith(en):
            return zh + shown.removeprefix(en)
    return shown


def render_turn(turn: int, ans: Mapping[str, Any], lang: str, passages: Mapping[str, Any]) -> str:
    """One question and its answer: cited sentences, or an abstention with the covered topics."""
    from cd38_guide.ui.answer_html import render_confidence, render_direct, render_missing, render_table
    from cd38_guide.ui.report_html import render_report

    def cite(numbers: Sequence[int]) -> str:
        return _cite_links(turn, numbers)

    general, patient_notes, followup = _split_notes(ans.get("notes", []))
    parts = [
        f'<div class="turn" id="{dom_id("turn", turn)}">',
        f'<div class="q"><span class="who">{esc(t("you", lang))} {turn}</span><p>{esc(ans["question"])}</p></div>',
        '<div class="a">',
    ]
    if followup:
        parts.append(f'<p class="note">{esc(t("followup_read", lang))}: <em>{esc(followup)}</em></p>')
    for note in general:
        parts.append(f'<p class="note">{esc(note)}</p>')
    if ans.get("abstained"):
        topics = "".join(f"<li>{esc(x)}</li>" for x in ans.get("covered_topics", []))
        parts.append(
            # what is missing first, then what the corpus does cover (its own list, not run into the first)
            f'<div class="abstain" role="note"><strong>{esc(t("abstained", lang))}</strong>{render_missing(ans, lang)}'
            f'<p>{esc(t("abstained_text", lang))}</p><ul class="covered">{topics}</ul></div>'
        )
    else:
        parts.append(render_direct(ans, cite, lang))
        parts.append(render_table(ans, cite, lang))
        parts.append(render_confidence(ans, lang))
        if ans.get("direct_answer") or ans.get("table"):
            parts.append(f'<p class="quotes-head">{esc(t("quotes_head", lang))}</p>')
        for s in ans.get("sentences", []):
            parts.append(f'<p class="sent">{esc(s["text"])}{cite(s.get("citations", []))}</p>')
    if ans.get("patient_report"):
        notes = "".join(f"<li>{esc(_note(n, lang))}</li>" for n in patient_notes)
        parts.append(
            f'<div class="patient-box"><h4>{esc(t("patient_in_question", lang))}</h4>'
            + render_report(ans["patient_report"], passages, lang, compact=True, scope=f"t{turn}")
            + (
                f'<details class="assume"><summary>{esc(t("assumptions", lang))}</summary><ul>{notes}</ul></details>'
                if notes
                else ""
            )
            + "</div>"
        )
    parts.append("</div></div>")
    return "".join(parts)


def render_conversation(turns: Sequence[Mapping[str, Any]], lang: str, passages: Mapping[str, Any]) -> str:
    """The whole conversation, oldest first, in a polite live region."""
    if not turns:
        return f'<div class="convo empty"><p>{esc(t("empty_chat", lang))}</p></div>'
    body = "".join(render_turn(i + 1, ans, lang, passages) for i, ans in enumerate(turns))
    return f'<div class="convo" role="log" aria-live="polite">{body}</div>'


def _source_card(turn: int, c: Mapping[str, Any], rel: tuple[str, float], lang: str) -> str:
    sid = dom_id("src", turn, c["n"])
    label, share = rel
    spans = c.get("supporting", [])
    support = " … ".join(
        f"<mark>{esc(c['text'][int(a) : int(b)])}</mark>" for a, b in spans if 0 <= int(a) < int(b) <= len(c["text"])
    )
    meta = [esc(source_kind(str(c.get("source_kind", "")), lang)), esc(c.get("year") or t("no_year", lang))]
    added = is_user_added(c)
    links = links_html(c, lang)
    colon = "：" if lang == "zh" else ": "
    secondary = f'<p class="secondary">{esc(t("via", lang))}: {esc(c["secondary"])}</p>' if c.get("secondary") else ""
    if c.get("notes"):  # the passage's provenance note: shown beside the citation, never part of the answer
        secondary += f'<p class="secondary src-note">{esc(t("src_note", lang))}: {esc(c["notes"])}</p>'
    pct = round(share * 100)
    return (
        f'<article class="src{" src-user" if added else ""}" id="{sid}" tabindex="-1" aria-labelledby="{sid}-h">'
        + (f'<p class="user-added">{esc(t("user_added", lang))}</p>' if added else "")
        + f'<h4 id="{sid}-h"><a href="#{sid}" data-open="{sid}">[{c["n"]}] {esc(c["title"])}</a></h4>'
        f'<p class="heading">{esc(c.get("heading", ""))}</p>'
        f'<p class="meta"><span class="kind kind-{esc(c.get("source_kind", ""))}">{meta[0]}</span> · {meta[1]}'
        + (f" · {links}" if links else "")
        + f'</p><div class="rel" title="{esc(t("relevance", lang))}{colon}{esc(t(label, lang))}">'
        f'<span class="bar" aria-hidden="true"><span style="width:{pct}%"></span></span>'
        f'<span class="rel-label">{esc(t("relevance", lang))}{colon}{esc(t(label, lang))}</span></div>'
        + (f'<blockquote class="support">{support}</blockquote>' if support else "")
        + f'<details class="full"><summary>{esc(t("full_passage", lang))} <code>{esc(c["passage_id"])}</code></summary>'
        f'<p class="passage">{highlight(c["text"], spans)}</p>'
        f'<p class="cit">{esc(c.get("citation", ""))}</p>{secondary}</details></article>'
    )


def render_sources(turns: Sequence[Mapping[str, Any]], lang: str) -> str:
    """Cited passages of every answer, latest first; the latest answer's group is open."""
    if not turns:
        return f'<div class="sources empty"><p>{esc(t("empty_sources", lang))}</p></div>'
    groups = []
    for i in range(len(turns), 0, -1):
        ans = turns[i - 1]
        cites = ans.get("citations", [])
        rels = relevance([float(c.get("score", 0.0)) for c in cites])
        cards = "".join(_source_card(i, c, r, lang) for c, r in zip(cites, rels, strict=True))
        if not cards:
            cards = f'<p class="note">{esc(t("abstained", lang))}</p>'
        opened = " open" if i == len(turns) else ""
        q = ans["question"]
        short = q if len(q) <= 80 else q[:77] + "…"
        groups.append(
            f'<details class="turn-sources" id="{dom_id("srcs", i)}"{opened}>'
            f"<summary>{esc(t('turn_sources', lang))} {i}: {esc(short)}</summary>{cards}</details>"
        )
    return '<div class="sources">' + "".join(groups) + "</div>"


def copy_text(ans: Mapping[str, Any] | None) -> str:
    """The answer as plain text with a numbered reference list (citation, title, PMID/DOI and the link), for
    pasting into a note."""
    if not ans:
        return ""
    lines = []
    direct = ans.get("direct_answer")
    if isinstance(direct, Mapping) and direct.get("text"):
        marks = "".join(f" [{n}]" for n in direct.get("citations", []))
        lines += [f"{direct['text']}{marks}", ""]
    lines += [ans.get("answer", "").strip(), ""]
    if ans.get("citations"):
        lines.append("References")
        for c in ans["citations"]:
            links = source_link(c)
            ids = "; ".join(label for label, _ in links if label != "link")
            url = links[0][1] if links else ""
            head = f"[{c['n']}] {c['citation']}. {c['title']}: {c.get('heading', '')}".rstrip(": ")
            tail = ". ".join(x for x in (ids, url) if x)
            added = " (added by a user, not reviewed)" if is_user_added(c) else ""
            lines.append(f"{head.rstrip('.')}.{added}" + (f" {tail}" if tail else ""))
    lines += ["", "Decision support from the cited sources only (cd38-guide); check them before acting."]
    return "\n".join(lines).strip() + "\n"
