"""The session server end to end over real HTTP on 127.0.0.1 (a real server process), on SQLite
and PostgreSQL: the facilitator flow, the participant's view, and each security rule."""
from __future__ import annotations

import csv
import io
import json
import time

import httpx
import pytest

from helpers.session_fixtures import ENGINES, new_location, pg_server  # noqa: F401
from helpers.session_server import KEY, Participant, ServerProc
from kesos.session.facilitator import FacilitatorError, Server

CASE = "c04-v12-rumah-singgah"  # a discussion vignette with competing readings
CHOICE = "c01-midgley-view"
OPEN = "c01-essay-views"


@pytest.fixture(scope="module", params=ENGINES)
def server(request):
    srv = ServerProc(new_location(request.param, request), "--ip-rate", "500", "1000",
                     "--participant-rate", "100", "200").start()
    yield srv
    srv.stop()


@pytest.fixture
def fac(server) -> Server:
    return server.facilitator()


def vignette_answer(role="advocate", conf="sure", why="The school refused her."):
    return {"role_list": "huda2009", "roles": [role], "none_fits": False, "confidence": conf, "justification": why}


def test_facilitator_flow_vote_reveal_revote_shift_export(server, fac, tmp_path):
    """Open → answers hidden → lock → reveal (feedback, key, readings, room) → re-vote → shift → export."""
    s = fac.create([CASE, CHOICE], lang="en", title="Workshop <1>")
    a, b = Participant(server.url), Participant(server.url)
    assert a.join(s.code, "Ani").status_code == 200 and b.join(s.code.lower(), None).status_code == 200
    assert a.state().json()["phase"] == "waiting"
    s.open(CASE)
    view = a.state().json()["activity"]
    assert view["type"] == "vignette" and view["case"] and view["hint_count"] == 0
    assert not {"fits", "best", "readings", "why"} & set(view)
    assert "readings" not in json.dumps(view) and "acceptable" not in json.dumps(view)
    assert a.answer(CASE, 1, vignette_answer("advocate")).status_code == 200
    assert b.answer(CASE, 1, vignette_answer("broker", "unsure", "=1+1")).status_code == 200
    # before the reveal a participant sees only their own answer, never the room or the key
    st = a.state().json()
    assert st["mine"]["roles"] == ["advocate"] and st["reveal"] is None
    assert "broker" not in json.dumps(st) or "broker" in json.dumps(st["activity"])
    assert s.counts()["counts"] == {"advocate": {"sure": 1}, "broker": {"unsure": 1}}
    s.lock()
    assert a.answer(CASE, 1, vignette_answer("broker")).status_code == 409
    s.reveal()
    rv = a.state().json()["reveal"]
    assert rv["result"]["parts"] and rv["key"] and len(rv["readings"]) >= 2
    assert rv["room"]["n"] == 2
    s.revote()
    assert a.state().json()["round"] == 2 and a.state().json()["reveal"] is None
    a.answer(CASE, 2, vignette_answer("broker", "sure", "After the discussion"))
    b.answer(CASE, 2, vignette_answer("broker", "sure"))
    moves = {(m["from"], m["to"]): m["n"] for m in s.shift()["moves"]}
    assert moves == {("advocate", "broker"): 1, ("broker", "broker"): 1}
    csv_path, html_path = s.export(tmp_path)
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text())))
    assert len(rows) == 4 and {r["reason"] for r in rows} >= {"'=1+1"}
    report = html_path.read_text()
    assert "Workshop &lt;1&gt;" in report and "<1>" not in report
    s.chart().savefig(tmp_path / "c.png")
    s.shift_chart().savefig(tmp_path / "s.png")


def test_scores_come_from_kesos_checking(server, fac):
    """The score stored for an answer is what kesos.checking.check gives for it."""
    from kesos import checking
    from kesos.content import load_course

    course = load_course()
    act = course.activity(CHOICE)
    s = fac.create([CHOICE])
    p = Participant(server.url)
    p.join(s.code)
    s.open(CHOICE)
    wrong = checking.wrong_answer(act, course)
    assert p.answer(CHOICE, 1, {"choice": wrong}).status_code == 200
    s.reveal()
    result = p.state().json()["reveal"]["result"]
    assert result["score"] == checking.check(act, wrong, "id", course).score
    assert result["correct"] is False


