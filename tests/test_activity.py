"""The activity component without a browser: each component's model is driven exactly as the
browser drives it (``handle({"kind": "check", "answer": ...})``), and the tests assert the reply
JSON, every message sent, and what the progress store holds. Parametrized over every activity
of the real course in both languages; the shared behaviours on the fixture course."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kesos
from kesos import checking as C
from kesos import schema as S
from kesos.activity import Message, make_quiz, make_widget
from kesos.activity import feedback as F
from kesos.activity.static_html import render as static_render
from kesos.activity.view import VIEWS, public_view, result_json, to_front
from kesos.activity.widget import STATIC, ActivityWidget
from kesos.content import load_course
from kesos.i18n import catalog
from kesos.progress import ProgressStore, set_store

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "minimal"
LANGS = ("id", "en")


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A fresh progress file as the process-wide store, the fixture course as the course."""
    monkeypatch.setenv("KESOS_ROOT", str(FIXTURE))
    monkeypatch.delenv("KESOS_LEARNER", raising=False)
    s = ProgressStore(tmp_path / "progress.sqlite3")
    old = set_store(s)
    kesos.set_language("en")
    yield s
    set_store(old)
    s.close()
    kesos.set_language("id")


@pytest.fixture(scope="module")
def course():
    return load_course(FIXTURE)


def sent_by(w: ActivityWidget) -> list[dict]:
    """Capture every message the component sends to the browser from now on."""
    out: list[dict] = []
    w.send = out.append
    return out


def check(w, answer, item_id=None):
    return w.handle({"kind": "check", "id": item_id, "answer": answer})


def texts(msg: dict) -> str:
    """All learner-visible text of a result reply, one string."""
    bits = [msg.get("summary", ""), msg.get("explanation", ""), msg.get("verdict_word", ""), *msg.get("extras", [])]
    for p in msg.get("parts", []):
        bits += [p["word"], p["label"], p["feedback"], p["citation"]]
    return "\n".join(bits)


# --------------------------------------------------------------------------- every activity, both languages

REAL = load_course(REPO)
REAL_IDS = sorted(REAL.activities)


def _english_only() -> list[str]:
    """Distinctive fragments of English interface strings (absent from the Indonesian ones)."""
    frags = []
    for entry in catalog().values():
        if entry["en"] == entry["id"]:
            continue
        for frag in re.split(r"\{[^}]*\}", entry["en"]):
            frag = frag.strip(" .:;,—-“”()")
            if len(frag) >= 8 and frag not in entry["id"]:
                frags.append(frag)
    return frags


ENGLISH = _english_only()


def _key_texts(a, course, lang) -> list[str]:
    """Texts that would give the key away if shown before reveal."""
    out = []
    if a.type == "choice":
        out += [o.feedback.get(lang) for o in a.options if o.correct]
        out += [a.explanation.get(lang)] if a.explanation else []
    elif a.type == "ordering":
        out += [e.why.get(lang) for e in a.entries]
    elif a.type == "classification":
        out += [e.feedback.get(lang) for e in a.entries]
    elif a.type == "vignette":
        for fit in a.fits.values():
            out += [fit.why[r].get(lang) for r in fit.best]
    elif a.type == "open":
        out += [a.model_answer.get(lang)]
    return [s for s in out if s and len(s) > 12]


def test_real_course_has_all_115_activities():
    assert len(REAL_IDS) >= 115
    assert set(VIEWS) >= set(S.ACTIVITY_TYPES)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("item_id", REAL_IDS)
