"""Subprocess worker for tests/test_progress.py: writes attempts into a progress file.

usage: progress_writer.py DB_PATH COUNT LABEL [--wait] [--spill]

Prints ``ready`` once imported; with ``--wait`` it then blocks until a line arrives on stdin
(so several writers can be started at the same moment). Then it opens the store and records
COUNT attempts (COUNT=0: forever), printing the running total after each committed record.
Exits 1 if any attempt was left pending or any warning was emitted. With ``--spill`` attempts
that went to the spill file are expected (the database cannot take them): it prints the total
after each record and exits 0.
"""
from __future__ import annotations

import itertools
import sys

from kesos.progress import ProgressStore


def main(argv: list[str]) -> int:
    path, count, label = argv[0], int(argv[1]), argv[2]
    print("ready", flush=True)
    if "--wait" in argv:
        sys.stdin.readline()
    store = ProgressStore(path)
    numbers = itertools.count() if count == 0 else range(count)
    for i in numbers:
        att = store.record(
            f"{label}-{i % 7}", "multiple_choice", {"choice": i},
            score=i % 2, max_score=1, correct=bool(i % 2), context={"writer": label, "i": i},
        )
        if att.id is None and "--spill" not in argv:
            print(f"pending at {i}", file=sys.stderr, flush=True)
            return 1
        print(i + 1, flush=True)
    if "--spill" in argv:
        store.close()
        return 0
    store.close()
    return 1 if store.warnings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
