"""Benchmark the learner progress store (kesos.progress).

Prints the median wall time of
  * recording one attempt (one BEGIN IMMEDIATE .. COMMIT transaction, synchronous=FULL), and
  * reading the last attempt of an item,
on an empty file and on a file that already holds many attempts (index on (item_id, id)).

usage: python benchmarks/bench_progress.py [--repeat N] [--prefill N] [--dir PATH]
The file is created in a temporary directory (or --dir, to measure a particular disk).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kesos.progress import ProgressStore  # noqa: E402


def _median_ms(fn, repeat: int) -> float:
    times = []
    for i in range(repeat):
        t0 = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def run(directory: Path, repeat: int, prefill: int) -> None:
    for label, rows in (("empty file", 0), (f"{prefill} attempts", prefill)):
        path = directory / f"bench-{rows}.sqlite3"
        with ProgressStore(path) as store:
            if rows:
                # prefill quickly in one transaction (the API commits per attempt)
                conn = store._conn
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(
                    "INSERT INTO attempts (learner, item_id, activity_type, answer, created_at)"
                    " VALUES ('bench', ?, 'multiple_choice', '{\"choice\": 1}', '2026-01-01T00:00:00+00:00')",
                    ((f"m{i % 12}.q{i % 500}",) for i in range(rows)),
                )
                conn.execute("COMMIT")
            record = _median_ms(
                lambda i: store.record(
                    f"m1.q{i % 50}", "multiple_choice", {"choice": i % 4},
                    score=i % 2, max_score=1, correct=bool(i % 2), language="id",
                    context={"notebook": "01.ipynb"},
                ),
                repeat,
            )
            last = _median_ms(lambda i: store.last_attempt(f"m1.q{i % 50}"), repeat * 5)
            history = _median_ms(lambda i: store.attempts(f"m1.q{i % 50}"), repeat)
            assert not store.pending and not store.warnings
        print(f"{label:>18}:  record {record:7.3f} ms   last_attempt {last:7.3f} ms   "
              f"attempts(item) {history:7.3f} ms   (median of {repeat}/{repeat * 5}/{repeat})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--prefill", type=int, default=50_000)
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.dir:
        args.dir.mkdir(parents=True, exist_ok=True)
        run(args.dir, args.repeat, args.prefill)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run(Path(tmp), args.repeat, args.prefill)
    return 0


if __name__ == "__main__":
    sys.exit(main())
