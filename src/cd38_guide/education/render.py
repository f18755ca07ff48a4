"""Render a draft as markdown (the ``text`` of every draft) or as HTML (escaped; a fragment or a whole page).

Layout, in both formats: title; a header block for the clinician (DRAFT marker, date, corpus version,
regimen); the patient text (sections of statements with reference markers, glossary, questions); a rule; the
clinician appendix (numbered references, how the draft was made).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from cd38_guide.education.statements import LABELS, REGIMENS

if TYPE_CHECKING:
    from cd38_guide.education.draft import Draft, DraftStatement, Reference


def _marker(refs: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(n) for n in refs) + "]"


def _sep(lang: str) -> str:
    """What follows a sentence before the next item: a space in English, nothing after Chinese punctuation."""
    return " " if lang == "en" else ""


def _end(lang: str) -> str:
    """Sentence end after the bold DRAFT marker."""
    return "." if lang == "en" else "。"


def _regimen_names(draft: Draft) -> str:
    if draft.regimen is None:
        return ""
    names = REGIMENS[draft.regimen].names(draft.language)
    return ", ".join(names) if draft.language == "en" else "、".join(names)


def _header_items(draft: Draft) -> list[str]:
    labels = LABELS[draft.language]
    colon = ": " if draft.language == "en" else "："
    items = [
        f"{labels['date']}{colon}{draft.date}",
        f"{labels['corpus']}{colon}{draft.corpus_version}",
    ]
    if draft.regimen is not None:
        names = f" ({_regimen_names(draft)})" if draft.language == "en" else f"（{_regimen_names(draft)}）"
        items.append(f"{labels['treatment']}{colon}{draft.regimen}{names}")
    if draft.adapted_to_patient:
        items.append(labels["profile"])
    return items


def _method_items(draft: Draft) -> list[str]:
    labels = LABELS[draft.language]
    items = [labels["method_statements"]]
    if draft.regimen is not None:
        items.append(labels["method_regimen"].format(code=draft.regimen, names=_regimen_names(draft)))
    if draft.adapted_to_patient:
        if draft.profile_notes:
            items.append(labels["method_profile"].format(notes="; ".join(draft.profile_notes)))
        else:
            items.append(labels["method_profile_none"])
    if draft.omitted:
        items.append(labels["method_omitted"].format(keys=", ".join(draft.omitted)))
    return items


def _reference_parts(ref: Reference) -> list[str]:
    parts = [ref.citation.rstrip(".") + "."]
    if ref.pmid:
        parts.append(f"PMID {ref.pmid}.")
    if ref.doi:
        parts.append(f"doi:{ref.doi}.")
    if ref.url and not (ref.pmid or ref.doi):
        parts.append(f"{ref.url}")
    return parts


def _by_section(draft: Draft) -> list[tuple[str, list[DraftStatement]]]:
    return [(s.heading, [st for st in draft.statements if st.section == s.key]) for s in draft.sections]


def render_markdown(draft: Draft) -> str:
    """The draft as markdown; ``make_draft`` stores this as ``Draft.text``."""
    labels = LABELS[draft.language]
    sep = _sep(draft.language)
    colon = ": " if draft.language == "en" else "："
    end = _end(draft.language)
    space = _sep(draft.language)
    lines = [f"# {draft.title}", "", f"> **{labels['draft']}**{end}{space}{labels['draft_note']}", ">"]
    lines += [f"> {item}  " for item in _header_items(draft)]
    lines[-1] = lines[-1].rstrip()
    lines.append("")
    if not draft.statements:
        lines += [labels["empty"], ""]
    for heading, statements in _by_section(draft):
        lines += [f"## {heading}", ""]
        lines += [f"- {st.text}{sep}{_marker(st.refs)}" for st in statements]
        lines.append("")
    if draft.glossary:
        lines += [f"## {labels['glossary']}", ""]
        lines += [f"- **{g.term}**{colon}{g.definition}" for g in draft.glossary]
        lines.append("")
    if draft.questions:
        lines += [f"## {labels['questions']}", ""]
        lines += [f"- {q}" for q in draft.questions]
        lines.append("")
    lines += ["---", "", f"## {labels['appendix']}", "", f"### {labels['references']}", ""]
    for ref in draft.references:
        where = f"{labels['passage']} `{ref.passage_id}` ({ref.title}: {ref.heading})"
        lines.append(f"{ref.n}. {' '.join(_reference_parts(ref))} {where}")
    lines += ["", f"### {labels['method']}", ""]
    lines += [f"- {item}" for item in _method_items(draft)]
    return "\n".join(lines) + "\n"


def draft_to_markdown(draft: Draft) -> str:
    """The markdown of a draft (its ``text``)."""
    return draft.text


_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em;line-height:1.5}"
    ".draft-header{border-left:4px solid #b00;padding:.2em 1em;background:#fff4f4}"
    ".appendix{font-size:.9em;color:#333}sup.refs{font-size:.75em}"
)


def draft_to_html(draft: Draft, *, standalone: bool = False) -> str:
    """The draft as HTML: an ``<article>`` fragment, or a whole page with ``standalone=True``.

    Every piece of text is escaped. Reference markers link to the numbered references in the appendix.
    """
    labels = LABELS[draft.language]
    e = html.escape
    lang = "en" if draft.language == "en" else "zh-Hans"
    anchor = f"cd38-{draft.topic}"
    out = [f'<article class="cd38-education" lang="{lang}">', f"<h1>{e(draft.title)}</h1>"]
    out.append('<div class="draft-header">')
    end = _end(draft.language)
    out.append(f"<p><strong>{e(labels['draft'])}</strong>{end}{_sep(draft.language)}{e(labels['draft_note'])}</p>")
    out.append("<p>" + "<br>".join(e(item) for item in _header_items(draft)) + "</p>")
    out.append("</div>")
    if not draft.statements:
        out.append(f"<p>{e(labels['empty'])}</p>")
    for heading, statements in _by_section(draft):
        out.append(f"<h2>{e(heading)}</h2>")
        out.append("<ul>")
        for st in statements:
            links = ", ".join(f'<a href="#{anchor}-ref-{n}">{n}</a>' for n in st.refs)
            out.append(f'<li>{e(st.text)}{_sep(draft.language)}<sup class="refs">[{links}]</sup></li>')
        out.append("</ul>")
    if draft.glossary:
        out.append(f"<h2>{e(labels['glossary'])}</h2>")
        out.append(
            "<dl>" + "".join(f"<dt>{e(g.term)}</dt><dd>{e(g.definition)}</dd>" for g in draft.glossary) + "</dl>"
        )
    if draft.questions:
        out.append(f"<h2>{e(labels['questions'])}</h2>")
        out.append("<ul>" + "".join(f"<li>{e(q)}</li>" for q in draft.questions) + "</ul>")
    out.append('<hr><section class="appendix">')
    out.append(f"<h2>{e(labels['appendix'])}</h2>")
    out.append(f"<h3>{e(labels['references'])}</h3>")
    out.append("<ol>")
    for ref in draft.references:
        link = ""
        target = (
            f"https://doi.org/{ref.doi}"
            if ref.doi
            else (f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/" if ref.pmid else ref.url)
        )
        if target:
            link = f' <a href="{e(target)}">{e(target)}</a>'
        # the link already shows the URL: the text keeps the citation and identifiers, so each URL appears once
        text = " ".join(part for part in _reference_parts(ref) if part != ref.url)
        where = f"{labels['passage']} <code>{e(ref.passage_id)}</code> ({e(ref.title)}: {e(ref.heading)})"
        out.append(f'<li id="{anchor}-ref-{ref.n}" value="{ref.n}">{e(text)}{link} {where}</li>')
    out.append("</ol>")
    out.append(f"<h3>{e(labels['method'])}</h3>")
    out.append("<ul>" + "".join(f"<li>{e(item)}</li>" for item in _method_items(draft)) + "</ul>")
    out.append("</section></article>")
    body = "\n".join(out)
    if not standalone:
        return body
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(draft.title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


__all__ = ["draft_to_html", "draft_to_markdown", "render_markdown"]
