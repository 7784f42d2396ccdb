"""The session server: a small tornado application, its own process, separate from Jupyter.

Routes (nothing else is served — no Jupyter, no files outside ``kesos/session/static``):

=========================  ==============================================================
``GET /``, ``GET /j/CODE``  the participant page (phone-first, id/en)
``GET /static/…``           its script, style sheet and the activity component
``GET /api/state``          the open activity's public view, own answer, reveal (cookie)
``POST /api/join``          join with a session code and optional display name
``POST /api/answer``        send or replace one's answer for the open activity and round
``POST /f/api/ACTION``      facilitator actions: ``X-Kesos-Key`` header, loopback clients only
                            unless ``--remote-facilitator``
=========================  ==============================================================

Participants are identified by a random token in an HttpOnly, SameSite=Strict cookie (only its
hash is stored); every POST needs tornado's XSRF token (cookie + ``X-XSRFToken`` header), except
the facilitator routes, which authenticate with a header a browser cannot send cross-site.
Requests are rate limited per client address and per participant; bodies are capped at
``MAX_BODY`` bytes and every text field at ``service.LIMITS``.
"""
from __future__ import annotations

import argparse
import asyncio
import hmac
import ipaddress
import json
import os
import resource
import secrets
import signal
import socket
import sys
import time
from pathlib import Path

import tornado.httpserver
import tornado.web

from kesos.i18n import catalog
from kesos.session.service import SessionError, SessionService, normalise_code
from kesos.session.store import default_location, open_store

STATIC = Path(__file__).parent / "static"
COMPONENT_STATIC = Path(__file__).parent.parent / "activity" / "static"  # the activity component (no CDN)
MAX_BODY = 16 * 1024
COOKIE = "kesos_participant"
DEFAULT_PORT = 8765
PURGE_AFTER_S = 24 * 3600  # expired sessions' data are deleted a day later (time to export)


class RateLimiter:
    """Token buckets: ``rate`` requests per second, bursts up to ``burst``, per key."""

    def __init__(self, rate: float, burst: float):
        self.rate, self.burst = float(rate), float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        if len(self._buckets) > 50_000:  # forget idle clients
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 60}
        return True


def key_file_for(location: str) -> Path:
    """Where the facilitator key is kept: next to the SQLite file, or in the user data folder."""
    if location.startswith(("postgresql://", "postgres://")):
        base = Path(default_location()) if not default_location().startswith("postgres") else None
        base = base or Path(os.path.expanduser("~/.local/share/kesos/sessions"))
        return base / "facilitator.key"
    p = Path(location).expanduser()
    return (p.parent if p.suffix in (".sqlite3", ".sqlite", ".db") else p) / "facilitator.key"


def load_or_create_key(path: Path) -> str:
    env = os.environ.get("KESOS_SESSION_KEY")
    if env:
        return env
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def runtime_file() -> Path:
    """Where a running server says where it is (so the facilitator notebook finds it)."""
    env = os.environ.get("KESOS_SESSION_RUNTIME")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "kesos" / "session-server.json"


def ui_strings(lang: str) -> dict[str, str]:
    return {k[len("session_"):]: v[lang] for k, v in catalog().items() if k.startswith("session_")}


class Base(tornado.web.RequestHandler):
    svc: SessionService

    def initialize(self, app_state):
        self.app_state = app_state
        self.svc = app_state["svc"]

    def set_default_headers(self):
        self.set_header("Content-Security-Policy",
                        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("X-Frame-Options", "DENY")
        self.set_header("Cache-Control", "no-store")
        self.clear_header("Server")

    def prepare(self):
        if not self.app_state["ip_limit"].allow(self.request.remote_ip or "?"):
            self.fail(429, "session_rate_limited")

    def lang(self) -> str:
        lang = self.get_query_argument("lang", None)
        return lang if lang in ("id", "en") else self.app_state["lang"]

    def fail(self, status: int, key: str, **fmt):
        err = SessionError(status, key, **fmt)
        self.set_status(status)
        self.write({"error": err.message(self.lang()), "key": key})
        raise tornado.web.Finish()

    def body_json(self) -> dict:
        if len(self.request.body) > MAX_BODY:
            self.fail(413, "session_too_long", n=MAX_BODY)
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError:
            self.fail(400, "session_bad_field", field="body")
        if not isinstance(data, dict):
            self.fail(400, "session_bad_field", field="body")
        return data

    def participant(self) -> dict | None:
        return self.svc.identify(self.get_cookie(COOKIE))

    def write_error(self, status_code, **kwargs):
        self.set_header("Content-Type", "application/json")
        self.finish({"error": self._reason})


class PageHandler(Base):
    def get(self, code: str | None = None):
        self.xsrf_token  # sets the _xsrf cookie the page's script sends back
        lang = self.lang()
        data = json.dumps({"ui": {"id": ui_strings("id"), "en": ui_strings("en")}, "lang": lang,
                           "code": normalise_code(code or self.get_query_argument("code", ""))})
        data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.write(PAGE.format(lang=lang, data=data, title=ui_strings(lang)["title"]))


class JoinHandler(Base):
    def post(self):
        data = self.body_json()
        code = normalise_code(data.get("code"))
        me = self.participant()
        if me and me["code"] == code and self.svc.session(code):
            self.write({"code": code, "pid": me["pid"], "name": me["name"], "rejoined": True})
            return
        try:
            token, pid = self.svc.join(code, data.get("name"))
        except SessionError as e:
            self.fail(e.status, e.key, **e.fmt)
        sess = self.svc.session(code)
        self.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/",
                        expires=sess["expires_at"] + 3600, secure=self.request.protocol == "https")
        self.write({"code": code, "pid": pid, "rejoined": False})


