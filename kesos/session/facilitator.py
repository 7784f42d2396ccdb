"""Facilitator controls, one call per step (notebooks/facilitator/):

    from kesos.session.facilitator import start
    room = start(lan=True)                     # the server, as its own process; prints URL + QR
    s = room.create(["c04-v12-rumah-singgah"], lang="id")
    s.open("c04-v12-rumah-singgah")
    s.live()                                   # answers per role × confidence, refreshed each second
    s.lock(); s.reveal(); s.revote(); s.shift_chart(); s.reasons(); s.export("out/")

Every call is an HTTP request to the session server with the facilitator key (the server
accepts them from this machine only), so the notebook and a Voila presenter view work the same.
"""
from __future__ import annotations

import atexit
import html
import json
import socket
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from kesos.i18n import t
from kesos.session.server import DEFAULT_PORT, key_file_for, runtime_file
from kesos.session.store import default_location

CONF_ORDER = ("sure", "unsure", "guessing", "-")
CONF_COLOURS = {"sure": "#1b4f8a", "unsure": "#5f9ed1", "guessing": "#b9d7f0", "-": "#999999"}


class FacilitatorError(RuntimeError):
    pass


class Server:
    """A running session server and the facilitator's key for it."""

    def __init__(self, url: str, key: str, process: subprocess.Popen | None = None, public_url: str | None = None):
        self.url = url.rstrip("/") + "/"
        self.public_url = public_url or self.url
        self.key = key
        self.process = process
        self._client = httpx.Client(base_url=self.url, timeout=10, trust_env=False,
                                    headers={"X-Kesos-Key": key})
        self.stopped = threading.Event()
        if process is not None:
            atexit.register(self.stop)  # the kernel ends: so does the server it started

    def call(self, action: str, **args):
        r = self._client.post(f"f/api/{action}", content=json.dumps(args))
        if r.status_code != 200:
            try:
                msg = r.json().get("error")
            except ValueError:
                msg = r.text[:200]
            raise FacilitatorError(f"{action}: {msg} (HTTP {r.status_code})")
        return r.json()

    def create(self, activities: list[str], lang: str = "id", title: str = "", hours: float = 12) -> "Session":
        """A new session over these activity ids; returns it (its ``code`` is what participants type)."""
        code = self.call("create", activities=list(activities), lang=lang, title=title, ttl_s=hours * 3600)["code"]
        return Session(self, code, lang)

    def session(self, code: str, lang: str = "id") -> "Session":
        return Session(self, code, lang)

    def stats(self) -> dict:
        return self.call("stats")

    def latest(self, lang: str = "id") -> "Session | None":
        """The most recently created session that has not ended (the presenter view shows it)."""
        code = self.call("latest")["code"]
        return Session(self, code, lang) if code else None

    def stop(self) -> None:
        """Stop the server if this object started it."""
        self.stopped.set()
        self._client.close()
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _repr_html_(self) -> str:
        return qr_html(self.public_url)


def qr_html(url: str) -> str:
    import segno

    qr = segno.make(url, error="m")
    e = html.escape(url)
    return f"<div class='kesos-qr'>{qr.svg_inline(scale=6)}<p style='font-size:1.6em'><a href='{e}'>{e}</a></p></div>"


