"""Subprocess helper for tests/test_progress_faults.py: holds an exclusive lock on a database.

usage: progress_locker.py DB_PATH

Opens DB_PATH with plain sqlite3, runs ``BEGIN EXCLUSIVE`` (in WAL mode this blocks every other
writer; in rollback-journal mode readers too), prints ``locked`` and keeps the lock until a line
arrives on stdin (or stdin closes); then rolls back, prints ``released`` and exits.
"""
from __future__ import annotations

import sqlite3
import sys


def main(argv: list[str]) -> int:
    conn = sqlite3.connect(argv[0], isolation_level=None, timeout=10)
    conn.execute("BEGIN EXCLUSIVE")
    print("locked", flush=True)
    sys.stdin.readline()
    conn.execute("ROLLBACK")
    conn.close()
    print("released", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
