"""Benchmark the learner progress store (kesos.progress).

Prints the median wall time of
  * recording one attempt (one BEGIN IMMEDIATE .. COMMIT transaction, synchronous=FULL) --
    the normal case, which must stay under 2 ms,
  * reading the last attempt of an item, and an item's history,
on an empty file and on a file that already holds many attempts; then
  * recording one attempt that goes to the spill file (database from a newer schema: one
    fsynced JSON line), and
  * replaying a spill file of 1000 lines into the database (flush(): read, one transaction,
    tidy the spill).

usage: python benchmarks/bench_progress.py [--repeat N] [--prefill N] [--spill N] [--dir PATH]
Files are created in a temporary directory (or --dir, to measure a particular disk).
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kesos.progress import SCHEMA_VERSION, ProgressStore  # noqa: E402


def _median_ms(fn, repeat: int) -> float:
    times = []
    for i in range(repeat):
        t0 = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def _record(store: ProgressStore, i: int):
    return store.record(
        f"m1.q{i % 50}", "multiple_choice", {"choice": i % 4},
        score=i % 2, max_score=1, correct=bool(i % 2), language="id",
        context={"notebook": "01.ipynb"},
    )


def run(directory: Path, repeat: int, prefill: int, spill_lines: int) -> None:
    for label, rows in (("empty file", 0), (f"{prefill} attempts", prefill)):
        path = directory / f"bench-{rows}.sqlite3"
        with ProgressStore(path) as store:
            if rows:
                # prefill quickly in one transaction (the API commits per attempt)
                conn = store._conn
                learner = store.learner_id
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(
                    "INSERT INTO attempts (learner, item_id, activity_type, answer, created_at, uid)"
                    " VALUES (?, ?, 'multiple_choice', '{\"choice\": 1}', '2026-01-01T00:00:00+00:00', ?)",
                    ((learner, f"m{i % 12}.q{i % 500}", uuid.uuid4().hex) for i in range(rows)),
                )
                conn.execute("COMMIT")
            record = _median_ms(lambda i: _record(store, i), repeat)
            last = _median_ms(lambda i: store.last_attempt(f"m1.q{i % 50}"), repeat * 5)
            history = _median_ms(lambda i: store.attempts(f"m1.q{i % 50}"), repeat)
            assert not store.pending and not store.warnings
        print(f"{label:>18}:  record {record:7.3f} ms   last_attempt {last:7.3f} ms   "
              f"attempts(item) {history:7.3f} ms   (median of {repeat}/{repeat * 5}/{repeat})")

    # Spill: a database from a newer schema takes nothing, so every record goes to the spill.
    path = directory / "bench-spill.sqlite3"
    ProgressStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    sys.stderr = open(os.devnull, "w")  # the one-line "newer kesos" notice
    try:
        store = ProgressStore(path)
        spilled = _median_ms(lambda i: _record(store, i), repeat)
        store.close()
        assert not _record(store, 0).saved
    finally:
        sys.stderr.close()
        sys.stderr = sys.__stderr__
    print(f"{'spill':>18}:  record {spilled:7.3f} ms (to the spill file, fsynced; median of {repeat})")

    # Replay: a spill file of N lines (written by a store that could not reach the database)
    # replayed when the next store opens the file (open + quick_check + one transaction).
    times = []
    for n in range(5):
        db = directory / f"bench-replay-{n}.sqlite3"
        with ProgressStore(db):
            pass
        conn = sqlite3.connect(db)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.close()
        sys.stderr = open(os.devnull, "w")
        try:
            writer = ProgressStore(db)
            for i in range(spill_lines):
                _record(writer, i)
            writer.close()
        finally:
            sys.stderr.close()
            sys.stderr = sys.__stderr__
        conn = sqlite3.connect(db)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.close()
        spill = Path(f"{db}.spill.jsonl")
        t0 = time.perf_counter()
        store = ProgressStore(db, retry_interval=3600)  # open + replay of the whole spill
        took = time.perf_counter() - t0
        assert store.pending == [] and not spill.exists()
        assert len(store.attempts()) == spill_lines
        store.close()
        times.append(took)
    print(f"{'replay':>18}:  {spill_lines} spilled attempts replayed on open "
          f"{statistics.median(times) * 1000:7.1f} ms (median of {len(times)})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--prefill", type=int, default=50_000)
    ap.add_argument("--spill", type=int, default=1000, help="lines in the replayed spill file")
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.dir:
        args.dir.mkdir(parents=True, exist_ok=True)
        run(args.dir, args.repeat, args.prefill, args.spill)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
            run(Path(tmp), args.repeat, args.prefill, args.spill)
    return 0


if __name__ == "__main__":
    sys.exit(main())
