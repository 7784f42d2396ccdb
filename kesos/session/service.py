"""Group-session logic, independent of HTTP: the server (``kesos.session.server``) is a thin layer
over :class:`SessionService`, and tests drive it directly too.

A session is a list of activities; the facilitator opens one at a time. Each opened activity has
rounds (peer instruction: vote, discuss, re-vote); a participant has at most one answer per
activity and round (a second submit replaces the first and counts once). Phases of the open
activity: ``open`` (answers accepted) → ``locked`` → ``revealed`` (key, readings, the room's
answers and each participant's own feedback). Scoring is ``kesos.checking.check`` only.
"""
from __future__ import annotations

import csv
import hashlib
import html
import io
import secrets
import time
from collections import Counter, defaultdict
from typing import Any

from kesos import checking
from kesos.i18n import t
from kesos.session import views

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on phones
CODE_LEN = 6
DEFAULT_TTL_S = 12 * 3600
LIMITS = {"name": 40, "justification": 300, "text": 2000, "ids": 40, "id": 80}
CONFIDENCE = checking.CONFIDENCE


class SessionError(Exception):
    """A request the session refuses: ``status`` (HTTP) and ``key`` (an interface string)."""

    def __init__(self, status: int, key: str, **fmt):
        self.status, self.key, self.fmt = status, key, fmt
        super().__init__(f"{status} {key}")

    def message(self, lang: str) -> str:
        try:
            return t(self.key, lang, **self.fmt)
        except Exception:  # a key that is not an interface string (internal reason)
            return self.key


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LEN))


def normalise_code(code: Any) -> str:
    if not isinstance(code, str):
        return ""
    return "".join(c for c in code.upper() if c.isalnum())[:CODE_LEN]


