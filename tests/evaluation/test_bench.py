"""The benchmark's structure and parts; no test asserts a duration (the benchmark prints figures)."""

from __future__ import annotations

import argparse
import json
import os

import numpy as np
import pytest

from cd38_guide.config import IndexSettings, RetrievalSettings, Settings
from cd38_guide.errors import InputError
from cd38_guide.evaluation import bench, scale

BENCH_KEYS = {
    "query_p50_ms",
    "query_p95_ms",
    "llamaindex_query_p50_ms",
    "encoder_p50_ms",
    "retrieve_p50_ms",
    "retrieve_vs_llamaindex",
    "index_build_s",
    "incremental_build_s",
    "cold_ask_s",
    "cold_ask_cpu_s",
    "cold_check_s",
    "app_first_answer_s",
    "serve_rss_mb",
    "peak_rss_mb",
    "scale",
}
SCALE_KEYS = {"chunks", "build_s", "query_p50_ms", "recall_at_10", "rss_mb"}


def cli(argv: list[str]) -> int:
    from cd38_guide.evaluation.cli import register

    parser = argparse.ArgumentParser(prog="cd38-guide")
    register(parser.add_subparsers(dest="command", required=True), argparse.ArgumentParser(add_help=False))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_parse_scales():
    assert bench.parse_scales("10000,100000") == (10_000, 100_000)
    assert bench.parse_scales(" 2000 , 100_000 ") == (2000, 100_000)
    assert bench.parse_scales("") == ()
    for bad in ("ten", "-5", "1.5", "10"):
        with pytest.raises(InputError, match="--scale"):
            bench.parse_scales(bad)


def test_bench_cli_refuses_a_bad_scale_before_doing_any_work(tmp_path):
    with pytest.raises(InputError, match="--scale"):
        cli(["bench", "--scale", "lots", "--out", str(tmp_path)])
    assert not (tmp_path / "bench.json").exists()


def test_settings_env_reproduces_the_settings_in_a_child(monkeypatch, tmp_path):
    s = Settings(
        home=tmp_path / "h", corpus_dirs=[tmp_path / "c"], index=IndexSettings(flat_max_chunks=123, hnsw_ef_search=77)
    )
    for key, value in bench.settings_env(s).items():
        monkeypatch.setenv(key, value)
    assert Settings() == s


def test_synthetic_chunks_are_deterministic_unit_vectors():
    v1, t1 = scale.synthetic_chunks(50, np.random.default_rng(1))
    v2, t2 = scale.synthetic_chunks(50, np.random.default_rng(1))
    assert np.array_equal(v1, v2) and t1 == t2
    assert v1.shape == (50, 384) and np.allclose(np.linalg.norm(v1, axis=1), 1.0, atol=1e-5)
    assert all(40 <= len(t.split()) <= 120 for t in t1)


def test_scale_point_flat_is_exact_and_hnsw_is_measured():
    retrieval = RetrievalSettings()
    flat = scale.scale_point(300, IndexSettings(), retrieval, n_queries=30)
    assert SCALE_KEYS <= set(flat) and flat["index_kind"] == "flat"
    assert flat["recall_at_10"] == 1.0  # exact search agrees with itself: the recall computation is wired right
    hnsw = scale.scale_point(
        300, IndexSettings(flat_max_chunks=100, hnsw_m=4, hnsw_ef_search=8), retrieval, n_queries=30
    )
    assert hnsw["index_kind"] == "hnsw" and 0.0 < hnsw["recall_at_10"] <= 1.0
    efs = [row["ef_search"] for row in hnsw["ef_search_sweep"]]
    assert efs == sorted(efs) and 8 in efs
    # A wider beam never finds fewer true neighbours on the same graph.
    recalls = [row["recall_at_10"] for row in hnsw["ef_search_sweep"]]
    assert recalls[-1] >= recalls[0]


def test_scale_point_on_perturbed_real_vectors_with_real_queries():
    rng = np.random.default_rng(3)
    base = rng.standard_normal((40, 384)).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    copies = scale.perturbed_copies(base, 500, rng)
    assert copies.shape == (500, 384) and np.allclose(np.linalg.norm(copies, axis=1), 1.0, atol=1e-5)
    best = (copies @ base.T).max(axis=1)
    assert 0.7 < float(np.median(best)) < 0.9  # each copy stays near its source (cosine ~0.8), not on top of it
    queries = base[:7]
    point = scale.scale_point(
        500, IndexSettings(), RetrievalSettings(), n_queries=20, base_vectors=base, query_vectors=queries
    )
    assert point["vectors"] == "perturbed copies of real embeddings" and point["queries"] == "real gold questions"
    assert point["recall_at_10"] == 1.0 and point["index_kind"] == "flat"


def test_edit_one_passage_changes_exactly_one_passage(test_corpus_dir):
    from cd38_guide.corpus import load_corpus

    before = load_corpus([test_corpus_dir])
    pid = bench.edit_one_passage(before)
    after = load_corpus([test_corpus_dir])
    assert bench.BENCH_SENTENCE in after.passages[pid].text
    changed = [p for p in after.passages if after.passages[p].text != before.passages[p].text]
    assert changed == [pid]


@pytest.mark.slow
def test_bench_cli_tiny_scale(monkeypatch, tmp_path, test_corpus_dir, capsys):
    monkeypatch.chdir(tmp_path)  # no eval/gold.jsonl here: the fixed question list is used
    monkeypatch.setenv("CD38_GUIDE_CORPUS_DIRS", json.dumps([str(test_corpus_dir)]))
    monkeypatch.setenv("CD38_GUIDE_INDEX__FLAT_MAX_CHUNKS", "1000")  # so 2,000 chunks exercise HNSW
    home = os.environ["CD38_GUIDE_HOME"]
    out = tmp_path / "latest"
    assert cli(["bench", "--scale", "2000", "--out", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert json.loads((out / "bench.json").read_text()) == result
    assert BENCH_KEYS <= set(result)
    for key in BENCH_KEYS - {"scale"}:
        assert isinstance(result[key], float) and result[key] > 0, key
    assert result["cold_ask_rebuilt"] is False  # the cold ask timed a query, not an index build
    # Only the changed passage's chunk and its new sentence were embedded again.
    assert 1 <= result["incremental_embedded"] <= 3 < result["index_embedded"]
    assert [s["chunks"] for s in result["scale"]] == [2000]
    point = result["scale"][0]
    assert SCALE_KEYS <= set(point) and point["index_kind"] == "hnsw" and 0 < point["recall_at_10"] <= 1
    assert not os.path.exists(os.path.join(home, "current"))  # the user's home was never used
    from cd38_guide.evaluation.render import bench_summary

    text = bench_summary(result)  # what `bench` without --json prints
    assert result["encoder_p50_ms"] < result["query_p50_ms"] and result["retrieve_p50_ms"] < result["query_p50_ms"]
    assert "warm ask p50" in text and "llama-index" in text and "hybrid retrieval alone" in text
    assert "not run" in text  # no 100k point in this run
