"""One storage interface for group sessions and class attempts, two engines.

* :class:`SQLiteStore` — a file ``sessions.sqlite3`` (WAL) in a folder the facilitator chooses
  (the default; no setup);
* :class:`PostgresStore` — a PostgreSQL server from a ``postgresql://`` URL (psycopg 3), for a
  multi-node JupyterHub.

:func:`open_store` picks the engine from a URL or folder (default ``$KESOS_SESSION_DB``, else the
user data folder). Both engines run the same SQL (``?`` placeholders are rewritten for psycopg)
and the same tests (tests/test_session_store.py, parametrized over both).

Every accepted answer is committed before the server replies, so a killed server loses nothing it
acknowledged. One row per (session, activity, round, participant): a double submit replaces the
row and counts once.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["SessionStore", "SQLiteStore", "PostgresStore", "open_store", "default_location"]

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)",
    """CREATE TABLE IF NOT EXISTS sessions (
        code TEXT PRIMARY KEY, created_at DOUBLE PRECISION NOT NULL,
        expires_at DOUBLE PRECISION NOT NULL, config TEXT NOT NULL, state TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS participants (
        code TEXT NOT NULL, pid TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, name TEXT,
        created_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (code, pid))""",
    """CREATE TABLE IF NOT EXISTS answers (
        code TEXT NOT NULL, activity TEXT NOT NULL, round INTEGER NOT NULL, pid TEXT NOT NULL,
        answer TEXT, keys TEXT, confidence TEXT, reason TEXT, score DOUBLE PRECISION,
        correct INTEGER, hidden INTEGER NOT NULL DEFAULT 0, created_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (code, activity, round, pid))""",
    """CREATE TABLE IF NOT EXISTS class_attempts (
        uid TEXT PRIMARY KEY, user_name TEXT NOT NULL, item_id TEXT NOT NULL, activity_type TEXT,
        answer TEXT, score DOUBLE PRECISION, max_score DOUBLE PRECISION, correct INTEGER,
        lang TEXT, created_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS class_attempts_user ON class_attempts (user_name)",
]

ANSWER_COLS = ("code", "activity", "round", "pid", "answer", "keys", "confidence", "reason", "score",
               "correct", "hidden", "created_at")


def default_location() -> str:
    """``$KESOS_SESSION_DB`` or ``<user data folder>/kesos/sessions``."""
    env = os.environ.get("KESOS_SESSION_DB")
    if env:
        return env
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "kesos", "sessions")


def open_store(location: str | os.PathLike | None = None) -> "SessionStore":
    """A store for a ``postgresql://`` URL, or an SQLite file in a folder (or at a ``.sqlite3`` path)."""
    loc = str(location or default_location())
    if loc.startswith(("postgresql://", "postgres://")):
        return PostgresStore(loc)
    path = Path(loc).expanduser()
    if path.suffix not in (".sqlite3", ".sqlite", ".db"):
        path = path / "sessions.sqlite3"
    return SQLiteStore(path)


def _row(cols, values) -> dict:
    return dict(zip(cols, values))