def test_every_activity_checks_records_and_never_leaks_the_key(item_id, lang, tmp_path_factory):
    """The public view holds no key; a wrong answer is not correct and its first reply withholds
    the key; the keyed answer is correct; both are stored; no English interface text in `id`."""
    course, a = REAL, REAL.activity(item_id)
    store = ProgressStore(":memory:")
    w = make_widget(item_id, lang=lang, store=store, course=course)
    assert isinstance(w, ActivityWidget) and w.views[0]["type"] == a.type and w.views[0]["v"] == 1
    msgs = sent_by(w)
    wrong = w.handle({"kind": "check", "id": item_id, "answer": to_front(a, C.wrong_answer(a, course, lang))})
    keyed = w.handle({"kind": "check", "id": item_id, "answer": to_front(a, C.keyed_answer(a, course, lang))})
    assert keyed["correct"] and keyed["score"] == keyed["max_score"], keyed
    if a.type != "open":
        assert not wrong["correct"] and wrong["score"] < 1
    atts = store.attempts(item_id)
    recorded = ([] if wrong["empty"] else [wrong["correct"]]) + [True]  # an empty answer is never stored
    assert [x.correct for x in atts] == recorded and all(x.language == lang for x in atts)
    assert [m["kind"] for m in msgs] == ["result", "result"]

    # before reveal: the view and the first wrong reply carry no key
    before = json.dumps(w.views[0], ensure_ascii=False) + json.dumps(msgs[0], ensure_ascii=False)
    assert '"correct": true' not in json.dumps(w.views[0])
    if not wrong["revealed"]:
        assert a.type != "open" and not getattr(a, "discussion", False)
        assert all(p["verdict"] != "missing" for p in wrong["parts"]) and wrong["explanation"] == ""
        for secret in _key_texts(a, course, lang):
            assert secret not in before, (item_id, secret)
    else:
        assert a.type == "open" or getattr(a, "discussion", False)
    if lang == "id":
        shown = "\n".join([*w.views[0]["ui"].values(), texts(wrong), texts(keyed)])
        for frag in ENGLISH:
            assert frag not in shown, f"English interface text {frag!r} in the Indonesian component"
    w.close()


# --------------------------------------------------------------------------- the fixture course: behaviour


def test_show_builds_one_component_with_its_public_view(store):
    w = kesos.show("q-view-midgley")
    assert isinstance(w, ActivityWidget) and w.lang == "en"
    v = w.views[0]
    assert (v["id"], v["type"], v["title"], v["prompt"]) == ("q-view-midgley", "choice", "Midgley's view", "Midgley sees welfare as ...")
    assert v["ui"]["check"] == "Check" and v["hint_count"] == 1
    assert "correct" not in json.dumps(v) and "That is Friedlander." not in json.dumps(v)
    bundle, _ = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and "Midgley sees welfare as ..." in bundle["text/html"]


def test_choice_options_follow_the_learners_seeded_order(store, course):
    w = make_widget("q-view-midgley")
    ids = [o.id for o in course.activity("q-view-midgley").options]
    assert [o["id"] for o in w.views[0]["options"]] == C.seeded_order(ids, store.learner_id, "q-view-midgley")


def test_first_wrong_explains_the_choice_second_wrong_reveals(store):
    """Feedback policy: the first wrong answer shows why the chosen option is wrong (and the
    misconception's correction), offers the hint and "Show answer", withholds the right answer;
    the second wrong answer in a row reveals it. Each attempt records attempt/hints/revealed."""
    w = make_widget("q-view-midgley")
    msgs = sent_by(w)
    r = check(w, {"choice": ["b"]})
    assert r["verdict"] == "wrong" and r["verdict_word"] == "Not right" and r["symbol"] == "✗"
    assert "That is Friedlander." in texts(r) and "There are three views" in texts(r)
    assert "The right answer" not in texts(r) and not r["revealed"] and r["can_reveal"] and r["hint_offer"]
    assert r["sources"] == "Source: Midgley, in Adi 2015:23" and r["saved"] is True
    w.handle({"kind": "retry"})
    r2 = check(w, {"choice": ["b"]})
    assert r2["revealed"] and "The right answer" in texts(r2) and not r2["can_reveal"]
    r3 = check(w, {"choice": ["a"]})
    assert r3["correct"] and "Well done" in r3["summary"]
    atts = store.attempts("q-view-midgley")
    assert [(x.answer, x.score, x.correct, x.activity_type) for x in atts] == [
        (["b"], 0.0, False, "choice"), (["b"], 0.0, False, "choice"), (["a"], 1.0, True, "choice")]
    assert [x.context for x in atts] == [
        {"attempt": 1, "hints_used": 0, "revealed": False, "reveal": "after_two"},
        {"attempt": 2, "hints_used": 0, "revealed": True, "reveal": "after_two"},
        {"attempt": 3, "hints_used": 0, "revealed": True, "reveal": "after_two"},
    ]
    assert [m["kind"] for m in msgs] == ["result"] * 3


