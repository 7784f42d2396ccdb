"""The session/class store interface behaves the same on SQLite and on a real PostgreSQL server."""
from __future__ import annotations

import time

import pytest

from helpers.session_fixtures import ENGINES, new_location, pg_server  # noqa: F401
from kesos.session.store import PostgresStore, SQLiteStore, open_store


@pytest.fixture(params=ENGINES)
def store(request):
    s = open_store(new_location(request.param, request))
    yield s
    s.close()


def test_open_store_picks_the_engine(store):
    """A folder gives SQLite (WAL), a postgresql:// URL gives PostgreSQL."""
    if isinstance(store, SQLiteStore):
        assert store.path.name == "sessions.sqlite3"
        assert store._exec("PRAGMA journal_mode")[0][0] == "wal"
    else:
        assert isinstance(store, PostgresStore)


def test_sessions_participants_and_state_round_trip(store):
    """A session's config and state, and its participants, come back as stored."""
    store.create_session("ABC234", {"activities": ["a"], "lang": "en"}, {"phase": "waiting"}, 60)
    store.set_state("ABC234", {"phase": "open", "current": "a"})
    s = store.get_session("ABC234")
    assert s["config"]["lang"] == "en" and s["state"] == {"phase": "open", "current": "a"}
    store.add_participant("ABC234", "p1", "hash1", "Ani")
    assert store.participant("hash1") == {"code": "ABC234", "pid": "p1", "name": "Ani"}
    assert store.participant("nope") is None
    assert [p["pid"] for p in store.participants("ABC234")] == ["p1"]


def test_a_double_submit_counts_once_and_the_last_answer_wins(store):
    """One row per participant, activity and round: a second submit replaces the first."""
    store.create_session("DUP222", {}, {}, 60)
    for roles in (["broker"], ["advocate"]):
        store.submit("DUP222", "v", 1, "p1", {"roles": roles}, roles, "sure", "because", 1.0, True)
    store.submit("DUP222", "v", 2, "p1", {"roles": ["broker"]}, ["broker"], "unsure", None, 0.5, False)
    rows = store.answers("DUP222", "v")
    assert [(r["round"], r["keys"]) for r in rows] == [(1, ["advocate"]), (2, ["broker"])]
    assert sum(r[4] for r in store.tallies("DUP222")) == 2


def test_hide_a_reason(store):
    """The facilitator's hide flag is stored per answer; unknown answers change nothing."""
    store.create_session("HID333", {}, {}, 60)
    store.submit("HID333", "v", 1, "p1", {}, [], None, "<b>rude</b>", None, None)
    assert store.set_hidden("HID333", "v", 1, "p1", True) == 1
    assert store.set_hidden("HID333", "v", 1, "nobody", True) == 0
    assert store.answers("HID333")[0]["hidden"] is True


def test_expired_sessions_are_purged_with_their_data(store):
    """purge_expired deletes expired sessions, their participants and answers, and nothing else."""
    store.create_session("OLD444", {}, {}, -1)
    store.create_session("NEW555", {}, {}, 60)
    store.add_participant("OLD444", "p", "h-old", None)
    store.submit("OLD444", "v", 1, "p", {}, [], None, None, None, None)
    assert store.purge_expired(time.time()) == 1
    assert store.get_session("OLD444") is None and store.answers("OLD444") == []
    assert store.participant("h-old") is None and store.get_session("NEW555") is not None


def test_class_attempts_are_idempotent_and_filtered_by_user(store):
    """Class attempts are kept under the hub user name; replaying an attempt (same uid) adds nothing."""
    for _ in range(2):
        store.record_class("u1", "ani", "q1", "choice", ["b"], 1.0, 1.0, True, "id", "2026-12-06T10:00:00")
    store.record_class("u2", "budi", "q1", "choice", ["a"], 0.0, 1.0, False, "id", "2026-12-06T10:01:00")
    assert [a["uid"] for a in store.class_attempts()] == ["u1", "u2"]
    assert [a["user_name"] for a in store.class_attempts("budi")] == ["budi"]
    assert store.class_attempts("ani")[0]["answer"] == ["b"]


def test_text_is_stored_verbatim(store):
    """Participant text with markup, quotes and formula starts is stored as given (escaping is the display's job)."""
    store.create_session("TXT666", {}, {}, 60)
    nasty = "=cmd|' /C calc'!A0 <script>alert('x')</script> \"; DROP TABLE answers; --"
    store.submit("TXT666", "v", 1, "p", {"text": nasty}, [], None, nasty, None, None)
    assert store.answers("TXT666")[0]["reason"] == nasty


def test_kesos_session_db_chooses_the_store(monkeypatch, request):
    """open_store() with no argument follows $KESOS_SESSION_DB (a folder or a postgresql:// URL)."""
    for engine, kind in (("sqlite", SQLiteStore), ("postgresql", PostgresStore)):
        monkeypatch.setenv("KESOS_SESSION_DB", new_location(engine, request))
        with open_store() as s:
            assert isinstance(s, kind)


def test_postgres_store_reconnects_after_the_connection_drops(request):
    """A dropped PostgreSQL connection (server restart, network blip) is reopened on the next call."""
    s = open_store(new_location("postgresql", request))
    s.create_session("RCN777", {}, {}, 60)
    s._conn.close()
    assert s.get_session("RCN777")["code"] == "RCN777"
    s.close()
