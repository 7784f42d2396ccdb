"""Learner progress store: every answer a learner gives, kept in a small SQLite file.

One row per attempt (never updated in place), so later features -- a progress dashboard,
spaced review, mock exams -- can all be computed from the per-item attempt history.

Design rules, because this runs inside a learner's Jupyter kernel:

* stdlib ``sqlite3`` only; ``platformdirs`` for the default location; pandas is imported
  lazily inside :meth:`ProgressStore.to_dataframe` (importing this module stays cheap);
* the learner never sees a traceback from here: problems become ONE line on stderr
  (also kept in :attr:`ProgressStore.warnings`);
* nothing is lost: an attempt that cannot be written yet (locked or read-only file) waits in
  an in-memory queue and is retried on the next :meth:`~ProgressStore.record` /
  :meth:`~ProgressStore.flush`; a damaged file is moved aside (not deleted) before a fresh
  one is started; every write is one ``BEGIN IMMEDIATE`` transaction in WAL mode, so a kill
  mid-write leaves every earlier committed attempt intact.

Usage::

    from kesos.progress import get_store
    store = get_store()
    store.record("m1.q3", "multiple_choice", {"choice": "b"}, score=1, max_score=1, correct=True)
    store.last_attempt("m1.q3")
"""
from __future__ import annotations

import atexit
import dataclasses
import json
import math
import os
import pathlib
import shutil
import sqlite3
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

__all__ = [
    "Attempt",
    "ProgressStore",
    "SCHEMA_VERSION",
    "MIGRATIONS",
    "default_path",
    "get_store",
    "set_store",
]

ENV_DB = "KESOS_PROGRESS_DB"
ENV_LEARNER = "KESOS_LEARNER"
DEFAULT_TIMEOUT = 10.0  # seconds; SQLite busy timeout (how long to wait for another writer)
MEMORY = ":memory:"


def default_path() -> pathlib.Path:
    """Where progress lives: ``$KESOS_PROGRESS_DB`` if set, else the per-user data dir."""
    env = os.environ.get(ENV_DB)
    if env:
        return pathlib.Path(env).expanduser()
    import platformdirs  # imported here so that `import kesos.progress` stays minimal

    return pathlib.Path(platformdirs.user_data_path("kesos", appauthor=False)) / "progress.sqlite3"


# --------------------------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------------------------
# MIGRATIONS[i] takes a database from user_version i to i + 1, so a file at ANY older version
# (0 = empty file or brand-new database) is brought forward by running the remaining steps in
# order, inside one transaction. Order matters because each step assumes the tables exactly as
# the previous steps left them (step 2 ALTERs the table step 1 created). Released steps must
# never be edited or reordered -- files in the wild are at those versions; only append.

