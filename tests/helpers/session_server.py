"""Start and stop a real session server process on 127.0.0.1 for the session tests, and a small
participant client (httpx) that does what the participant page does."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
KEY = "test-facilitator-key-0123456789"


class ServerProc:
    def __init__(self, db: str, *extra: str):
        self.db, self.extra = db, list(extra)
        self.proc = None
        self.port = 0

    def start(self, timeout: float = 30) -> "ServerProc":
        folder = Path(tempfile.mkdtemp(prefix="kesos-srv-"))
        ready = folder / "ready.json"
        env = dict(os.environ, PYTHONPATH=str(REPO), KESOS_SESSION_KEY=KEY)
        cmd = [sys.executable, "-m", "kesos.session", "serve", "--port", str(self.port), "--db", self.db,
               "--ready-file", str(ready), "--no-runtime-file", *self.extra]
        self.log = folder / "log.txt"
        self.proc = subprocess.Popen(cmd, env=env, stdout=open(self.log, "w"), stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while not ready.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("server did not start:\n" + self.log.read_text()[-2000:])
            time.sleep(0.05)
        time.sleep(0.05)
        info = json.loads(ready.read_text())
        self.url = info["url"]
        self.port = int(self.url.rstrip("/").rsplit(":", 1)[1])
        return self

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(15)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)

    def facilitator(self):
        from kesos.session.facilitator import Server

        return Server(self.url, KEY)


class Participant:
    """What the participant page does, over HTTP."""

    def __init__(self, url: str, client: httpx.Client | None = None):
        self.client = client or httpx.Client(base_url=url, timeout=10, trust_env=False)
        self.client.get("/")  # the page sets the _xsrf cookie

    def headers(self) -> dict:
        return {"X-XSRFToken": self.client.cookies.get("_xsrf", "")}

    def post(self, path: str, body: dict, **kw) -> httpx.Response:
        return self.client.post(path, content=json.dumps(body), headers=self.headers(), **kw)

    def join(self, code: str, name: str | None = None) -> httpx.Response:
        return self.post("/api/join", {"code": code, "name": name})

    def state(self, lang: str | None = None) -> httpx.Response:
        return self.client.get("/api/state" + (f"?lang={lang}" if lang else ""))

    def answer(self, activity: str, rnd: int, answer) -> httpx.Response:
        return self.post("/api/answer", {"activity": activity, "round": rnd, "answer": answer})
