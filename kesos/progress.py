"""Learner progress store: every answer a learner gives, kept in a small SQLite file.

One row per attempt (never updated in place), so later features -- a progress dashboard,
spaced review, mock exams -- can all be computed from the per-item attempt history.

Design rules, because this runs inside a learner's Jupyter kernel (details: docs/progress.md):

* stdlib ``sqlite3`` only; ``platformdirs`` for the default location; pandas is imported
  lazily inside :meth:`ProgressStore.to_dataframe` (importing this module stays cheap);
* the learner never sees a traceback from here: problems become ONE line on stderr (also kept
  in :attr:`ProgressStore.warnings`, and as machine-readable :attr:`ProgressStore.status`);
* nothing is lost and nothing hangs: a record waits at most ~1.5 s for another writer's lock.
  An attempt the database cannot take now (locked, read-only, unusable path, newer schema) is
  appended to a *spill file* (one JSON line, flushed and fsynced) next to the database, or in
  the user cache folder when that folder is not writable, and ``attempt.saved`` is False. The
  spill is replayed exactly once (``uid`` is UNIQUE in the database) when a store next opens the
  file, on later records, and by a background retry timer while anything is pending;
* a damaged file is moved aside (not deleted) and a fresh one started with the same learner id
  (kept in a ``<file>.learner`` sidecar); a file from a newer kesos is opened read-only;
* WAL journal where the file system supports it, else the rollback journal (network folders;
  ``KESOS_PROGRESS_JOURNAL=delete`` forces it).

Usage::

    from kesos.progress import get_store
    store = get_store()
    store.record("m1.q3", "multiple_choice", {"choice": "b"}, score=1, max_score=1, correct=True)
    store.last_attempt("m1.q3")
"""
from __future__ import annotations

import atexit
import dataclasses
import errno
import hashlib
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
from urllib.parse import quote
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
ENV_JOURNAL = "KESOS_PROGRESS_JOURNAL"  # "delete": always use the rollback journal (network homes)
ENV_VFS = "KESOS_PROGRESS_VFS"  # advanced: an SQLite VFS name, e.g. "unix-dotfile" for NFS without locks
DEFAULT_TIMEOUT = 1.5  # seconds a record waits for another writer's lock before spilling
RETRY_INTERVAL = 2.0  # seconds between background retries while something is pending
SHORT_WAIT = 0.1  # lock wait while answers are already pending (the retry timer catches up)
MEMORY = ":memory:"
SPILL_SUFFIX = ".spill.jsonl"
LEARNER_SUFFIX = ".learner"
SPILL_VERSION = 1

try:  # POSIX: an exclusive flock keeps spill writers from different processes apart
    import fcntl as _fcntl
except ImportError:  # pragma: no cover - Windows: O_APPEND single writes only
    _fcntl = None  # type: ignore[assignment]


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
_V3 = """
-- every read is "this learner's attempts at this item, latest by time then id"
CREATE INDEX IF NOT EXISTS attempts_learner_item ON attempts (learner, item_id, created_at, id);
"""

MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [_V1, _V2, _V3]
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
# Spill file: the durable queue
# --------------------------------------------------------------------------------------------
class _Spill:
    """An append-only file of JSON lines, one per attempt the database could not take yet.

    Every access holds an exclusive ``flock`` on the file; a writer that got its lock on a file
    that was meanwhile removed or replaced (by a replay in another process) opens it again, so
    no line is ever written into an unlinked file. Lines are written with one ``write`` on an
    ``O_APPEND`` descriptor and fsynced before :meth:`append` returns.
    """

    def __init__(self, path: pathlib.Path):
        self.path = path

    def _open_locked(self, flags: int) -> int:
        for _ in range(100):
            fd = os.open(self.path, flags | getattr(os, "O_CLOEXEC", 0), 0o600)
            try:
                if _fcntl is not None:
                    _fcntl.flock(fd, _fcntl.LOCK_EX)
                st = os.fstat(fd)
                try:
                    cur = os.stat(self.path)
                    same = (cur.st_dev, cur.st_ino) == (st.st_dev, st.st_ino)
                except FileNotFoundError:
                    same = False
            except BaseException:
                os.close(fd)
                raise
            if same:
                return fd
            os.close(fd)  # replaced/removed while we waited: open the current file
        raise OSError(errno.EAGAIN, "spill file keeps changing", str(self.path))

    def exists(self) -> bool:
        try:
            return os.stat(self.path).st_size > 0
        except OSError:
            return False

    def append(self, lines: list[str]) -> None:
        data = "".join(line + "\n" for line in lines).encode("utf-8")
        new = not os.path.exists(self.path)
        if new:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = self._open_locked(os.O_RDWR | os.O_APPEND | os.O_CREAT)
        try:
            size = os.fstat(fd).st_size
            if size:
                os.lseek(fd, size - 1, os.SEEK_SET)
                if os.read(fd, 1) != b"\n":
                    data = b"\n" + data  # a torn last line (killed mid-write) stays its own line
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        if new:
            _fsync_dir(self.path.parent)

    def read(self) -> tuple[list[dict], list[str]]:
        """(records, unreadable lines)."""
        try:
            fd = self._open_locked(os.O_RDONLY)
        except FileNotFoundError:
            return [], []
        try:
            data = _read_all(fd)
        finally:
            os.close(fd)
        return _parse_spill(data)

    def remove(self, uids: set[str]) -> None:
        """Drop the lines of ``uids`` (now in the database); delete the file when none remain."""
        try:
            fd = self._open_locked(os.O_RDWR)
        except FileNotFoundError:
            return
        try:
            data = _read_all(fd)
            keep: list[bytes] = []
            bad: list[bytes] = []
            for raw in data.split(b"\n"):
                if not raw.strip():
                    continue
                rec = _parse_line(raw)
                if rec is None:
                    bad.append(raw)
                elif rec["uid"] not in uids:
                    keep.append(raw)
            if bad:  # never silently dropped: kept for inspection next to the spill
                with open(f"{self.path}.unreadable", "ab") as f:
                    f.write(b"".join(b + b"\n" for b in bad))
            if keep:
                tmp = self.path.with_name(f"{self.path.name}.tmp-{os.getpid()}")
                with open(tmp, "wb") as f:
                    f.write(b"".join(k + b"\n" for k in keep))
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.path)
            else:
                os.unlink(self.path)
        finally:
            os.close(fd)