class SessionStore:
    """The interface. Engines provide ``_exec(sql, params)`` → rows and ``_execmany``."""

    engine = "?"
    _lock: threading.RLock

    # ---- engine hooks ---------------------------------------------------------------------
    def _exec(self, sql: str, params: tuple = ()) -> list[tuple]:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _init_schema(self) -> None:
        for stmt in SCHEMA:
            self._exec(stmt)

    # ---- meta -----------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        rows = self._exec("SELECT v FROM meta WHERE k = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        self._exec("INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", (key, value))

    # ---- sessions -------------------------------------------------------------------------
    def create_session(self, code: str, config: dict, state: dict, ttl_s: float) -> None:
        now = time.time()
        self._exec(
            "INSERT INTO sessions (code, created_at, expires_at, config, state) VALUES (?, ?, ?, ?, ?)",
            (code, now, now + ttl_s, json.dumps(config), json.dumps(state)),
        )

    def get_session(self, code: str) -> dict | None:
        rows = self._exec("SELECT code, created_at, expires_at, config, state FROM sessions WHERE code = ?", (code,))
        if not rows:
            return None
        code, created, expires, config, state = rows[0]
        return {"code": code, "created_at": created, "expires_at": expires,
                "config": json.loads(config), "state": json.loads(state)}

    def set_state(self, code: str, state: dict) -> None:
        self._exec("UPDATE sessions SET state = ? WHERE code = ?", (json.dumps(state), code))

    def set_expiry(self, code: str, expires_at: float) -> None:
        self._exec("UPDATE sessions SET expires_at = ? WHERE code = ?", (expires_at, code))

    def session_codes(self) -> list[str]:
        return [r[0] for r in self._exec("SELECT code FROM sessions ORDER BY created_at")]

    def purge_expired(self, now: float | None = None) -> int:
        """Delete expired sessions with their participants and answers. Returns how many."""
        now = time.time() if now is None else now
        codes = [r[0] for r in self._exec("SELECT code FROM sessions WHERE expires_at < ?", (now,))]
        for code in codes:
            with self._lock:
                self._exec("DELETE FROM answers WHERE code = ?", (code,))
                self._exec("DELETE FROM participants WHERE code = ?", (code,))
                self._exec("DELETE FROM sessions WHERE code = ?", (code,))
        return len(codes)

    # ---- participants ---------------------------------------------------------------------
    def add_participant(self, code: str, pid: str, token_hash: str, name: str | None) -> None:
        self._exec(
            "INSERT INTO participants (code, pid, token_hash, name, created_at) VALUES (?, ?, ?, ?, ?)",
            (code, pid, token_hash, name, time.time()),
        )

    def participant(self, token_hash: str) -> dict | None:
        rows = self._exec("SELECT code, pid, name FROM participants WHERE token_hash = ?", (token_hash,))
        return _row(("code", "pid", "name"), rows[0]) if rows else None

    def participants(self, code: str) -> list[dict]:
        rows = self._exec("SELECT pid, name, created_at FROM participants WHERE code = ? ORDER BY created_at", (code,))
        return [_row(("pid", "name", "created_at"), r) for r in rows]

    # ---- answers --------------------------------------------------------------------------
    def submit(self, code: str, activity: str, round_: int, pid: str, answer: Any, keys: list[str],
               confidence: str | None, reason: str | None, score: float | None, correct: bool | None) -> None:
        """Store (or replace) this participant's answer for this round: committed on return."""
        self._exec(
            "INSERT INTO answers (code, activity, round, pid, answer, keys, confidence, reason, score, correct,"
            " hidden, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)"
            " ON CONFLICT (code, activity, round, pid) DO UPDATE SET answer = excluded.answer,"
            " keys = excluded.keys, confidence = excluded.confidence, reason = excluded.reason,"
            " score = excluded.score, correct = excluded.correct, created_at = excluded.created_at",
            (code, activity, round_, pid, json.dumps(answer, ensure_ascii=False), json.dumps(keys), confidence,
             reason, score, None if correct is None else int(bool(correct)), time.time()),
        )

    def answers(self, code: str, activity: str | None = None, round_: int | None = None,
                pid: str | None = None) -> list[dict]:
        sql = f"SELECT {', '.join(ANSWER_COLS)} FROM answers WHERE code = ?"
        params: list = [code]
        for col, val in (("activity", activity), ("round", round_), ("pid", pid)):
            if val is not None:
                sql += f" AND {col} = ?"
                params.append(val)
        out = []
        for r in self._exec(sql + " ORDER BY created_at", tuple(params)):
            d = _row(ANSWER_COLS, r)
            d["answer"] = json.loads(d["answer"]) if d["answer"] else None
            d["keys"] = json.loads(d["keys"]) if d["keys"] else []
            d["hidden"] = bool(d["hidden"])
            d["correct"] = None if d["correct"] is None else bool(d["correct"])
            out.append(d)
        return out

    def tallies(self, code: str) -> list[tuple]:
        """``(activity, round, keys_json, confidence, count)`` grouped in the database: the dashboard's input."""
        return self._exec(
            "SELECT activity, round, keys, confidence, COUNT(*) FROM answers WHERE code = ?"
            " GROUP BY activity, round, keys, confidence", (code,))

    def set_hidden(self, code: str, activity: str, round_: int, pid: str, hidden: bool) -> int:
        return len(self._exec(
            "UPDATE answers SET hidden = ? WHERE code = ? AND activity = ? AND round = ? AND pid = ? RETURNING pid",
            (int(hidden), code, activity, round_, pid),
        ))

    # ---- class attempts -------------------------------------------------------------------
    def record_class(self, uid: str, user: str, item_id: str, activity_type: str | None, answer: Any,
                     score: float | None, max_score: float | None, correct: bool | None, lang: str | None,
                     created_at: str) -> None:
        """One learner attempt under their JupyterHub user name (idempotent by ``uid``)."""
        self._exec(
            "INSERT INTO class_attempts (uid, user_name, item_id, activity_type, answer, score, max_score, correct,"
            " lang, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING",
            (uid, user, item_id, activity_type, json.dumps(answer, ensure_ascii=False), score, max_score,
             None if correct is None else int(bool(correct)), lang, created_at),
        )

    def class_attempts(self, user: str | None = None) -> list[dict]:
        cols = ("uid", "user_name", "item_id", "activity_type", "answer", "score", "max_score", "correct", "lang",
                "created_at")
        sql = f"SELECT {', '.join(cols)} FROM class_attempts"
        params: tuple = ()
        if user is not None:
            sql, params = sql + " WHERE user_name = ?", (user,)
        out = []
        for r in self._exec(sql + " ORDER BY created_at", params):
            d = _row(cols, r)
            d["answer"] = json.loads(d["answer"]) if d["answer"] else None
            d["correct"] = None if d["correct"] is None else bool(d["correct"])
            out.append(d)
        return out

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class SQLiteStore(SessionStore):
    engine = "sqlite"

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(str(self.path), timeout=10, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a commit survives the process being killed (only an OS crash could lose it)
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=10000")
        self._init_schema()

    def _exec(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            cur = self._conn.execute(sql, params)
            rows = cur.fetchall()
            return rows

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"


class PostgresStore(SessionStore):
    engine = "postgresql"

    def __init__(self, url: str):
        import psycopg

        self.url = url
        self._lock = threading.RLock()
        self._conn = psycopg.connect(url, autocommit=True)
        with self._lock:
            # concurrent CREATE TABLE IF NOT EXISTS can race between nodes: serialise with a lock
            self._conn.execute("SELECT pg_advisory_lock(4242)")
            try:
                self._init_schema()
            finally:
                self._conn.execute("SELECT pg_advisory_unlock(4242)")

    def _exec(self, sql: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._conn.closed:
                        self._conn = psycopg.connect(self.url, autocommit=True)
                    cur = self._conn.execute(sql.replace("?", "%s"), params)
                    return cur.fetchall() if cur.description else []
                except (psycopg.OperationalError, psycopg.InterfaceError):
                    # the database restarted or the connection dropped: reconnect once (autocommit:
                    # a failed statement was not committed, so running it again is safe)
                    if attempt == 2:
                        raise
                    try:
                        self._conn.close()
                    except Exception:
                        pass
                    self._conn = psycopg.connect(self.url, autocommit=True)
            return []

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __repr__(self) -> str:
        return "PostgresStore(<url>)"
