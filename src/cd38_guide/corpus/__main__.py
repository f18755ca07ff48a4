"""``python -m cd38_guide.corpus [DIR ...]``: validate corpus folders and print a short summary."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from cd38_guide.corpus import load_corpus
from cd38_guide.errors import CorpusError


def main(argv: list[str] | None = None) -> int:
    dirs = [Path(a) for a in (argv if argv is not None else sys.argv[1:])] or [Path("corpus")]
    try:
        corpus = load_corpus(dirs)
    except CorpusError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    passages = list(corpus.passages.values())
    words = [len(p.text.split()) for p in passages if p.language == "en"]
    topics = Counter(t for p in passages for t in p.topics)
    print(f"{len(corpus.documents)} documents, {len(passages)} passages, {len(corpus.glossary)} glossary rows")
    if words:
        print(f"English passage words: min {min(words)}, max {max(words)}, mean {sum(words) / len(words):.0f}")
    print("topics: " + ", ".join(f"{t} {n}" for t, n in sorted(topics.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
