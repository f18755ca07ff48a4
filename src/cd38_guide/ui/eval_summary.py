"""The Evaluation tab's opening: what the committed evaluation says, in plain words for a clinician (what the
assistant gets right, where it fails, how it was measured, when, on which corpus), before the technical tables.

Everything is read from ``report.json`` and ``bench.json``; a missing or unreadable report gives a short note.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cd38_guide.ui.html_base import esc
from cd38_guide.ui.i18n import t

KIND_NAMES: dict[str, tuple[str, str]] = {
    "comparison": ("comparisons of two regimens or trials", "两种方案或试验的比较"),
    "fact": ("single facts", "单一事实"),
    "multi_hop": ("questions that need two passages combined", "需要综合两个段落的问题"),
    "patient_education": ("patient-education questions", "患者教育问题"),
    "recommendation": ("what-to-do questions", "治疗建议类问题"),
}

BENCH_LABELS: dict[str, tuple[str, str]] = {
    "index_build_s": ("Index build, from scratch (s)", "从头构建索引（秒）"),
    "index_chunks": ("Chunks in the index", "索引中的文本块数"),
    "index_embedded": ("Texts embedded", "嵌入的文本数"),
    "incremental_passage": ("Passage changed for the incremental build", "增量构建时修改的段落"),
    "incremental_build_s": ("Rebuild after one passage changed (s)", "修改一个段落后的重建（秒）"),
    "incremental_embedded": ("Texts embedded in that rebuild", "该次重建嵌入的文本数"),
    "llamaindex_build_s": ("llama-index baseline build (s)", "llama-index 基线构建（秒）"),
    "query_p50_ms": ("Answer time, median (ms)", "回答时间，中位数（毫秒）"),
    "query_p95_ms": ("Answer time, 95th percentile (ms)", "回答时间，第 95 百分位（毫秒）"),
    "llamaindex_query_p50_ms": ("llama-index retrieval alone, median (ms)", "仅 llama-index 检索，中位数（毫秒）"),
    "llamaindex_query_p95_ms": (
        "llama-index retrieval alone, 95th percentile (ms)",
        "仅 llama-index 检索，第 95 百分位（毫秒）",
    ),
    "query_vs_llamaindex": ("Answer time / llama-index retrieval time", "回答时间 / llama-index 检索时间"),
    "encoder_p50_ms": ("Question encoder pass, median (ms)", "问题编码，中位数（毫秒）"),
    "retrieve_p50_ms": ("Our hybrid retrieval alone, median (ms)", "仅本系统混合检索，中位数（毫秒）"),
    "retrieve_vs_llamaindex": (
        "Our retrieval time / llama-index retrieval time",
        "本系统检索时间 / llama-index 检索时间",
    ),
    "n_queries": ("Questions timed", "计时的问题数"),
    "peak_rss_mb": ("Peak memory (MB)", "内存峰值（MB）"),
    "cold_ask_s": ("First answer from a shell, cold (s)", "冷启动首次回答（秒）"),
    "cold_ask_rebuilt": ("Index rebuilt during the cold run", "冷启动时重建了索引"),
    "cold_ask_peak_rss_mb": ("Peak memory, cold run (MB)", "冷启动内存峰值（MB）"),
    "generated_at": ("Measured at", "测量时间"),
}


def bench_label(key: str, lang: str) -> str:
    """A benchmark key in words; an unknown key is spelled with spaces."""
    en, zh = BENCH_LABELS.get(key, (key.replace("_", " "), key.replace("_", " ")))
    return zh if lang == "zh" else en


def _load(path: Path) -> Mapping[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, Mapping) else None


def _pct(x: Any) -> str:
    return f"{round(float(x) * 100)}%" if isinstance(x, (int, float)) else "—"


def _li(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def _weakest(report: Mapping[str, Any], lang: str) -> list[tuple[str, float]]:
    li = 1 if lang == "zh" else 0
    out = []
    for kind, group in report.get("by_kind", {}).items():
        kfr = group.get("answers", {}).get("key_fact_recall")
        if isinstance(kfr, (int, float)) and kind in KIND_NAMES and kfr < 0.75:
            out.append((KIND_NAMES[kind][li], float(kfr)))
    return sorted(out, key=lambda x: x[1])


def render_summary(reports: Path, lang: str) -> str:
    """Plain-language summary of the committed evaluation and benchmark, or a note when they are missing."""
    report = _load(reports / "report.json")
    if report is None:
        return (
            f'<div class="ev-summary missing"><strong>{esc(t("ev_missing", lang))}</strong> '
            f"<code>{esc(reports / 'report.json')}</code>. {esc(t('ev_missing_hint', lang))}</div>"
        )
    bench = _load(reports / "bench.json") or {}
    zh = lang == "zh"
    ans = report.get("answers", {})
    hybrid = report.get("retrieval", {}).get("hybrid", {})
    stock = report.get("retrieval", {}).get("llamaindex", {})
    counts = report.get("counts", {})
    langs = report.get("by_language", {})
    n_en, n_zh = langs.get("en", {}).get("n", 0), langs.get("zh", {}).get("n", 0)
    cfg = report.get("config", {})
    date = str(report.get("generated_at", ""))[:10]
    n_passages, digest = cfg.get("n_passages", "?"), str(cfg.get("corpus_hash", ""))[:12]
    corpus = f"{n_passages} 个段落，{digest}" if zh else f"{n_passages} passages, {digest}"
    p50 = bench.get("query_p50_ms")
    speed = f"{float(p50):.0f}" if isinstance(p50, (int, float)) else "—"
    if zh:
        right = [
            f"前五个出处中包含正确段落的问题占 {_pct(hybrid.get('recall@5'))}"
            f"（通用 llama-index 检索为 {_pct(stock.get('recall@5'))}）。",
            f"引用的每一句都逐字摘自所标注的段落（{_pct(ans.get('groundedness'))}）。",
            f"模型载入后，回答一个问题约需 {speed} 毫秒。",
        ]
        wrong = [
            f"只有 {_pct(ans.get('key_fact_recall'))} 的问题，回答包含了临床医生需要的全部关键事实（目标 90%）。",
            f"拒绝回答时，{_pct(ans.get('abstention_precision'))} 确属语料无法回答（目标 95%）；"
            f"应拒绝的问题中有 {_pct(ans.get('abstention_recall'))} 被拒绝（目标 95%）。",
        ]
        weak = _weakest(report, lang)
        if weak:
            wrong.append("最弱的是" + "、".join(f"{name}（关键事实 {_pct(v)}）" for name, v in weak) + "。")
        how = (
            f"用 {report.get('n_questions', '?')} 个测试问题（英文 {n_en}，中文 {n_zh}，其中 "
            f"{counts.get('n_must_abstain', '?')} 个应拒绝回答）评估，每个问题都标注了应找到的段落和应包含的关键事实；"
            f"与通用 llama-index 检索在同一语料、同一模型上比较。"
        )
        fails = "下方表格中标为 FAIL 的是尚未达到的目标，即上面“不足之处”列出的各项。"
        latency = "速度数据来自基准测试（预热后多次计时）；评估报告中的分阶段计时与其他测量同时运行，数值偏高。"
        when = f"测量日期 {date}；证据库版本：{corpus}。"
    else:
        right = [
            f"It finds the right passage among its first five sources for {_pct(hybrid.get('recall@5'))} of "
            f"questions (a stock llama-index retriever: {_pct(stock.get('recall@5'))}).",
            f"Every sentence it quotes is copied word for word from the passage it cites "
            f"({_pct(ans.get('groundedness'))}).",
            f"Once loaded, it answers a question in about {speed} ms.",
        ]
        wrong = [
            f"Its answer holds every key fact a clinician needed for only {_pct(ans.get('key_fact_recall'))} of "
            "questions (goal 90%).",
            f"When it declines, it is right to decline {_pct(ans.get('abstention_precision'))} of the time (goal "
            f"95%); it declines {_pct(ans.get('abstention_recall'))} of the questions it should (goal 95%).",
        ]
        weak = _weakest(report, lang)
        if weak:
            wrong.append("Weakest on " + "; ".join(f"{name} (key facts {_pct(v)})" for name, v in weak) + ".")
        how = (
            f"{report.get('n_questions', '?')} test questions ({n_en} English, {n_zh} Chinese; "
            f"{counts.get('n_must_abstain', '?')} that must be declined), each with the passages it should find and "
            "the key facts its answer should hold; compared with a stock llama-index retriever on the same corpus "
            "and model."
        )
        fails = "Rows marked FAIL in the tables below are the goals not met yet: the shortfalls listed above."
        latency = (
            "The speed figure is the benchmark's (warm, many timed questions); the evaluation report's per-stage "
            "timings run beside other measurements and read higher."
        )
        when = f"Measured on {date}; corpus version: {corpus}."
    return (
        f'<div class="ev-summary" id="ev-summary"><h3>{esc(t("ev_right", lang))}</h3>{_li(right)}'
        f"<h3>{esc(t('ev_wrong', lang))}</h3>{_li(wrong)}"
        f"<h3>{esc(t('ev_how', lang))}</h3><p>{esc(how)}</p><p>{esc(fails)} {esc(latency)}</p>"
        f'<p class="ev-when">{esc(when)}</p></div>'
    )
