"""PNG plots of the evaluation report (matplotlib's Agg canvas; no pyplot global state, no display)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110)
    FigureCanvasAgg(fig)
    return fig


def plot_recall_at_k(
    retrieval: Mapping[str, Mapping[str, float | None]], path: Path, ks: Sequence[int] = (1, 3, 5, 10)
) -> Path:
    """Recall@k against k, one line per retriever."""
    fig = _figure(6.4, 4.2)
    ax = fig.add_subplot()
    markers = "osD^vP*X"
    for i, (name, metrics) in enumerate(retrieval.items()):
        ys = [metrics.get(f"recall@{k}") for k in ks]
        pts = [(k, y) for k, y in zip(ks, ys, strict=True) if y is not None]
        if pts:
            ax.plot([k for k, _ in pts], [y for _, y in pts], marker=markers[i % len(markers)], label=name)
    ax.axhline(0.95, color="grey", linestyle=":", linewidth=1, label="target @5 (0.95)")
    ax.set_xticks(list(ks))
    ax.set_xlabel("k (passages retrieved)")
    ax.set_ylabel("recall@k (any expected passage in top k)")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    ax.set_title("Retrieval recall@k on the gold set")
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path


def plot_latency_by_stage(latency: Mapping[str, Mapping[str, float | None]], path: Path) -> Path:
    """Horizontal bars of p50 per pipeline stage, with p95 marked."""
    names = [n for n, v in latency.items() if v.get("p50") is not None]
    p50 = [float(latency[n]["p50"] or 0.0) for n in names]
    p95 = [float(latency[n]["p95"] or 0.0) for n in names]
    fig = _figure(6.4, 0.45 * max(len(names), 1) + 1.6)
    ax = fig.add_subplot()
    y = list(range(len(names)))
    ax.barh(y, p50, color="#4c78a8", label="p50")
    ax.scatter(p95, y, color="#e45756", marker="|", s=200, label="p95", zorder=3)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("milliseconds")
    positive = [v for v in p50 + p95 if v > 0]
    if positive and max(positive) / min(positive) > 200:
        ax.set_xscale("log")  # embedding dwarfs fusion by orders of magnitude; a linear axis hides the small stages
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right")
    ax.set_title("Latency by stage (ask, warm)")
    fig.tight_layout()
    fig.savefig(path, format="png")
    return path
