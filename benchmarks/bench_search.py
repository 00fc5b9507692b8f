"""Search on a make_large library: ranked top 50 with snippets, against ripgrep, in one run.

Run from the repository root (ripgrep is the baseline: `apt-get install -y ripgrep`):

    PYTHONPATH=. .venv/bin/python benchmarks/bench_search.py [--library /work/large/lib100k]
        [--store /tmp/bench100k] [--runs 20] [--rg-runs 3] [--follow-scan] [--scoped]

- index build: the search index rebuilt from an indexed reader database (`--store`, copied to
  a temporary directory first, so it is never written); its size on disk; a warm start
  (open + sync with nothing changed), which must not rebuild.
- `--follow-scan`: a cold `reader index` of `--library` into an empty data directory with the
  search index following the scan (an `IndexFollower` as the scanner's `on_change`): the scan's
  wall time, and how long the index took to catch up after it; and, first, the same scan
  without a search index, for comparison.
- queries: `SearchIndex.search(query, limit=50)` including snippets and hit spans, median and
  p95 over `--runs` runs after one warm-up run, for a common word, mid-frequency words, two
  words, phrases (of rarer and of frequent words), prefixes, and every prefix of a word as it
  is typed (`typing=True`, as the search box runs them). Baseline: `rg -l -i` over the same
  files (median of `--rg-runs`): a word as `\\bword`, a prefix as `\\bprefix`, a phrase
  with `-F`, two words as the files with the first piped into a second rg for the other
  (`-0 | xargs -0`). `--scoped`: each search limited to `--library`, as the app limits
  it to the open roots.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from reader.core.library import scan
from reader.core.search import IndexFollower, SearchIndex
from reader.core.search.directory import INDEX_DIR
from reader.core.store import Store

MAX_BYTES = 8 * 1024 * 1024
QUERIES = [
    ("common word", "the"),
    ("common word", "and"),
    ("mid-frequency", "kernel"),
    ("mid-frequency", "segment"),
    ("two words", "rust survey"),
    ("two words", "async trait"),
    ("phrase", '"open source"'),
    ("phrase", '"the compiler"'),
    ("phrase, frequent", '"the code"'),
    ("phrase, frequent", '"to use"'),
    ("prefix", "comput*"),
    ("prefix", "surv*"),
]
TYPED = ("survey", "network")


def timings(action: Callable[[], object], runs: int) -> list[float]:
    action()  # warm-up
    result = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        result.append(time.perf_counter() - start)
    return result


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def rg_command(query: str, library: Path) -> str:
    words = query.strip('"*').split()
    if query.startswith('"'):
        return f"rg -l -i -F '{query.strip(chr(34))}' {library} | wc -l"
    if len(words) == 2:
        first, second = words
        return f"rg -l -i -0 '\\b{first}' {library} | xargs -0 rg -l -i '\\b{second}' | wc -l"
    return f"rg -l -i '\\b{words[0]}' {library} | wc -l"


def rg_median(query: str, library: Path, runs: int) -> float:
    command = rg_command(query, library)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, shell=True, check=False, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_build(store_dir: Path, work: Path) -> Path:
    data = work / "copy"
    data.mkdir()
    for name in ("library.db", "user.db"):
        shutil.copy2(store_dir / name, data / name)
    store = Store.open(data)
    index = SearchIndex.open(data)
    start, cpu = time.perf_counter(), time.process_time()
    count = index.rebuild(store, [])
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    index.close(wait=True)
    size = sum(p.stat().st_size for p in (data / INDEX_DIR).rglob("*") if p.is_file())
    print(f"index build: {count:,} articles in {wall:.1f} s (CPU {cpu:.1f} s), {size / 1e6:.0f} MB")
    start = time.perf_counter()
    warm = SearchIndex.open(data)
    rebuilt = warm.needs_rebuild or warm.sync(store)
    print(
        f"warm start: open + sync {1e3 * (time.perf_counter() - start):.0f} ms, rebuilt: {rebuilt}"
    )
    warm.close()
    store.close()
    return data


def measure_scan_alone(library: Path, work: Path) -> None:
    store = Store.open(work / "alone")
    start = time.perf_counter()
    report = scan(store, [library], max_bytes=MAX_BYTES)
    print(f"scan alone: {report.articles:,} articles in {time.perf_counter() - start:.1f} s")
    store.close()


def measure_follow_scan(library: Path, work: Path) -> None:
    data = work / "fresh"
    store = Store.open(data)
    index = SearchIndex.open(data)
    index.sync(store)
    start = time.perf_counter()
    with IndexFollower(index, store) as follow:
        report = scan(store, [library], max_bytes=MAX_BYTES, on_change=follow)
        scanned = time.perf_counter() - start
    wall = time.perf_counter() - start
    print(
        f"scan with the index following: {report.articles:,} articles scanned in {scanned:.1f} s,"
        f" indexed {wall - scanned:.1f} s after the scan ended ({wall:.1f} s in all);"
        f" the index holds {index.count():,}"
    )
    index.close(wait=True)
    store.close()


def measure_queries(
    data: Path, library: Path, runs: int, rg_runs: int, *, scoped: bool = False
) -> None:
    index = SearchIndex.open(data)
    roots = [library] if scoped else None  # scoped: as the app searches, its roots only
    print(
        f"\n{'kind':17} {'query':16} {'matches':>8} {'median':>8} {'p95':>8} {'rg':>8} {'ratio':>7}"
    )
    cases = [(kind, query, False) for kind, query in QUERIES]
    cases += [("as typed", word[:n], True) for word in TYPED for n in range(1, len(word) + 1)]
    worst = 0.0
    for kind, query, typing in cases:
        found = index.search(query, limit=50, typing=typing, roots=roots)
        times = timings(
            lambda q=query, t=typing: index.search(q, limit=50, typing=t, roots=roots), runs
        )
        median, high = statistics.median(times), p95(times)
        worst = max(worst, high)
        rg = rg_median(query, library, rg_runs) if rg_runs else float("nan")
        print(
            f"{kind:17} {query:16} {found.total:8,} {median * 1e3:7.1f}ms {high * 1e3:7.1f}ms "
            f"{rg * 1e3:7.0f}ms {rg / median:6.0f}x"
        )
    print(f"\nworst p95: {worst * 1e3:.1f} ms (target 16 ms)")
    index.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, default=Path("/work/large/lib100k"))
    parser.add_argument("--store", type=Path, default=Path("/tmp/bench100k"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rg-runs", type=int, default=3)
    parser.add_argument("--follow-scan", action="store_true")
    parser.add_argument(
        "--scoped", action="store_true", help="search only --library, as the app does"
    )
    args = parser.parse_args()
    if args.rg_runs and shutil.which("rg") is None:
        parser.error("ripgrep is missing: apt-get install -y ripgrep (or --rg-runs 0)")
    with tempfile.TemporaryDirectory(prefix="bench-search-") as work:
        data = measure_build(args.store, Path(work))
        measure_queries(data, args.library, args.runs, args.rg_runs, scoped=args.scoped)
        if args.follow_scan:
            measure_scan_alone(args.library, Path(work))
            measure_follow_scan(args.library, Path(work))


if __name__ == "__main__":
    main()