def _read_all(fd: int) -> bytes:
    chunks = []
    os.lseek(fd, 0, os.SEEK_SET)
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _fsync_dir(path: pathlib.Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _parse_line(raw: bytes) -> dict | None:
    try:
        rec = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(rec, dict) or not isinstance(rec.get("uid"), str) \
            or not isinstance(rec.get("item_id"), str):
        return None
    return rec


def _parse_spill(data: bytes) -> tuple[list[dict], list[str]]:
    records, bad = [], []
    for raw in data.split(b"\n"):
        if raw.strip():
            rec = _parse_line(raw)
            if rec is None:
                bad.append(raw.decode("utf-8", "replace")[:80])
            else:
                records.append(rec)
    return records, bad


def _spill_line(att: Attempt, db: str, provisional: bool) -> str:
    return json.dumps(
        {
            "v": SPILL_VERSION, "db": db, "uid": att.uid, "learner": att.learner,
            "learner_provisional": provisional, "item_id": att.item_id,
            "activity_type": att.activity_type, "answer": att.answer, "score": att.score,
            "max_score": att.max_score, "correct": att.correct, "language": att.language,
            "created_at": att.created_at, "context": att.context,
        },
        ensure_ascii=False, default=_json_default,
    )


def _attempt_from_spill(rec: dict) -> Attempt:
    correct = rec.get("correct")
    return Attempt(
        id=None, learner=rec.get("learner"), item_id=rec["item_id"],
        activity_type=rec.get("activity_type"), answer=rec.get("answer"),
        score=rec.get("score"), max_score=rec.get("max_score"),
        correct=None if correct is None else bool(correct), language=rec.get("language"),
        created_at=rec.get("created_at") or _utc_now(), context=rec.get("context"),
        uid=rec["uid"],
    )


def _order_key(att: Attempt) -> tuple:
    # time first (a replayed older answer sorts where it was given), then row id, pending last
    return (att.created_at or "", att.id is None, att.id or 0)


def _reason_for(exc: BaseException, folder: pathlib.Path | None = None) -> str:
    code = getattr(exc, "sqlite_errorcode", None)
    prim = None if code is None else code & 0xFF
    msg = str(exc).lower()
    if prim in (5, 6) or "locked" in msg or "busy" in msg:
        return "locked"
    if prim == 8 or "readonly" in msg or "read-only" in msg:
        return "readonly"
    if isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "readonly"
    if folder is not None and folder.is_dir() and not os.access(folder, os.W_OK):
        return "readonly"
    return "unusable_path"


class _Unusable(Exception):
    """Internal: the path cannot hold a database (a folder, an uncreatable parent...)."""


# --------------------------------------------------------------------------------------------
# Store
# --------------------------------------------------------------------------------------------
class ProgressStore:
    """Append-only store of learner attempts in one SQLite file (see module docstring).

    ``path``: a file path, ``":memory:"``, or None for :func:`default_path`.
    ``timeout``: seconds a record waits for another process's write lock before the attempt
    goes to the spill file (keep it under 2 s: a click must never hang).
    ``retry_interval``: seconds between background retries while something is pending.
    The file is opened on first use. All methods are thread-safe.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retry_interval: float = RETRY_INTERVAL,
    ):
        if path is None:
            path = default_path()
        self._memory = str(path) == MEMORY
        self.path: pathlib.Path | None = (
            None if self._memory else pathlib.Path(path).expanduser().absolute()
        )
        self.timeout = float(timeout)
        self.retry_interval = float(retry_interval)
        self.warnings: list[str] = []
        self.journal_mode: str | None = None
        self._journal_warned = False
        self._bad_warned: set[pathlib.Path] = set()
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._pid: int | None = None
        self._ready = False  # connection open AND schema current (or read-only: newer schema)
        self._file_id: tuple[int, int] | None = None  # (st_dev, st_ino) of the file we opened
        self._newer: int | None = None  # user_version of a newer-schema file (opened read-only)
        self._pending: dict[str, Attempt] = {}  # uid -> attempt not in the database
        self._memory_only: set[str] = set()  # pending uids not even in a spill file
        self._provisional_uids: set[str] = set()  # spilled before their learner id was known
        self._reason: str | None = None
        self._message: str | None = None
        self._detail = ""  # the error text behind _reason (for the warning line)
        self._problem: str | None = None  # current warned-about problem (dedupes warnings)
        self._learner: str | None = None
        self._saved_listeners: list[Callable[[list[str]], None]] = []
        self._record_listeners: list[Callable[[Attempt], None]] = []
        self._timer: threading.Timer | None = None
        self._timer_pid: int | None = None
        self._spills: list[_Spill] = []
        if self.path is not None:
            self._spills = [
                _Spill(self.path.with_name(self.path.name + SPILL_SUFFIX)),
                _Spill(_cache_spill_path(self.path)),
            ]
        self._provisional_learner = self._sidecar_learner() or uuid.uuid4().hex
        saved: list[str] = []
        with self._lock:
            if self._ensure_ready(self.timeout):
                saved = self._drain(self.timeout)
            else:
                self._load_spills()
            if self._pending:
                self._schedule_retry()
        self._notify_saved(saved)

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
        """Store one attempt and return it.

        ``attempt.saved`` is True when the row is in the database; False when the database could
        not take it within ``timeout`` (it is then in the spill file -- durable -- and will be
        saved by a later record, :meth:`flush`, the retry timer or the next store to open the
        file; :meth:`subscribe` says when). ``answer`` and ``context`` are JSON-encoded (unknown
        types degrade to lists/strings); HTML in them is stored verbatim (escape when showing).
        """
        if not isinstance(item_id, str) or not item_id:
            raise ValueError(f"item_id must be a non-empty string, not {item_id!r}")
        attempt = Attempt(
            id=None,
            learner=None,  # filled in below, under the lock
            item_id=item_id,
            activity_type=None if activity_type is None else str(activity_type),
            answer=_loads(_dumps(answer)),  # snapshot: later mutation cannot change history
            score=_num("score", score),
            max_score=_num("max_score", max_score),
            correct=None if correct is None else bool(correct),
            language=None if language is None else str(language),
            created_at=_utc_now(),
            context=_loads(_dumps(context)),
            uid=uuid.uuid4().hex,
        )
        saved: list[str] = []
        with self._lock:
            attempt = dataclasses.replace(attempt, learner=self._current_learner())
            if self._newer is not None and self._ready:
                ids = None  # newer schema: never written; straight to the spill file
            elif self._pending or any(s.exists() for s in self._spills):
                # earlier answers are waiting: write them first, in the same transaction
                saved = self._drain(SHORT_WAIT if self._pending else self.timeout, [attempt])
                ids = self._last_ids
            else:
                ids = self._write([attempt], self.timeout)
            if ids is not None and attempt.uid in ids:
                attempt = dataclasses.replace(attempt, id=ids[attempt.uid])
            else:
                self._park([attempt])
        self._notify_saved(saved)
        self._notify_record(attempt)
        return attempt

    def flush(self, wait: float | None = None) -> int:
        """Try to save pending (spilled) attempts now. Returns how many are still pending."""
        with self._lock:
            saved = self._drain(self.timeout if wait is None else wait)
            n = len(self._pending)
        self._notify_saved(saved)
        return n

    @property
    def pending(self) -> list[Attempt]:
        """Attempts not in the database yet (in the spill file or, failing that, in memory)."""
        with self._lock:
            return sorted(self._pending.values(), key=_order_key)

    @property
    def status(self) -> dict[str, Any]:
        """For the interface: ``writable`` (bool), ``reason`` (None or 'locked', 'readonly',
        'newer_schema', 'unusable_path'), ``pending`` (int), ``message`` (last warning line)."""
        with self._lock:
            return {
                "writable": self._reason is None,
                "reason": self._reason,
                "pending": len(self._pending),
                "message": self._message if self._reason else None,
            }

    def subscribe(self, fn: Callable[[list[str]], None]) -> Callable[[], None]:
        """Call ``fn(saved_uids)`` whenever pending attempts reach the database (possibly from
        the retry thread). Returns a function that unsubscribes."""
        with self._lock:
            self._saved_listeners.append(fn)
        return lambda: self._unsubscribe(self._saved_listeners, fn)

    def on_record(self, fn: Callable[[Attempt], None]) -> Callable[[], None]:
        """Call ``fn(attempt)`` after every record (saved or not). Returns an unsubscribe function.
        An exception in ``fn`` becomes one warning line; it never reaches the learner."""
        with self._lock:
            self._record_listeners.append(fn)
        return lambda: self._unsubscribe(self._record_listeners, fn)

    def last_attempt(self, item_id: str) -> Attempt | None:
        """This learner's most recent attempt at ``item_id`` (by time, then id; pending ones
        count), or None."""
        with self._lock:
            learner, nulls = self._read_filter()
            rows = self._read(
                "SELECT * FROM attempts WHERE (learner = ? OR (? AND learner IS NULL))"
                " AND item_id = ? ORDER BY created_at DESC, id DESC LIMIT 1",
                (learner, nulls, item_id),
            )
            found = [_row_to_attempt(r) for r in rows]
            db_uids = {a.uid for a in found}
            found += [a for a in self._pending.values()
                      if a.item_id == item_id and a.uid not in db_uids and self._mine(a, learner)]
            return max(found, key=_order_key) if found else None

    def attempts(self, item_id: str | None = None) -> list[Attempt]:
        """This learner's attempts (or those at ``item_id``) oldest first, pending ones included."""
        with self._lock:
            learner, nulls = self._read_filter()
            where = "(learner = ? OR (? AND learner IS NULL))"
            if item_id is None:
                rows = self._read(f"SELECT * FROM attempts WHERE {where} ORDER BY created_at, id",
                                  (learner, nulls))
            else:
                rows = self._read(
                    f"SELECT * FROM attempts WHERE {where} AND item_id = ? ORDER BY created_at, id",
                    (learner, nulls, item_id),
                )
            out = [_row_to_attempt(r) for r in rows]
            db_uids = {a.uid for a in out if a.uid}
            extra = [a for a in self._pending.values()
                     if (item_id is None or a.item_id == item_id)
                     and a.uid not in db_uids and self._mine(a, learner)]
            if extra:
                out = sorted(out + extra, key=_order_key)
            return out

    @property
    def learner_id(self) -> str:
        """``$KESOS_LEARNER`` if set, else the id made when the file was created."""
        with self._lock:
            return self._current_learner()

    def to_dataframe(self):
        """This learner's attempts as a pandas DataFrame (one row each, columns = Attempt fields)."""
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
        """Save what is pending (if possible) and release the file. Pending attempts stay in the
        spill file (replayed when the file is next opened). Later calls reopen the file."""
        with self._lock:
            self._cancel_retry()
            saved = self._drain(SHORT_WAIT) if self._pending else []
            self._spill_memory_only()
            if self._memory_only:
                self._emit(
                    f"kesos: {len(self._memory_only)} answer(s) could not be saved to "
                    f"{self._where()} nor to a spill file; they are lost when this kernel stops."
                )
            self._drop_connection()
        self._notify_saved(saved)

    def hand_over(self, other: "ProgressStore") -> None:
        """Close this store, moving every attempt it could not save into ``other`` (used when
        :func:`kesos.setup` switches the progress file): nothing is dropped on the way."""
        if other is self:
            return
        with self._lock:
            self._cancel_retry()
            self._drain(SHORT_WAIT)
            carried = sorted(self._pending.values(), key=_order_key)
            me = {self._current_learner(), self._provisional_learner}
        if carried:
            # the same person goes on in the other file: their answers take its learner id
            them = other.learner_id
            carried = [dataclasses.replace(a, learner=them) if a.learner in me else a
                       for a in carried]
            other._adopt(carried)
            with self._lock:
                uids = {a.uid for a in carried if a.uid}
                for spill in self._spills:
                    try:
                        spill.remove(uids)
                    except OSError:
                        pass
                for uid in uids:
                    self._pending.pop(uid, None)
                    self._memory_only.discard(uid)
        self.close()

    def __enter__(self) -> "ProgressStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ProgressStore({self._where()!r}, pending={len(self._pending)})"

    # ---- internals: listeners ---------------------------------------------------------------
    def _unsubscribe(self, listeners: list, fn: Callable) -> None:
        with self._lock:
            try:
                listeners.remove(fn)
            except ValueError:
                pass

    def _call(self, fn: Callable, arg: Any) -> None:
        try:
            fn(arg)
        except Exception as exc:  # a listener's bug must never reach the learner
            name = getattr(fn, "__qualname__", repr(fn))
            self._emit(f"kesos: a progress listener ({name}) failed: {type(exc).__name__}: {exc}")

    def _notify_saved(self, uids: list[str]) -> None:
        if uids:
            for fn in list(self._saved_listeners):
                self._call(fn, list(uids))

    def _notify_record(self, attempt: Attempt) -> None:
        for fn in list(self._record_listeners):
            self._call(fn, attempt)

    # ---- internals: warnings ----------------------------------------------------------------
    def _where(self) -> str:
        return MEMORY if self._memory or self.path is None else str(self.path)

    def _emit(self, line: str) -> None:
        line = " ".join(line.split())  # always exactly one line
        self.warnings.append(line)
        self._message = line
        try:
            print(line, file=sys.stderr, flush=True)
        except Exception:  # stderr closed/None (pythonw, detached kernel): keep the list only
            pass

    def _warn(self, key: str, line: str) -> None:
        """Emit ``line`` unless the same problem was already reported and not yet resolved."""
        if key != self._problem:
            self._problem = key
            self._emit(line)

    def _set_reason(self, reason: str | None) -> None:
        self._reason = reason
        if reason is None:
            self._problem = None

    # ---- internals: the durable queue -------------------------------------------------------
    def _park(self, attempts: list[Attempt]) -> None:
        """Attempts the database did not take: append them to a spill file (fsynced)."""
        for att in attempts:
            self._pending[att.uid] = att  # type: ignore[index]
        where = self._spill_write(attempts)
        if where is not None and self._reason == "newer_schema":
            pass  # the one "newer kesos" line already said where answers go
        elif where is None:
            self._memory_only.update(a.uid for a in attempts)  # type: ignore[misc]
            self._warn(
                f"memory:{self._reason}",
                f"kesos: could not save your answer to {self._where()} ({self._reason}) nor "
                "to a spill file; it is kept in memory only and saving will be retried.",
            )
        else:
            detail = self._detail
            self._warn(
                f"spill:{self._reason}:{where}",
                f"kesos: could not save your answer to {self._where()} yet ({self._reason}"
                f"{': ' + detail if detail and detail != self._reason else ''}); "
                f"it is kept in {where} and will be saved automatically.",
            )
        self._schedule_retry()

    def _spill_write(self, attempts: list[Attempt]) -> pathlib.Path | None:
        if not self._spills:
            return None
        lines = [_spill_line(a, self._where(), a.learner == self._provisional_learner
                             and not self._learner) for a in attempts]
        for spill in self._spills:
            try:
                spill.append(lines)
                return spill.path
            except OSError:
                continue
        return None

    def _spill_memory_only(self) -> None:
        if self._memory_only:
            atts = [self._pending[u] for u in self._memory_only if u in self._pending]
            if atts and self._spill_write(atts) is not None:
                self._memory_only.clear()

    def _load_spills(self) -> None:
        """Read every spill file into ``_pending`` (also other processes' lines). A pending
        attempt that is in no spill any more (another process replayed it) stays pending here:
        writing it again is harmless, the UNIQUE uid makes it a no-op that returns its row."""
        seen: dict[str, dict] = {}
        for spill in self._spills:
            try:
                records, bad = spill.read()
            except OSError:
                continue
            if bad and spill.path not in self._bad_warned:
                self._bad_warned.add(spill.path)
                self._emit(f"kesos: {len(bad)} unreadable line(s) in {spill.path} were skipped "
                           f"(kept in {spill.path}.unreadable).")
            for rec in records:
                seen.setdefault(rec["uid"], rec)
        for uid, rec in seen.items():
            if uid not in self._pending:
                att = _attempt_from_spill(rec)
                if rec.get("learner_provisional"):
                    # recorded before that session could read the file's learner id: it is the
                    # file owner's answer (resolved when written, see _insert_all)
                    self._provisional_uids.add(uid)
                    if self._learner:
                        att = dataclasses.replace(att, learner=self._learner)
                self._pending[uid] = att

    def _drain(self, wait: float, extra: list[Attempt] = ()) -> list[str]:  # type: ignore[assignment]
        """Replay spill files and in-memory pending attempts (then ``extra``, a new attempt) into
        the database in one transaction, exactly once. Returns the uids of pending attempts that
        reached the database (for subscribers); ``self._last_ids`` maps every written uid to its
        row id (None if the database did not take them)."""
        self._last_ids: dict[str, int] | None = None
        if self._pending or any(s.exists() for s in self._spills):
            self._load_spills()
        if not self._pending and not extra:
            return []
        batch = sorted(self._pending.values(), key=_order_key)
        ids = self._write(batch + list(extra), wait)
        self._last_ids = ids
        if ids is None:
            self._spill_memory_only()
            self._schedule_retry()
            return []
        uids = {a.uid for a in batch if a.uid in ids}
        if uids:
            for spill in self._spills:
                try:
                    spill.remove(uids)  # type: ignore[arg-type]
                except OSError as exc:  # harmless: a later replay skips them (uid is UNIQUE)
                    self._warn(f"spillrm:{spill.path}",
                               f"kesos: could not tidy {spill.path} ({exc}); it will be retried.")
        for uid in uids:
            self._pending.pop(uid, None)  # type: ignore[arg-type]
            self._memory_only.discard(uid)  # type: ignore[arg-type]
        return [a.uid for a in batch if a.uid in uids]  # type: ignore[misc]

    def _adopt(self, attempts: list[Attempt]) -> None:
        """Take over attempts another store could not save (same uid, time and learner)."""
        with self._lock:
            ids = self._write(attempts, SHORT_WAIT)
            if ids is None:
                self._park(attempts)
        self._notify_saved(sorted(ids or ()))

    def _schedule_retry(self) -> None:
        if self._timer_pid != os.getpid():
            self._timer = None  # timers do not survive fork()
        if self._timer is not None or not self._pending or self._reason == "newer_schema":
            return
        timer = threading.Timer(self.retry_interval, self._retry_tick)
        timer.daemon = True  # never keeps a finished kernel alive
        timer.name = "kesos-progress-retry"
        self._timer, self._timer_pid = timer, os.getpid()
        timer.start()

    def _cancel_retry(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None and self._timer_pid == os.getpid():
            timer.cancel()

    def _retry_tick(self) -> None:
        try:
            with self._lock:
                if self._timer is not threading.current_thread():
                    return  # cancelled or replaced
                self._timer = None
                saved = self._drain(SHORT_WAIT * 2)
                if self._pending:
                    self._schedule_retry()
            self._notify_saved(saved)
        except Exception as exc:  # the retry thread must never die with a traceback
            self._emit(f"kesos: background save failed ({type(exc).__name__}: {exc}).")

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

    def _ensure_ready(self, wait: float) -> bool:
        """Open the file and bring its schema current. False if not possible now (the reason is
        in ``status``; the caller spills)."""
        if self._ready and self._pid == os.getpid():
            return True
        if self._pid is not None and self._pid != os.getpid():
            self._drop_connection()  # forked child: never reuse the parent's connection
        for _ in range(3):  # a corrupt file is moved aside and we try again with a fresh one
            try:
                self._open(wait)
                return True
            except _Corrupt as exc:
                if not self._move_aside(exc):
                    return False
            except _Unusable as exc:
                self._drop_connection()
                self._fail("unusable_path", str(exc))
                return False
            except (sqlite3.Error, OSError) as exc:
                if _is_corruption(exc):
                    if not self._move_aside(exc):
                        return False
                    continue
                self._drop_connection()
                self._fail(_reason_for(exc, self.path.parent if self.path else None), str(exc))
                return False
        self._fail("unusable_path", "still damaged after starting a fresh file")
        return False

    def _fail(self, reason: str, detail: str) -> None:
        self._set_reason(reason)
        self._detail = " ".join(detail.split())[:200]

    def _connect(self, wait: float, read_only: bool = False) -> sqlite3.Connection:
        assert self.path is not None
        params = []
        vfs = os.environ.get(ENV_VFS)
        if vfs:
            params.append(f"vfs={quote(vfs)}")
        if read_only:
            params.append("mode=ro")
        uri = "file:" + quote(str(self.path)) + ("?" + "&".join(params) if params else "")
        conn = sqlite3.connect(uri, uri=True, timeout=wait, isolation_level=None,
                               check_same_thread=False)
        self._conn, self._pid = conn, os.getpid()
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
        return conn

    def _open(self, wait: float) -> None:
        self._drop_connection()
        if self._memory:
            self._open_memory()
            return
        assert self.path is not None
        if self.path.is_dir():
            raise _Unusable(f"{self.path} is a folder, not a file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _Unusable(f"cannot create the folder {self.path.parent}: {exc.strerror or exc}")
        conn = self._connect(wait)
        try:
            st = os.stat(self.path)
            self._file_id = (st.st_dev, st.st_ino)
        except OSError:
            self._file_id = None
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            # Written by a newer kesos: read it, never write to it (not even the journal mode).
            self._drop_connection()
            conn = self._connect(wait, read_only=True)
            self._newer = version
            self._read_learner(conn)
            self._ready = True
            self._set_reason("newer_schema")
            self._warn(
                "newer",
                f"kesos: the progress file {self._where()} was written by a newer kesos "
                f"(schema {version} > {SCHEMA_VERSION}); it is opened read-only and new answers "
                "are kept in a spill file until kesos is updated.",
            )
            return
        self._newer = None
        self._set_journal(conn)
        # WAL + NORMAL: a commit is in the WAL file (the OS has it) before record() returns, so
        # a killed kernel (kill -9, OOM, culling) loses nothing; only a power cut or OS crash
        # could lose the last moments -- never corrupt the file. FULL would add an fsync per
        # click (3-4 ms on a busy disk; the goal is < 2 ms). The rollback journal (network
        # folders) keeps FULL: there, correctness beats speed.
        conn.execute(f"PRAGMA synchronous = {'NORMAL' if self.journal_mode == 'wal' else 'FULL'}")
        rows = conn.execute("PRAGMA quick_check").fetchall()
        if [tuple(r) for r in rows] != [("ok",)]:
            first = str(rows[0][0]).splitlines()[-1] if rows else "no result"
            raise _Corrupt(f"quick_check failed: {first}")
        self._migrate(conn)
        self._ready = True
        self._write_sidecar()

    def _set_journal(self, conn: sqlite3.Connection) -> None:
        """WAL where it works; the rollback journal on file systems without shared memory or
        reliable locks (NFS homes), or when $KESOS_PROGRESS_JOURNAL=delete."""
        forced = os.environ.get(ENV_JOURNAL, "").strip().lower()
        if forced == "delete":
            self.journal_mode = self._pragma_journal(conn, "DELETE")
            return
        if self.path is not None and not os.access(self.path, os.W_OK) and self.path.exists():
            return  # read-only file: reading works in its current mode
        try:
            mode = self._pragma_journal(conn, "WAL")
        except sqlite3.OperationalError as exc:
            folder = self.path.parent if self.path is not None else None
            if _reason_for(exc, folder) in ("locked", "readonly"):
                raise
            mode = f"error: {exc}"
        if mode == "wal":
            self.journal_mode = mode
            return
        self.journal_mode = self._pragma_journal(conn, "DELETE")
        if self._journal_warned:
            return
        self._journal_warned = True
        self._emit(
            f"kesos: this folder does not support SQLite's WAL journal ({mode}; e.g. a network "
            f"home folder); {self._where()} uses the rollback journal instead "
            f"(set {ENV_JOURNAL}=delete to skip this check)."
        )

    def _pragma_journal(self, conn: sqlite3.Connection, mode: str) -> str:
        # Changing the journal mode needs a brief exclusive lock; two processes creating the file
        # at the same moment can get SQLITE_BUSY here without the busy handler: retry a little.
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                row = conn.execute(f"PRAGMA journal_mode = {mode}").fetchone()
                return str(row[0]).lower() if row else "unknown"
            except sqlite3.OperationalError as exc:
                if _reason_for(exc) == "locked" and time.monotonic() < deadline:
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

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION and self._read_learner(conn):
            return  # common case: no write lock needed (works on read-only files too)
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]  # may have moved on
            if version > SCHEMA_VERSION:  # upgraded by a newer kesos since we looked
                raise sqlite3.OperationalError("newer schema appeared; reopening")
            for step in MIGRATIONS[version:]:
                _run_step(conn, step)
            if version < SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('learner_id', ?) ON CONFLICT(key) DO NOTHING",
                (self._learner or self._provisional_learner,),
            )
            conn.execute("COMMIT")
        except BaseException:
            self._rollback(conn)
            raise
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

    # The learner id also lives in "<file>.learner", so a fresh file started after a damaged one
    # was moved aside (or a file deleted by hand) keeps the same learner -- and option orders.
    def _sidecar(self) -> pathlib.Path | None:
        return None if self.path is None else self.path.with_name(self.path.name + LEARNER_SUFFIX)

    def _sidecar_learner(self) -> str | None:
        side = self._sidecar()
        if side is None:
            return None
        try:
            text = side.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return text if text and len(text) <= 200 and text.isprintable() else None

    def _write_sidecar(self) -> None:
        side = self._sidecar()
        if side is None or not self._learner or self._sidecar_learner() == self._learner:
            return
        tmp = side.with_name(f"{side.name}.tmp-{os.getpid()}")
        try:
            tmp.write_text(self._learner + "\n", encoding="utf-8")
            os.replace(tmp, side)
        except OSError:
            try:
                tmp.unlink()
            except OSError:
                pass

    def _current_learner(self) -> str:
        env = os.environ.get(ENV_LEARNER)
        if env:
            return env
        return self._learner or self._provisional_learner

    def _read_filter(self) -> tuple[str, bool]:
        """(learner, include rows without a learner): rows of unknown learner belong to the
        file's own learner only."""
        learner = self._current_learner()
        return learner, learner == (self._learner or self._provisional_learner)

    def _mine(self, att: Attempt, learner: str) -> bool:
        if att.learner == learner:
            return True
        owner = self._learner or self._provisional_learner
        return learner == owner and (att.learner == self._provisional_learner
                                     or att.uid in self._provisional_uids)

    @staticmethod
    def _rollback(conn: sqlite3.Connection) -> None:
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    # ---- internals: damaged files -----------------------------------------------------------
    def _move_aside(self, exc: BaseException) -> bool:
        """Move the damaged file (+ -wal/-shm) to ``<name>.corrupt-<UTC>``. False if impossible."""
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
            self._set_reason("unusable_path")
            self._emit(
                f"kesos: the progress file {self.path} is damaged ({exc}) and could not be moved "
                f"aside ({err.strerror or err}); new answers are kept in a spill file."
            )
            return False
        self._file_id = None
        self._emit(
            f"kesos: the progress file {self.path} was damaged; moved it to {target}; "
            "starting a fresh one."
        )
        return True

    # ---- internals: writing and reading -----------------------------------------------------
    def _write(self, attempts: list[Attempt], wait: float) -> dict[str, int] | None:
        """Insert ``attempts`` in ONE transaction, waiting at most ~``wait`` s for a lock.
        Returns {uid: row id} (rows already there count: exactly once), or None if the database
        cannot take them now (``_reason`` says why)."""
        reopened = False
        for _ in range(3):
            if self._newer is not None and self._ready:
                return None  # newer schema: never written
            if not self._ensure_ready(wait):
                return None
            if self._newer is not None:
                return None
            conn = self._conn
            assert conn is not None
            try:
                if not self._memory:
                    conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
                ids = self._insert_all(conn, attempts)
            except sqlite3.Error as exc:
                self._rollback(conn)
                if _is_corruption(exc):
                    if not self._move_aside(exc):
                        return None
                    continue
                if isinstance(exc, (sqlite3.ProgrammingError, sqlite3.InterfaceError)):
                    self._drop_connection()  # e.g. connection closed under us: reopen
                    continue
                reason = _reason_for(exc, self.path.parent if self.path else None)
                if reason != "locked":
                    # read-only, I/O error, disk full...: a connection opened read-only stays
                    # read-only, so try once more on a fresh connection.
                    self._drop_connection()
                    if not reopened:
                        reopened = True
                        continue
                self._fail(reason, str(exc))
                return None
            self._set_reason(None)
            return ids
        return None

    def _insert_all(self, conn: sqlite3.Connection, items: Iterable[Attempt]) -> dict[str, int]:
        ids: dict[str, int] = {}
        conn.execute("BEGIN IMMEDIATE")
        for att in items:
            learner = att.learner
            if self._learner and (learner == self._provisional_learner
                                  or att.uid in self._provisional_uids):
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
            else:  # already written by an earlier try or another process's replay
                row = conn.execute("SELECT id FROM attempts WHERE uid = ?", (att.uid,)).fetchone()
                if row:
                    ids[att.uid] = row[0]  # type: ignore[index]
        conn.execute("COMMIT")
        return ids

    def _read(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        for _ in range(3):
            if not self._ensure_ready(self.timeout):
                return []
            conn = self._conn
            assert conn is not None
            try:
                return conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                if _is_corruption(exc):
                    if not self._move_aside(exc):
                        return []
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


def _cache_spill_path(db: pathlib.Path) -> pathlib.Path:
    """The spill file used when the database's own folder is not writable: in the user cache
    folder, named after (a hash of) the database path."""
    import platformdirs

    digest = hashlib.sha256(str(db).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return (pathlib.Path(platformdirs.user_cache_path("kesos", appauthor=False)) / "spill"
            / f"{digest}-{db.name}{SPILL_SUFFIX}")


# --------------------------------------------------------------------------------------------
# Process-wide default store
# --------------------------------------------------------------------------------------------
_default_store: ProgressStore | None = None
_default_lock = threading.Lock()
_atexit_registered = False


def _close_default_store() -> None:
    # Last chance for pending answers when the kernel shuts down (they stay in the spill file).
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
    """Replace the process-wide store (tests, notebooks); None = recreate lazily. Returns the old
    one (still open: call ``old.hand_over(new)`` or ``old.close()``)."""
    global _default_store
    with _default_lock:
        old, _default_store = _default_store, store
        return old
