"""Group-session benchmarks (loopback only), printing figures:

1. 200 simulated participants (httpx async) each answering 10 activities within 60 s:
   answers lost (must be 0), submit latency p50/p95 (goal p95 <= 100 ms), server memory;
2. aggregating 1,000 participants x 30 activities for the dashboard (goal <= 0.2 s), median of 5;
3. SIGKILL mid-session and restart: accepted answers lost (must be 0).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_session.py [--participants 200] [--db postgresql://…]
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from helpers.session_server import KEY, ServerProc  # noqa: E402

from kesos.session.loadtest import pick_activities, run_load  # noqa: E402
from kesos.session.service import SessionService  # noqa: E402
from kesos.session.store import open_store  # noqa: E402

FAST = ("--ip-rate", "5000", "10000", "--participant-rate", "50", "100")


def bench_load(db: str, participants: int, think: float) -> dict:
    srv = ServerProc(db, *FAST).start()
    try:
        out = asyncio.run(run_load(srv.url, KEY, participants=participants, activities=10, think_s=think,
                                   time_limit_s=60))
    finally:
        srv.stop()
    return out


def bench_aggregate(db: str, participants: int = 1000, activities: int = 30) -> list[float]:
    store = open_store(db)
    svc = SessionService(store)
    ids = pick_activities(activities)
    code = svc.create(ids)
    rng = random.Random(3)
    rows = []
    for a in ids:
        for p in range(participants):
            keys = [rng.choice(["broker", "advocate", "mediator", "enabler", "a", "b", "c"])]
            rows.append((code, a, 1, f"p{p}", "{}", f'["{keys[0]}"]', rng.choice(["sure", "unsure", "guessing"]),
                         None, 1.0, 1, 0, time.time()))
    if store.engine == "sqlite":
        with store._lock:
            store._conn.executemany("INSERT INTO answers VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    else:
        with store._conn.cursor() as cur:
            cur.executemany("INSERT INTO answers VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", rows)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        agg = svc.aggregate(code)
        times.append(time.perf_counter() - t0)
    assert sum(c["n"] for r in agg.values() for c in r.values()) == participants * activities
    store.close()
    return times


def bench_kill(db: str) -> dict:
    srv = ServerProc(db, *FAST).start()
    state = {"killed": False}

    async def on_accepted(n):
        if n == 250 and not state["killed"]:  # mid-activity: requests are in flight
            state["killed"] = True
            srv.kill()
            await asyncio.to_thread(srv.start)

    try:
        out = asyncio.run(run_load(srv.url, KEY, participants=100, activities=5, think_s=1.0, time_limit_s=60,
                                   on_accepted=on_accepted))
    finally:
        srv.stop()
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--participants", type=int, default=200)
    ap.add_argument("--think", type=float, default=4.0, help="max seconds a participant waits before answering")
    ap.add_argument("--db", default=None, help="postgresql:// URL (default: a fresh SQLite folder)")
    args = ap.parse_args()
    db = lambda: args.db or tempfile.mkdtemp(prefix="kesos-bench-")  # noqa: E731
    out = bench_load(db(), args.participants, args.think)
    print(f"load: {out['joined']} participants x {out['activities']} activities in {out['elapsed_s']:.1f} s; "
          f"accepted {out['accepted']}, stored {out['stored']}, lost {out['lost']}, failed {out['failed']}")
    print(f"submit latency: p50 {out['p50_ms']:.1f} ms, p95 {out['p95_ms']:.1f} ms, max {out['max_ms']:.1f} ms "
          f"(goal p95 <= 100 ms); server max RSS {out['server_maxrss_mb']:.0f} MB")
    times = bench_aggregate(db())
    print(f"aggregate 1,000 participants x 30 activities: median {statistics.median(times) * 1000:.0f} ms "
          f"(min {min(times) * 1000:.0f}, goal <= 200 ms)")
    k = bench_kill(db())
    print(f"SIGKILL + restart mid-session: accepted {k['accepted']}, stored {k['stored']}, lost {k['lost']}, "
          f"requests retried {k['retried']}")
    return 0 if out["lost"] == 0 and k["lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
