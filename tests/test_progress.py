"""Tests for kesos.progress, the learner progress store (SQLite)."""
from __future__ import annotations

import json
import os
import pathlib
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

import kesos.progress as progress
from kesos.progress import SCHEMA_VERSION, MIGRATIONS, Attempt, ProgressStore

REPO = pathlib.Path(__file__).resolve().parents[1]
WRITER = REPO / "tests" / "helpers" / "progress_writer.py"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Never touch the real user data dir; reset the process-wide store after each test."""
    monkeypatch.setenv("KESOS_PROGRESS_DB", str(tmp_path / "default" / "progress.sqlite3"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # spill files in the cache dir
    monkeypatch.delenv("KESOS_LEARNER", raising=False)
    monkeypatch.delenv("KESOS_PROGRESS_JOURNAL", raising=False)
    yield
    old = progress.set_store(None)
    if old is not None:
        old.close()


def _writer(db, count, label, *extra):
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(db), str(count), label, *extra],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def _raw(db):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return conn


def _stderr_lines(capsys):
    return [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]


# ---- round trip -------------------------------------------------------------------------------
def test_round_trip_json_and_learner_id_stable(tmp_path):
    """record() returns the stored Attempt; last_attempt/attempts give it back with answer and
    context decoded from JSON, in insertion order; the learner id survives reopening."""
    db = tmp_path / "p.sqlite3"
    with ProgressStore(db) as store:
        learner = store.learner_id
        assert len(learner) == 32 and int(learner, 16) >= 0  # uuid4 hex
        a1 = store.record("m1.q1", "multiple_choice", {"choice": "b", "list": [1, 2]},
                          score=0, max_score=1, correct=False, language="id",
                          context={"notebook": "01.ipynb", "confidence": 3})
        a2 = store.record("m1.q2", "free_text", "Kesejahteraan sosial ialah ...", language="en")
        a3 = store.record("m1.q1", "multiple_choice", {"choice": "c"}, score=1, max_score=1,
                          correct=True)
        assert isinstance(a1, Attempt) and a1.saved and a1.id < a2.id < a3.id
        assert a1.learner == learner and a1.correct is False and a3.correct is True
        assert a2.correct is None and a2.score is None
        assert store.last_attempt("m1.q1") == a3
        assert store.last_attempt("nope") is None
        assert store.attempts() == [a1, a2, a3]
        assert store.attempts("m1.q1") == [a1, a3]
        assert store.warnings == []

    with ProgressStore(db) as again:
        assert again.learner_id == learner
        got = again.attempts()
        assert got == [a1, a2, a3]
        assert got[0].answer == {"choice": "b", "list": [1, 2]}
        assert got[0].context == {"notebook": "01.ipynb", "confidence": 3}
        assert got[1].answer == "Kesejahteraan sosial ialah ..."
        assert got[0].created_at.endswith("+00:00")  # ISO-8601 UTC


def test_answers_stored_verbatim_and_snapshotted(tmp_path):
    """HTML/script in an answer is stored byte-for-byte (escaping is the display layer's job),
    and mutating the caller's dict afterwards does not change the recorded history."""
    db = tmp_path / "p.sqlite3"
    payload = {"text": "<script>alert('x')</script><b>tebal</b> & \"kutip\""}
    with ProgressStore(db) as store:
        att = store.record("q", "free_text", payload)
        payload["text"] = "changed"
        assert store.last_attempt("q").answer["text"].startswith("<script>")
    raw = _raw(db).execute("SELECT answer FROM attempts").fetchone()[0]
    assert json.loads(raw) == att.answer
    assert "<script>alert('x')</script><b>tebal</b> &" in raw


def test_learner_env_override(tmp_path, monkeypatch):
    """KESOS_LEARNER overrides the stored learner id (and is written on new attempts)."""
    with ProgressStore(tmp_path / "p.sqlite3") as store:
        stored = store.learner_id
        monkeypatch.setenv("KESOS_LEARNER", "siti")
        assert store.learner_id == "siti"
        assert store.record("q", "x", 1).learner == "siti"
        monkeypatch.delenv("KESOS_LEARNER")
        assert store.learner_id == stored


def test_threads_share_one_store(tmp_path):
    """Several threads recording through one store lose nothing and get unique ids."""
    store = ProgressStore(tmp_path / "p.sqlite3")

    def work(n):
        for i in range(40):
            store.record(f"t{n}", "x", i)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = store.attempts()
    assert len(rows) == 160 and len({a.id for a in rows}) == 160
    for n in range(4):  # each thread's own order is preserved
        assert [a.answer for a in store.attempts(f"t{n}")] == list(range(40))
    store.close()


# ---- the interface contract: status, listeners ------------------------------------------------
def test_status_listeners_and_saved_flag(tmp_path, capsys):
    """status reports writable/reason/pending; on_record listeners see every attempt (saved or
    not); subscribe listeners get the uids of spilled attempts once flush() saves them; an
    exception in a listener becomes ONE warning line; unsubscribing stops the calls."""
    db = tmp_path / "p.sqlite3"
    store = ProgressStore(db, timeout=0.05, retry_interval=60)
    assert store.status == {"writable": True, "reason": None, "pending": 0, "message": None}
    seen, saved = [], []
    stop_seen = store.on_record(seen.append)
    stop_saved = store.subscribe(saved.append)

    def broken(_attempt):
        raise RuntimeError("boom")

    stop_broken = store.on_record(broken)
    a = store.record("q", "x", 1)
    assert a.saved and seen == [a] and saved == []
    lines = _stderr_lines(capsys)
    assert len(lines) == 1 and "boom" in lines[0] and "\n" not in lines[0]
    stop_broken()

    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    b = store.record("q", "x", 2)
    assert not b.saved and seen == [a, b]
    assert store.status["writable"] is False and store.status["reason"] == "locked"
    assert store.status["pending"] == 1 and [p.uid for p in store.pending] == [b.uid]
    assert store.flush(wait=0.05) == 1 and saved == []
    holder.execute("ROLLBACK")
    holder.close()
    assert store.flush() == 0 and saved == [[b.uid]]
    assert store.status == {"writable": True, "reason": None, "pending": 0, "message": None}
    assert [x.answer for x in store.attempts()] == [1, 2] and all(x.saved for x in store.attempts())
    stop_seen()
    stop_saved()
    store.record("q", "x", 3)
    assert len(seen) == 2
    store.close()


# ---- locations ----------------------------------------------------------------------------------
def test_env_var_and_platformdirs_default(tmp_path, monkeypatch):
    """default_path() uses KESOS_PROGRESS_DB when set, else platformdirs' user data dir for
    'kesos'; get_store() opens there (creating missing folders); set_store() overrides."""
    target = tmp_path / "env" / "deep" / "mine.db"
    monkeypatch.setenv("KESOS_PROGRESS_DB", str(target))
    assert progress.default_path() == target

    import platformdirs

    calls = []

    def fake_user_data_path(appname, appauthor=None, *args, **kwargs):
        calls.append((appname, appauthor))
        return tmp_path / "userdata" / appname

    monkeypatch.delenv("KESOS_PROGRESS_DB")
    monkeypatch.setattr(platformdirs, "user_data_path", fake_user_data_path)
    expected = tmp_path / "userdata" / "kesos" / "progress.sqlite3"
    assert progress.default_path() == expected
    assert calls == [("kesos", False)]

    progress.set_store(None)
    store = progress.get_store()
    assert store is progress.get_store()
    store.record("q", "x", "a")
    assert expected.exists()

    mine = ProgressStore(":memory:")
    assert progress.set_store(mine) is store
    assert progress.get_store() is mine
    store.close()


def test_uncreatable_directory_spills_to_cache(tmp_path, capsys, monkeypatch):
    """If the folder cannot be created (here: a parent is a regular file) answers go to a spill
    file in the user cache folder (saved=False), reads still show them, ONE line says so and
    status() reports 'unusable_path'."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("x")
    store = ProgressStore(blocker / "sub" / "progress.sqlite3")
    a = store.record("q", "x", 1)
    b = store.record("q", "x", 2)
    assert not a.saved and not b.saved and store.last_attempt("q") == b
    assert store.status == {"writable": False, "reason": "unusable_path", "pending": 2,
                            "message": store.warnings[-1]}
    lines = _stderr_lines(capsys)
    assert len(lines) == 1 and lines[0].startswith("kesos: ") and str(tmp_path / "cache") in lines[0]
    assert store.warnings == lines
    spills = list((tmp_path / "cache").rglob("*.spill.jsonl"))
    assert len(spills) == 1 and len(spills[0].read_text().splitlines()) == 2
    store.close()


# ---- migrations -------------------------------------------------------------------------------
def _db_at_version(path, version):
    conn = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:version]:
        conn.executescript(step) if isinstance(step, str) else step(conn)
    conn.execute(f"PRAGMA user_version = {version}")
    return conn


def test_migrates_v1_file_keeping_rows(tmp_path):
    """A v1 file (no context/uid columns) is migrated to SCHEMA_VERSION on open: old rows and
    the learner id are kept, new columns exist, and new attempts can be recorded."""
    db = tmp_path / "old.sqlite3"
    conn = _db_at_version(db, 1)
    conn.execute("INSERT INTO meta VALUES ('learner_id', 'old-learner')")
    conn.execute(
        "INSERT INTO attempts (learner, item_id, activity_type, answer, score, max_score, correct,"
        " language, created_at) VALUES ('old-learner', 'q1', 'mc', '\"a\"', 1, 1, 1, 'id',"
        " '2025-01-01T00:00:00+00:00')"
    )
    conn.close()

    with ProgressStore(db) as store:
        assert store.learner_id == "old-learner"
        old = store.last_attempt("q1")
        assert (old.answer, old.correct, old.context, old.uid) == ("a", True, None, None)
        new = store.record("q1", "mc", "b", context={"confidence": 2})
        assert [a.answer for a in store.attempts("q1")] == ["a", "b"] and new.id == 2

    check = _raw(db)
    assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    cols = {r[1] for r in check.execute("PRAGMA table_info(attempts)")}
    assert {"context", "uid"} <= cols


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_migrates_forward_from_every_older_version(tmp_path, version):
    """From any older user_version (0 = empty file with no tables) the remaining steps run in
    order and end at SCHEMA_VERSION with rows kept."""
    db = tmp_path / "v.sqlite3"
    if version == 0:
        db.write_bytes(b"")
    else:
        conn = _db_at_version(db, version)
        conn.execute("INSERT INTO attempts (item_id, answer) VALUES ('kept', '1')")
        conn.close()
    with ProgressStore(db) as store:
        store.record("new", "x", 2)
        assert [a.item_id for a in store.attempts()] == (["new"] if version == 0 else ["kept", "new"])
        assert store.warnings == []
    assert _raw(db).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


# ---- concurrency and crashes ------------------------------------------------------------------
def test_two_processes_write_concurrently(tmp_path):
    """Two processes creating and writing the same new file at the same moment (2 x 300
    records) end with exactly 600 rows, each writer's order intact, no errors or warnings."""
    db = tmp_path / "shared.sqlite3"
    procs = [_writer(db, 300, label, "--wait") for label in ("a", "b")]
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    for p in procs:  # release both at (nearly) the same instant
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        assert out.split()[-1] == "300" and err == ""
    conn = _raw(db)
    assert conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 600
    for label in ("a", "b"):
        seq = [json.loads(r[0])["i"] for r in conn.execute(
            "SELECT context FROM attempts WHERE context LIKE ? ORDER BY id", (f'%"writer": "{label}"%',))]
        assert seq == list(range(300))
    assert conn.execute("SELECT COUNT(DISTINCT value) FROM meta WHERE key='learner_id'").fetchone()[0] == 1


def test_sigkill_mid_write_keeps_committed_attempts(tmp_path):
    """SIGKILL while a process writes in a loop: the file passes quick_check and holds at least
    every attempt whose commit had been reported before the kill."""
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("needs SIGKILL")
    db = tmp_path / "killed.sqlite3"
    proc = _writer(db, 0, "k")
    assert proc.stdout.readline().strip() == "ready"
    committed = 0
    deadline = time.monotonic() + 30
    while committed < 150 and time.monotonic() < deadline:
        committed = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    proc.stdin.close()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL and committed >= 150

    conn = _raw(db)
    assert conn.execute("PRAGMA quick_check").fetchall()[0][0] == "ok"
    count = conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    assert count >= committed
    conn.close()
    with ProgressStore(db) as store:  # and the store reopens it cleanly and keeps writing
        assert len(store.attempts()) == count
        store.record("after", "x", 1)
        assert store.warnings == []


def test_locked_db_queues_then_flushes(tmp_path, capsys):
    """While another connection holds BEGIN EXCLUSIVE past the (short) busy timeout, record()
    raises nothing: the attempt is pending, visible to last_attempt/attempts, and ONE warning is
    printed. After the lock is released the next record() writes both, in order."""
    db = tmp_path / "locked.sqlite3"
    store = ProgressStore(db, timeout=0.05, retry_interval=60)
    first = store.record("q", "x", "before")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")

    p1 = store.record("q", "x", "while-locked-1")
    p2 = store.record("other", "x", "while-locked-2")
    assert p1.id is None and not p1.saved and [a.uid for a in store.pending] == [p1.uid, p2.uid]
    assert store.last_attempt("q") == p1
    assert store.attempts() == [first, p1, p2]
    lines = _stderr_lines(capsys)
    assert len(lines) == 1 and "locked" in lines[0] and "saved automatically" in lines[0]
    assert store.status["reason"] == "locked" and store.status["pending"] == 2

    holder.execute("ROLLBACK")
    holder.close()
    p3 = store.record("q", "x", "after")
    assert p3.saved and store.pending == []
    stored = _raw(db).execute("SELECT answer FROM attempts ORDER BY id").fetchall()
    assert [json.loads(r[0]) for r in stored] == ["before", "while-locked-1", "while-locked-2", "after"]
    assert [a.answer for a in store.attempts()] == ["before", "while-locked-1", "while-locked-2", "after"]
    assert _stderr_lines(capsys) == []
    store.close()


def test_locked_db_flush_and_close(tmp_path, capsys):
    """flush() retries pending attempts on demand (returns how many are still pending); close()
    while still locked keeps them in the spill file (no second warning, nothing dropped)."""
    db = tmp_path / "locked.sqlite3"
    store = ProgressStore(db, timeout=0.05, retry_interval=60)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    store.record("q", "x", 1)
    assert store.flush() == 1
    store.close()
    assert len(store.pending) == 1
    assert len(_stderr_lines(capsys)) == 1  # the failed save; the answer is in the spill file
    assert len(pathlib.Path(f"{db}.spill.jsonl").read_text().splitlines()) == 1
    holder.execute("ROLLBACK")
    holder.close()
    assert store.flush() == 0
    assert _raw(db).execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 1
    assert not pathlib.Path(f"{db}.spill.jsonl").exists()  # replayed and tidied
    store.close()


def test_read_only_database_queues(tmp_path, capsys, monkeypatch):
    """A database that refuses writes (simulated with PRAGMA query_only on every connection,
    since tests may run as root where chmod does not bite) queues attempts with ONE warning
    while reads keep working; once writable again, flush() writes them all, in order."""
    db = tmp_path / "ro.sqlite3"
    store = ProgressStore(db)
    first = store.record("q", "x", 1)
    real_connect = sqlite3.connect
    readonly = True

    def connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        if readonly:
            conn.execute("PRAGMA query_only = ON")
        return conn

    monkeypatch.setattr(progress.sqlite3, "connect", connect)
    store._conn.execute("PRAGMA query_only = ON")  # the connection that is already open, too
    pending = store.record("q", "x", 2)
    assert pending.id is None and store.attempts() == [first, pending]
    lines = _stderr_lines(capsys)
    assert len(lines) == 1 and "readonly" in lines[0]
    assert store.record("q", "x", 3).id is None  # still failing (after a reopen): no new line
    assert _stderr_lines(capsys) == []
    readonly = False
    assert store.flush() == 0
    assert [a.answer for a in ProgressStore(db).attempts()] == [1, 2, 3]
    store.close()


def test_read_only_file_queues(tmp_path, capsys):
    """A progress file that refuses writes (chattr +i as root, who ignores permission bits;
    chmod 444 otherwise): reading works, writes go to the spill file with a warning, nothing
    raises; once writable again they are saved."""
    import shutil

    db = tmp_path / "ro.sqlite3"
    with ProgressStore(db) as store:
        store.record("q", "x", 1)
    if os.geteuid() == 0:
        if not shutil.which("chattr") or subprocess.run(
                ["chattr", "+i", str(db)], capture_output=True).returncode != 0:
            pytest.skip("root without chattr +i (CAP_LINUX_IMMUTABLE): cannot make a file "
                        "read-only for root; run the tests as a normal user")
        undo = lambda: subprocess.run(["chattr", "-i", str(db)], check=True)  # noqa: E731
    else:
        os.chmod(db, 0o444)
        undo = lambda: os.chmod(db, 0o644)  # noqa: E731
    try:
        store = ProgressStore(db, retry_interval=60)
        p = store.record("q", "x", 2)
        assert p.id is None and [a.answer for a in store.attempts()] == [1, 2]
        assert store.status["reason"] == "readonly"
        assert len(_stderr_lines(capsys)) == 1
    finally:
        undo()
    assert store.flush() == 0
    assert [a.answer for a in ProgressStore(db).attempts()] == [1, 2]
    store.close()


# ---- damaged files ----------------------------------------------------------------------------
def _assert_moved_aside(db, capsys, original_bytes):
    lines = _stderr_lines(capsys)
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith(f"kesos: the progress file {db} was damaged; moved it to ")
    assert line.endswith("starting a fresh one.")
    moved = [p for p in db.parent.iterdir() if p.name.startswith(db.name + ".corrupt-")]
    main = [p for p in moved if not p.name.endswith(("-wal", "-shm"))]
    assert len(main) == 1 and str(main[0]) in line
    assert main[0].read_bytes() == original_bytes  # kept, not deleted
    return main[0], line


def test_random_bytes_file_is_moved_aside(tmp_path, capsys):
    """A file of random bytes (plus a stale -wal): both are moved to <name>.corrupt-<UTC>,
    one warning line is printed, and a fresh store works at the original path."""
    db = tmp_path / "progress.sqlite3"
    junk = os.urandom(8192)
    db.write_bytes(junk)
    pathlib.Path(f"{db}-wal").write_bytes(os.urandom(100))
    store = ProgressStore(db)
    att = store.record("q", "x", "fresh")
    moved, line = _assert_moved_aside(db, capsys, junk)
    assert pathlib.Path(f"{moved}-wal").exists()
    assert att.saved and store.attempts() == [att] and store.warnings == [line]
    assert _raw(db).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    store.close()


def test_truncated_database_is_moved_aside(tmp_path, capsys):
    """A real progress file cut in half (malformed / failing quick_check) is moved aside with
    one warning and replaced by a fresh, working database."""
    db = tmp_path / "progress.sqlite3"
    with ProgressStore(db) as store:
        for i in range(400):
            store.record(f"q{i % 20}", "free_text", "jawaban panjang " * 10 + str(i))
    data = db.read_bytes()
    assert not pathlib.Path(f"{db}-wal").exists() or pathlib.Path(f"{db}-wal").stat().st_size == 0
    half = data[: len(data) // 2]
    db.write_bytes(half)
    capsys.readouterr()

    store = ProgressStore(db)
    _assert_moved_aside(db, capsys, half)
    assert store.attempts() == []
    assert store.record("q", "x", 1).saved
    assert _raw(db).execute("PRAGMA quick_check").fetchone()[0] == "ok"
    store.close()


def test_damage_noticed_mid_session(tmp_path, capsys):
    """If the file is damaged while the store has it open, the next read/write notices
    (SQLITE_CORRUPT), moves it aside with one warning and carries on with a fresh file."""
    db = tmp_path / "progress.sqlite3"
    store = ProgressStore(db)
    for i in range(300):
        store.record(f"q{i % 9}", "free_text", "y" * 500)
    store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store._conn.execute("PRAGMA cache_size = 1")  # force pages to be re-read from disk
    size = db.stat().st_size
    with open(db, "r+b") as f:
        f.seek(4096 * 2)
        f.write(b"\xff" * (size - 4096 * 4))
    damaged = db.read_bytes()
    assert store.attempts() == []  # history now lives in the moved-aside file
    _assert_moved_aside(db, capsys, damaged)
    assert store.record("after", "x", 1).saved and len(store.attempts()) == 1
    store.close()


# ---- pandas -------------------------------------------------------------------------------------
def test_to_dataframe_columns(tmp_path):
    """to_dataframe() has one row per attempt and the Attempt fields as columns, with UTC
    timestamps and nullable booleans; an empty store gives an empty frame with the same columns."""
    pd = pytest.importorskip("pandas")
    store = ProgressStore(tmp_path / "p.sqlite3")
    empty = store.to_dataframe()
    expected = ["id", "learner", "item_id", "activity_type", "answer", "score", "max_score",
                "correct", "language", "created_at", "context", "uid"]
    assert list(empty.columns) == expected and len(empty) == 0
    store.record("q1", "mc", {"c": 1}, score=1, max_score=1, correct=True, language="id")
    store.record("q2", "text", "hai")
    df = store.to_dataframe()
    assert list(df.columns) == expected and len(df) == 2
    assert df.loc[0, "answer"] == {"c": 1} and df.loc[0, "correct"] == True  # noqa: E712
    assert pd.isna(df.loc[1, "correct"])
    assert str(df["created_at"].dt.tz) == "UTC"
    store.close()


def test_import_is_light():
    """Importing kesos.progress does not import pandas, ipywidgets or IPython."""
    code = ("import sys, kesos.progress; "
            "print(sorted(m for m in ('pandas', 'ipywidgets', 'IPython') if m in sys.modules))")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True).stdout
    assert out.strip() == "[]"
