"""Security basics: loopback by default, no public bind without login, no pickle/eval of anything a user supplies,
index files parsed only after their manifest hashes match, and hostile JSON refused without a traceback."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from cd38_guide.cli import main
from cd38_guide.corpus import load_corpus
from cd38_guide.errors import IndexStateError
from cd38_guide.index import store
from cd38_guide.index.lexical import LexicalIndex
from cd38_guide.index.store import build_index, open_index

SRC = Path(__file__).resolve().parents[2] / "src"

# ------------------------------------------------------------------ serving


class _Reached(Exception):
    """Raised from Assistant.open: proves serve() got past its host/login guard."""


@pytest.fixture
def no_login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CD38_GUIDE_USER", raising=False)
    monkeypatch.delenv("CD38_GUIDE_PASSWORD", raising=False)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "ward-pc.example"])
def test_public_host_without_login_exits_2_without_traceback(no_login, capsys, host: str) -> None:
    assert main(["serve", "--host", host, "--port", "1"]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"error: refusing to serve on {host} without login: "
        "set CD38_GUIDE_USER and CD38_GUIDE_PASSWORD, or pass --insecure\n"
    )
    assert captured.out == ""


def test_user_without_password_is_still_refused(no_login, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CD38_GUIDE_USER", "ward")
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    assert "refusing to serve" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        (["serve", "--host", "0.0.0.0", "--insecure"], {}),
        (["serve", "--host", "0.0.0.0"], {"CD38_GUIDE_USER": "ward", "CD38_GUIDE_PASSWORD": "s3cret"}),
        (["serve"], {}),
    ],
)
def test_insecure_flag_credentials_or_loopback_pass_the_guard(no_login, monkeypatch, argv, env) -> None:
    from cd38_guide.assistant import Assistant

    for k, v in env.items():
        monkeypatch.setenv(k, v)

    def reached(self):
        raise _Reached

    monkeypatch.setattr(Assistant, "open", reached)
    with pytest.raises(_Reached):
        main(argv)


def test_default_host_is_loopback() -> None:
    from cd38_guide.cli import build_parser

    assert build_parser().parse_args(["serve"]).host == "127.0.0.1"


# ------------------------------------------------------------------ no pickle / eval / exec

UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib", "marshal", "shelve"}
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__"}
SAFE_YAML_LOADERS = {"SafeLoader", "CSafeLoader"}
TEXT_PATTERNS = [
    re.compile(r"allow_pickle\s*=\s*True"),
    re.compile(r"\byaml\.(load|unsafe_load|full_load|load_all)\s*\("),
    re.compile(r"(?<![\w.])(eval|exec)\s*\("),
    re.compile(r"^\s*(import|from)\s+(c?pickle|dill|marshal|shelve)\b", re.M),
    re.compile(r"\btorch\.load\s*\("),
    re.compile(r"shell\s*=\s*True"),
]


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "?"


def unsafe_uses(source: str, name: str) -> list[str]:
    """Every unsafe deserialisation or dynamic-code construct in ``source`` (AST, so strings/comments don't count),
    plus the plain-text patterns (which do, so that even a commented-out ``yaml.load(`` is looked at)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, name)):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            found += [f"{where} import {a.name}" for a in node.names if a.name.split(".")[0] in UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in UNSAFE_MODULES:
            found.append(f"{where} from {node.module} import")
        elif isinstance(node, ast.Call):
            func = _dotted(node.func)
            if func in UNSAFE_CALLS or func.endswith(("builtins.eval", "builtins.exec")):
                found.append(f"{where} {func}()")
            if func in ("yaml.load", "yaml.load_all", "yaml.unsafe_load", "yaml.full_load"):
                loader = next((k.value for k in node.keywords if k.arg == "Loader"), None)
                if loader is None or _dotted(loader).split(".")[-1] not in SAFE_YAML_LOADERS:
                    found.append(f"{where} {func}() without SafeLoader")
            if func.endswith("torch.load"):
                found.append(f"{where} torch.load()")
            for kw in node.keywords:
                if kw.arg == "allow_pickle" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                    found.append(f"{where} allow_pickle={ast.unparse(kw.value)}")
            if func in ("np.load", "numpy.load") and not any(k.arg == "allow_pickle" for k in node.keywords):
                found.append(f"{where} {func}() without allow_pickle=False")
    for pattern in TEXT_PATTERNS:
        for m in pattern.finditer(source):
            found.append(f"{name}:{source.count(chr(10), 0, m.start()) + 1} text {m.group(0).strip()!r}")
    return found


def test_the_scanner_finds_each_unsafe_construct() -> None:
    bad = """
import pickle
from marshal import loads
import yaml, numpy as np
data = yaml.load(open("x"))
ok = yaml.load(open("x"), Loader=yaml.SafeLoader)
eval("1+1")
exec("x = 1")
np.load("a.npy")
np.load("a.npy", allow_pickle=True)
bm25s.BM25.load("d", allow_pickle=flag)
torch.load("w.pt")
subprocess.run("ls", shell=True)
"""
    text = "\n".join(unsafe_uses(bad, "bad.py"))
    for expected in (
        "bad.py:2 import pickle",
        "bad.py:3 from marshal",
        "bad.py:5 yaml.load() without SafeLoader",
        "bad.py:7 eval()",
        "bad.py:8 exec()",
        "bad.py:9 np.load() without allow_pickle=False",
        "bad.py:10 allow_pickle=True",
        "bad.py:11 allow_pickle=flag",
        "bad.py:12 torch.load()",
        "bad.py:13 text 'shell=True'",
    ):
        assert expected in text, expected
    assert "bad.py:6 yaml.load()" not in text
    safe = "model.eval()\nevaluate(x)\nspec.loader.exec_module(m)\nnp.load(p, allow_pickle=False)\nyaml.safe_load(t)\n"
    safe += '# uses no pickle\nx = "pickle-free"\n'
    assert unsafe_uses(safe, "safe.py") == []


def test_source_has_no_pickle_eval_exec_or_unsafe_yaml() -> None:
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 20
    found = [hit for f in files for hit in unsafe_uses(f.read_text(encoding="utf-8"), str(f.relative_to(SRC)))]
    assert found == []


# ------------------------------------------------------------------ index files parsed only after their hashes match


@pytest.fixture
def load_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record, in order, the hash check and every parser open_index would run on the index files."""
    calls: list[str] = []
    real_verify, real_vectors, real_lexical = store.verify_files, store.load_vector_index, LexicalIndex.load

    def verify(*a, **kw):
        calls.append("verify")
        return real_verify(*a, **kw)

    def vectors(*a, **kw):
        calls.append("faiss")
        return real_vectors(*a, **kw)

    def lexical(cls, *a, **kw):
        calls.append("bm25")
        return real_lexical.__func__(cls, *a, **kw)

    monkeypatch.setattr(store, "verify_files", verify)
    monkeypatch.setattr(store, "load_vector_index", vectors)
    monkeypatch.setattr(LexicalIndex, "load", classmethod(lexical))
    return calls


@pytest.mark.parametrize("target", ["bm25/data.csc.index.npy", "bm25/vocab.index.json", "vectors.faiss"])
def test_damaged_index_files_are_never_parsed(fake_settings, fake_embedder, load_calls, target: str) -> None:
    corpus = load_corpus(fake_settings.all_corpus_dirs)
    build_index(corpus, fake_embedder, fake_settings)
    open_index(corpus, fake_embedder, fake_settings)
    assert load_calls == ["verify", "faiss", "bm25"], "control: the recorders see a normal load"
    load_calls.clear()
    path = fake_settings.home / "current" / target
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit: same size, same format, different content
    path.write_bytes(bytes(data))
    with pytest.raises(IndexStateError, match="does not match its manifest hash"):
        open_index(corpus, fake_embedder, fake_settings)
    assert load_calls == ["verify"], "neither FAISS nor bm25s may read a file whose hash does not match"


# ------------------------------------------------------------------ hostile JSON

DEEP = "[" * 100_000  # 100 kB: well under the 1 MB limit, but deeper than Python's recursion limit


def test_deeply_nested_patient_json_exits_2(tmp_path: Path, capsys) -> None:
    path = tmp_path / "deep.json"
    path.write_text(DEEP)
    assert main(["check", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_deeply_nested_batch_line_is_a_line_error(tmp_path: Path, capsys) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_text(json.dumps({"id": "a", "question": ""}) + "\n" + DEEP + "\n")
    assert main(["ask", "--batch", str(batch)]) == 2