def test_show_answer_on_request_and_immediate_reveal(store):
    w = make_widget("q-view-midgley")
    msgs = sent_by(w)
    check(w, {"choice": ["b"]})
    shown = w.handle({"kind": "reveal"})
    assert shown["revealed"] and "The right answer" in texts(shown)
    assert all("The right answer" not in texts(m) for m in msgs[:1])
    check(w, {"choice": ["a"]})
    assert store.last_attempt("q-view-midgley").context["revealed"] is True
    review = kesos.show("q-view-midgley", reveal="immediate")
    r = check(review, {"choice": ["b"]})
    assert r["revealed"] and "The right answer" in texts(r)
    assert store.last_attempt("q-view-midgley").context["reveal"] == "immediate"
    with pytest.raises(ValueError):
        F.stage(C.Result(0, 1, False, False), reveal="sometimes")


def test_double_check_records_once_and_empty_records_nothing(store):
    w = make_widget("q-view-midgley")
    empty = check(w, {"choice": []})
    assert empty["empty"] and empty["verdict"] is None and "Choose an answer first" in empty["summary"]
    assert store.attempts() == []
    for _ in range(3):
        check(w, {"choice": ["a"]})
    assert len(store.attempts("q-view-midgley")) == 1
    check(w, {"choice": ["b"]})
    w.handle({"kind": "retry"})
    check(w, {"choice": ["b"]})  # a new attempt after Try again counts
    assert len(store.attempts("q-view-midgley")) == 3


def test_last_answer_is_restored_with_its_result(store):
    """A re-run cell (or a new kernel on the same file) restores the last answer and its result,
    re-checked in the current language; restoring and re-checking it records nothing."""
    w = make_widget("q-view-midgley")
    check(w, {"choice": ["b"]})
    again = make_widget("q-view-midgley")
    restored = again.views[0]["restored"]
    assert restored["answer"] == {"choice": ["b"]} and restored["result"]["restored"]
    assert "That is Friedlander." in texts(restored["result"]) and not restored["result"]["revealed"]
    check(again, {"choice": ["b"]})
    fresh = ProgressStore(store.path)
    reopened = make_widget("q-view-midgley", store=fresh, lang="id")
    assert "Itu Friedlander." in texts(reopened.views[0]["restored"]["result"])
    assert len(fresh.attempts()) == 1
    fresh.close()


def test_hints_one_at_a_time_and_counted(store):
    w = make_widget("q-view-midgley")
    msgs = sent_by(w)
    h = w.handle({"kind": "hint"})
    assert (h["kind"], h["n"], h["label"], h["text"], h["next_label"]) == ("hint", 1, "Hint 1:", "Look at the word 'state'.", None)
    assert w.handle({"kind": "hint"}) is None  # only one hint
    check(w, {"choice": ["a"]})
    assert store.last_attempt("q-view-midgley").context["hints_used"] == 1
    assert len(msgs) == 2
    assert make_widget("q-match-views").views[0]["hint_count"] == 0


def test_multiple_choice(store, course):
    a = S.ChoiceActivity.model_validate({
        "id": "t-multi", "type": "choice", "chapter": "ch01", "multiple": True,
        "title": {"id": "J", "en": "T"}, "prompt": {"id": "P", "en": "P"},
        "options": [
            {"id": k, "text": {"id": k, "en": k}, "correct": k in "ab", "feedback": {"id": f"u{k}", "en": f"f{k}"}}
            for k in "abc"
        ],
    })
    w = ActivityWidget([a], course, lang="en", store=store, reveal="immediate")
    assert w.views[0]["multiple"] is True
    r = check(w, {"choice": ["a", "c"]})
    assert store.last_attempt("t-multi").answer == ["a", "c"] and store.last_attempt("t-multi").score == 0.0
    assert "Missed" in texts(r) and "fb" in texts(r)