def start(port: int = DEFAULT_PORT, lan: bool = False, db: str | None = None, lang: str = "id",
          extra_args: list[str] | None = None, timeout: float = 30) -> Server:
    """Start ``kesos session serve`` as its own process (or connect to one already on ``port``)."""
    location = db or default_location()
    key_path = key_file_for(location)
    host = "127.0.0.1"
    if os.environ.get("KESOS_SESSION_URL"):  # a server that is already running (presenter view, hub)
        existing = _probe(os.environ["KESOS_SESSION_URL"], key_path)
        if existing:
            return existing
    if db is None:  # a server started with `kesos session serve` (any --db): it says where it is
        try:
            info = json.loads(runtime_file().read_text())
            existing = _probe(info["url"], Path(info["key_file"]))
            if existing:
                existing.public_url = info.get("public_url") or existing.url
                return existing
        except (OSError, ValueError, KeyError):
            pass
    if port:
        existing = _probe(f"http://{host}:{port}/", key_path)
        if existing:
            return existing
    if port and not _port_free(host, port):
        port = 0  # taken by something else: any free port
    ready = Path(tempfile.mkdtemp(prefix="kesos-session-")) / "ready.json"
    cmd = [sys.executable, "-m", "kesos.session", "serve", "--port", str(port), "--db", location,
           "--lang", lang, "--ready-file", str(ready), "--parent-pid", str(os.getpid()), *(extra_args or [])]
    if lan:
        cmd.append("--lan")
    env = dict(os.environ)
    env.setdefault("PYTHONPATH", str(Path(__file__).resolve().parents[2]))
    log = open(ready.parent / "server.log", "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    deadline = time.monotonic() + timeout
    while not ready.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise FacilitatorError("the session server did not start: " + (ready.parent / "server.log").read_text()[-800:])
        time.sleep(0.1)
    info = json.loads(ready.read_text())
    public = info["url"]
    # facilitator calls always go over loopback, whatever address participants use
    local = f"http://127.0.0.1:{public.rsplit(':', 1)[1]}"
    key = os.environ.get("KESOS_SESSION_KEY") or key_path.read_text().strip()
    return Server(local, key, proc, public_url=public)


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


def _probe(url: str, key_path: Path) -> Server | None:
    key = os.environ.get("KESOS_SESSION_KEY") or (key_path.read_text().strip() if key_path.exists() else None)
    if not key:
        return None
    try:
        s = Server(url, key)
        s.stats()
        return s
    except (httpx.HTTPError, FacilitatorError):
        return None


class Session:
    """One session: the facilitator's controls and views."""

    def __init__(self, server: Server, code: str, lang: str = "id"):
        self.server, self.code, self.lang = server, code, lang
        self._live: list[threading.Event] = []

    def __repr__(self) -> str:
        return f"Session({self.code!r}, {self.server.public_url}j/{self.code})"

    @property
    def join_url(self) -> str:
        return f"{self.server.public_url}j/{self.code}"

    def _repr_html_(self) -> str:
        return (f"<p style='font-size:2em'>{html.escape(self.code)}</p>" + qr_html(self.join_url))

    def _call(self, action, **args):
        return self.server.call(action, code=self.code, **args)

    # controls
    def open(self, activity: str):
        """Open one activity (answers accepted); results stay hidden until you reveal."""
        return self._call("open", activity=activity)["state"]

    def lock(self):
        return self._call("lock")["state"]

    def unlock(self):
        return self._call("unlock")["state"]

    def reveal(self):
        """Show the key, the readings and the room's answers to participants."""
        return self._call("reveal")["state"]

    def show_results(self, show: bool = True):
        """Show (or hide again) the live counts on the presenter view before the reveal."""
        return self._call("show_results", show=show)["state"]

    def revote(self):
        """Peer instruction: a new round of the open activity (vote → discuss → re-vote)."""
        return self._call("revote")["state"]

    def timer(self, seconds: float):
        """Close the open activity in ``seconds``."""
        return self._call("timer", seconds=seconds)["state"]

    def close(self):
        self._call("close")

    def hide(self, pid: str, activity: str | None = None, round: int | None = None, hidden: bool = True) -> bool:
        """Hide one participant's reason (from the presenter view and the report)."""
        st = self.state()["state"]
        return self._call("hide_reason", activity=activity or st["current"], round_=round or st["round"],
                          pid=pid, hidden=hidden)["changed"]

    # data
    def state(self) -> dict:
        return self._call("state")

    def counts(self, activity: str | None = None, round: int | None = None) -> dict:
        st = self.state()["state"]
        return self._call("counts", activity=activity or st["current"], round_=round or st["round"], lang=self.lang)

    def shift(self, activity: str | None = None, a: int = 1, b: int | None = None) -> dict:
        st = self.state()["state"]
        act = activity or st["current"]
        return self._call("shift", activity=act, a=a, b=b or st["rounds"].get(act, 2))

    def reasons_data(self, activity: str | None = None, round: int | None = None) -> list[dict]:
        st = self.state()["state"]
        return self._call("reasons", activity=activity or st["current"], round_=round)["reasons"]

    # views
    def chart(self, activity: str | None = None, round: int | None = None, *, hide_until_reveal: bool = False):
        """A matplotlib figure: answers per option/role, stacked by confidence."""
        st = self.state()["state"]
        c = self.counts(activity, round)
        fig, ax = _figure(7, 3.6)
        visible = not hide_until_reveal or st["show_results"] or st["phase"] == "revealed"
        title = t("session_chart_title", self.lang, n=c["n"]) + f" — {t('session_round', self.lang, n=round or st['round'])}"
        ax.set_title(title, fontsize=10)
        if visible and c["counts"]:
            keys = sorted(c["counts"], key=lambda k: -sum(c["counts"][k].values()))
            labels = [_short(c["labels"].get(k, k)) for k in keys]
            left = [0] * len(keys)
            for conf in CONF_ORDER:
                vals = [c["counts"][k].get(conf, 0) for k in keys]
                if any(vals):
                    name = t(f"session_conf_{conf}", self.lang) if conf != "-" else t("session_no_confidence", self.lang)
                    ax.barh(labels, vals, left=left, color=CONF_COLOURS[conf], label=f"{name}")
                    left = [a + b for a, b in zip(left, vals)]
            ax.invert_yaxis()
            ax.legend(fontsize=8, loc="lower right")
            ax.xaxis.get_major_locator().set_params(integer=True)
        else:
            ax.text(0.5, 0.5, f"n = {c['n']}", ha="center", va="center", fontsize=28, transform=ax.transAxes)
            ax.set_axis_off()
        fig.tight_layout()
        return Chart(fig)

    def shift_chart(self, activity: str | None = None, a: int = 1, b: int | None = None):
        """How answers moved between rounds: one bar per from → to move."""
        sh = self.shift(activity, a, b)
        fig, ax = _figure(7, 0.9 + 0.4 * max(1, len(sh["moves"])))
        moves = sorted(sh["moves"], key=lambda m: -m["n"])
        labels = [f"{_short(m['from_label'], 22)} → {_short(m['to_label'], 22)}" for m in moves]
        colours = ["#999999" if m["from"] == m["to"] else "#c0620b" for m in moves]
        ax.barh(labels, [m["n"] for m in moves], color=colours)
        ax.invert_yaxis()
        ax.set_title(t("session_shift_title", self.lang, a=sh["a"], b=sh["b"]), fontsize=10)
        ax.xaxis.get_major_locator().set_params(integer=True)
        fig.tight_layout()
        return Chart(fig)

    def reasons(self, activity: str | None = None, round: int | None = None, *, include_hidden: bool = True):
        """Participants' reasons as escaped HTML (hidden ones struck through, with their id to unhide)."""
        from IPython.display import HTML

        return HTML(self.reasons_html(activity, round, include_hidden=include_hidden))

    def reasons_html(self, activity=None, round=None, *, include_hidden: bool = True) -> str:
        e = html.escape
        rows = []
        for r in self.reasons_data(activity, round):
            if r["hidden"] and not include_hidden:
                continue
            who = e(r["name"] or t("session_anonymous", self.lang))
            text = f"<s>{e(r['reason'])}</s>" if r["hidden"] else e(r["reason"])
            rows.append(f"<li data-pid='{e(r['pid'])}'><b>{who}</b> ({e(', '.join(r['keys']))}; "
                        f"{e(r['confidence'] or '-')}): {text} <code>{e(r['pid'])}</code></li>")
        return f"<h3>{e(t('session_reasons_title', self.lang))}</h3><ul class='kesos-reasons'>{''.join(rows)}</ul>"

    def live(self, *, hide_until_reveal: bool = False, interval: float = 1.0, seconds: float = 3600):
        """The chart, redrawn every ``interval`` seconds in the cell's output (for ``seconds``)."""
        from IPython.display import display

        from IPython.display import HTML

        stop = threading.Event()
        self._live.append(stop)
        st = self.state()["state"]
        c = self.counts()
        head = display(HTML(self._live_line(c, st, hide_until_reveal)), display_id=True)
        handle = display(self.chart(hide_until_reveal=hide_until_reveal), display_id=True)

        def loop():
            end = time.monotonic() + seconds
            last = None
            while not stop.wait(interval) and time.monotonic() < end and not self.server.stopped.is_set():
                try:
                    c = self.counts()
                    st = self.state()["state"]
                    sig = json.dumps([c, st["phase"], st["round"], st["show_results"]], sort_keys=True)
                    if sig != last:
                        head.update(HTML(self._live_line(c, st, hide_until_reveal)))
                        handle.update(self.chart(hide_until_reveal=hide_until_reveal))
                        last = sig  # only once shown: a failed redraw is tried again
                except Exception:  # server restarting: try again next second
                    pass

        threading.Thread(target=loop, daemon=True).start()
        return None

    def panel(self):
        """Buttons for the whole session (no cell editing): open each activity, timer, lock,
        reveal, re-vote; the status line says what the room sees now."""
        import ipywidgets as w

        acts = self.state()["config"]["activities"]
        status = w.HTML()
        pick = w.Dropdown(options=acts, description="", layout=w.Layout(width="22em"))
        buttons = {
            "open": w.Button(description=t("session_btn_open", self.lang), button_style="primary"),
            "timer": w.Button(description=t("session_btn_timer", self.lang)),
            "lock": w.Button(description=t("session_btn_lock", self.lang)),
            "reveal": w.Button(description=t("session_btn_reveal", self.lang), button_style="success"),
            "revote": w.Button(description=t("session_btn_revote", self.lang)),
        }

        def show(st=None):
            st = st or self.state()["state"]
            status.value = (f"<b>{html.escape(self.code)}</b> · {html.escape(str(st['current'] or '—'))} · "
                            f"{html.escape(t('session_round', self.lang, n=st['round']))} · {html.escape(st['phase'])}")

        def act(name):
            def run(_button):
                try:
                    if name == "open":
                        show(self.open(pick.value))
                    elif name == "timer":
                        show(self.timer(60))
                    else:
                        show(getattr(self, name)())
                except FacilitatorError as exc:
                    status.value = html.escape(str(exc))
            return run

        for name, b in buttons.items():
            b.on_click(act(name))
        show()
        box = w.VBox([w.HBox([pick, buttons["open"]]), w.HBox([buttons[k] for k in ("timer", "lock", "reveal", "revote")]),
                      status])
        box.buttons, box.pick, box.status = buttons, pick, status
        return box

    def _live_line(self, c: dict, st: dict, hide: bool) -> str:
        """One line above the chart: code, round, phase and how many answered (live counts as text)."""
        e = html.escape
        visible = not hide or st["show_results"] or st["phase"] == "revealed"
        counts = ""
        if visible:
            counts = " · ".join(f"{e(c['labels'].get(k, k))}: {sum(v.values())}"
                                for k, v in sorted(c["counts"].items(), key=lambda kv: -sum(kv[1].values())))
        return (f"<p class='kesos-live' data-n='{c['n']}' data-phase='{e(st['phase'])}' data-round='{st['round']}'>"
                f"<b>{e(self.code)}</b> · {e(t('session_round', self.lang, n=st['round']))} · {e(st['phase'])} · "
                f"n = <span class='kesos-live-n'>{c['n']}</span>"
                + (f"<br><span class='kesos-live-counts'>{counts}</span>" if counts else "") + "</p>")

    def stop_live(self):
        for ev in self._live:
            ev.set()
        self._live.clear()

    def export(self, folder: str | os.PathLike = ".") -> tuple[Path, Path]:
        """Write ``session-CODE.csv`` and ``session-CODE.html`` into ``folder``."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        csv_path, html_path = out / f"session-{self.code}.csv", out / f"session-{self.code}.html"
        csv_path.write_text(self._call("export_csv")["text"], encoding="utf-8")
        html_path.write_text(self._call("report_html", lang=self.lang)["text"], encoding="utf-8")
        return csv_path, html_path


class Chart:
    """A matplotlib figure drawn without pyplot (safe from the live thread); shows as PNG."""

    def __init__(self, figure):
        self.figure = figure

    def savefig(self, *args, **kwargs):
        return self.figure.savefig(*args, **kwargs)

    def _repr_png_(self) -> bytes:
        import io

        buf = io.BytesIO()
        self.figure.savefig(buf, format="png")
        return buf.getvalue()


def _figure(w: float, h: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h), dpi=90)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _short(text: str, n: int = 34) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
