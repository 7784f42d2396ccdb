"""Fault tests for kesos.progress with real processes: killed kernels, held locks, a newer
schema, read-only and unusable paths, damaged files, shared files, network-style journals.

Every test uses real SQLite files, real subprocesses (a real IPython kernel through
jupyter_client for the kill tests) and real file-system permissions; nothing is mocked.
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

import kesos
import kesos.progress as progress
from kesos.progress import SCHEMA_VERSION, ProgressStore

REPO = pathlib.Path(__file__).resolve().parents[1]
HELPERS = REPO / "tests" / "helpers"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Own progress file, cache folder (cache spills) and learner for every test."""
    monkeypatch.setenv("KESOS_PROGRESS_DB", str(tmp_path / "default" / "progress.sqlite3"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for var in ("KESOS_LEARNER", "KESOS_PROGRESS_JOURNAL", "KESOS_PROGRESS_VFS"):
        monkeypatch.delenv(var, raising=False)
    yield
    old = progress.set_store(None)
    if old is not None:
        old.close()


def _env(**extra):
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.update(extra)
    return env


class Locker:
    """A helper process holding BEGIN EXCLUSIVE on a database until released."""

    def __init__(self, db):
        self.proc = subprocess.Popen(
            [sys.executable, str(HELPERS / "progress_locker.py"), str(db)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=_env(),
        )
        assert self.proc.stdout.readline().strip() == "locked"

    def release(self):
        if self.proc.poll() is None:
            self.proc.stdin.write("go\n")
            self.proc.stdin.flush()
            assert self.proc.stdout.readline().strip() == "released"
            self.proc.wait(timeout=10)
        self.proc.stdin.close()
        self.proc.stdout.close()


def _rows(db, sql="SELECT item_id, answer, uid FROM attempts ORDER BY id"):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _new_db(db, *answers):
    with ProgressStore(db) as store:
        for a in answers:
            store.record("seed", "x", a)
        return store.learner_id


def _stderr_lines(capsys):
    return [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]


# ---- killed kernels -----------------------------------------------------------------------------
KERNEL_CODE = """
import json
from kesos.progress import get_store
store = get_store()
got = [store.record(f"k{i}", "multiple_choice", {"choice": i}) for i in range(5)]
print(json.dumps({"saved": [a.saved for a in got], "uids": [a.uid for a in got],
                  "status": store.status}))
"""


@pytest.mark.parametrize("sig", ["SIGKILL", "SIGTERM", "shutdown"])
def test_killed_kernel_loses_no_answer(tmp_path, sig):
    """A real IPython kernel (jupyter_client) records 5 answers while another process holds an
    exclusive lock on the database: each record returns (saved=False, in the spill file). The
    kernel then ends with the answers still pending -- killed (SIGKILL / SIGTERM) or shut down
    gracefully while the lock is still held. After the lock is released, the next store to open
    the file replays them: every answer exactly once."""
    jupyter_client = pytest.importorskip("jupyter_client")
    db = tmp_path / "kernel" / "progress.sqlite3"
    _new_db(db)
    locker = Locker(db)
    km = jupyter_client.KernelManager(kernel_name="python3")
    km.start_kernel(env=_env(KESOS_PROGRESS_DB=str(db), XDG_CACHE_HOME=str(tmp_path / "cache")),
                    cwd=str(tmp_path))
    kc = km.client()
    kc.start_channels()
    out: list[str] = []
    try:
        kc.wait_for_ready(timeout=60)

        def hook(msg):
            if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
                out.append(msg["content"]["text"])

        t0 = time.monotonic()
        reply = kc.execute_interactive(KERNEL_CODE, timeout=60, output_hook=hook)
        took = time.monotonic() - t0
        assert reply["content"]["status"] == "ok", reply["content"]
        result = json.loads("".join(out))
        assert result["saved"] == [False] * 5
        assert result["status"]["reason"] == "locked" and result["status"]["pending"] == 5
        assert took < 2.0 + 5 * 0.5  # first click waits ~1.5 s, later ones are quick
        if sig == "shutdown":
            km.shutdown_kernel(now=False)  # graceful: atexit runs while the lock is still held
        else:
            os.kill(km.provisioner.pid, getattr(signal, sig))
        deadline = time.monotonic() + 20
        while km.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not km.is_alive()
    finally:
        kc.stop_channels()
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        locker.release()
    spill = pathlib.Path(f"{db}.spill.jsonl")
    assert len(spill.read_text().splitlines()) == 5  # durable on disk when the kernel died
    assert _rows(db) == []
    with ProgressStore(db) as store:  # "start again"
        assert store.pending == []
        uids = [a.uid for a in store.attempts()]
    rows = _rows(db)
    assert [r[2] for r in rows] == result["uids"] == uids
    assert [r[0] for r in rows] == [f"k{i}" for i in range(5)]
    assert not spill.exists()
    with ProgressStore(db) as again:  # replay never happens twice
        assert len(again.attempts()) == 5
    assert len(_rows(db)) == 5


# ---- a lock held longer than the wait -------------------------------------------------------------
def test_long_lock_returns_in_time_then_retry_thread_saves(tmp_path):
    """While another process holds the write lock far longer than the wait, record() returns
    within ~2 s with saved=False (later clicks at once); after the lock goes away the background
    retry thread saves them without any further call, and subscribe() hears which uids."""
    db = tmp_path / "p.sqlite3"
    _new_db(db)
    store = ProgressStore(db, retry_interval=0.5)
    heard: list[list[str]] = []
    threads: list[str] = []
    done = threading.Event()

    def listener(uids):
        heard.append(uids)
        threads.append(threading.current_thread().name)
        done.set()

    store.subscribe(listener)
    locker = Locker(db)
    try:
        t0 = time.monotonic()
        a = store.record("q", "x", "first")
        first = time.monotonic() - t0
        t0 = time.monotonic()
        b = store.record("q", "x", "second")
        second = time.monotonic() - t0
        assert not a.saved and not b.saved
        assert first < 2.5 and second < 1.0, (first, second)
        assert store.last_attempt("q") == b
        time.sleep(1.2)  # the retry thread keeps trying while locked, without effect
        assert heard == [] and store.status["pending"] == 2
    finally:
        locker.release()
    assert done.wait(10), "the retry thread did not save the pending answers"
    assert heard == [[a.uid, b.uid]] and threads == ["kesos-progress-retry"]
    assert store.status == {"writable": True, "reason": None, "pending": 0, "message": None}
    assert [r[1] for r in _rows(db)][-2:] == ['"first"', '"second"']
    store.close()


# ---- versions ---------------------------------------------------------------------------------
def test_newer_schema_file_is_never_written(tmp_path, capsys):
    """A database from a newer kesos (higher user_version) is opened read-only with ONE line;
    old answers can still be read; new answers go to the spill file (saved=False); the file is
    byte-for-byte unchanged afterwards. Once kesos knows that version the spill is replayed."""
    db = tmp_path / "p.sqlite3"
    learner = _new_db(db, "old")
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = db.read_bytes()
    capsys.readouterr()

    store = ProgressStore(db)
    assert store.learner_id == learner
    assert [a.answer for a in store.attempts("seed")] == ["old"]
    new = [store.record("seed", "x", f"new{i}") for i in range(3)]
    assert [a.saved for a in new] == [False] * 3
    assert store.last_attempt("seed") == new[-1]
    assert store.status["reason"] == "newer_schema" and store.status["pending"] == 3
    assert store.flush() == 3
    store.close()
    again = ProgressStore(db)  # a second session: same, and still nothing written
    again.record("seed", "x", "new3")
    again.close()
    lines = _stderr_lines(capsys)
    assert len(lines) == 2 and all("newer kesos" in ln for ln in lines)  # one line per session
    assert db.read_bytes() == before
    assert len(_rows(db)) == 1
    spill = pathlib.Path(f"{db}.spill.jsonl")
    assert len(spill.read_text().splitlines()) == 4

    # a kesos that knows this schema version replays the spill (simulated by stepping back)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.close()
    with ProgressStore(db) as updated:
        assert [a.answer for a in updated.attempts("seed")] == ["old", "new0", "new1", "new2", "new3"]
    assert not spill.exists()


# ---- unusable paths -----------------------------------------------------------------------------
def _make_read_only(folder: pathlib.Path):
    """Real read-only folder: chattr +i as root (root ignores permission bits), chmod otherwise."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(
                ["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
            # e.g. root in a container without CAP_LINUX_IMMUTABLE: no real way to refuse root
            pytest.skip("root without chattr +i (CAP_LINUX_IMMUTABLE): cannot make a folder "
                        "read-only for root; run the tests as a normal user")
        return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)
    folder.chmod(0o555)
    return lambda: folder.chmod(0o755)


def test_read_only_folder_spills_to_cache_then_replays(tmp_path, capsys):
    """The database's folder is read-only: records return saved=False, land in the spill file in
    the user cache folder (the DB's own folder cannot take one), status says 'readonly', ONE line
    is printed; when the folder is writable again the next store replays them exactly once."""
    folder = tmp_path / "ro"
    db = folder / "p.sqlite3"
    _new_db(db, "before")
    undo = _make_read_only(folder)
    try:
        capsys.readouterr()
        store = ProgressStore(db, retry_interval=60)
        got = [store.record("q", "x", i) for i in range(3)]
        assert [a.saved for a in got] == [False] * 3
        assert store.status["reason"] == "readonly" and store.status["pending"] == 3
        assert [a.answer for a in store.attempts("q")] == [0, 1, 2]
        store.close()
        lines = _stderr_lines(capsys)
        assert len(lines) == 1 and str(tmp_path / "cache") in lines[0], lines
        assert not pathlib.Path(f"{db}.spill.jsonl").exists()
        cached = list((tmp_path / "cache").rglob("*.spill.jsonl"))
        assert len(cached) == 1 and len(cached[0].read_text().splitlines()) == 3
    finally:
        undo()
    with ProgressStore(db) as store:
        assert [a.answer for a in store.attempts("q")] == [0, 1, 2]
        assert store.warnings == []
    assert not cached[0].exists()
    assert len(_rows(db)) == 4


def test_directory_as_path_spills_then_replays(tmp_path, capsys):
    """A folder where the file should be: answers go to the spill file next to it with ONE line
    (reason 'unusable_path'). A later session (learner id still unknown: no file yet) shows them
    as its own; once the folder is gone they are saved under the new file's learner id."""
    db = tmp_path / "progress.sqlite3"
    db.mkdir()
    store = ProgressStore(db, retry_interval=60)
    a = store.record("q", "x", 1)
    b = store.record("q", "x", 2)
    assert not a.saved and not b.saved and store.status["reason"] == "unusable_path"
    assert store.last_attempt("q") == b
    store.close()
    lines = _stderr_lines(capsys)
    assert len(lines) == 1 and "unusable_path" in lines[0]
    later = ProgressStore(db, retry_interval=60)  # next session, still a folder
    assert later.learner_id != a.learner
    assert [x.uid for x in later.attempts("q")] == [a.uid, b.uid]
    db.rmdir()
    assert later.flush() == 0
    assert _rows(db, "SELECT DISTINCT learner FROM attempts") == [(later.learner_id,)]
    later.close()
    with ProgressStore(db) as fixed:
        assert [x.answer for x in fixed.attempts("q")] == [1, 2] and fixed.pending == []
    assert [r[2] for r in _rows(db)] == [a.uid, b.uid]


# ---- identity ---------------------------------------------------------------------------------
def test_learner_id_survives_damaged_file(tmp_path, capsys):
    """A damaged file is moved aside and a fresh one started with the SAME learner id (kept in
    the <file>.learner sidecar), so seeded option orders do not reshuffle."""
    db = tmp_path / "p.sqlite3"
    learner = _new_db(db, "a")
    assert pathlib.Path(f"{db}.learner").read_text().strip() == learner
    db.write_bytes(os.urandom(8192))
    store = ProgressStore(db)
    assert store.learner_id == learner
    att = store.record("q", "x", 1)
    assert att.saved and att.learner == learner
    store.close()
    assert any(p.name.startswith("p.sqlite3.corrupt-") for p in tmp_path.iterdir())
    assert _rows(db, "SELECT value FROM meta WHERE key='learner_id'") == [(learner,)]


# ---- reads --------------------------------------------------------------------------------------
def test_reads_are_filtered_by_learner(tmp_path, monkeypatch):
    """On a shared file, learner B never sees learner A's answers or reasoning (saved or
    pending), and vice versa."""
    db = tmp_path / "shared.sqlite3"
    store = ProgressStore(db, timeout=0.05, retry_interval=60)
    monkeypatch.setenv("KESOS_LEARNER", "ani")
    store.record("q", "vignette", {"justification": "rahasia Ani"})
    monkeypatch.setenv("KESOS_LEARNER", "budi")
    assert store.last_attempt("q") is None and store.attempts() == []
    locker = Locker(db)
    try:
        mine = store.record("q", "vignette", {"justification": "punya Budi"})  # pending
    finally:
        locker.release()
    assert not mine.saved
    monkeypatch.setenv("KESOS_LEARNER", "ani")
    assert [a.answer["justification"] for a in store.attempts()] == ["rahasia Ani"]
    assert store.last_attempt("q").answer["justification"] == "rahasia Ani"
    monkeypatch.setenv("KESOS_LEARNER", "budi")
    assert store.flush() == 0
    assert [a.answer["justification"] for a in store.attempts()] == ["punya Budi"]
    store.close()


def test_replayed_older_answer_never_overrides_newer(tmp_path):
    """An answer given first but replayed later (its spill was elsewhere for a while) gets the
    higher row id, yet last_attempt still returns the answer given last, and attempts() lists
    them in the order they were given."""
    db = tmp_path / "p.sqlite3"
    _new_db(db)
    locker = Locker(db)
    try:  # a kernel answers while the file is locked and ends with the answer in its spill
        proc = _writer(db, 1, "old", "--spill")
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    finally:
        locker.release()
    spill = pathlib.Path(f"{db}.spill.jsonl")
    old_uid = json.loads(spill.read_text())["uid"]
    parked = tmp_path / "elsewhere.jsonl"
    spill.rename(parked)  # not visible to the next session
    with ProgressStore(db) as other:
        new = other.record("old-0", "x", "given last")
    parked.rename(spill)  # ... until later
    with ProgressStore(db) as later:
        ids = dict(_rows(db, "SELECT uid, id FROM attempts WHERE item_id='old-0'"))
        assert ids[old_uid] > ids[new.uid]  # replayed later: higher id
        assert later.last_attempt("old-0").uid == new.uid
        assert [a.uid for a in later.attempts("old-0")] == [old_uid, new.uid]


# ---- switching files ----------------------------------------------------------------------------
def test_setup_switching_file_loses_nothing(tmp_path):
    """kesos.setup(progress_path=...) replacing a store whose file is locked moves its unsaved
    answer into the new store (saved there), with nothing left behind in the old spill."""
    first = tmp_path / "one.sqlite3"
    second = tmp_path / "two.sqlite3"
    _new_db(first)
    kesos.setup("en", progress_path=str(first))
    locker = Locker(first)
    try:
        att = progress.get_store().record("q", "x", "while locked")
        assert not att.saved
        kesos.setup("en", progress_path=str(second))
    finally:
        locker.release()
    assert [r[2] for r in _rows(second)] == [att.uid]
    assert progress.get_store().last_attempt("q").uid == att.uid
    assert not pathlib.Path(f"{first}.spill.jsonl").exists()
    assert _rows(first) == []


# ---- several processes on one spill -------------------------------------------------------------
def _writer(db, count, label, *extra):
    return subprocess.Popen(
        [sys.executable, str(HELPERS / "progress_writer.py"), str(db), str(count), label, *extra],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=_env(),
    )


def _start_together(procs):
    for p in procs:
        assert p.stdout.readline().strip() == "ready"
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err


def test_concurrent_spill_writers_and_replayers(tmp_path):
    """Four processes spill 150 answers each into ONE spill file at the same moment (the file is
    from a newer schema, so nothing goes into it): every line is intact JSON and no uid is lost
    or doubled. Then two processes open the (now current) file at the same moment and both
    replay: every answer is stored exactly once."""
    db = tmp_path / "p.sqlite3"
    _new_db(db)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    _start_together([_writer(db, 150, f"w{n}", "--wait", "--spill") for n in range(4)])
    spill = pathlib.Path(f"{db}.spill.jsonl")
    lines = spill.read_text().splitlines()
    assert len(lines) == 600
    recs = [json.loads(ln) for ln in lines]
    assert len({r["uid"] for r in recs}) == 600
    for n in range(4):
        assert [r["context"]["i"] for r in recs if r["context"]["writer"] == f"w{n}"] == list(range(150))
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.close()
    _start_together([_writer(db, 1, f"r{n}", "--wait") for n in range(2)])
    uids = [r[0] for r in _rows(db, "SELECT uid FROM attempts")]
    assert len(uids) == len(set(uids)) == 602
    assert {r["uid"] for r in recs} <= set(uids)
    assert not spill.exists()


# ---- network file systems -------------------------------------------------------------------------
def test_wal_unavailable_falls_back_to_rollback_journal(tmp_path, monkeypatch, capsys):
    """When the file system cannot do WAL (here SQLite's real 'unix-dotfile' VFS, which has no
    shared memory -- as on many NFS homes) the store says so in ONE line and uses the rollback
    journal; answers are saved normally."""
    monkeypatch.setenv("KESOS_PROGRESS_VFS", "unix-dotfile")
    db = tmp_path / "nfs.sqlite3"
    store = ProgressStore(db)
    assert store.record("q", "x", 1).saved and store.record("q", "x", 2).saved
    assert store.journal_mode == "delete"
    store.close()
    lines = _stderr_lines(capsys)
    assert len(lines) == 1 and "WAL" in lines[0] and "KESOS_PROGRESS_JOURNAL" in lines[0]
    assert _rows(db, "PRAGMA journal_mode") == [("delete",)]
    assert len(_rows(db)) == 2


def test_journal_env_forces_rollback_and_lock_still_bounded(tmp_path, monkeypatch, capsys):
    """KESOS_PROGRESS_JOURNAL=delete uses the rollback journal without any warning, and even
    then (where a held lock blocks readers too) a record under a lock returns within ~2 s."""
    monkeypatch.setenv("KESOS_PROGRESS_JOURNAL", "delete")
    db = tmp_path / "p.sqlite3"
    _new_db(db, "a")
    assert _rows(db, "PRAGMA journal_mode") == [("delete",)]
    assert _stderr_lines(capsys) == []
    store = ProgressStore(db, retry_interval=60)
    locker = Locker(db)
    try:
        t0 = time.monotonic()
        att = store.record("q", "x", 1)
        assert time.monotonic() - t0 < 2.5 and not att.saved
    finally:
        locker.release()
    assert store.flush() == 0
    store.close()
    assert len(_rows(db)) == 2


# ---- replay edge cases ----------------------------------------------------------------------------
def test_replay_after_crash_before_tidy_up_is_not_doubled(tmp_path):
    """A process that committed a replay but died before tidying its spill file leaves lines
    that are already in the database: the next replay skips them (UNIQUE uid) and tidies up."""
    db = tmp_path / "p.sqlite3"
    _new_db(db)
    store = ProgressStore(db, timeout=0.05, retry_interval=60)
    locker = Locker(db)
    try:
        pending = [store.record("q", "x", i) for i in range(3)]
    finally:
        locker.release()
    spill = pathlib.Path(f"{db}.spill.jsonl")
    copy = spill.read_bytes()
    assert store.flush() == 0 and not spill.exists()
    store.close()
    spill.write_bytes(copy)  # as if the tidy-up had never happened
    with ProgressStore(db) as again:
        assert [a.uid for a in again.attempts("q")] == [a.uid for a in pending]
    assert len(_rows(db)) == 3 and not spill.exists()


def test_torn_spill_line_is_kept_apart(tmp_path, capsys):
    """A spill file whose last line was cut off (a process killed in the middle of a write):
    the next answer still gets a line of its own, every whole line is replayed, and the torn
    one is kept in <spill>.unreadable with ONE warning line."""
    db = tmp_path / "p.sqlite3"
    _new_db(db)
    spill = pathlib.Path(f"{db}.spill.jsonl")
    store = ProgressStore(db, timeout=0.05, retry_interval=60)
    locker = Locker(db)
    try:
        a = store.record("q", "x", "a")
        with open(spill, "ab") as f:
            f.write(b'{"v": 1, "uid": "torn", "item_id": "q", "ans')
        b = store.record("q", "x", "b")
    finally:
        locker.release()
    assert store.flush() == 0
    store.close()
    assert [r[2] for r in _rows(db)] == [a.uid, b.uid]
    assert not spill.exists()
    assert pathlib.Path(f"{spill}.unreadable").read_bytes().startswith(b'{"v": 1, "uid": "torn"')
    lines = [ln for ln in _stderr_lines(capsys) if "unreadable" in ln]
    assert len(lines) == 1


def test_no_writable_folder_at_all_keeps_answers_in_memory(tmp_path, capsys):
    """Neither the database's folder nor the cache folder can be written: answers stay in
    memory (saved=False, one line saying so) and are saved once the folder is writable again."""
    folder = tmp_path / "ro"
    db = folder / "p.sqlite3"
    _new_db(db)
    cache = tmp_path / "cache"
    cache.mkdir(exist_ok=True)
    undo_db = _make_read_only(folder)
    try:
        undo_cache = _make_read_only(cache)
        try:
            capsys.readouterr()
            store = ProgressStore(db, retry_interval=60)
            att = store.record("q", "x", 1)
            assert not att.saved and store.status["pending"] == 1
            lines = _stderr_lines(capsys)
            assert len(lines) == 1 and "memory" in lines[0]
        finally:
            undo_cache()
    finally:
        undo_db()
    assert store.flush() == 0
    store.close()
    assert [r[2] for r in _rows(db)] == [att.uid]
