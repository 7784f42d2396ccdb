"""``kesos.join("CODE")``: a learner's notebook takes part in a group session.

The learner answers in the notebook as usual (``kesos.show``); every attempt at the activity the
facilitator has open is also sent to the session as this participant (display name: the
JupyterHub user name). ``joined.show()`` shows the open activity. The server is
``$KESOS_SESSION_URL`` (default ``http://127.0.0.1:8765/``).
"""
from __future__ import annotations

import html
import json
import os

import httpx

from kesos.session.classmode import hub_user


class JoinedSession:
    def __init__(self, code: str, url: str | None = None, name: str | None = None, progress_store=None):
        self.url = (url or os.environ.get("KESOS_SESSION_URL") or "http://127.0.0.1:8765/").rstrip("/") + "/"
        self.client = httpx.Client(base_url=self.url, timeout=10, trust_env=False)
        self.client.get("/")  # the _xsrf cookie
        r = self._post("/api/join", {"code": code, "name": name if name is not None else hub_user()})
        if r.status_code != 200:
            raise RuntimeError(r.json().get("error", f"HTTP {r.status_code}"))
        self.code, self.pid = r.json()["code"], r.json()["pid"]
        self.sent: list[dict] = []
        if progress_store is None:
            from kesos.progress import get_store

            progress_store = get_store()
        self._unsubscribe = progress_store.on_record(self._forward)

    def _post(self, path: str, body: dict) -> httpx.Response:
        return self.client.post(path, content=json.dumps(body), headers={"X-XSRFToken": self.client.cookies.get("_xsrf", "")})

    def state(self) -> dict:
        return self.client.get("/api/state").json()

    def send(self, activity_id: str, answer) -> dict:
        """Send ``answer`` (front-end shape) for ``activity_id`` if it is open now."""
        st = self.state()
        if not st.get("activity") or st["activity"]["id"] != activity_id or st["phase"] != "open":
            return {"saved": False, "reason": "not open"}
        r = self._post("/api/answer", {"activity": activity_id, "round": st["round"], "answer": answer})
        out = r.json()
        self.sent.append({"activity": activity_id, "status": r.status_code})
        return out

    def _forward(self, attempt) -> None:
        from kesos.activity.view import to_front
        from kesos.content import load_course

        try:
            act = load_course().activity(attempt.item_id)
            self.send(attempt.item_id, to_front(act, attempt.answer))
        except Exception:  # the session is an extra: the notebook's own answer is already saved
            pass

    def show(self):
        """Show the activity the facilitator has open (answer it here)."""
        st = self.state()
        if not st.get("activity"):
            return self
        from kesos import show

        return show(st["activity"]["id"])

    def leave(self) -> None:
        self._unsubscribe()
        self.client.close()

    def _repr_html_(self) -> str:
        return f"<p>kesos: joined session <b>{html.escape(self.code)}</b> at {html.escape(self.url)}</p>"


def join(code: str, url: str | None = None, name: str | None = None) -> JoinedSession:
    return JoinedSession(code, url, name)