def test_matching_conceals_the_real_author_until_reveal(store):
    w = make_widget("q-match-views")
    v = w.views[0]
    assert [i["id"] for i in v["items"]] == ["def-midgley", "def-friedlander", "def-zastrow"]
    assert [c["label"] for c in v["choices"]] == ["Friedlander", "Midgley", "Zastrow"]
    r = check(w, {"pairs": {"def-midgley": "midgley", "def-friedlander": "zastrow"}})
    assert "Right: Midgley, in Adi 2015:23" in texts(r) and "Not Zastrow." in texts(r)
    assert "Friedlander (1980)" not in texts(r) and "Partly right" == r["verdict_word"]
    assert store.last_attempt("q-match-views").answer == {"def-midgley": "midgley", "def-friedlander": "zastrow"}
    r = w.handle({"kind": "reveal"})
    assert "Not Zastrow. This definition is from Friedlander (1980), in Fahrudin 2012:9." in texts(r)


def test_ordering_and_classification(store):
    w = make_widget("q-order-functions")
    assert [e["id"] for e in w.views[0]["entries"]] == ["curative", "preventive"]  # never starts right
    r = check(w, {"order": ["curative", "preventive"]})
    assert "“Curative” is not in the right position yet (now 1)." in texts(r) and "Second." not in texts(r)
    assert check(w, {"order": ["preventive", "curative"]})["correct"]
    assert [x.answer for x in store.attempts()] == [["curative", "preventive"], ["preventive", "curative"]]
    c = make_widget("q-classify-views")
    r = check(c, {"pairs": {"e1": "system"}})
    assert "Not “System”." in texts(r) and "Belongs to" not in texts(r)
    r = c.handle({"kind": "reveal"})
    assert "Not “System” but “Condition”. A condition." in texts(r) and "Belongs to “System”." in texts(r)


def test_vignette_roles_none_fits_confidence_and_reasoning(store):
    w = make_widget("v-sample")
    v = w.views[0]
    assert v["role_list"] is None and v["none_fits"] is True and v["case"].startswith("Mrs Sari")
    assert [r["id"] for r in v["role_lists"][0]["roles"]] == ["enabler", "broker"]
    assert "earlier" not in v
    r = check(w, {"role_list": "huda", "roles": ["enabler"], "none_fits": False, "confidence": "sure",
                  "justification": "<script>alert('x')</script> she needs help"})
    assert "Does not fit" in texts(r) and "It fits when: The client has strengths" in texts(r)
    assert "You were sure" in texts(r) and "Missed" not in texts(r)
    assert r["extras"] == ["Your reasoning: <script>alert('x')</script> she needs help"]  # text, never HTML
    assert store.last_attempt("v-sample").answer["justification"].startswith("<script>")
    assert "Missed" in texts(w.handle({"kind": "reveal"}))


def test_vignette_shows_the_earlier_parts_of_a_linked_case(store, course):
    """A vignette with ``follows`` (linked cases) shows the earlier parts' titles and cases."""
    first = course.activity("v-sample")

    class Linked:  # the attribute another part of the engine adds to vignettes
        def __init__(self, base, id, follows):
            self._base, self.id, self.follows = base, id, follows

        def __getattr__(self, name):
            return getattr(self._base, name)

    second = Linked(first, "v-part2", "v-sample")
    v = public_view(second, course, "en", "learner")
    assert v["earlier"] == [{"title": "Case", "case": "Mrs Sari does not know about BPJS services."}]
    assert "Mrs Sari does not know" in static_render([v])


def test_open_question_save_rubric_and_model_answer(store):
    w = make_widget("q-open")
    v = w.views[0]
    assert v["self_assessed"] and v["rubric"] and "Condition, system, discipline." not in json.dumps(v)
    assert check(w, {"text": "  ", "rubric": [True]})["empty"] and store.attempts() == []
    shown = w.handle({"kind": "reveal"})
    assert shown["kind"] == "reveal" and "Condition, system, discipline." in shown["explanation"]
    r = check(w, {"text": "<b>three</b> views & more", "rubric": [True]})
    check(w, {"text": "<b>three</b> views & more", "rubric": [True]})
    att = store.attempts("q-open")
    assert len(att) == 1 and att[0].answer == {"text": "<b>three</b> views & more", "rubric": [True]}
    assert (att[0].score, att[0].correct, att[0].context["revealed"]) == (1.0, True, True)
    assert r["verdict"] == "saved" and r["verdict_word"] == "Saved" and "1 of 1 criteria" in r["summary"]
    assert "Condition, system, discipline." in r["explanation"]
    again = make_widget("q-open")
    assert again.views[0]["restored"]["answer"]["text"] == "<b>three</b> views & more"