class ParticipantBase(Base):
    def me(self) -> dict:
        me = self.participant()
        if me is None:
            self.fail(401, "session_unknown_code")
        if not self.app_state["pid_limit"].allow(me["pid"]):
            self.fail(429, "session_rate_limited")
        return me


class StateHandler(ParticipantBase):
    def get(self):
        if self.participant() is None:  # not joined yet: the page shows the join form
            self.write({"v": 1, "joined": False})
            return
        me = self.me()
        try:
            state = self.svc.participant_state(me["code"], me["pid"], self.get_query_argument("lang", None))
        except SessionError as e:
            self.fail(e.status, e.key, **e.fmt)
        state["me"] = {"pid": me["pid"], "name": me["name"]}
        self.write(state)


class AnswerHandler(ParticipantBase):
    def post(self):
        me = self.me()
        data = self.body_json()
        try:
            out = self.svc.answer(me["code"], me["pid"], data.get("activity"), data.get("round"), data.get("answer"))
        except SessionError as e:
            self.fail(e.status, e.key, **e.fmt)
        self.write(out)


class FacilitatorHandler(Base):
    """``POST /f/api/ACTION`` with JSON arguments; answers JSON."""

    ACTIONS = ("create", "open", "lock", "unlock", "reveal", "revote", "timer", "show_results", "close",
               "hide_reason", "state", "counts", "aggregate", "shift", "reasons", "export_csv", "report_html",
               "participants", "stats", "latest")

    def check_xsrf_cookie(self):
        """Facilitator requests carry the key in a header, not a cookie: nothing for CSRF to ride on."""

    def prepare(self):
        if not self.app_state["remote_facilitator"]:
            try:
                if not ipaddress.ip_address(self.request.remote_ip).is_loopback:
                    self.fail(403, "facilitator actions are only accepted from this machine")
            except ValueError:
                self.fail(403, "facilitator actions are only accepted from this machine")
        given = self.request.headers.get("X-Kesos-Key", "")
        if not hmac.compare_digest(given.encode(), self.app_state["key"].encode()):
            self.fail(403, "wrong or missing facilitator key")

    def post(self, action: str):
        if action not in self.ACTIONS:
            self.fail(404, "no such action")
        args = self.body_json()
        svc = self.svc
        try:
            if action == "create":
                out = {"code": svc.create(args["activities"], args.get("lang", "id"), args.get("title", ""),
                                          args.get("ttl_s", 12 * 3600))}
            elif action == "latest":
                codes = [c for c in svc.store.session_codes() if svc.session(c)]
                out = {"code": codes[-1] if codes else None}
            elif action == "stats":
                out = {"maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "pid": os.getpid()}
            elif action == "state":
                out = svc.public_state(svc._require(args["code"]))
            elif action == "participants":
                out = {"participants": svc.store.participants(normalise_code(args["code"]))}
            elif action in ("export_csv", "report_html"):
                out = {"text": getattr(svc, action)(**args)}
            elif action in ("aggregate",):
                out = {"aggregate": svc.aggregate(**args)}
            elif action in ("close",):
                svc.close(**args)
                out = {"closed": True}
            elif action == "hide_reason":
                out = {"changed": svc.hide_reason(**args)}
            elif action == "reasons":
                out = {"reasons": svc.reasons(**args)}
            else:
                out = getattr(svc, action)(**args)
        except SessionError as e:
            self.fail(e.status, e.key, **e.fmt)
        except (TypeError, KeyError, ValueError) as e:
            self.set_status(400)
            self.write({"error": str(e)})
            return
        self.write(json.loads(json.dumps(out, default=str)))


class NoIcon(Base):
    def get(self):
        self.set_status(204)


class NotFound(Base):
    def prepare(self):
        super().prepare()
        raise tornado.web.HTTPError(404)


class StaticHandler(tornado.web.StaticFileHandler):
    def set_default_headers(self):
        self.set_header("X-Content-Type-Options", "nosniff")
        self.clear_header("Server")

    def set_extra_headers(self, path):
        self.set_header("Cache-Control", "no-cache")


def make_app(location: str | None = None, *, key: str | None = None, lang: str = "id", ip_rate=(20, 60),
             pid_rate=(5, 20), remote_facilitator: bool = False, course=None) -> tornado.web.Application:
    location = location or default_location()
    store = open_store(location)
    app_state = {
        "svc": SessionService(store, course),
        "key": key or load_or_create_key(key_file_for(location)),
        "lang": lang,
        "ip_limit": RateLimiter(*ip_rate),
        "pid_limit": RateLimiter(*pid_rate),
        "remote_facilitator": remote_facilitator,
    }
    kw = {"app_state": app_state}
    app = tornado.web.Application(
        [
            (r"/", PageHandler, kw),
            (r"/j/([A-Za-z0-9]{1,12})", PageHandler, kw),
            (r"/favicon\.ico", NoIcon, kw),
            (r"/api/state", StateHandler, kw),
            (r"/api/join", JoinHandler, kw),
            (r"/api/answer", AnswerHandler, kw),
            (r"/f/api/([a-z_]+)", FacilitatorHandler, kw),
            (r"/static/(participant\.js|participant\.css)", StaticHandler, {"path": str(STATIC)}),
            (r"/static/(activity\.js|activity\.css)", StaticHandler, {"path": str(COMPONENT_STATIC)}),
        ],
        default_handler_class=NotFound,
        default_handler_args=kw,
        xsrf_cookies=True,
        xsrf_cookie_kwargs={"samesite": "Strict", "path": "/"},
        compress_response=False,
        serve_traceback=False,
    )
    app.app_state = app_state
    return app


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent: UDP connect only routes)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def print_banner(url: str, qr_svg: Path | None, out=sys.stdout) -> None:
    import segno

    qr = segno.make(url, error="m")
    print(f"kesos session server: {url}", file=out)
    try:
        qr.terminal(out=out, compact=True)
    except Exception:  # some terminals cannot take the block characters
        pass
    if qr_svg is not None:
        qr_svg.parent.mkdir(parents=True, exist_ok=True)
        qr.save(str(qr_svg), scale=8)
        print(f"QR code: {qr_svg}", file=out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="kesos session serve", description="run the group-session server")
    ap.add_argument("--port", type=int, default=DEFAULT_PORT)
    ap.add_argument("--lan", action="store_true", help="bind this machine's LAN address (a room on local Wi-Fi)")
    ap.add_argument("--db", default=None, help="a folder for the SQLite file, or a postgresql:// URL "
                                               "(default $KESOS_SESSION_DB or the user data folder)")
    ap.add_argument("--lang", default="id", choices=("id", "en"))
    ap.add_argument("--remote-facilitator", action="store_true",
                    help="accept facilitator actions (with the key) from other machines")
    ap.add_argument("--ip-rate", type=float, nargs=2, default=(20, 60), metavar=("PER_S", "BURST"))
    ap.add_argument("--participant-rate", type=float, nargs=2, default=(5, 20), metavar=("PER_S", "BURST"))
    ap.add_argument("--ready-file", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--no-runtime-file", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    location = args.db or default_location()
    app = make_app(location, lang=args.lang, ip_rate=tuple(args.ip_rate), pid_rate=tuple(args.participant_rate),
                   remote_facilitator=args.remote_facilitator)
    host = lan_address() if args.lan else "127.0.0.1"

    async def run():
        server = tornado.httpserver.HTTPServer(app, max_body_size=64 * MAX_BODY, max_header_size=16 * 1024,
                                               idle_connection_timeout=60, body_timeout=15)
        server.listen(args.port, address=host)
        port = args.port or next(iter(server._sockets.values())).getsockname()[1]
        if host != "127.0.0.1":  # the facilitator's notebook on this machine talks over loopback
            server.listen(port, address="127.0.0.1")
        url = f"http://{host}:{port}/"
        qr_path = key_file_for(location).parent / "session-qr.svg"
        print_banner(url, qr_path if args.lan else None)
        print(f"facilitator key: {key_file_for(location)}", flush=True)
        if args.ready_file:
            Path(args.ready_file).write_text(json.dumps({"url": url, "pid": os.getpid()}))
        rt = None if args.no_runtime_file else runtime_file()
        if rt is not None:
            rt.parent.mkdir(parents=True, exist_ok=True)
            rt.write_text(json.dumps({"url": f"http://127.0.0.1:{port}/", "public_url": url,
                                      "key_file": str(key_file_for(location)), "pid": os.getpid()}))
        svc = app.app_state["svc"]

        def purge():
            svc.store.purge_expired(time.time() - PURGE_AFTER_S)

        purge()
        tornado.ioloop.PeriodicCallback(purge, 600_000).start()
        stop = asyncio.Event()
        if args.parent_pid:  # started from a notebook: end with the kernel that started us
            def orphaned():
                try:
                    os.kill(args.parent_pid, 0)
                except OSError:
                    stop.set()

            tornado.ioloop.PeriodicCallback(orphaned, 2000).start()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        server.stop()
        try:
            if rt is not None and json.loads(rt.read_text()).get("pid") == os.getpid():
                rt.unlink()
        except (OSError, ValueError):
            pass
        svc.store.close()

    import tornado.ioloop

    asyncio.run(run())
    return 0


PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/static/activity.css">
<link rel="stylesheet" href="/static/participant.css">
</head>
<body>
<main id="app" aria-live="polite"></main>
<script type="application/json" id="kesos-data">{data}</script>
<script type="module" src="/static/participant.js"></script>
</body>
</html>
"""

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
