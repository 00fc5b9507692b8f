"""Markdown parsing: time to the first chunk (the first screen) and to the whole document.

Builds a document of about SIZE bytes from the corpus's `.md` files (front matter removed) and
reports medians of N runs for: the first chunk of `iter_markdown_blocks`, all of
`parse_markdown`, and plain markdown-it on the whole source for comparison.

    python benchmarks/bench_markdown_parse.py [CORPUS_DIR] [--size 1000000] [-n 5]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from markdown_it import MarkdownIt

from reader.core.loaders.markdown_doc import iter_markdown_blocks, parse_markdown

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "articles"
FRONT_MATTER = re.compile(r"\A(?:---\n.*?\n---|\+\+\+\n.*?\n\+\+\+)[ \t]*(?:\n|\Z)", re.DOTALL)


def build_source(corpus: Path, size: int) -> str:
    """Concatenate the corpus's Markdown articles until the text reaches `size` UTF-8 bytes."""
    texts = [
        FRONT_MATTER.sub("", path.read_text(encoding="utf-8", errors="replace"))
        for path in sorted(corpus.rglob("*.md"))
    ]
    if not texts:
        raise SystemExit(f"no .md files under {corpus}")
    parts: list[str] = []
    total = 0
    while total < size:
        text = texts[len(parts) % len(texts)]
        parts.append(text)
        total += len(text.encode()) + 2
    return "\n\n".join(parts)


def timed(action: Callable[[], object], runs: int) -> float:
    """Median seconds of `runs` calls of `action`."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("-n", type=int, default=5)
    args = parser.parse_args()
    source = build_source(args.corpus, args.size)
    doc = parse_markdown(source)
    chunks = list(iter_markdown_blocks(source))
    print(
        f"source: {len(source.encode()):,} bytes, {len(doc.blocks):,} blocks, {len(chunks)} chunks"
    )
    first = timed(lambda: next(iter_markdown_blocks(source)), args.n)
    whole = timed(lambda: parse_markdown(source), args.n)
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    plain = timed(lambda: md.parse(source), args.n)
    print(f"first chunk: {first * 1000:7.1f} ms ({len(chunks[0])} blocks)")
    print(f"whole:       {whole * 1000:7.1f} ms")
    print(f"markdown-it: {plain * 1000:7.1f} ms (tokens only, one piece)")


if __name__ == "__main__":
    main()