def test_unknown_id_and_broken_content_are_one_line_messages(store, tmp_path, monkeypatch):
    w = make_widget("q-view-midgly")
    assert isinstance(w, Message)
    assert "No activity with id “q-view-midgly”." in w._repr_html_() and "Did you mean: q-view-midgley" in repr(w)
    root = tmp_path / "broken"
    shutil.copytree(FIXTURE, root)
    acts = root / "content" / "activities" / "ch01.yaml"
    acts.write_text(acts.read_text().replace('en: "Midgley\'s view"', 'en: "<b>Midgley</b>", colour: red'))
    monkeypatch.setenv("KESOS_ROOT", str(root))
    shown = kesos.show("q-view-midgley")._repr_html_()
    assert "The course content has a problem" in shown
    assert "field title.colour: unknown field" in shown
    assert "Traceback" not in shown and "<b>Midgley" not in shown
    assert "The course content has a problem" in kesos.quiz(["q-view-midgley"])._repr_html_()


def test_quiz_is_one_component_with_a_running_score(store):
    q = make_quiz(["q-view-midgley", "q-classify-views", "nope"], title="Section 1")
    assert isinstance(q, ActivityWidget) and q.quiz["title"] == "Section 1"
    assert [v["type"] for v in q.views] == ["choice", "classification", "notice"]
    assert q.quiz["score"] == "Quiz score: 0 of 2 (0 of 2 activities answered)"
    r = check(q, {"choice": ["a"]}, "q-view-midgley")
    assert r["quiz_score"] == "Quiz score: 1 of 2 (1 of 2 activities answered)"
    check(q, {"pairs": {"e1": "condition"}}, "q-classify-views")
    assert q.quiz["score"] == "Quiz score: 1.5 of 2 (2 of 2 activities answered)"
    check(q, {"choice": ["b"]}, "q-view-midgley")  # the latest score counts, not the best
    assert q.quiz["score"].startswith("Quiz score: 0.5 of 2")
    restored = make_quiz(["q-view-midgley", "q-classify-views"], lang="id")
    assert restored.quiz["score"] == "Skor kuis: 0,5 dari 2 (2 dari 2 aktivitas sudah dijawab)"
    assert q.handle({"kind": "check", "id": "nope", "answer": []}) is None


def test_show_with_several_ids_is_one_component_without_a_score(store):
    """kesos.show(a, b, …): one model for the cases of a discussion block, each answered, checked
    and recorded on its own, an unknown id shown as its message; no running score."""
    from kesos.activity.static_html import render

    kesos.setup("en")
    w = kesos.show("q-view-midgley", "nope", "q-classify-views")
    assert isinstance(w, ActivityWidget) and not w.is_quiz and w.quiz == {}
    assert [v["type"] for v in w.views] == ["choice", "notice", "classification"]
    r = check(w, {"choice": ["a"]}, "q-view-midgley")
    assert r["correct"] is True and "quiz_score" not in r
    check(w, {"pairs": {"e1": "condition"}}, "q-classify-views")
    assert [a.item_id for a in store.attempts()] == ["q-view-midgley", "q-classify-views"]
    page = render(w.views, w.quiz)
    assert "Quiz score" not in page and page.count("data-kesos-id=") == 2
    assert kesos.show("q-view-midgley").views[0]["id"] == "q-view-midgley"  # one id: as before


def test_language_follows_setup(store):
    kesos.setup("id")
    w = kesos.show("q-view-midgley")
    assert w.views[0]["ui"]["check"] == "Periksa" and w.views[0]["ui"]["try_again"] == "Coba lagi"
    assert "Bagus, semuanya benar" in check(w, {"choice": ["a"]})["summary"]
    assert store.last_attempt("q-view-midgley").language == "id"