_V1 = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE IF NOT EXISTS attempts (
    id            INTEGER PRIMARY KEY,  -- insertion order; never reused (rows are never deleted)
    learner       TEXT,
    item_id       TEXT NOT NULL,
    activity_type TEXT,
    answer        TEXT,                 -- JSON
    score         REAL,
    max_score     REAL,
    correct       INTEGER,              -- 1 / 0 / NULL (not gradable)
    language      TEXT,                 -- 'id' / 'en' / NULL
    created_at    TEXT                  -- ISO-8601 UTC, e.g. 2026-01-31T09:15:02.123456+00:00
);
-- "latest attempt for item X" and "history of item X" (dashboard, spaced review, mock exams)
CREATE INDEX IF NOT EXISTS attempts_item ON attempts (item_id, id);
"""

_V2 = """
-- free-form JSON context: notebook, confidence rating, exam session id, ...
ALTER TABLE attempts ADD COLUMN context TEXT;
-- globally unique id per attempt: makes a retried write idempotent (INSERT .. ON CONFLICT DO
-- NOTHING) and lets attempts from several devices/files be merged later without duplicates.
-- Rows written before v2 keep NULL (NULLs never collide in a UNIQUE index).
ALTER TABLE attempts ADD COLUMN uid TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS attempts_uid ON attempts (uid);
-- time-window queries for the dashboard ("this week") and review scheduling
CREATE INDEX IF NOT EXISTS attempts_created ON attempts (created_at);
"""

# Each step is an SQL script (statements run one by one inside the migration transaction) or a
# callable taking the connection, for steps that need Python (e.g. rewriting JSON).
MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [_V1, _V2]
SCHEMA_VERSION = len(MIGRATIONS)

_COLUMNS = (
    "id", "learner", "item_id", "activity_type", "answer", "score", "max_score",
    "correct", "language", "created_at", "context", "uid",
)


def _run_step(conn: sqlite3.Connection, step: Any) -> None:
    if callable(step):
        step(conn)
        return
    # executescript() would COMMIT our transaction first; run the statements one by one.
    buf = ""
    for line in step.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            conn.execute(buf)
            buf = ""
    if buf.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in buf.splitlines()
    ):
        conn.execute(buf)


# --------------------------------------------------------------------------------------------
# Attempt
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Attempt:
    """One stored (or still pending) answer. ``id`` is None while the attempt waits to be written."""

    id: int | None
    learner: str | None
    item_id: str
    activity_type: str | None
    answer: Any
    score: float | None
    max_score: float | None
    correct: bool | None
    language: str | None
    created_at: str
    context: Any = None
    uid: str | None = None

    @property
    def saved(self) -> bool:
        """True once the attempt is in the database file (False while pending)."""
        return self.id is not None


def _json_default(obj: Any) -> Any:
    # Lenient: an answer must never fail to be recorded because of its Python type.
    if isinstance(obj, (set, frozenset)):
        try:
            return sorted(obj)
        except TypeError:
            return list(obj)
    if isinstance(obj, (bytes, bytearray)):
        return obj.decode("utf-8", "replace")
    if isinstance(obj, datetime):
        return obj.isoformat()
    for attr in ("tolist", "item"):  # numpy arrays / scalars without importing numpy
        fn = getattr(obj, attr, None)
        if callable(fn):
            try:
                return fn()
            except Exception:
                pass
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    return str(obj)


def _dumps(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _loads(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text  # written by something else; hand it back as-is rather than fail


def _num(name: str, value: Any) -> float | None:
    if value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or None, not {value!r}") from None
    return None if math.isnan(out) else out


def _row_to_attempt(row: sqlite3.Row) -> Attempt:
    keys = row.keys()
    correct = row["correct"]
    return Attempt(
        id=row["id"],
        learner=row["learner"],
        item_id=row["item_id"],
        activity_type=row["activity_type"],
        answer=_loads(row["answer"]),
        score=row["score"],
        max_score=row["max_score"],
        correct=None if correct is None else bool(correct),
        language=row["language"],
        created_at=row["created_at"],
        context=_loads(row["context"]) if "context" in keys else None,
        uid=row["uid"] if "uid" in keys else None,
    )


def _is_corruption(exc: BaseException) -> bool:
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and (code & 0xFF) in (11, 26):  # SQLITE_CORRUPT, SQLITE_NOTADB
        return True
    msg = str(exc).lower()
    return "not a database" in msg or "malformed" in msg


class _Corrupt(Exception):
    """Internal: the file failed an integrity check."""


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


# Connections inherited through fork() must never be used (or closed) by the child; we keep a
# reference so garbage collection does not close them in the child either.
_FORK_ORPHANS: list[sqlite3.Connection] = []


# --------------------------------------------------------------------------------------------
# Store
# --------------------------------------------------------------------------------------------
class ProgressStore:
    """Append-only store of learner attempts in one SQLite file (see module docstring).

    ``path``: a file path, ``":memory:"``, or None for :func:`default_path`.
    ``timeout``: seconds to wait for another process's write lock before queueing the attempt.
    The file is opened on first use. All methods are thread-safe.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, timeout: float = DEFAULT_TIMEOUT):
        if path is None:
            path = default_path()
        self._memory = str(path) == MEMORY
        self.path: pathlib.Path | None = None if self._memory else pathlib.Path(path).expanduser()
        self.timeout = float(timeout)
        self.warnings: list[str] = []
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._pid: int | None = None
        self._ready = False  # connection open AND schema current
        self._file_id: tuple[int, int] | None = None  # (st_dev, st_ino) of the file we opened
        self._pending: list[Attempt] = []
        self._problem: str | None = None  # current warned-about problem (dedupes warnings)
        self._learner: str | None = None
        self._provisional_learner = uuid.uuid4().hex  # used until the file is readable
        with self._lock:
            self._ensure_ready()

    # ---- public API -----------------------------------------------------------------------
    def record(
        self,
        item_id: str,
        activity_type: str | None,
        answer: Any,
        *,
        score: float | None = None,
        max_score: float | None = None,
        correct: bool | None = None,
        language: str | None = None,
        context: Any = None,
    ) -> Attempt:
        """Store one attempt and return it (``id`` set once it is on disk, None while queued).

        ``answer`` and ``context`` are JSON-encoded (unknown types degrade to lists/strings);
        HTML or script in them is stored verbatim -- escaping is the display layer's job.
        """
        if not isinstance(item_id, str) or not item_id:
            raise ValueError(f"item_id must be a non-empty string, not {item_id!r}")
        attempt = Attempt(
            id=None,
            learner=None,  # filled in below, under the lock
            item_id=item_id,
            activity_type=None if activity_type is None else str(activity_type),
            answer=answer,
            score=_num("score", score),
            max_score=_num("max_score", max_score),
            correct=None if correct is None else bool(correct),
            language=None if language is None else str(language),
            created_at=_utc_now(),
            context=context,
            uid=uuid.uuid4().hex,
        )
        # Encode now, so the stored/pending attempt holds exactly what will be written and
        # later mutation of the caller's dict cannot change history.
        attempt = dataclasses.replace(
            attempt, answer=_loads(_dumps(answer)), context=_loads(_dumps(context))
        )
        with self._lock:
            attempt = dataclasses.replace(attempt, learner=self._current_learner())
            self._pending.append(attempt)
            ids = self._flush()
            if attempt.uid in ids:
                return dataclasses.replace(attempt, id=ids[attempt.uid])
            return attempt

    def flush(self) -> int:
        """Try to write queued attempts now. Returns how many are still pending."""
        with self._lock:
            self._flush()
            return len(self._pending)

    @property
    def pending(self) -> list[Attempt]:
        """Attempts not yet written to the file (copy)."""
        with self._lock:
            return list(self._pending)

    def last_attempt(self, item_id: str) -> Attempt | None:
        """The most recent attempt for ``item_id`` (pending ones count), or None."""
        with self._lock:
            for att in reversed(self._pending):
                if att.item_id == item_id:
                    return att
            rows = self._read(
                "SELECT * FROM attempts WHERE item_id = ? ORDER BY id DESC LIMIT 1", (item_id,)
            )
            return _row_to_attempt(rows[0]) if rows else None

    def attempts(self, item_id: str | None = None) -> list[Attempt]:
        """All attempts (or those for ``item_id``) in insertion order; pending ones last."""
        with self._lock:
            if item_id is None:
                rows = self._read("SELECT * FROM attempts ORDER BY id")
            else:
                rows = self._read("SELECT * FROM attempts WHERE item_id = ? ORDER BY id", (item_id,))
            out = [_row_to_attempt(r) for r in rows]
            out += [a for a in self._pending if item_id is None or a.item_id == item_id]
            return out

    @property
    def learner_id(self) -> str:
        """``$KESOS_LEARNER`` if set, else the id made when the file was created."""
        with self._lock:
            return self._current_learner()

    def to_dataframe(self):
        """All attempts as a pandas DataFrame (one row per attempt, columns = Attempt fields)."""
        import pandas as pd  # lazy: pandas is heavy and only the dashboard needs it

        records = [dataclasses.asdict(a) for a in self.attempts()]
        df = pd.DataFrame.from_records(records, columns=list(_COLUMNS))
        df["id"] = df["id"].astype("Int64")
        df["score"] = df["score"].astype("Float64")
        df["max_score"] = df["max_score"].astype("Float64")
        df["correct"] = df["correct"].astype("boolean")
        df["created_at"] = pd.to_datetime(df["created_at"], utc=True, format="ISO8601")
        return df

    def close(self) -> None:
        """Write what is pending (if possible) and release the file. Later calls reopen it."""
        with self._lock:
            if self._pending:
                self._flush()
                if self._pending:
                    self._warn(
                        "closing",
                        f"kesos: {len(self._pending)} answer(s) could not be saved to "
                        f"{self._where()} yet; they stay in memory until this store is used again.",
                    )
            self._drop_connection()

    def __enter__(self) -> "ProgressStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ProgressStore({self._where()!r}, pending={len(self._pending)})"

    # ---- internals: warnings ----------------------------------------------------------------
    def _where(self) -> str:
        return MEMORY if self._memory or self.path is None else str(self.path)

    def _emit(self, line: str) -> None:
        self.warnings.append(line)
        try:
            print(line, file=sys.stderr, flush=True)
        except Exception:  # stderr closed/None (pythonw, detached kernel): keep the list only
            pass

    def _warn(self, key: str, line: str) -> None:
        """Emit ``line`` unless the same problem was already reported and not yet resolved."""
        if key != self._problem:
            self._problem = key
            self._emit(line)

    def _resolved(self) -> None:
        self._problem = None

    # ---- internals: opening -----------------------------------------------------------------
    def _drop_connection(self) -> None:
        conn, self._conn, self._ready = self._conn, None, False
        if conn is None:
            return
        if self._pid != os.getpid():
            _FORK_ORPHANS.append(conn)  # belongs to the parent process: do not touch it
            return
        try:
            conn.close()
        except sqlite3.Error:
            pass

    def _ensure_ready(self) -> bool:
        """Open the file and bring its schema current. False (after a warning) if not possible now."""
        if self._ready and self._pid == os.getpid():
            return True
        if self._pid is not None and self._pid != os.getpid():
            self._drop_connection()  # forked child: never reuse the parent's connection
        for _ in range(3):  # a corrupt file is moved aside and we try again with a fresh one
            try:
                self._open()
                return True
            except _Corrupt as exc:
                self._move_aside(exc)  # if it cannot be moved we switch to memory: loop again
            except (sqlite3.Error, OSError) as exc:
                if _is_corruption(exc):
                    self._move_aside(exc)
                    continue
                self._drop_connection()
                self._warn(
                    f"open:{exc}",
                    f"kesos: cannot open the progress file {self._where()} ({exc}); "
                    "your answers are kept in memory and saving will be retried.",
                )
                return False
        self._to_memory("it was still damaged after starting a fresh one")
        return self._open_memory()

    def _open(self) -> None:
        self._drop_connection()
        if self._memory:
            self._open_memory()
            return
        assert self.path is not None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._to_memory(f"cannot create the folder {self.path.parent}: {exc.strerror or exc}")
            self._open_memory()
            return
        conn = sqlite3.connect(
            str(self.path), timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        self._conn, self._pid = conn, os.getpid()
        try:
            st = os.stat(self.path)
            self._file_id = (st.st_dev, st.st_ino)
        except OSError:
            self._file_id = None
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        self._set_wal(conn)
        # FULL: in WAL mode each commit is fsync'ed, so even a power cut keeps every answer the
        # learner saw confirmed (NORMAL is already safe against a process kill). Cheap at this rate.
        conn.execute("PRAGMA synchronous = FULL")
        rows = conn.execute("PRAGMA quick_check").fetchall()
        if [tuple(r) for r in rows] != [("ok",)]:
            first = str(rows[0][0]).splitlines()[-1] if rows else "no result"
            raise _Corrupt(f"quick_check failed: {first}")
        self._migrate(conn)
        self._ready = True

    def _set_wal(self, conn: sqlite3.Connection) -> None:
        # Switching to WAL needs a brief exclusive lock; two processes creating the file at the
        # same moment can get SQLITE_BUSY here without the busy handler, so retry a little.
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                conn.execute("PRAGMA journal_mode = WAL").fetchall()
                return
            except sqlite3.OperationalError as exc:
                msg = str(exc).lower()
                if "readonly" in msg or "read-only" in msg:
                    return  # read-only file: reading still works in its current mode
                if ("locked" in msg or "busy" in msg) and time.monotonic() < deadline:
                    time.sleep(0.01)
                    continue
                raise

    def _open_memory(self) -> bool:
        conn = sqlite3.connect(MEMORY, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        self._conn, self._pid, self._file_id = conn, os.getpid(), None
        self._migrate(conn)
        self._ready = True
        return True

    def _to_memory(self, why: str) -> None:
        self._memory = True
        self._emit(
            f"kesos: {why}; your progress will be kept in memory only for this session "
            f"(set {ENV_DB} to a writable file to keep it)."
        )

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION and self._read_learner(conn):
            return  # common case: no write lock needed (works on read-only files too)
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]  # may have moved on
            for step in MIGRATIONS[version:]:
                _run_step(conn, step)
            if version < SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('learner_id', ?) ON CONFLICT(key) DO NOTHING",
                (self._provisional_learner,),
            )
            conn.execute("COMMIT")
        except BaseException:
            self._rollback(conn)
            raise
        if version > SCHEMA_VERSION:
            self._warn(
                "newer",
                f"kesos: the progress file {self._where()} was written by a newer kesos "
                f"(schema {version} > {SCHEMA_VERSION}); please update kesos.",
            )
        self._read_learner(conn)

    def _read_learner(self, conn: sqlite3.Connection) -> str | None:
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'learner_id'").fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
        if row and row[0]:
            self._learner = row[0]
        return self._learner if row else None

    def _current_learner(self) -> str:
        env = os.environ.get(ENV_LEARNER)
        if env:
            return env
        return self._learner or self._provisional_learner

    @staticmethod
    def _rollback(conn: sqlite3.Connection) -> None:
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    # ---- internals: damaged files -----------------------------------------------------------
    def _move_aside(self, exc: BaseException) -> bool:
        """Move the damaged file (+ -wal/-shm) to ``<name>.corrupt-<UTC>``. False -> memory."""
        assert self.path is not None
        try:
            st = os.stat(self.path)
            current: tuple[int, int] | None = (st.st_dev, st.st_ino)
        except OSError:
            current = None
        if self._file_id is not None and current is not None and current != self._file_id:
            # Another process already replaced the damaged file with a fresh one: use that.
            self._drop_connection()
            self._file_id = None
            return True
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while any(os.path.lexists(f"{target}{s}") for s in ("", "-wal", "-shm", "-journal")):
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
            n += 1
        sidecars = [(pathlib.Path(f"{self.path}{s}"), pathlib.Path(f"{target}{s}"))
                    for s in ("-wal", "-shm", "-journal")]
        try:
            # SQLite deletes -wal/-shm when the last connection closes, and the WAL may hold
            # committed answers: copy them BEFORE closing (renaming open files fails on Windows).
            for side, dest in sidecars:
                if side.exists():
                    shutil.copy2(side, dest)
            self._drop_connection()
            if current is not None:
                os.replace(self.path, target)
            for side, dest in sidecars:
                if side.exists():  # still there after close: the newest bytes win
                    os.replace(side, dest)
        except OSError as err:
            self._drop_connection()
            self._to_memory(
                f"the progress file {self.path} is damaged ({exc}) and could not be moved "
                f"aside ({err.strerror or err})"
            )
            return False
        self._file_id = None
        self._emit(
            f"kesos: the progress file {self.path} was damaged; moved it to {target}; "
            "starting a fresh one."
        )
        return True

    # ---- internals: writing and reading -----------------------------------------------------
    def _flush(self) -> dict[str, int]:
        """Write all pending attempts in ONE transaction. Returns {uid: row id} for those written."""
        if not self._pending:
            return {}
        for _ in range(3):
            if not self._ensure_ready():
                return {}  # _ensure_ready already said (once) that answers stay in memory
            conn = self._conn
            assert conn is not None
            try:
                ids = self._insert_all(conn, self._pending)
            except sqlite3.Error as exc:
                self._rollback(conn)
                if _is_corruption(exc):
                    self._move_aside(exc)  # fresh file (or memory); pending is retried there
                    continue
                if isinstance(exc, (sqlite3.ProgrammingError, sqlite3.InterfaceError)):
                    self._drop_connection()  # e.g. connection closed under us: reopen
                    continue
                if (getattr(exc, "sqlite_errorcode", 5) & 0xFF) not in (5, 6):
                    # Not just busy/locked (e.g. read-only, I/O error, disk full): a connection
                    # opened read-only stays read-only, so reopen on the next try.
                    self._drop_connection()
                self._warn_pending(str(exc))
                return {}
            self._pending.clear()
            self._resolved()
            return ids
        self._warn_pending("repeated errors")
        return {}

    def _warn_pending(self, reason: str) -> None:
        n = len(self._pending)
        self._warn(
            f"pending:{reason}",
            f"kesos: could not save your answer to {self._where()} ({reason}); "
            f"keeping {n} answer(s) in memory and will retry on the next answer.",
        )

    def _insert_all(self, conn: sqlite3.Connection, items: Iterable[Attempt]) -> dict[str, int]:
        ids: dict[str, int] = {}
        conn.execute("BEGIN IMMEDIATE")
        for att in items:
            learner = att.learner
            if learner == self._provisional_learner and self._learner:
                learner = self._learner  # queued before the file could be read
            cur = conn.execute(
                "INSERT INTO attempts (learner, item_id, activity_type, answer, score, max_score,"
                " correct, language, created_at, context, uid)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(uid) DO NOTHING",
                (
                    learner, att.item_id, att.activity_type, _dumps(att.answer), att.score,
                    att.max_score, None if att.correct is None else int(att.correct),
                    att.language, att.created_at, _dumps(att.context), att.uid,
                ),
            )
            if cur.rowcount == 1:
                ids[att.uid] = cur.lastrowid  # type: ignore[index]
            else:  # already written by an earlier try whose outcome we did not see
                row = conn.execute("SELECT id FROM attempts WHERE uid = ?", (att.uid,)).fetchone()
                if row:
                    ids[att.uid] = row[0]  # type: ignore[index]
        conn.execute("COMMIT")
        return ids

    def _read(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        for _ in range(3):
            if not self._ensure_ready():
                return []
            conn = self._conn
            assert conn is not None
            try:
                return conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                if _is_corruption(exc):
                    self._move_aside(exc)
                    continue
                if isinstance(exc, (sqlite3.ProgrammingError, sqlite3.InterfaceError)):
                    self._drop_connection()
                    continue
                self._warn(
                    f"read:{exc}",
                    f"kesos: could not read the progress file {self._where()} ({exc}); "
                    "showing only this session's unsaved answers.",
                )
                return []
        return []


# --------------------------------------------------------------------------------------------
# Process-wide default store
# --------------------------------------------------------------------------------------------
_default_store: ProgressStore | None = None
_default_lock = threading.Lock()


_atexit_registered = False


def _close_default_store() -> None:
    # Last chance for queued answers when the kernel shuts down (a warning says if it failed).
    store = _default_store
    if store is not None:
        store.close()


def get_store() -> ProgressStore:
    """The process-wide store, created on first use at :func:`default_path`."""
    global _default_store, _atexit_registered
    with _default_lock:
        if _default_store is None:
            _default_store = ProgressStore()
        if not _atexit_registered:
            atexit.register(_close_default_store)
            _atexit_registered = True
        return _default_store


def set_store(store: ProgressStore | None) -> ProgressStore | None:
    """Replace the process-wide store (tests, notebooks); None = recreate lazily. Returns the old one."""
    global _default_store
    with _default_lock:
        old, _default_store = _default_store, store
        return old
