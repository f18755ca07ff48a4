"""Section-aware chunking: each chunk is a run of whole sentences from ONE passage, sized for the embedder.

llama-index's SentenceSplitter does the sizing and overlap with the embedder's own tokenizer; its spans are
then snapped to the passage's sentence boundaries so highlighting and verbatim checks stay exact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import pairwise

from cd38_guide.config import ChunkingSettings
from cd38_guide.types import Chunk, Passage, Sentence


def embed_prefix(passage: Passage) -> str:
    """Title and heading, prepended to every chunk so a chunk carries its context into the vector."""
    return f"{passage.title}. {passage.heading}."


def _truncate(text: str, count: Callable[[str], int], limit: int) -> str:
    if limit <= 0:
        return ""
    words = text.split()
    while words and count(" ".join(words)) > limit:
        words.pop()
    return " ".join(words)


def _with_sentence_overlap(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Make consecutive chunks share at least their boundary sentence.

    The splitter's token overlap is dropped when a sentence is longer than the overlap; snapping to whole
    sentences would then lose it, so the last sentence of each chunk is repeated at the start of the next.
    """
    out = spans[:1]
    for first, last in spans[1:]:
        prev_first, prev_last = out[-1]
        if first > prev_last and prev_last > prev_first:
            first = prev_last
        out.append((first, max(first, last)))
    return out


def _sentence_pieces(passage: Passage, sentences: tuple[Sentence, ...]) -> Callable[[str], list[str]]:
    """The splitter's sentence step, cut at the passage's own sentence starts.

    Its default, nltk's punkt, costs a 3 s import on every cold build and gives the same chunks here, since the
    spans are snapped to these sentences anyway (checked on the whole corpus).
    """
    starts = [s.start for s in sentences]

    def split(text: str) -> list[str]:
        at = passage.text.find(text)
        if at < 0:
            return [text]
        cuts = [0, *(p - at for p in starts if at < p < at + len(text)), len(text)]
        return [text[a:b] for a, b in pairwise(cuts) if b > a]

    return split


def chunk_passage(passage: Passage, count_tokens: Callable[[str], int], settings: ChunkingSettings) -> list[Chunk]:
    """Split one passage into chunks of whole sentences with overlap; ids are ``<passage id>#<ordinal>``."""
    from llama_index.core.node_parser import SentenceSplitter

    prefix = _truncate(embed_prefix(passage), count_tokens, settings.prefix_tokens)
    sentences = passage.sentences or (Sentence(start=0, end=len(passage.text)),)
    if count_tokens(passage.text) <= settings.chunk_tokens:
        spans = [(0, len(sentences) - 1)]
    else:
        splitter = SentenceSplitter(
            chunk_size=settings.chunk_tokens,
            chunk_overlap=min(settings.overlap_tokens, settings.chunk_tokens // 2),
            tokenizer=lambda s: [0] * count_tokens(s),
            paragraph_separator="\n\n",
            chunking_tokenizer_fn=_sentence_pieces(passage, sentences),
        )
        spans = []
        cursor = 0
        for piece in splitter.split_text(passage.text):
            at = passage.text.find(piece[:40], max(0, cursor - len(piece)))
            if at < 0:
                at = cursor
            end = at + len(piece)
            first = next((i for i, s in enumerate(sentences) if s.end > at), len(sentences) - 1)
            last = max(first, max((i for i, s in enumerate(sentences) if s.start < end), default=first))
            if not spans or spans[-1] != (first, last):
                spans.append((first, last))
            cursor = at + 1
        spans = _with_sentence_overlap(spans)
    chunks = []
    for ordinal, (first, last) in enumerate(spans):
        start, end = sentences[first].start, sentences[last].end
        text = passage.text[start:end]
        chunks.append(
            Chunk(
                id=f"{passage.id}#{ordinal}",
                passage_id=passage.id,
                ordinal=ordinal,
                start=start,
                end=end,
                text=text,
                embed_text=f"{prefix} {text}".strip(),
                sentences=tuple(sentences[first : last + 1]),
            )
        )
    return chunks


def chunk_passages(
    passages: Iterable[Passage], count_tokens: Callable[[str], int], settings: ChunkingSettings
) -> list[Chunk]:
    """Chunk every passage, in corpus order."""
    return [c for p in passages for c in chunk_passage(p, count_tokens, settings)]
