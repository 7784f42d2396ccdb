"""Simulated participants over loopback HTTP (httpx async), for benchmarks/bench_session.py and
tests/test_session_load.py. Loops are bounded in count and time; only ``url`` is contacted.

Each participant joins (one client, own cookies), then for every activity the facilitator opens:
reads the state, "thinks" for a random time, sends an answer (a keyed or wrong answer from
``kesos.checking``, with a confidence and a reason for vignettes) and records the latency. A
failed request is retried a bounded number of times (the server may be restarting). At the end
the server's own tally is compared with the answers it acknowledged: ``lost`` must be 0.
"""
from __future__ import annotations

import asyncio
import json
import random
import statistics
import time

import httpx

from kesos import checking
from kesos.content import load_course
from kesos.session.facilitator import Server
from kesos.session.views import SESSION_TYPES


def pick_activities(n: int, course=None) -> list[str]:
    course = course or load_course()
    by_type: dict[str, list[str]] = {}
    for a in course.activities.values():
        if a.type in SESSION_TYPES:
            by_type.setdefault(a.type, []).append(a.id)
    out, i = [], 0
    while len(out) < n:  # round robin over the types so every kind is exercised
        for ids in by_type.values():
            if i < len(ids) and len(out) < n:
                out.append(ids[i])
        i += 1
    return out


def make_answer(activity, course, rng: random.Random):
    ans = checking.keyed_answer(activity, course) if rng.random() < 0.6 else checking.wrong_answer(activity, course)
    if activity.type == "choice":
        return {"choice": ans}
    if activity.type == "classification":
        return {"pairs": ans}
    if activity.type == "vignette":
        return {**ans, "confidence": rng.choice(checking.CONFIDENCE), "justification": "Simulated reason " + str(rng.random())[:6]}
    return {"text": "Simulated answer", "rubric": []}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


async def run_load(url: str, key: str, participants: int = 200, activities: int = 10, think_s: float = 4.0,
                   time_limit_s: float = 60.0, retries: int = 40, on_accepted=None, seed: int = 1) -> dict:
    """Run the simulation against the server at ``url``; returns the figures (see module docstring)."""
    assert url.startswith(("http://127.0.0.1", "http://localhost")), "load tests stay on loopback"
    course = load_course()
    fac = Server(url, key)
    ids = pick_activities(activities, course)
    sess = await asyncio.to_thread(fac.create, ids, "id", "load test")
    start = time.monotonic()
    end = start + time_limit_s
    rng = random.Random(seed)
    latencies: list[float] = []
    accepted: set[tuple[str, str]] = set()
    errors = {"retried": 0, "failed": 0}
    clients = [httpx.AsyncClient(base_url=url, timeout=10, trust_env=False) for _ in range(participants)]
    pids: list[str] = []

    async def request(c: httpx.AsyncClient, method: str, path: str, body=None) -> httpx.Response | None:
        for attempt in range(retries):
            if time.monotonic() > end:
                return None
            try:
                if method == "GET":
                    return await c.get(path)
                headers = {"X-XSRFToken": c.cookies.get("_xsrf", "")}
                r = await c.post(path, content=json.dumps(body), headers=headers)
                if r.status_code >= 500 or r.status_code == 429:
                    raise httpx.TransportError(f"HTTP {r.status_code}")
                return r
            except httpx.TransportError:
                errors["retried"] += 1
                await asyncio.sleep(0.25)
        errors["failed"] += 1
        return None

    async def join(c: httpx.AsyncClient, i: int):
        await request(c, "GET", "/")
        r = await request(c, "POST", "/api/join", {"code": sess.code, "name": f"P{i}"})
        pids.append(r.json()["pid"] if r is not None and r.status_code == 200 else "")

    sem = asyncio.Semaphore(50)

    async def limited(coro):
        async with sem:
            return await coro

    await asyncio.gather(*(limited(join(c, i)) for i, c in enumerate(clients)))

    async def answer(c: httpx.AsyncClient, pid: str, act_id: str, prng: random.Random):
        st = await request(c, "GET", "/api/state")
        if st is None or st.status_code != 200 or (st.json().get("activity") or {}).get("id") != act_id:
            return
        await asyncio.sleep(prng.random() * think_s)
        body = {"activity": act_id, "round": st.json()["round"], "answer": make_answer(course.activity(act_id), course, prng)}
        t0 = time.perf_counter()
        r = await request(c, "POST", "/api/answer", body)
        if r is not None and r.status_code == 200:
            latencies.append(time.perf_counter() - t0)
            accepted.add((pid, act_id))
            if on_accepted:
                await on_accepted(len(accepted))

    for act_id in ids:
        if time.monotonic() > end:
            break
        for attempt in range(retries):
            try:
                await asyncio.to_thread(sess.open, act_id)
                break
            except Exception:
                await asyncio.sleep(0.25)
        await asyncio.gather(*(answer(c, pid, act_id, random.Random(rng.random()))
                               for c, pid in zip(clients, pids) if pid))
    elapsed = time.monotonic() - start
    for c in clients:
        await c.aclose()
    # what the server holds, compared with what it acknowledged
    stored = set()
    agg = await asyncio.to_thread(fac.call, "aggregate", code=sess.code)
    counts = {a: sum(r["n"] for r in rounds.values()) for a, rounds in agg["aggregate"].items()}
    rows = await asyncio.to_thread(fac.call, "export_csv", code=sess.code)
    for line in rows["text"].splitlines()[1:]:
        parts = line.split(",")
        stored.add((parts[3], parts[1]))
    stats = await asyncio.to_thread(fac.stats)
    fac._client.close()
    return {
        "participants": participants, "joined": sum(1 for p in pids if p), "activities": len(ids),
        "accepted": len(accepted), "stored": sum(counts.values()), "lost": len(accepted - stored),
        "elapsed_s": elapsed, "p50_ms": 1000 * percentile(latencies, 0.5), "p95_ms": 1000 * percentile(latencies, 0.95),
        "max_ms": 1000 * max(latencies, default=float("nan")),
        "mean_ms": 1000 * (statistics.mean(latencies) if latencies else float("nan")),
        "server_maxrss_mb": stats["maxrss_kb"] / 1024, "retried": errors["retried"], "failed": errors["failed"],
        "code": sess.code,
    }