def _clip_text(value: Any, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SessionError(400, "session_bad_field", field=field)
    value = value.strip()
    if len(value) > LIMITS[field]:
        raise SessionError(413, "session_too_long", n=LIMITS[field])
    return value


def _ids(value: Any, field: str = "ids") -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or len(value) > LIMITS["ids"]:
        raise SessionError(400, "session_bad_field", field=field)
    out = []
    for v in value:
        if not isinstance(v, str) or len(v) > LIMITS["id"]:
            raise SessionError(400, "session_bad_field", field=field)
        out.append(v)
    return list(dict.fromkeys(out))


def clean_answer(activity, answer: Any) -> tuple[Any, list[str], str | None, str | None]:
    """Validate a participant's answer: ``(answer, chart keys, confidence, reason)``.

    Raises :class:`SessionError` for anything of the wrong shape or too long. Unknown ids are
    kept out of the chart keys (the checker ignores them too)."""
    kind = activity.type
    if kind == "choice":
        if isinstance(answer, dict):
            answer = answer.get("choice")
        chosen = _ids(answer, "choice")
        known = {o.id for o in activity.options}
        keys = [c for c in chosen if c in known]
        if not activity.multiple:
            keys = keys[:1]
        return {"choice": chosen}, keys, None, None
    if kind == "classification":
        pairs = answer.get("pairs", answer) if isinstance(answer, dict) else None
        if not isinstance(pairs, dict) or len(pairs) > LIMITS["ids"]:
            raise SessionError(400, "session_bad_field", field="pairs")
        entries = {e.id for e in activity.entries}
        cats = {c.id for c in activity.categories}
        clean = {}
        for k, v in pairs.items():
            if not isinstance(k, str) or not isinstance(v, str) or len(k) > LIMITS["id"] or len(v) > LIMITS["id"]:
                raise SessionError(400, "session_bad_field", field="pairs")
            clean[k] = v
        keys = [f"{k}={v}" for k, v in clean.items() if k in entries and v in cats]
        return {"pairs": clean}, keys, None, None
    if kind == "vignette":
        if not isinstance(answer, dict):
            raise SessionError(400, "session_bad_field", field="answer")
        role_list = answer.get("role_list")
        if role_list is not None and (not isinstance(role_list, str) or len(role_list) > LIMITS["id"]):
            raise SessionError(400, "session_bad_field", field="role_list")
        roles = _ids(answer.get("roles"), "roles")
        none_fits = bool(answer.get("none_fits"))
        confidence = answer.get("confidence")
        if confidence is not None and confidence not in CONFIDENCE:
            raise SessionError(400, "session_bad_field", field="confidence")
        reason = _clip_text(answer.get("justification"), "justification")
        clean = {"role_list": role_list or activity.role_list, "roles": [] if none_fits else roles,
                 "none_fits": none_fits, "confidence": confidence, "justification": reason}
        keys = ["none"] if none_fits else roles
        return clean, keys, confidence, reason or None
    if kind in ("open", "recall"):
        text = _clip_text(answer.get("text") if isinstance(answer, dict) else answer, "text")
        ticks = answer.get("rubric") if isinstance(answer, dict) else None
        ticks = [bool(x) for x in ticks][: LIMITS["ids"]] if isinstance(ticks, list) else []
        return {"text": text, "rubric": ticks}, [], None, text or None
    raise SessionError(400, "session_bad_field", field="type")


class SessionService:
    """Everything a session does. ``store``: a :class:`kesos.session.store.SessionStore`."""

    def __init__(self, store, course=None, *, state_ttl_s: float = 0.5):
        self.store = store
        if course is None:
            from kesos.content import load_course

            course = load_course()
        self.course = course
        self._cache: dict[str, tuple[float, dict | None]] = {}
        self._cache_ttl = state_ttl_s  # several server processes on one PostgreSQL: short cache
        self._room_cache: dict[tuple, tuple[float, dict]] = {}

    # ------------------------------------------------------------------ sessions
    def session(self, code: str, *, fresh: bool = False) -> dict | None:
        now = time.monotonic()
        hit = self._cache.get(code)
        if hit and not fresh and now - hit[0] < self._cache_ttl:
            sess = hit[1]
        else:
            sess = self.store.get_session(code)
            self._cache[code] = (now, sess)
        if sess is None or sess["expires_at"] < time.time():
            return None
        return sess

    def _require(self, code: str) -> dict:
        sess = self.session(normalise_code(code), fresh=True)
        if sess is None:
            raise SessionError(404, "session_unknown_code")
        return sess

    def _save_state(self, sess: dict) -> dict:
        self.store.set_state(sess["code"], sess["state"])
        self._cache.pop(sess["code"], None)
        return self.public_state(sess)

    def create(self, activities: list[str], lang: str = "id", title: str = "", ttl_s: float = DEFAULT_TTL_S) -> str:
        """A new session over ``activities`` (ids; unknown ones raise with the nearest ids)."""
        if lang not in ("id", "en"):
            raise ValueError(f"lang must be 'id' or 'en', not {lang!r}")
        acts = [self.course.activity(a) for a in activities]
        for a in acts:
            if a.type not in views.SESSION_TYPES:
                raise ValueError(f"activity {a.id!r} is a {a.type} activity; sessions take {', '.join(views.SESSION_TYPES)}")
        for _ in range(20):
            code = new_code()
            if self.store.get_session(code) is None:
                break
        state = {"current": None, "phase": "waiting", "round": 0, "rounds": {}, "deadline": None,
                 "show_results": False}
        self.store.create_session(code, {"activities": [a.id for a in acts], "lang": lang, "title": title[:120]},
                                  state, ttl_s)
        return code

    def public_state(self, sess: dict) -> dict:
        st = dict(sess["state"])
        st["phase"] = self._phase(st)
        return {"code": sess["code"], "config": sess["config"], "state": st, "expires_at": sess["expires_at"]}

    @staticmethod
    def _phase(state: dict) -> str:
        if state["phase"] == "open" and state.get("deadline") and time.time() > state["deadline"]:
            return "locked"
        return state["phase"]

    def open(self, code: str, activity: str) -> dict:
        sess = self._require(code)
        if activity not in sess["config"]["activities"]:
            raise SessionError(400, f"activity {activity!r} is not in this session")
        st = sess["state"]
        rnd = st["rounds"].get(activity) or 1
        st.update(current=activity, phase="open", round=rnd, deadline=None, show_results=False)
        st["rounds"][activity] = rnd
        return self._save_state(sess)

    def _current(self, code: str) -> dict:
        sess = self._require(code)
        if not sess["state"]["current"]:
            raise SessionError(409, "no activity is open")
        return sess

    def lock(self, code: str) -> dict:
        sess = self._current(code)
        sess["state"].update(phase="locked", deadline=None)
        return self._save_state(sess)

    def unlock(self, code: str) -> dict:
        sess = self._current(code)
        sess["state"].update(phase="open", deadline=None)
        return self._save_state(sess)

    def reveal(self, code: str) -> dict:
        sess = self._current(code)
        sess["state"].update(phase="revealed", deadline=None, show_results=True)
        return self._save_state(sess)

    def show_results(self, code: str, show: bool = True) -> dict:
        sess = self._current(code)
        sess["state"]["show_results"] = bool(show)
        return self._save_state(sess)

    def revote(self, code: str) -> dict:
        """Peer instruction: a new round of the open activity (answers of earlier rounds are kept)."""
        sess = self._current(code)
        st = sess["state"]
        st["round"] = st["rounds"][st["current"]] = st["round"] + 1
        st.update(phase="open", deadline=None, show_results=False)
        return self._save_state(sess)

    def timer(self, code: str, seconds: float) -> dict:
        """Close the open activity ``seconds`` from now (participants see the countdown)."""
        sess = self._current(code)
        sess["state"].update(phase="open", deadline=time.time() + max(1.0, float(seconds)))
        return self._save_state(sess)

    def close(self, code: str) -> None:
        """End the session now (it expires; participants see that it has ended)."""
        self._require(code)
        self.store.set_expiry(normalise_code(code), time.time() - 1)
        self._cache.pop(normalise_code(code), None)

    def hide_reason(self, code: str, activity: str, round_: int, pid: str, hidden: bool = True) -> bool:
        sess = self._require(code)
        return bool(self.store.set_hidden(sess["code"], activity, int(round_), pid, hidden))

    # ------------------------------------------------------------------ participants
    def join(self, code: str, name: Any = None) -> tuple[str, str]:
        """A new participant: ``(token, pid)``. Only the token's hash is stored."""
        sess = self.session(normalise_code(code))
        if sess is None:
            raise SessionError(404, "session_unknown_code")
        name = _clip_text(name, "name") or None
        token, pid = secrets.token_urlsafe(24), secrets.token_hex(6)
        self.store.add_participant(sess["code"], pid, hash_token(token), name)
        return token, pid

    def identify(self, token: Any) -> dict | None:
        if not isinstance(token, str) or not (20 <= len(token) <= 64):
            return None
        return self.store.participant(hash_token(token))

    def answer(self, code: str, pid: str, activity_id: Any, round_: Any, answer: Any) -> dict:
        sess = self.session(code)
        if sess is None:
            raise SessionError(404, "session_unknown_code")
        st = sess["state"]
        if activity_id != st["current"] or round_ != st["round"]:
            raise SessionError(409, "session_locked")
        if self._phase(st) != "open":
            raise SessionError(409, "session_locked")
        activity = self.course.activity(activity_id)
        clean, keys, confidence, reason = clean_answer(activity, answer)
        result, _ = views.check(activity, clean, sess["config"]["lang"], self.course)
        self.store.submit(sess["code"], activity_id, st["round"], pid, clean, keys, confidence, reason,
                          None if result.empty else result.score, None if result.empty else result.correct)
        return {"saved": True, "activity": activity_id, "round": st["round"]}

    def participant_state(self, code: str, pid: str, lang: str | None = None) -> dict:
        sess = self.session(code)
        if sess is None:
            raise SessionError(404, "session_unknown_code")
        st, cfg = sess["state"], sess["config"]
        lang = lang if lang in ("id", "en") else cfg["lang"]
        phase = self._phase(st)
        out: dict[str, Any] = {"v": 1, "code": sess["code"], "title": cfg["title"], "lang": lang, "phase": phase,
                               "round": st["round"], "activity": None, "mine": None, "reveal": None,
                               "deadline_in": None}
        if st.get("deadline") and phase == "open":
            out["deadline_in"] = max(0, round(st["deadline"] - time.time()))
        if not st["current"]:
            return out
        activity = self.course.activity(st["current"])
        out["activity"] = views.public_view(activity, self.course, lang, pid)
        mine = self.store.answers(sess["code"], activity.id, st["round"], pid)
        out["mine"] = mine[0]["answer"] if mine else None
        if phase == "revealed":
            out["reveal"] = self._reveal(activity, lang, out["mine"], sess["code"], st["round"])
        return out

    def _reveal(self, activity, lang: str, mine: Any, code: str, round_: int) -> dict:
        return {
            "result": views.result_json(activity, mine, lang, self.course) if mine is not None else None,
            "key": self.key_lines(activity, lang),
            "readings": [
                {"roles": [self._role_name(r, lang) for r in rd.roles], "argument": rd.argument.get(lang)}
                for rd in getattr(activity, "readings", [])
            ],
            "room": self._room(code, activity.id, round_, lang),
        }

    def _room(self, code: str, activity: str, round_: int, lang: str) -> dict:
        """The room's counts for the reveal, cached for a second (every participant polls)."""
        key = (code, activity, round_, lang)
        hit = self._room_cache.get(key)
        now = time.monotonic()
        if hit is None or now - hit[0] > 1.0:
            if len(self._room_cache) > 1000:
                self._room_cache.clear()
            hit = self._room_cache[key] = (now, self.counts(code, activity, round_, lang))
        return hit[1]

    def _role_name(self, role: str, lang: str) -> str:
        r = self.course.roles.get(role)
        return r.name.get(lang) if r else role

    def key_lines(self, activity, lang: str) -> list[str]:
        """The key in words (shown at reveal and in the report)."""
        c = self.course
        if activity.type == "choice":
            return [o.text.get(lang) for o in activity.options if o.correct]
        if activity.type == "classification":
            cats = {x.id: x.label.get(lang) for x in activity.categories}
            return [f"{e.text.get(lang)} → {cats[e.category]}" for e in activity.entries]
        if activity.type == "vignette":
            lines = []
            for list_id, fit in activity.fits.items():
                if activity.role_list and list_id != activity.role_list:
                    continue
                best = ", ".join(checking.role_label(c, list_id, r, lang) for r in fit.best)
                line = f"{c.role_lists[list_id].title.get(lang)}: {best}"
                if fit.acceptable:
                    acc = ", ".join(checking.role_label(c, list_id, r, lang) for r in fit.acceptable)
                    line += f" — {t('session_acceptable', lang)}: {acc}"
                lines.append(line)
            return lines
        if activity.type in ("open", "recall") and getattr(activity, "model_answer", None):
            return [activity.model_answer.get(lang)]
        return []

    # ------------------------------------------------------------------ dashboard
    def labels(self, activity, lang: str) -> dict[str, str]:
        """Chart key → label in ``lang``."""
        if activity.type == "choice":
            return {o.id: o.text.get(lang) for o in activity.options}
        if activity.type == "classification":
            cats = {x.id: x.label.get(lang) for x in activity.categories}
            return {f"{e.id}={k}": f"{e.text.get(lang)[:40]} → {v}" for e in activity.entries for k, v in cats.items()}
        if activity.type == "vignette":
            out = {r: self._role_name(r, lang) for r in self.course.roles}
            out["none"] = t("session_none_fits", lang)
            return out
        return {}

    def counts(self, code: str, activity: str, round_: int, lang: str | None = None) -> dict:
        """``{"n": participants who answered, "counts": {key: {confidence: n}}, "labels": {...}}``."""
        sess = self._require(code)
        lang = lang or sess["config"]["lang"]
        agg = self.aggregate(code).get(activity, {}).get(round_, {"n": 0, "counts": {}})
        labels = self.labels(self.course.activity(activity), lang)
        return {"n": agg["n"], "counts": agg["counts"],
                "labels": {k: labels.get(k, k) for k in agg["counts"]}}

    def aggregate(self, code: str) -> dict:
        """Every activity and round: ``{activity: {round: {"n", "counts": {key: {confidence: n}}}}}``."""
        out: dict = defaultdict(lambda: defaultdict(lambda: {"n": 0, "counts": defaultdict(Counter)}))
        import json

        for activity, rnd, keys, conf, n in self.store.tallies(normalise_code(code)):
            cell = out[activity][rnd]
            cell["n"] += n
            for k in json.loads(keys) if keys else ():
                cell["counts"][k][conf or "-"] += n
        return {a: {r: {"n": c["n"], "counts": {k: dict(v) for k, v in c["counts"].items()}} for r, c in rs.items()}
                for a, rs in out.items()}

    def shift(self, code: str, activity: str, a: int = 1, b: int = 2) -> dict:
        """How each participant's answer moved from round ``a`` to ``b``: ``{(from, to): n}`` as a list."""
        sess = self._require(code)

        def by_pid(rnd):
            return {r["pid"]: "+".join(sorted(r["keys"])) or "-" for r in self.store.answers(sess["code"], activity, rnd)}

        first, second = by_pid(a), by_pid(b)
        moves = Counter((first.get(p, "-"), second.get(p, "-")) for p in set(first) | set(second))
        labels = self.labels(self.course.activity(activity), sess["config"]["lang"])

        def name(k):
            return " + ".join(labels.get(x, x) for x in k.split("+")) if k != "-" else "—"

        return {"a": a, "b": b, "moves": [{"from": f, "to": to, "n": n, "from_label": name(f), "to_label": name(to)}
                                          for (f, to), n in sorted(moves.items())]}

    def reasons(self, code: str, activity: str, round_: int | None = None, *, include_hidden: bool = True) -> list[dict]:
        """Participants' reasons (vignette justifications, open texts) — plain text, escape to show."""
        sess = self._require(code)
        names = {p["pid"]: p["name"] for p in self.store.participants(sess["code"])}
        out = []
        for r in self.store.answers(sess["code"], activity, round_):
            if r["reason"] and (include_hidden or not r["hidden"]):
                out.append({"pid": r["pid"], "name": names.get(r["pid"]) or "", "round": r["round"],
                            "reason": r["reason"], "keys": r["keys"], "confidence": r["confidence"],
                            "hidden": r["hidden"]})
        return out

    # ------------------------------------------------------------------ export
    def export_csv(self, code: str) -> str:
        """All answers as CSV; cells that a spreadsheet would run as a formula are neutralised."""
        sess = self._require(code)
        names = {p["pid"]: p["name"] for p in self.store.participants(sess["code"])}
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["session", "activity", "round", "participant", "name", "answer", "confidence", "reason",
                    "score", "correct", "hidden"])
        for r in self.store.answers(sess["code"]):
            w.writerow([safe_cell(x) for x in (
                sess["code"], r["activity"], r["round"], r["pid"], names.get(r["pid"]) or "", " ".join(r["keys"]),
                r["confidence"] or "", r["reason"] or "", "" if r["score"] is None else r["score"],
                "" if r["correct"] is None else int(r["correct"]), int(r["hidden"]))])
        return buf.getvalue()

    def report_html(self, code: str, lang: str | None = None) -> str:
        """A short self-contained HTML report: per activity the key, counts per round, shift, reasons."""
        sess = self._require(code)
        lang = lang or sess["config"]["lang"]
        e = html.escape
        agg = self.aggregate(code)
        parts = [f"<!doctype html><html lang='{lang}'><meta charset='utf-8'><title>{e(t('session_report_title', lang, code=sess['code']))}</title>",
                 "<style>body{font-family:sans-serif;max-width:50rem;margin:auto}td,th{border:1px solid #999;padding:2px 6px}table{border-collapse:collapse}</style>",
                 f"<h1>{e(t('session_report_title', lang, code=sess['code']))}</h1>",
                 f"<p>{e(sess['config']['title'])} — {e(t('session_participants', lang, n=len(self.store.participants(sess['code']))))}</p>"]
        for act_id in sess["config"]["activities"]:
            if act_id not in agg:
                continue
            act = self.course.activity(act_id)
            labels = self.labels(act, lang)
            parts.append(f"<h2>{e(act.title.get(lang))}</h2><p><b>{e(t('session_key', lang))}:</b> "
                         + "<br>".join(e(x) for x in self.key_lines(act, lang)) + "</p>")
            for rnd, cell in sorted(agg[act_id].items()):
                parts.append(f"<h3>{e(t('session_round', lang, n=rnd))} — {e(t('session_participants', lang, n=cell['n']))}</h3><table>")
                for k, confs in sorted(cell["counts"].items(), key=lambda kv: -sum(kv[1].values())):
                    detail = ", ".join(f"{e(c)}: {n}" for c, n in sorted(confs.items()))
                    parts.append(f"<tr><td>{e(labels.get(k, k))}</td><td>{sum(confs.values())}</td><td>{detail}</td></tr>")
                parts.append("</table>")
            if len(agg[act_id]) > 1:
                sh = self.shift(code, act_id, 1, max(agg[act_id]))
                parts.append(f"<h3>{e(t('session_shift_title', lang, a=sh['a'], b=sh['b']))}</h3><ul>")
                parts += [f"<li>{e(m['from_label'])} → {e(m['to_label'])}: {m['n']}</li>" for m in sh["moves"]]
                parts.append("</ul>")
            reasons = self.reasons(code, act_id, include_hidden=False)
            if reasons:
                parts.append(f"<h3>{e(t('session_reasons_title', lang))}</h3><ul>")
                parts += [f"<li>{e(r['reason'])}</li>" for r in reasons]
                parts.append("</ul>")
        parts.append("</html>")
        return "\n".join(parts)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run as a formula (OWASP: prefix a quote)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
