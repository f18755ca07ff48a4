"""The ONNX encoder: same vectors as sentence-transformers (the reference), refused when missing or altered."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cd38_guide.cli import main
from cd38_guide.config import ModelSettings
from cd38_guide.corpus import load_corpus
from cd38_guide.errors import IndexStateError, ModelError
from cd38_guide.index.embedder import HashingEmbedder, file_sha256
from cd38_guide.index.onnx_embedder import (
    EXPORT_COMMAND,
    MAX_SEQ_LENGTH,
    OnnxEmbedder,
    OnnxSidecar,
    onnx_path,
    sidecar_path,
    verify_onnx,
)
from cd38_guide.index.store import build_index, open_index

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def exported() -> Path:
    """The installed export (``make install`` writes it); exported here when a checkout has not run it yet."""
    from cd38_guide.index.export_onnx import export

    return export(ModelSettings())


def _fake_export(tmp_path: Path, content: bytes = b"not a real model", **overrides) -> Path:
    path = tmp_path / "model.onnx"
    path.write_bytes(content)
    fields = {
        "onnx_sha256": file_sha256(path),
        "weights_sha256": ModelSettings().sha256,
        "model_id": ModelSettings().model_id,
        "opset": 17,
        "max_seq_length": MAX_SEQ_LENGTH,
        "exporter": {"torch": "test"},
    }
    fields.update(overrides)
    sidecar_path(path).write_text(OnnxSidecar(**fields).model_dump_json())
    return path


def test_default_path_is_in_the_environment_and_names_the_weights():
    path = onnx_path(ModelSettings())
    assert path.suffix == ".onnx" and ModelSettings().sha256[:12] in path.name
    assert onnx_path(ModelSettings(onnx_path=Path("/x/y.onnx"))) == Path("/x/y.onnx")


def test_missing_file_is_refused_naming_the_command(tmp_path: Path):
    with pytest.raises(ModelError, match="missing") as err:
        OnnxEmbedder(ModelSettings(onnx_path=tmp_path / "absent.onnx"))
    assert EXPORT_COMMAND in str(err.value)


def test_altered_file_is_refused(tmp_path: Path):
    path = _fake_export(tmp_path)
    assert verify_onnx(path, ModelSettings()).onnx_sha256 == file_sha256(path)
    path.write_bytes(b"not a real model, changed")
    with pytest.raises(ModelError, match="truncated or replaced") as err:
        verify_onnx(path, ModelSettings())
    assert f"{EXPORT_COMMAND} --force" in str(err.value)


def test_export_of_other_weights_or_settings_is_refused(tmp_path: Path):
    path = _fake_export(tmp_path, weights_sha256="1" * 64)
    with pytest.raises(ModelError, match="exported from weights"):
        verify_onnx(path, ModelSettings())
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(ModelError, match="opset"):
        verify_onnx(_fake_export(other, max_seq_length=128), ModelSettings())


def test_an_export_from_before_the_fusion_still_embeds_but_install_redoes_it(tmp_path: Path):
    """An unfused file (older install) verifies and is used; ``make install`` (export) replaces it."""
    from cd38_guide.index.export_onnx import _valid

    path = _fake_export(tmp_path)
    assert verify_onnx(path, ModelSettings()).fused_operators == {}
    assert not _valid(path, ModelSettings())
    fused = tmp_path / "fused"
    fused.mkdir()
    assert _valid(_fake_export(fused, fused_operators={"Attention": 6}), ModelSettings())


def test_missing_sidecar_is_refused(tmp_path: Path):
    path = _fake_export(tmp_path)
    sidecar_path(path).unlink()
    with pytest.raises(ModelError, match=EXPORT_COMMAND.replace(".", r"\.")):
        verify_onnx(path, ModelSettings())


def test_cli_prints_one_line_and_exits_2(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("CD38_GUIDE_MODEL__ONNX_PATH", str(tmp_path / "absent.onnx"))
    assert main(["ask", "What is the washout before rechallenge?"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and EXPORT_COMMAND in err[0]


class _OnnxLike(HashingEmbedder):
    """A hashing embedder that says which ONNX export it is, as OnnxEmbedder does."""

    def __init__(self, onnx_sha256: str) -> None:
        super().__init__()
        self.onnx_sha256 = onnx_sha256


def test_manifest_records_the_onnx_export_and_another_export_is_stale(fake_settings):
    corpus = load_corpus(fake_settings.all_corpus_dirs)
    manifest = build_index(corpus, _OnnxLike("a" * 64), fake_settings)
    assert manifest.onnx_sha256 == "a" * 64 and manifest.weights_sha256 == HashingEmbedder.weights_sha256
    assert open_index(corpus, _OnnxLike("a" * 64), fake_settings).manifest.build_id == manifest.build_id
    with pytest.raises(IndexStateError, match="stale"):
        open_index(corpus, _OnnxLike("b" * 64), fake_settings)
    with pytest.raises(IndexStateError, match="stale"):  # nor is a torch-built index read through ONNX, or back
        open_index(corpus, HashingEmbedder(), fake_settings)


# ---------------------------------------------------------------- the real model


def _texts() -> list[str]:
    """>= 50 texts: gold questions in English and Chinese, passages past 256 word pieces, and edge cases."""
    gold = [json.loads(line) for line in (ROOT / "eval" / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    en = [g["question"] for g in gold if g["language"] == "en"][::10][:22]
    zh = [g["question"] for g in gold if g["language"] == "zh"][:16]
    corpus = load_corpus([ROOT / "corpus"])
    passages = sorted(corpus.passages.values(), key=lambda p: -len(p.text))
    en_texts = [p.text for p in passages if p.language == "en"]
    zh_texts = [p.text for p in passages if p.language == "zh"]
    single = en_texts[:4] + zh_texts[:2]  # the longest passages, as they are
    # Past 256 word pieces (corpus passages are shorter): three passages run together, and repeated Chinese.
    joined = [" ".join(en_texts[i : i + 3]) for i in range(0, 18, 3)] + [" ".join(zh_texts[:3]), "抗CD38单抗" * 120]
    edge = ["", "   ", "a", "DRd vs D-Rd: t(4;14), del(17p), 1q21+", "  leading and trailing spaces  "]
    return en + zh + single + joined + edge


@pytest.mark.slow
def test_vectors_match_sentence_transformers(exported: Path):
    """The reference is sentence-transformers; cosine >= 0.999 per text (observed: 1 - 1e-6), batched and alone."""
    from cd38_guide.index.embedder import MiniLMEmbedder

    texts = _texts()
    assert len(texts) >= 50
    onnx, reference = OnnxEmbedder(path=exported), MiniLMEmbedder()
    assert sum(onnx.count_tokens(t) > MAX_SEQ_LENGTH for t in texts) >= 5, "truncation must be exercised"
    assert any("\u4e00" <= c <= "\u9fff" for t in texts for c in t)
    ref = reference.embed(texts)
    batched = onnx.embed(texts)  # padded to the longest text of each batch
    alone = np.stack([onnx.embed([t])[0] for t in texts])  # no padding at all
    for got in (batched, alone):
        assert got.shape == ref.shape and got.dtype == np.float32
        cos = (got * ref).sum(axis=1)
        assert cos.min() >= 0.999, [(texts[i][:40], float(cos[i])) for i in np.argsort(cos)[:3]]
        assert np.abs(np.linalg.norm(got, axis=1) - 1).max() < 1e-5
    # Truncation: words after the 256th word piece change nothing, as in sentence-transformers.
    long = max((t for t in texts if t.isascii()), key=onnx.count_tokens)
    assert np.allclose(onnx.embed([long])[0], onnx.embed([long + " pizza recipe"])[0], atol=1e-6)


@pytest.mark.slow
def test_export_is_complete_and_reproducible(exported: Path, tmp_path: Path):
    """A second export from the same weights gives a file that verifies and embeds identically."""
    from cd38_guide.index.export_onnx import export

    again = export(ModelSettings(), tmp_path / "again.onnx")
    sidecar = verify_onnx(again, ModelSettings())
    assert sidecar.onnx_sha256 == file_sha256(again) and sidecar.weights_sha256 == ModelSettings().sha256
    # Every encoder layer's attention is one fused kernel (what makes a question's pass short), and it is recorded.
    assert sidecar.fused_operators.get("Attention") == 6 and sidecar.fused_operators.get("SkipLayerNormalization")
    texts = ["washout before rechallenge", "达雷妥尤单抗输注反应如何预防？"]
    assert np.allclose(OnnxEmbedder(path=again).embed(texts), OnnxEmbedder(path=exported).embed(texts), atol=1e-6)
    before = again.stat().st_mtime_ns
    assert export(ModelSettings(), again) == again and again.stat().st_mtime_ns == before  # valid: left alone