def test_not_saved_yet_then_saved(store, tmp_path):
    """While another process holds the progress file locked past the wait, the reply says
    saved=false; once the queued attempt reaches the file the component is told ("saved")."""
    path = tmp_path / "locked.sqlite3"
    s = ProgressStore(path, timeout=0.2)
    s.learner_id  # noqa: B018 - create the file
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3,sys;c=sqlite3.connect(sys.argv[1],isolation_level=None);"
         "c.execute('BEGIN EXCLUSIVE');print('locked',flush=True);sys.stdin.readline()", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        w = make_widget("q-view-midgley", store=s)
        msgs = sent_by(w)
        r = check(w, {"choice": ["a"]})
        assert r["saved"] is False and s.pending
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(10)
    uid = s.pending[0].uid
    s.flush()
    if not hasattr(s, "subscribe"):  # kesos.progress without subscribe (issue 8 not merged yet)
        w._saved([uid])
    assert msgs[-1] == {"kind": "saved", "id": "q-view-midgley"}
    assert s.attempts("q-view-midgley")[0].saved
    w.close()
    s.close()


# --------------------------------------------------------------------------- static HTML, front end files


def test_static_html_shows_the_question_escaped_and_without_the_key(course):
    views = [public_view(a, course, "en", "x") for a in course.activities.values()]
    out = static_render(views, {"title": "<i>Quiz</i>"})
    assert "&lt;i&gt;Quiz&lt;/i&gt;" in out and "<i>" not in out
    for a in course.activities.values():
        assert a.prompt.get("en").replace("'", "&#x27;") in out
    assert "That is Friedlander." not in out and "Condition, system, discipline." not in out
    assert "an organised system" in out and "Mrs Sari does not know about BPJS services." in out


def _contrast(fg: str, bg: str) -> float:
    def lum(h: str) -> float:
        r, g, b = (int(h.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
        f = lambda c: c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4  # noqa: E731
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)

    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# the backgrounds an activity can sit on in each theme (cell, output area, our case box)
THEME_BACKGROUNDS = {"light": ("#ffffff", "#eeeeee"), "dark": ("#111111", "#212121", "#303030")}


def test_verdict_colours_pass_wcag_aa_in_light_and_dark_themes():
    """The palettes in activity.css (light: .kesos-activity; dark: Lab's dark-theme marker) have
    at least 4.5:1 contrast on every background of their theme; verdicts also carry symbols."""
    css = (STATIC / "activity.css").read_text()
    blocks = {
        "light": re.search(r"\n\.kesos-activity \{(.*?)\}", css, re.S).group(1),
        "dark": re.search(r'body\[data-jp-theme-light="false"\] \.kesos-activity, [^{]*\{(.*?)\}', css, re.S).group(1),
    }
    for theme, block in blocks.items():
        colours = dict(re.findall(r"--kesos-(ok|bad|mid|info):\s*(#[0-9a-f]{6})", block))
        assert set(colours) == {"ok", "bad", "mid", "info"}, theme
        for name, colour in colours.items():
            for bg in THEME_BACKGROUNDS[theme]:
                assert _contrast(colour, bg) >= 4.5, (theme, name, colour, bg, round(_contrast(colour, bg), 2))


def test_front_end_is_small_and_csp_safe():
    """One ES module + one stylesheet, together at most 60 KB; data only as text: no innerHTML,
    no eval / Function, no inline handlers; no key guard left anywhere in the package."""
    js = (STATIC / "activity.js").read_text()
    css = (STATIC / "activity.css").read_text()
    assert len(js.encode()) + len(css.encode()) <= 60_000
    for bad in ("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "new Function", "onerror", "onclick="):
        assert bad not in js, bad
    assert "export function renderActivity" in js and "export default { render }" in js
    assert not (REPO / "kesos" / "widgets").exists()
    for path in (REPO / "kesos").rglob("*.py"):
        assert "KEY_GUARD" not in path.read_text(), path


def test_result_json_is_versioned_and_full_by_default(course):
    a = course.activity("q-view-midgley")
    r = result_json(C.check(a, ["b"], "en", course), activity=a, lang="en", answer=["b"])
    assert r["v"] == 1 and r["revealed"] and any(p["verdict"] == "missing" for p in r["parts"])
    assert set(r) >= {"v", "score", "max_score", "correct", "empty", "summary", "parts", "citations",
                      "explanation", "revealed", "saved"}


def test_models_per_activity(store, course):
    """At most 3 widget models per activity: a component is one model plus its Layout."""
    from ipywidgets.widgets.widget import _instances

    before = set(_instances)
    w = make_quiz(list(course.activities))
    one = make_widget("q-view-midgley")
    after = set(_instances)
    assert len(after - before) <= 4
    w.close()
    one.close()
