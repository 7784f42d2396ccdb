"""Reliability under load, on SQLite and PostgreSQL (reduced size of benchmarks/bench_session.py):
50 simulated participants × 10 activities lose no answer; a server killed with SIGKILL mid-session
and restarted loses no accepted answer and participants keep their identity."""
from __future__ import annotations

import asyncio
import threading

import pytest

from helpers.session_fixtures import ENGINES, new_location, pg_server  # noqa: F401
from helpers.session_server import KEY, ServerProc
from kesos.session.loadtest import run_load

FAST = ("--ip-rate", "5000", "10000", "--participant-rate", "50", "100")


@pytest.mark.parametrize("engine", ENGINES)
def test_fifty_participants_ten_activities_no_answer_lost(engine, request):
    """Every acknowledged answer is stored, each participant once per activity."""
    srv = ServerProc(new_location(engine, request), *FAST).start()
    try:
        out = asyncio.run(run_load(srv.url, KEY, participants=50, activities=10, think_s=0.4, time_limit_s=60))
    finally:
        srv.stop()
    print(out)
    assert out["joined"] == 50 and out["failed"] == 0
    assert out["accepted"] == 500 and out["stored"] == 500 and out["lost"] == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_sigkill_mid_session_loses_no_accepted_answer(engine, request):
    """The server is SIGKILLed while answers arrive and restarted on the same port and store:
    every answer it had acknowledged is still there and the participants' cookies still work."""
    srv = ServerProc(new_location(engine, request), *FAST).start()
    killed = threading.Event()

    async def on_accepted(n):
        if n == 50 and not killed.is_set():  # mid-activity (20 answer each one): requests in flight
            killed.set()
            srv.kill()  # SIGKILL: no chance to flush anything
            await asyncio.to_thread(srv.start)  # same port, same store

    try:
        out = asyncio.run(run_load(srv.url, KEY, participants=20, activities=6, think_s=0.5, time_limit_s=60,
                                   on_accepted=on_accepted))
    finally:
        srv.stop()
    print(out)
    assert killed.is_set() and out["retried"] > 0  # requests did hit the dead server
    assert out["lost"] == 0 and out["failed"] == 0
    # identity survived the restart: every participant answered the later activities too
    assert out["accepted"] == out["stored"] == 20 * 6