def test_reload_keeps_identity_and_double_submit_counts_once(server, fac):
    """A participant who reloads (same cookie) keeps their id; submitting twice leaves one answer."""
    s = fac.create([CHOICE])
    p = Participant(server.url)
    pid = p.join(s.code, "Budi").json()["pid"]
    p.client.get("/")  # reload
    again = p.join(s.code, "Budi")
    assert again.json() == {"code": s.code, "pid": pid, "name": "Budi", "rejoined": True}
    s.open(CHOICE)
    for _ in range(3):
        assert p.answer(CHOICE, 1, ["a"]).status_code == 200
    assert s.counts()["n"] == 1


def test_only_participant_routes_and_their_static_files_are_served(server):
    """Nothing of Jupyter, no source files, no path traversal: anything else is 404."""
    c = httpx.Client(base_url=server.url, trust_env=False)
    for path in ("/api/contents", "/lab", "/tree", "/static/server.py", "/static/../server.py",
                 "/static/%2e%2e/store.py", "/etc/passwd", "/static/", "/f/", "/kesos/session/server.py"):
        assert c.get(path).status_code == 404, path
    assert c.get("/static/participant.js").status_code == 200
    page = c.get("/")
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_participant_token_is_an_httponly_cookie(server, fac):
    """The token is random per participant, HttpOnly and SameSite=Strict; a forged one is refused."""
    s = fac.create([CHOICE])
    p = Participant(server.url)
    r = p.join(s.code)
    cookie = r.headers["set-cookie"]
    assert "kesos_participant=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    token = p.client.cookies["kesos_participant"]
    assert len(token) >= 30
    other = Participant(server.url)
    other.client.cookies.set("kesos_participant", token[:-2] + "xx")
    assert other.state().json() == {"v": 1, "joined": False}
    assert other.answer(CHOICE, 1, ["a"]).status_code == 401


def test_facilitator_actions_need_the_key_which_participants_never_see(server, fac):
    """Without the key (or with a wrong one) every facilitator action is refused; the key is in no participant response."""
    s = fac.create([CHOICE])
    for headers in ({}, {"X-Kesos-Key": "wrong"}, {"X-Kesos-Key": ""}):
        r = httpx.post(server.url + "f/api/reveal", content=json.dumps({"code": s.code}), headers=headers,
                       trust_env=False)
        assert r.status_code == 403
    with pytest.raises(FacilitatorError):
        Server(server.url, "wrong").create([CHOICE])
    p = Participant(server.url)
    p.join(s.code)
    s.open(CHOICE)
    seen = p.client.get("/").text + p.client.get("/static/participant.js").text + p.state().text
    seen += json.dumps(dict(p.client.cookies))
    assert KEY not in seen


def test_every_post_needs_the_csrf_token(server, fac):
    """A POST without the XSRF header, or with a token that does not match the cookie, is refused."""
    s = fac.create([CHOICE])
    p = Participant(server.url)
    assert p.client.post("/api/join", content=json.dumps({"code": s.code})).status_code == 403
    bad = p.client.post("/api/join", content=json.dumps({"code": s.code}), headers={"X-XSRFToken": "2|aa|bb|cc"})
    assert bad.status_code == 403
    p.join(s.code)
    s.open(CHOICE)
    r = p.client.post("/api/answer", content=json.dumps({"activity": CHOICE, "round": 1, "answer": ["a"]}))
    assert r.status_code == 403
    assert s.counts()["n"] == 0


def test_request_size_and_field_length_limits(server, fac):
    """Oversized bodies and over-long names, reasons and texts are refused with a clear message, storing nothing."""
    s = fac.create([CASE, OPEN])
    p = Participant(server.url)
    r = p.join(s.code, "x" * 41)
    assert r.status_code == 413 and "40" in r.json()["error"]
    p.join(s.code, "Ani")
    s.open(CASE)
    assert p.answer(CASE, 1, vignette_answer(why="y" * 301)).status_code == 413
    assert p.answer(CASE, 1, {**vignette_answer(), "roles": ["r"] * 41}).status_code == 400
    assert p.answer(CASE, 1, vignette_answer(why="z" * 20_000)).status_code == 413
    assert p.answer(CASE, 1, {**vignette_answer(), "confidence": "<script>"}).status_code == 400
    huge = p.client.post("/api/answer", content=b"{" + b" " * 200_000 + b"}", headers=p.headers())
    assert huge.status_code == 413
    try:  # beyond 1 MB tornado refuses the body unread (an error status, or it drops the connection)
        assert p.client.post("/api/answer", content=b" " * 2_000_000, headers=p.headers()).status_code >= 400
    except httpx.HTTPError:
        pass
    s.open(OPEN)
    assert p.answer(OPEN, 1, {"text": "t" * 2001}).status_code == 413
    assert s.counts(CASE, 1)["n"] == 0 and s.counts(OPEN, 1)["n"] == 0


