"""Markdown and terminal renderings of the evaluation report and the benchmark."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SPEED_TARGETS = (
    "warm end-to-end p50 <= 1.5x the llama-index retriever p50",
    "p50 <= 20 ms at 100,000 chunks",
    "recall@10 >= 0.95 at 100,000 chunks",
)


def fmt(x: Any, digits: int = 3) -> str:
    """A number for a table: fixed decimals, 'n/a' for None."""
    if x is None:
        return "n/a"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    """A GitHub markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(fmt(c) for c in row) + " |" for row in rows]
    return lines


def text_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain aligned table for the terminal."""
    cells = [list(header)] + [[fmt(c) for c in row] for row in rows]
    widths = [max(len(str(r[i])) for r in cells) for i in range(len(header))]
    out = []
    for j, row in enumerate(cells):
        out.append(
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if j == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def retrieval_rows(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """(header, rows) of the headline table: retrievers x retrieval metrics."""
    metrics = ["recall@1", "recall@3", "recall@5", "recall@10", "mrr@10", "ndcg@10"]
    rows = [[name, *(m.get(k) for k in metrics)] for name, m in report["retrieval"].items()]
    return ["retriever", *metrics], rows


def speed_targets(bench: dict[str, Any]) -> list[tuple[str, Any, bool]]:
    """(target, measured, pass) for the benchmark's speed targets."""
    out: list[tuple[str, Any, bool]] = []
    ours, theirs = bench.get("query_p50_ms"), bench.get("llamaindex_query_p50_ms")
    ratio = ours / theirs if ours and theirs else None
    out.append(
        (
            SPEED_TARGETS[0],
            None if ratio is None else f"{ratio:.2f}x ({ours:.1f} vs {theirs:.1f} ms)",
            ratio is not None and ratio <= 1.5,
        )
    )
    big = next((s for s in bench.get("scale", []) if s.get("chunks") == 100_000), None)
    if big is None:
        out.append((SPEED_TARGETS[1], "not run", False))
        out.append((SPEED_TARGETS[2], "not run", False))
    else:
        out.append((SPEED_TARGETS[1], f"{big['query_p50_ms']:.2f} ms", big["query_p50_ms"] <= 20))
        out.append((SPEED_TARGETS[2], f"{big['recall_at_10']:.3f}", big["recall_at_10"] >= 0.95))
    return out


