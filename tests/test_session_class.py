"""Class mode and joining from a notebook, on SQLite and PostgreSQL: attempts recorded in a
learner's progress store reach the class store under their JupyterHub name; the lecturer's view
computes difficulty, wrong options with misconceptions and mastery; a learner sees only their own
rows; ``kesos.join`` sends notebook answers to a live session."""
from __future__ import annotations

import pytest

from helpers.session_fixtures import ENGINES, new_location, pg_server  # noqa: F401
from helpers.session_server import ServerProc
from kesos import checking
from kesos.content import load_course
from kesos.progress import ProgressStore
from kesos.session import classmode
from kesos.session.lecturer import ClassView
from kesos.session.store import open_store

CHOICE = "c01-midgley-view"


@pytest.fixture(params=ENGINES)
def class_db(request, monkeypatch):
    loc = new_location(request.param, request)
    monkeypatch.setenv("KESOS_CLASS_DB", loc)
    monkeypatch.setitem(classmode._state, "store", None)
    yield loc
    if classmode._state["store"] is not None:
        classmode._state["store"].close()


def record(ps: ProgressStore, item: str, answer, course):
    act = course.activity(item)
    r = checking.check(act, answer, "id", course)
    return ps.record(item, act.type, answer, score=r.score, max_score=r.max_score, correct=r.correct, language="id")


def test_attempts_reach_the_class_store_under_the_hub_user(class_db, monkeypatch, tmp_path):
    """With KESOS_CLASS_DB set, install() forwards every progress attempt, once, under $JUPYTERHUB_USER."""
    course = load_course()
    monkeypatch.setenv("JUPYTERHUB_USER", "ani")
    ps = ProgressStore(tmp_path / "ani.sqlite3")
    assert classmode.install(ps) is True and classmode.install(ps) is True  # idempotent
    act = course.activity(CHOICE)
    record(ps, CHOICE, checking.wrong_answer(act, course), course)
    record(ps, CHOICE, checking.keyed_answer(act, course), course)
    rows = open_store(class_db).class_attempts()
    assert [(r["user_name"], r["item_id"], r["correct"]) for r in rows] == [("ani", CHOICE, False), ("ani", CHOICE, True)]
    ps.close()


def test_lecturer_view_and_learners_see_only_their_own(class_db, monkeypatch):
    """Difficulty, most chosen wrong options with their misconception, mastery per chapter; a learner's view holds only their rows."""
    course = load_course()
    store = open_store(class_db)
    act = course.activity(CHOICE)
    wrong = next(o for o in act.options if not o.correct and o.misconception)
    n = 0
    for user, ans in (("ani", [wrong.id]), ("budi", [wrong.id]), ("citra", checking.keyed_answer(act, course))):
        r = checking.check(act, ans, "id", course)
        n += 1
        store.record_class(f"u{n}", user, CHOICE, "choice", ans, r.score, 1.0, r.correct, "id", f"2026-12-06T10:0{n}")
    v = course.activity("c04-v12-rumah-singgah")
    store.record_class("u9", "ani", v.id, "vignette", checking.keyed_answer(v, course), 1.0, 1.0, True, "id", "2026-12-06T11:00")
    monkeypatch.setenv("KESOS_LECTURERS", "dosen")
    lecturer = ClassView(store, user="dosen", course=course)
    diff = lecturer.difficulty().set_index("item")
    assert diff.loc[CHOICE, "learners"] == 3 and diff.loc[CHOICE, "right_first_%"] == 33
    wrongs = lecturer.wrong_options()
    assert wrongs.iloc[0]["chosen"] == 2
    assert wrongs.iloc[0]["misconception"] == course.misconceptions[wrong.misconception].text.get("id")
    m = lecturer.mastery()
    assert set(m.index) == {"ani", "budi", "citra"} and m.loc["ani", "ch04"] == 1.0 and m.loc["budi", "ch01"] == 0.0
    lecturer.heatmap()
    learner = ClassView(store, user="budi", course=course)
    assert {r["user_name"] for r in learner.attempts()} == {"budi"}
    assert list(learner.mastery().index) == ["budi"]
    store.close()


def test_join_from_a_notebook_sends_answers_to_the_session(tmp_path, monkeypatch):
    """kesos.join(code) makes the notebook a participant: an attempt recorded at the open activity arrives in the session."""
    import kesos

    srv = ServerProc(str(tmp_path / "s"), "--ip-rate", "500", "1000").start()
    try:
        s = srv.facilitator().create([CHOICE])
        s.open(CHOICE)
        course = load_course()
        ps = ProgressStore(tmp_path / "p.sqlite3")
        monkeypatch.setenv("JUPYTERHUB_USER", "dewi")
        from kesos.session.client import JoinedSession

        joined = JoinedSession(s.code, srv.url, progress_store=ps)
        assert callable(kesos.join)
        record(ps, CHOICE, checking.keyed_answer(course.activity(CHOICE), course), course)
        assert joined.sent == [{"activity": CHOICE, "status": 200}]
        assert s.counts()["n"] == 1
        names = [p["name"] for p in srv.facilitator().call("participants", code=s.code)["participants"]]
        assert names == ["dewi"]
        joined.leave()
        ps.close()
    finally:
        srv.stop()
