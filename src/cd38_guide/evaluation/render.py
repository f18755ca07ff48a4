"""Markdown and terminal renderings of the evaluation report and the benchmark."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SPEED_TARGETS = (
    "warm end-to-end p50 <= 10 ms",
    "warm end-to-end p50 <= 0.5x the llama-index retriever p50",
    "cold `ask` <= 1.5 s (wall)",
    "cold `check` <= 0.5 s (wall)",
    "app answers its first /ask <= 4 s after start",
    "index build, cold <= 15 s",
    "serve RSS after start-up <= 450 MB",
    "vector search p50 <= 10 ms at 100,000 chunks",
    "recall@10 >= 0.95 at 100,000 chunks",
    "answers identical to the sentence-transformers path (gold set)",
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


def _seconds(bench: dict[str, Any], key: str) -> str | None:
    wall, cpu = bench.get(f"{key}_s"), bench.get(f"{key}_cpu_s")
    if wall is None:
        return None
    return f"{wall:.2f} s" + (f" ({cpu:.2f} s CPU)" if cpu is not None else "")


def _at_most(value: Any, limit: float) -> bool:
    return value is not None and value <= limit


def speed_targets(bench: dict[str, Any]) -> list[tuple[str, Any, bool]]:
    """(target, measured, pass) for the benchmark's speed targets (wall times; CPU times shown beside them)."""
    ours, theirs = bench.get("query_p50_ms"), bench.get("llamaindex_query_p50_ms")
    ratio = ours / theirs if ours and theirs else None
    out: list[tuple[str, Any, bool]] = [
        (SPEED_TARGETS[0], None if ours is None else f"{ours:.2f} ms", _at_most(ours, 10)),
        (
            SPEED_TARGETS[1],
            None if ratio is None else f"{ratio:.2f}x ({ours:.1f} vs {theirs:.1f} ms)",
            _at_most(ratio, 0.5),
        ),
        (SPEED_TARGETS[2], _seconds(bench, "cold_ask"), _at_most(bench.get("cold_ask_s"), 1.5)),
        (SPEED_TARGETS[3], _seconds(bench, "cold_check"), _at_most(bench.get("cold_check_s"), 0.5)),
        (SPEED_TARGETS[4], _seconds(bench, "app_first_answer"), _at_most(bench.get("app_first_answer_s"), 4)),
        (SPEED_TARGETS[5], bench.get("index_build_s"), _at_most(bench.get("index_build_s"), 15)),
        (SPEED_TARGETS[6], bench.get("serve_rss_mb"), _at_most(bench.get("serve_rss_mb"), 450)),
    ]
    big = next((s for s in bench.get("scale", []) if s.get("chunks") == 100_000), None)
    if big is None:
        out.append((SPEED_TARGETS[7], "not run", False))
        out.append((SPEED_TARGETS[8], "not run", False))
    else:
        vector = big.get("vector_p50_ms", big["query_p50_ms"])
        out.append((SPEED_TARGETS[7], f"{vector:.2f} ms ({big.get('index_kind')})", vector <= 10))
        out.append((SPEED_TARGETS[8], f"{big['recall_at_10']:.3f}", big["recall_at_10"] >= 0.95))
    parity = bench.get("answer_parity")
    if parity is None:
        out.append((SPEED_TARGETS[9], "not run", False))
    else:
        same = parity["identical"] == parity["questions"]
        out.append((SPEED_TARGETS[9], f"{parity['identical']}/{parity['questions']}", same))
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
        ["index build, cold, CPU all threads (s)", bench.get("index_build_cpu_s")],
        ["index build, incremental (s)", bench.get("incremental_build_s")],
        ["  texts re-embedded", bench.get("incremental_embedded")],
        ["warm ask p50 (ms)", bench.get("query_p50_ms")],
        ["warm ask p95 (ms)", bench.get("query_p95_ms")],
        ["warm ask CPU p50 (ms)", bench.get("query_cpu_p50_ms")],
        ["  of which the question's encoder pass p50 (ms)", bench.get("encoder_p50_ms")],
        ["our hybrid retrieval alone p50 (ms)", bench.get("retrieve_p50_ms")],
        ["llama-index retriever p50 (ms)", bench.get("llamaindex_query_p50_ms")],
        ["ratio ours / llama-index", ratio],
        ["ratio our retrieval / llama-index retriever", bench.get("retrieve_vs_llamaindex")],
        ["cold ask wall time (s)", bench.get("cold_ask_s")],
        ["cold ask CPU time (s)", bench.get("cold_ask_cpu_s")],
        ["cold check wall time (s)", bench.get("cold_check_s")],
        ["app: first answer after start (s)", bench.get("app_first_answer_s")],
        ["app: server CPU time until then (s)", bench.get("app_first_answer_cpu_s")],
        ["serve RSS after start-up (MB)", bench.get("serve_rss_mb")],
        ["peak RSS, benchmark process (MB)", bench.get("peak_rss_mb")],
    ]
    parts = [text_table(["measure", "value"], rows), ""]
    scale = bench.get("scale", [])
    if scale:
        parts.append(
            text_table(
                ["chunks", "index", "build_s", "query_p50_ms", "vector_p50_ms", "recall@10", "rss_mb"],
                [
                    [
                        s["chunks"],
                        s.get("index_kind"),
                        s["build_s"],
                        s["query_p50_ms"],
                        s.get("vector_p50_ms"),
                        s["recall_at_10"],
                        s["rss_mb"],
                    ]
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
