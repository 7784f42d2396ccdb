"""A throwaway PostgreSQL cluster for the session tests (Debian's ``postgresql`` package).

``postgres_server()`` runs initdb into a fresh temporary folder (as the ``postgres`` user when the
tests run as root, since PostgreSQL refuses to run as root), starts it on a free port on
127.0.0.1 with its unix socket in that folder, and yields a ``postgresql://`` URL; it stops the
server and deletes the folder afterwards. Fails with one clear line if PostgreSQL is missing.
"""
from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time


def bindir() -> str | None:
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        if os.path.exists(os.path.join(out, "initdb")):
            return out
    except (OSError, subprocess.CalledProcessError):
        pass
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def postgres_server():
    bdir = bindir()
    if bdir is None:
        raise RuntimeError("PostgreSQL is not installed: `apt-get install -y postgresql` (see .ci/run)")
    folder = tempfile.mkdtemp(prefix="kesos-pg-")
    prefix: list[str] = []
    if os.geteuid() == 0:
        import pwd

        pw = pwd.getpwnam("postgres")
        os.chown(folder, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data = os.path.join(folder, "data")
    port = _free_port()
    log = os.path.join(folder, "log.txt")
    subprocess.run(prefix + [f"{bdir}/initdb", "-D", data, "-A", "trust", "-U", "kesos", "--no-sync"],
                   check=True, capture_output=True)
    opts = f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off -c full_page_writes=off"
    subprocess.run(prefix + [f"{bdir}/pg_ctl", "-D", data, "-l", log, "-o", opts, "-w", "-t", "60", "start"],
                   check=True, capture_output=True)
    try:
        url = f"postgresql://kesos@127.0.0.1:{port}/postgres"
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(url).close()
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        subprocess.run(prefix + [f"{bdir}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


_counter = [0]


def fresh_database(url: str) -> str:
    """A new empty database on the server at ``url``; returns its URL."""
    import psycopg

    _counter[0] += 1
    name = f"t{os.getpid()}_{_counter[0]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return url.rsplit("/", 1)[0] + "/" + name