def _group_rows(groups: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for name, g in groups.items():
        h = g["retrieval"].get("hybrid", {})
        li = g["retrieval"].get("llamaindex", {})
        a = g["answers"]
        rows.append(
            [
                name,
                g["n"],
                h.get("recall@5"),
                li.get("recall@5"),
                h.get("mrr@10"),
                a["key_fact_recall"],
                a["abstention_precision"],
                a["abstention_recall"],
                a["groundedness"],
                a["citation_precision"],
            ]
        )
    return rows


GROUP_HEADER = [
    "group",
    "n",
    "hybrid R@5",
    "llamaindex R@5",
    "hybrid MRR@10",
    "key facts",
    "abst. P",
    "abst. R",
    "grounded",
    "cite P",
]


def render_markdown(report: dict[str, Any], bench: dict[str, Any] | None = None) -> str:
    """report.md: headline table, answer metrics, targets, breakdowns, worst questions, config."""
    cfg = report.get("config", {})
    idx = cfg.get("index", {})
    lines = [
        "# cd38-guide evaluation report",
        "",
        f"{report['n_questions']} gold questions; corpus `{str(cfg.get('corpus_hash', ''))[:12]}` "
        f"({cfg.get('n_passages')} passages, {idx.get('n_chunks')} chunks, {idx.get('kind')} index "
        f"`{idx.get('build_id')}`); model `{cfg.get('model', {}).get('id')}`. Generated {report.get('generated_at')}.",
        "",
        "## Retrieval (any expected passage counts; questions with expected passages only)",
        "",
    ]
    header, rows = retrieval_rows(report)
    lines += table(header, rows)
    base = cfg.get("baseline") or {}
    if base:
        lines += [
            "",
            f"`llamaindex` is the stock baseline: one Document per passage, SentenceSplitter (chunk_size "
            f"{base.get('chunk_size')}, overlap {base.get('chunk_overlap')}), VectorStoreIndex, "
            f"`as_retriever(similarity_top_k={base.get('similarity_top_k')})`, same MiniLM weights.",
        ]
    counts = report.get("counts", {})
    lines += ["", "## Answers", ""]
    lines += table(["metric", "value"], [[k, v] for k, v in report["answers"].items()])
    lines += [
        "",
        f"Key-fact recall over {counts.get('n_key_facts')} answerable questions with key facts; abstention over "
        f"{counts.get('n')} questions ({counts.get('n_must_abstain')} must abstain, {counts.get('n_abstained')} "
        f"abstained); groundedness over {counts.get('n_sentences')} answer sentences; citation precision over "
        f"{counts.get('n_citations')} citations.",
        "",
        "## Targets",
        "",
    ]
    trows = [
        [name, t["target"], t["value"], "PASS" if t["pass"] else "FAIL"]
        for name, t in report.get("targets", {}).items()
    ]
    if bench:
        trows += [[name, "", value, "PASS" if ok else "FAIL"] for name, value, ok in speed_targets(bench)]
    lines += table(["target", "goal", "measured", "result"], trows)
    lines += ["", "## Latency per stage (ms, warm, over the gold questions)", ""]
    lines += table(["stage", "p50", "p95"], [[s, v["p50"], v["p95"]] for s, v in report["latency_ms"].items()])
    for title, key in (
        ("language", "by_language"),
        ("topic", "by_topic"),
        ("kind", "by_kind"),
        ("intent", "by_intent"),
    ):
        if report.get(key):
            lines += ["", f"## By {title}", ""]
            lines += table(GROUP_HEADER, _group_rows(report[key]))
    lines += ["", "## Worst questions", ""]
    if not report.get("worst"):
        lines.append("No question failed any check.")
    for i, w in enumerate(report.get("worst", []), start=1):
        lines.append(f"{i}. **{w['id']}** ({w['language']}, {w['topic']}, {w['kind']}): {w['question']}")
        for p in w["problems"]:
            lines.append(f"   - {p}")
    lines += ["", "![recall@k](recall_at_k.png)", "", "![latency by stage](latency_by_stage.png)", ""]
    return "\n".join(lines)


def eval_summary(report: dict[str, Any]) -> str:
    """The terminal summary of ``cd38-guide eval``."""
    header, rows = retrieval_rows(report)
    parts = [f"{report['n_questions']} gold questions", "", text_table(header, rows), ""]
    parts.append(text_table(["answer metric", "value"], [[k, v] for k, v in report["answers"].items()]))
    parts.append("")
    lat = report["latency_ms"]["end_to_end"]
    parts.append(f"end-to-end latency: p50 {fmt(lat['p50'], 1)} ms, p95 {fmt(lat['p95'], 1)} ms")
    parts.append("")
    parts.append(
        text_table(
            ["target", "goal", "measured", "result"],
            [[n, t["target"], t["value"], "PASS" if t["pass"] else "FAIL"] for n, t in report["targets"].items()],
        )
    )
    return "\n".join(parts)


def bench_summary(bench: dict[str, Any]) -> str:
    """The terminal summary of ``cd38-guide bench``."""
    ratio = bench.get("query_vs_llamaindex")
    rows = [
        ["index build, cold (s)", bench.get("index_build_s")],
        ["index build, incremental (s)", bench.get("incremental_build_s")],
        ["  texts re-embedded", bench.get("incremental_embedded")],
        ["warm ask p50 (ms)", bench.get("query_p50_ms")],
        ["warm ask p95 (ms)", bench.get("query_p95_ms")],
        ["llama-index retriever p50 (ms)", bench.get("llamaindex_query_p50_ms")],
        ["ratio ours / llama-index", ratio],
        ["cold ask wall time (s)", bench.get("cold_ask_s")],
        ["peak RSS (MB)", bench.get("peak_rss_mb")],
    ]
    parts = [text_table(["measure", "value"], rows), ""]
    scale = bench.get("scale", [])
    if scale:
        parts.append(
            text_table(
                ["chunks", "index", "build_s", "query_p50_ms", "recall@10", "rss_mb"],
                [
                    [s["chunks"], s.get("index_kind"), s["build_s"], s["query_p50_ms"], s["recall_at_10"], s["rss_mb"]]
                    for s in scale
                ],
            )
        )
        parts.append("")
    parts.append(
        text_table(
            ["target", "measured", "result"], [[n, v, "PASS" if ok else "FAIL"] for n, v, ok in speed_targets(bench)]
        )
    )
    return "\n".join(parts)
