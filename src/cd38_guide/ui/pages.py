"""The static tabs: About (what the corpus holds and what it does not) and Evaluation (the committed reports)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cd38_guide.ui.html_base import esc, links_html
from cd38_guide.ui.i18n import t
from cd38_guide.ui.vocab import source_kind


def default_reports_dir() -> Path:
    """eval/reports/latest beside the package (editable install), else under the working directory."""
    here = Path(__file__).resolve().parents[3] / "eval" / "reports" / "latest"
    return here if here.parent.parent.is_dir() else Path.cwd() / "eval" / "reports" / "latest"


def corpus_stats(corpus: Any) -> dict[str, int]:
    """Counts shown on the About tab: documents, passages and distinct sources (citations)."""
    sources = {p.provenance.citation for p in corpus.passages.values()}
    return {"documents": len(corpus.documents), "passages": len(corpus.passages), "sources": len(sources)}


def render_about(corpus: Any, lang: str, *, version: str, ruleset: str, manifest: Any | None) -> str:
    """The About tab: the statement, corpus counts, what is missing, versions and the list of documents."""
    stats = corpus_stats(corpus)
    rows = []
    for d in sorted(corpus.documents, key=lambda d: (d.provenance.source_kind, d.title.lower())):
        links = links_html(d.provenance.model_dump(), lang)
        rows.append(
            f"<tr><td>{esc(d.title)}</td><td>{esc(source_kind(d.provenance.source_kind, lang))}</td>"
            f"<td>{esc(d.provenance.year or '')}</td>"
            f'<td data-label="{esc(t("ab_n_passages", lang))}">{len(d.passages)}</td>'
            f"<td>{esc(d.provenance.citation)}" + (f"<br>{links}" if links else "") + "</td></tr>"
        )
    build = ""
    if manifest is not None:
        build = (
            f"<li>{esc(t('ab_index', lang))} {esc(getattr(manifest, 'build_id', ''))}, "
            f"{esc(t('ab_model', lang))} {esc(getattr(manifest, 'model_id', ''))}, "
            f"{esc(t('ab_corpus_hash', lang))} <code>{esc(str(getattr(manifest, 'corpus_hash', ''))[:12])}</code></li>"
        )
    return (
        f'<div class="about"><p class="statement" id="statement"><strong>{esc(t("ab_statement_head", lang))}</strong> '
        f"{esc(t('ab_statement_body', lang))}</p>"
        f'<h3>{esc(t("ab_corpus", lang))}</h3><p class="about-stats">'
        f'<span><b id="n-docs">{stats["documents"]}</b> {esc(t("ab_documents", lang))}</span>'
        f'<span><b id="n-passages">{stats["passages"]}</b> {esc(t("ab_passages", lang))}</span>'
        f'<span><b id="n-sources">{stats["sources"]}</b> {esc(t("ab_sources", lang))}</span></p>'
        f"<h3>{esc(t('ab_not', lang))}</h3><p>{esc(t('ab_not_text', lang))}</p>"
        f"<h3>{esc(t('ab_version', lang))}</h3><ul><li>cd38-guide {esc(version)}</li>"
        f"<li>{esc(t('r_ruleset', lang))} {esc(ruleset)}</li>{build}</ul>"
        f'<h3>{esc(t("ab_doc_table", lang))}</h3><div class="table-scroll"><table class="doc-table"><thead><tr>'
        f'<th scope="col">{esc(t("ab_title", lang))}</th><th scope="col">{esc(t("ab_kind", lang))}</th>'
        f'<th scope="col">{esc(t("ab_year", lang))}</th><th scope="col">{esc(t("ab_n_passages", lang))}</th>'
        f'<th scope="col">{esc(t("ab_ref", lang))}</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div></div>'
    )


_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")


def read_report_md(reports: Path, lang: str) -> str:
    """report.md without its image lines (the two figures are shown as images below), or a 'missing' note."""
    path = reports / "report.md"
    if not path.is_file():
        return f"**{t('ev_missing', lang)}** `{path}`. {t('ev_missing_hint', lang)}"
    text = path.read_text(encoding="utf-8", errors="replace")
    return _IMAGE.sub("", text)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)[:200]
    return str(value)


def render_bench(reports: Path, lang: str) -> str:
    """bench.json as tables: the top-level figures (labelled in words), then the synthetic scale points if any."""
    from cd38_guide.ui.eval_summary import bench_label

    path = reports / "bench.json"
    if not path.is_file():
        return (
            f'<p class="missing"><strong>{esc(t("ev_missing", lang))}</strong> <code>{esc(path)}</code>. '
            f"{esc(t('ev_missing_hint', lang))}</p>"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return f'<p class="missing">{esc(path)}: {esc(err)}</p>'
    if not isinstance(data, Mapping):
        return f'<p class="missing">{esc(path)}: not a JSON object</p>'
    scalars = [(k, v) for k, v in data.items() if not isinstance(v, (list, dict))]
    out = ['<table class="bench-table"><tbody>']
    out += [f'<tr><th scope="row">{esc(bench_label(k, lang))}</th><td>{esc(_fmt(v))}</td></tr>' for k, v in scalars]
    out.append("</tbody></table>")
    scale = data.get("scale")
    if isinstance(scale, list) and scale and all(isinstance(s, Mapping) for s in scale):
        cols = [c for c in scale[0] if not isinstance(scale[0][c], (list, dict))]
        out.append(
            '<table class="bench-table"><thead><tr>'
            + "".join(f'<th scope="col">{esc(bench_label(c, lang))}</th>' for c in cols)
            + "</tr></thead><tbody>"
        )
        out += ["<tr>" + "".join(f"<td>{esc(_fmt(s.get(c)))}</td>" for c in cols) + "</tr>" for s in scale]
        out.append("</tbody></table>")
    return "".join(out)


def figure(reports: Path, name: str) -> str | None:
    """Path of a committed PNG, or None when it is missing."""
    path = reports / name
    return str(path) if path.is_file() else None