def test_participant_text_is_escaped_in_dashboard_report_and_csv(server, fac):
    """Markup in a name or reason is shown as text in the reasons list and report; formulas are neutralised in CSV."""
    s = fac.create([CASE], lang="en")
    p = Participant(server.url)
    p.join(s.code, "<img src=x onerror=alert(1)>")
    s.open(CASE)
    p.answer(CASE, 1, vignette_answer(why="<script>alert(1)</script>"))
    q = Participant(server.url)
    q.join(s.code, "@SUM(A1)")
    q.answer(CASE, 1, vignette_answer(why="=HYPERLINK(\"http://x\")"))
    html = s.reasons_html() + s._call("report_html")["text"]
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    rows = list(csv.reader(io.StringIO(s._call("export_csv")["text"])))
    cells = [c for row in rows[1:] for c in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert "'=HYPERLINK(\"http://x\")" in cells and "'@SUM(A1)" in cells


def test_hide_a_reason(server, fac):
    """A hidden reason disappears from the presenter list and the report, and can be shown again."""
    s = fac.create([CASE])
    p = Participant(server.url)
    pid = p.join(s.code).json()["pid"]
    s.open(CASE)
    p.answer(CASE, 1, vignette_answer(why="something unkind"))
    assert s.hide(pid) is True
    assert "something unkind" not in s.reasons_html(include_hidden=False)
    assert "something unkind" not in s._call("report_html")["text"]
    assert "<s>something unkind</s>" in s.reasons_html()
    s.hide(pid, hidden=False)
    assert "something unkind" in s.reasons_html(include_hidden=False)


def test_a_participant_cannot_touch_or_see_anothers_answer(server, fac):
    """Answers are bound to the cookie's participant; before the reveal no one sees the others'."""
    s = fac.create([CASE])
    a, b = Participant(server.url), Participant(server.url)
    pid_a = a.join(s.code).json()["pid"]
    b.join(s.code)
    s.open(CASE)
    a.answer(CASE, 1, vignette_answer("activist", why="secret of A"))
    # b tries to write as a: the body's pid is ignored, b's own answer is stored
    b.post("/api/answer", {"activity": CASE, "round": 1, "answer": vignette_answer("broker"), "pid": pid_a})
    rows = {r["pid"]: r["keys"] for r in fac.call("reasons", code=s.code, activity=CASE, round_=1)["reasons"]}
    assert rows[pid_a] == ["activist"]
    st = b.state().json()
    assert "secret of A" not in json.dumps(st) and "activist" not in json.dumps(st.get("mine"))
    assert st["reveal"] is None
    # b cannot use facilitator routes to read them either
    r = b.client.post("/f/api/reasons", content=json.dumps({"code": s.code, "activity": CASE}), headers=b.headers())
    assert r.status_code == 403


def test_answers_outside_the_open_activity_round_or_timer_are_refused(server, fac):
    """Only the open activity and current round take answers; a timer closes it on time."""
    s = fac.create([CASE, CHOICE])
    p = Participant(server.url)
    p.join(s.code)
    assert p.answer(CASE, 1, vignette_answer()).status_code == 409  # nothing open yet
    s.open(CHOICE)
    assert p.answer(CASE, 1, vignette_answer()).status_code == 409
    assert p.answer(CHOICE, 2, ["a"]).status_code == 409
    s.timer(1)
    assert p.state().json()["deadline_in"] is not None
    time.sleep(1.3)
    assert p.state().json()["phase"] == "locked"
    assert p.answer(CHOICE, 1, ["a"]).status_code == 409


def test_sessions_expire(server, fac):
    """After its lifetime a session takes no joins, states or answers; closing ends it at once."""
    s = fac.create([CHOICE], hours=1.2 / 3600)
    p = Participant(server.url)
    p.join(s.code)
    assert p.state().status_code == 200
    time.sleep(1.4)
    assert p.state().status_code == 404
    assert Participant(server.url).join(s.code).status_code == 404
    s2 = fac.create([CHOICE])
    q = Participant(server.url)
    q.join(s2.code)
    s2.close()
    assert q.state().status_code == 404


def test_unknown_code_is_a_clear_message(server):
    """A mistyped code gets one line in the participant's language, not a traceback."""
    p = Participant(server.url)
    r = p.join("NOPE99")
    assert r.status_code == 404 and r.json()["error"].startswith("Kode sesi tidak dikenal")
    r = p.post("/api/join?lang=en", {"code": "NOPE99"})
    assert r.json()["error"].startswith("Unknown session code")
    assert "Traceback" not in r.text


def test_rate_limits_per_client_and_per_participant(request):
    """Too many requests from one address, or from one participant, get 429 (loopback only)."""
    srv = ServerProc(new_location("sqlite", request), "--ip-rate", "1", "40", "--participant-rate", "1", "5").start()
    try:
        fac = srv.facilitator()
        s = fac.create([CHOICE])
        p = Participant(srv.url)
        p.join(s.code)
        codes = [p.state().status_code for _ in range(12)]
        assert codes[:5] == [200] * 5 and 429 in codes[5:]
        codes = [httpx.get(srv.url, trust_env=False).status_code for _ in range(40)]
        assert codes.count(429) >= 5
    finally:
        srv.stop()


def test_presenter_view_hides_results_until_reveal(server, fac):
    """With hide_until_reveal the presenter's live line and chart show only how many answered, until
    show_results() or the reveal; the facilitator's own view always has the counts."""
    s = fac.create([CASE], lang="en")
    p = Participant(server.url)
    p.join(s.code)
    s.open(CASE)
    p.answer(CASE, 1, vignette_answer("mediator"))
    c, st = s.counts(), s.state()["state"]
    assert "Mediator" not in s._live_line(c, st, hide=True) and "n = <span" in s._live_line(c, st, hide=True)
    assert "Mediator" in s._live_line(c, st, hide=False)
    hidden = s.chart(hide_until_reveal=True).figure.axes[0]
    assert not hidden.patches and not hidden.axison
    s.show_results()
    assert "Mediator" in s._live_line(s.counts(), s.state()["state"], hide=True)
    s.show_results(False)
    s.reveal()
    shown = s.chart(hide_until_reveal=True).figure.axes[0]
    assert len(shown.patches) == 1


def test_participant_page_speaks_indonesian_and_english(server, fac):
    """The page and the public view come in the language asked for (default: the session's)."""
    from kesos.content import load_course

    act = load_course().activity(CASE)
    s = fac.create([CASE], lang="id")
    p = Participant(server.url)
    p.join(s.code)
    s.open(CASE)
    assert p.state().json()["activity"]["title"] == act.title.get("id")
    assert p.state("en").json()["activity"]["title"] == act.title.get("en")
    page = p.client.get("/?lang=en").text
    assert 'lang="en"' in page and "Session code" in page and "Kode sesi" in page  # both, for the toggle
    assert f'"code": "{s.code}"' in p.client.get(f"/j/{s.code}").text  # the QR code's link fills in the code


def test_a_mistyped_activity_id_is_one_clear_line(fac):
    """Creating a session with an unknown activity id names it and the nearest ids; nothing is created."""
    with pytest.raises(FacilitatorError, match=r"unknown activity id 'c04-v12-rumah-singga'.*did you mean"):
        fac.create(["c04-v12-rumah-singga"])
    with pytest.raises(FacilitatorError, match="matching activity; sessions take"):
        fac.create(["c01-match-authors"])


def test_control_panel_buttons_drive_the_session(server, fac):
    """The notebook's button panel opens the chosen activity, locks, reveals and starts a new round."""
    s = fac.create([CASE, CHOICE], lang="en")
    panel = s.panel()
    panel.pick.value = CHOICE
    panel.buttons["open"].click()
    assert s.state()["state"]["current"] == CHOICE and "open" in panel.status.value
    panel.buttons["lock"].click()
    assert s.state()["state"]["phase"] == "locked"
    panel.buttons["reveal"].click()
    assert s.state()["state"]["phase"] == "revealed"
    panel.buttons["revote"].click()
    assert s.state()["state"]["round"] == 2 and s.state()["state"]["phase"] == "open"
    panel.buttons["timer"].click()
    assert s.state()["state"]["deadline"]
