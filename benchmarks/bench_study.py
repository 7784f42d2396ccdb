"""Benchmark the study tools (kesos.study): the progress dashboard and the mock-exam draw.

Prints the median wall time of
  * building the whole "My progress" dashboard from a store of N attempts (default 10,000):
    reading the learner's attempts, every table, the FSRS schedule, the next five items, and
    rendering all five charts to SVG (goal: at most 1 s);
  * the tables and schedule alone (no charts);
  * drawing one mock-exam paper from the default blueprint (goal: at most 50 ms).

usage: python benchmarks/bench_study.py [--attempts N] [--repeat N]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import kesos.progress as P  # noqa: E402
from kesos import checking  # noqa: E402
from kesos.content import load_course  # noqa: E402
from kesos.study import dashboard as D  # noqa: E402
from kesos.study import paper as X  # noqa: E402
from kesos.study import spaced as S  # noqa: E402
from kesos.study.history import events, learner_attempts  # noqa: E402


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def fill(store, course, n: int) -> None:
    """n realistic attempts over 60 days: every activity, right about two times in three."""
    rng = random.Random(1)
    acts = list(course.activities.values())
    keyed = {a.id: checking.keyed_answer(a, course, "en") for a in acts}
    wrong = {a.id: checking.wrong_answer(a, course, "en") for a in acts}
    start = dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc)
    for i in range(n):
        a = rng.choice(acts)
        answer = keyed[a.id] if rng.random() < 0.66 else wrong[a.id]
        r = checking.check(a, answer, "en", course)
        when = start + dt.timedelta(minutes=i * 60 * 24 * 60 / n)
        P._utc_now = lambda when=when: when.isoformat(timespec="microseconds")
        store.record(a.id, a.type, answer, score=r.score, max_score=r.max_score, correct=r.correct, language="en")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--attempts", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    course = load_course()
    with tempfile.TemporaryDirectory() as tmp:
        store = P.ProgressStore(Path(tmp) / "bench.sqlite3")
        fill(store, course, args.attempts)
        now = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)

        def tables():
            evs = events(learner_attempts(store), course)
            D.mastery_by_chapter(course, evs), D.mastery_by_author(course, evs)
            D.author_confusion(course, evs), D.calibration(evs), D.activity_over_time(evs)
            D.next_items(course, evs, now=now), D.continue_point(course, evs)
            return evs

        def dashboard():
            evs = tables()
            for chart in (D.chart_mastery(course, evs, "en"), D.chart_authors(course, evs, "en"),
                          D.chart_confusion(course, evs, "en"), D.chart_calibration(evs, "en"),
                          D.chart_activity(evs, "en")):
                chart.svg()

        full = _median_ms(dashboard, args.repeat)
        part = _median_ms(tables, args.repeat)
        evs = tables()
        sched = _median_ms(lambda: S.schedule(course, evs, now=now), args.repeat)
        draw = _median_ms(lambda: X.draw(course, X.Blueprint.default(course), random.randrange(10**6)), 50)
        store.close()
    print(f"attempts in the store:                  {args.attempts}")
    print(f"dashboard, tables + 5 charts (median):  {full:8.1f} ms   goal <= 1000 ms  {'OK' if full <= 1000 else 'OVER'}")
    print(f"dashboard, tables only (median):        {part:8.1f} ms")
    print(f"FSRS schedule of all cards (median):    {sched:8.1f} ms")
    print(f"draw one exam paper (median):           {draw:8.2f} ms   goal <= 50 ms    {'OK' if draw <= 50 else 'OVER'}")


if __name__ == "__main__":
    main()
