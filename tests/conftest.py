"""Shared fixtures: an isolated home per test, a small test corpus, a fake embedder, the real assistant."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
CORPUS = ROOT / "corpus"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own CD38_GUIDE_HOME so nothing touches ~/.cache."""
    home = tmp_path / "home"
    monkeypatch.setenv("CD38_GUIDE_HOME", str(home))
    monkeypatch.delenv("CD38_GUIDE_CORPUS_DIRS", raising=False)
    return home


@pytest.fixture
def test_corpus_dir(tmp_path: Path) -> Path:
    """A writable copy of the small test corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(DATA / "corpus", target)
    return target


@pytest.fixture
def fake_settings(tmp_path: Path, test_corpus_dir: Path):
    from cd38_guide.config import AnswerSettings, Settings

    # The hashing embedder's cosines run lower than MiniLM's, so its abstention threshold is lower too.
    return Settings(home=tmp_path / "home", corpus_dirs=[test_corpus_dir], answer=AnswerSettings(abstain_threshold=0.2))


@pytest.fixture
def fake_embedder():
    from cd38_guide.index.embedder import HashingEmbedder

    return HashingEmbedder()


@pytest.fixture
def fake_assistant(fake_settings, fake_embedder):
    """An Assistant over the test corpus with the hashing embedder: fast, deterministic."""
    from cd38_guide.assistant import Assistant

    return Assistant(fake_settings, embedder=fake_embedder)


@pytest.fixture(scope="session")
def real_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("real-home")


@pytest.fixture(scope="session")
def real_assistant(real_home: Path):
    """The real thing: bundled MiniLM, the project corpus, a real FAISS/BM25 index (built once per session)."""
    from cd38_guide.assistant import Assistant
    from cd38_guide.config import Settings

    return Assistant(Settings(home=real_home, corpus_dirs=[CORPUS])).warm()
