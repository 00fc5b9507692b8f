"""Saved-page extraction: cost per HTML page, today's reader against the old pipeline.

For every `.html`/`.htm` file under CORPUS, times (median of N runs) the whole loader
(`reader.core.loaders.load_bytes`: parse, tidy, trafilatura, readability, the `<main>` element,
coverage, title) and, as the baseline measured in the same run, the pipeline reader had before
issue 11: one lxml parse, `trafilatura.extract(output_format="markdown")` and the Markdown block
parser. Prints per-page medians for the slowest pages, the total, and the ratio.

    python benchmarks/bench_extract.py [CORPUS_DIR] [-n 3] [--top 10]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from lxml import html as lxml_html

from reader.core.loaders import load_bytes
from reader.core.loaders.markdown_doc import iter_markdown_blocks

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "articles"


def old_pipeline(name: str, data: bytes) -> int:
    """What reader did before: trafilatura's Markdown, parsed as Markdown."""
    import trafilatura

    text = data.decode("utf-8", "replace")
    tree = lxml_html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*>", "", text, count=1))
    markdown = trafilatura.extract(
        tree,
        output_format="markdown",
        include_formatting=True,
        include_links=True,
        include_images=True,
        include_tables=True,
        include_comments=False,
    )
    return sum(len(chunk) for chunk in iter_markdown_blocks(markdown or ""))


def new_pipeline(name: str, data: bytes) -> int:
    article = load_bytes(name, data)
    return len(getattr(article, "document", None).blocks) if hasattr(article, "document") else 0


def median_ms(function: Callable[[str, bytes], int], name: str, data: bytes, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function(name, data)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("-n", "--runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=10, help="slowest pages to list")
    args = parser.parse_args()
    pages = sorted(p for p in args.corpus.rglob("*") if p.suffix.lower() in (".html", ".htm"))
    if not pages:
        raise SystemExit(f"no saved pages under {args.corpus}")
    import logging

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    old_pipeline("warm.html", b"<html><body><p>warm up the imports</p></body></html>")
    new_pipeline("warm.html", b"<html><body><p>warm up the imports</p></body></html>")
    rows = []
    for page in pages:
        data = page.read_bytes()
        old = median_ms(old_pipeline, page.name, data, args.runs)
        new = median_ms(new_pipeline, page.name, data, args.runs)
        rows.append((new, old, len(data), page.relative_to(args.corpus)))
    print(f"{len(pages)} saved pages, median of {args.runs} runs each (ms)\n")
    print(f"{'reader':>8} {'before':>8} {'ratio':>6} {'KB':>6}  page")
    for new, old, size, name in sorted(rows, reverse=True)[: args.top]:
        print(f"{new:8.1f} {old:8.1f} {new / old:6.2f} {size / 1024:6.0f}  {name}")
    new_total = sum(r[0] for r in rows)
    old_total = sum(r[1] for r in rows)
    print(
        f"\nper page: median {statistics.median(r[0] for r in rows):.1f} ms (before "
        f"{statistics.median(r[1] for r in rows):.1f} ms)"
    )
    print(
        f"all pages: {new_total / 1000:.2f} s (before {old_total / 1000:.2f} s), "
        f"ratio {new_total / old_total:.2f}"
    )


if __name__ == "__main__":
    main()
