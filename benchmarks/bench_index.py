"""Indexing a library: cold index, warm rescan and the article list query, against stock baselines.

Run from the repository root:

    PYTHONPATH=. .venv/bin/python benchmarks/bench_index.py [--library DIR ...] [--runs 5]
        [--cold-runs 3] [--workers 2]

For each library (default /work/large/lib2k and /work/large/lib100k, the latter only once it
holds 100,000 files) it prints medians of:

- cold index: `scan()` into an empty database (parse every file in worker processes, write it).
  Baseline: reading every file's bytes (`os.walk` + `read_bytes`), the least any index must do.
- warm rescan: `scan()` again with nothing changed. Baseline: `os.walk` + `os.stat` of the tree.
- summaries: `Store.summaries()` for every row. Baseline: the same rows fetched with a bare
  `SELECT ... fetchall()`, no objects built.

Each database lives in a temporary directory removed afterwards. The machine's other load shows
in wall-clock times, so CPU seconds of this process are printed beside them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from reader.core.library import scan
from reader.core.store import Store

DEFAULT_LIBRARIES = (Path("/work/large/lib2k"), Path("/work/large/lib100k"))
MAX_BYTES = 8 * 1024 * 1024


def timed(action: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of `runs` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def read_everything(root: Path) -> None:
    for folder, _, names in os.walk(root):
        for name in names:
            Path(folder, name).read_bytes()


def stat_everything(root: Path) -> None:
    for folder, _, names in os.walk(root):
        for name in names:
            os.stat(os.path.join(folder, name))


def count_files(root: Path) -> int:
    return sum(len(names) for _, _, names in os.walk(root))


def cold_index(root: Path, workers: int, keep: list[Path]) -> None:
    """One cold index into a fresh database; the last one is kept for the warm figures."""
    for old in keep:
        shutil.rmtree(old, ignore_errors=True)
    keep.clear()
    data = Path(tempfile.mkdtemp(prefix="bench-index-"))
    keep.append(data)
    store = Store.open(data)
    try:
        report = scan(store, [root], max_bytes=MAX_BYTES, workers=workers)
    finally:
        store.close()
    assert report.new > 0, report


def report(label: str, ours: tuple[float, float], baseline: tuple[float, float]) -> None:
    print(
        f"  {label:<14} {ours[0] * 1000:9.0f} ms wall {ours[1] * 1000:8.0f} ms cpu   "
        f"baseline {baseline[0] * 1000:8.0f} ms   ratio {ours[0] / baseline[0]:5.2f}x"
    )


def bench(root: Path, runs: int, cold_runs: int, workers: int) -> None:
    files = count_files(root)
    print(f"{root}: {files:,} files")
    kept: list[Path] = []
    try:
        baseline = timed(lambda: read_everything(root), max(1, min(runs, cold_runs)))
        report("cold index", timed(lambda: cold_index(root, workers, kept), cold_runs), baseline)
        store = Store.open(kept[0])
        baseline = timed(lambda: stat_everything(root), runs)
        warm = timed(lambda: scan(store, [root], max_bytes=MAX_BYTES, workers=workers), runs)
        report("warm rescan", warm, baseline)
        conn = store._conn()  # the bare query, for the baseline only
        sql = "SELECT id, path, title, source, author, date, tags, words FROM articles"
        baseline = timed(lambda: conn.execute(sql).fetchall(), runs)
        summaries = timed(lambda: store.summaries([root]), runs)
        report("summaries", summaries, baseline)
        print(f"  {len(store.summaries([root])):,} rows listed")
        store.close()
    finally:
        for data in kept:
            shutil.rmtree(data, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, action="append", help="a folder to index")
    parser.add_argument("--runs", type=int, default=5, help="runs of the fast figures")
    parser.add_argument("--cold-runs", type=int, default=3, help="runs of the cold index")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    for root in args.library or DEFAULT_LIBRARIES:
        if not root.is_dir():
            print(f"{root}: not found, skipped")
        elif root.name == "lib100k" and count_files(root) < 100_000:
            print(f"{root}: still being generated (fewer than 100,000 files), skipped")
        else:
            bench(root, args.runs, args.cold_runs, args.workers)


if __name__ == "__main__":
    main()
