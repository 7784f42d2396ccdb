"""kesos.checking: the scoring rules of each activity type, and — parametrized over every
activity of the real course and of the fixture course — that each item validates, its keyed
answer scores full marks, a known wrong answer scores less and explains itself (rendering in both
languages: tests/test_activity.py)."""
from __future__ import annotations

import glob
import subprocess
import sys
from pathlib import Path

import pytest

from kesos import checking as C
from kesos import schema as S
from kesos.content import ContentError, load_course

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "minimal"
LANGS = ("id", "en")

EMPTY = {
    "choice": [],
    "matching": {},
    "ordering": [],
    "classification": {},
    "vignette": {"role_list": None, "roles": [], "confidence": None, "justification": ""},
    "open": {"text": "   ", "rubric": [True], "revealed": True},
    "recall": {"text": "   "},
}


def _real_activities() -> bool:
    return bool(glob.glob(str(REPO / "content" / "activities" / "*.yaml")))


def _cases() -> list:
    """(course root, activity id) for every activity of the fixture course and of the real course.
    The real course is included once it has activities and validates (see test_real_course_loads)."""
    cases = [pytest.param(FIXTURE, i, id=f"fixture:{i}") for i in load_course(FIXTURE).activities]
    if _real_activities():
        try:
            cases += [pytest.param(REPO, i, id=f"real:{i}") for i in load_course(REPO).activities]
        except ContentError:
            pass  # reported once, by test_real_course_loads
    return cases


CASES = _cases()


def test_real_course_loads():
    """The real course validates, so that every activity below is exercised."""
    if not _real_activities():
        pytest.skip("no real activities yet")
    try:
        load_course(REPO)
    except ContentError as e:
        pytest.fail(f"the real course does not validate, so its activities are not tested:\n{e}")


def _activity(root, item_id):
    course = load_course(root)
    return course, course.activity(item_id)


# --------------------------------------------------------------------------- every activity


@pytest.mark.parametrize("root,item_id", CASES)
def test_keyed_answer_scores_full_marks(root, item_id):
    """The answer key gets full marks and `correct` in both languages, with feedback to read."""
    course, a = _activity(root, item_id)
    for lang in LANGS:
        r = C.check(a, C.keyed_answer(a, course, lang), lang, course)
        assert not r.empty and r.correct and r.score == r.max_score == 1.0, (lang, r)
        assert r.summary.strip()
        assert all(p.verdict in C.VERDICTS for p in r.parts)


@pytest.mark.parametrize("root,item_id", CASES)
def test_wrong_answer_scores_less_and_explains(root, item_id):
    """A deliberately wrong answer scores less, is not `correct`, and says why (from the content)."""
    course, a = _activity(root, item_id)
    for lang in LANGS:
        answer = C.wrong_answer(a, course, lang)
        r = C.check(a, answer, lang, course)
        assert not r.empty and not r.correct and r.score < r.max_score, (lang, r)
        assert r.summary.strip()
        if a.type == "open":
            assert r.explanation == a.model_answer.get(lang)  # the model answer to compare with
            continue
        wrong = [p for p in r.parts if p.verdict in ("wrong", "no_fit", "missing")]
        assert wrong and any(p.feedback.strip() for p in wrong), r.parts
        if a.type == "choice":
            picked = next(o for o in a.options if o.id == answer[0])
            assert any(picked.feedback.get(lang) in p.feedback for p in r.parts)


@pytest.mark.parametrize("root,item_id", CASES)
def test_empty_answer_is_a_prompt_not_wrong(root, item_id):
    """Nothing chosen / blank text: empty result with a gentle prompt, in the learner's language."""
    course, a = _activity(root, item_id)
    r_id, r_en = (C.check(a, EMPTY[a.type], lang, course) for lang in LANGS)
    assert r_id.empty and r_en.empty and r_id.score == 0 and not r_id.parts
    assert r_id.summary and r_en.summary and r_id.summary != r_en.summary


# --------------------------------------------------------------------------- scoring rules


@pytest.fixture(scope="module")
def course():
    return load_course(FIXTURE)


def _choice(multiple: bool, keyed: str, misconception: str | None = None) -> S.ChoiceActivity:
    return S.ChoiceActivity.model_validate(
        {
            "id": "t-choice", "type": "choice", "chapter": "ch01", "multiple": multiple,
            "title": {"id": "Judul", "en": "Title"}, "prompt": {"id": "Tanya", "en": "Ask"},
            "cites": ["def-friedlander"],
            "options": [
                {
                    "id": k, "text": {"id": f"opsi {k}", "en": f"option {k}"}, "correct": k in keyed,
                    "feedback": {"id": f"umpan {k}", "en": f"feedback {k}"},
                    **({"misconception": misconception} if misconception and k not in keyed else {}),
                }
                for k in "abcde"
            ],
        }
    )


def test_choice_single_is_all_or_nothing_and_teaches(course):
    """Single answer: 1 or 0; a wrong pick shows its own feedback, the misconception's correction,
    the right answer, and the activity's citation."""
    a = _choice(False, "c", misconception="m-views")
    right = C.check(a, ["c"], "en", course)
    assert (right.score, right.correct) == (1.0, True)
    assert [p.verdict for p in right.parts] == ["right"]
    wrong = C.check(a, ["a"], "en", course)
    assert (wrong.score, wrong.correct) == (0.0, False)
    assert [(p.id, p.verdict) for p in wrong.parts] == [("a", "wrong"), ("c", "missing")]
    assert "feedback a" in wrong.parts[0].feedback
    assert "There are three views" in wrong.parts[0].feedback  # misconception correction
    assert wrong.citations == ("Friedlander (1980), in Fahrudin 2012:9",)
    # a single-answer question takes only the first pick, even if a stale answer has more
    assert C.check(a, ["c", "a"], "en", course).correct


def test_choice_multiple_partial_credit(course):
    """Multiple answers: (right picks - wrong picks) / number keyed, floored at 0; misses are named."""
    a = _choice(True, "abc")
    score = lambda ans: C.check(a, ans, "en", course).score
    assert score(["a", "b", "c"]) == 1.0
    assert score(["a", "b"]) == pytest.approx(2 / 3)
    assert score(["a", "b", "d"]) == pytest.approx(1 / 3)
    assert score(["a", "d", "e"]) == 0.0  # floored, never negative
    r = C.check(a, ["a", "d"], "id", course)
    assert not r.correct and {p.id: p.verdict for p in r.parts} == {"a": "right", "d": "wrong", "b": "missing", "c": "missing"}
    assert r.parts[0].verdict == "wrong"  # the learner's own mistake first


def test_matching_per_pair_feedback_cites_the_right_author(course):
    """Fraction of right pairs; right pairs cite; wrong ones name the right author and source."""
    a = course.activity("q-match-views")
    r = C.check(a, {"def-midgley": "midgley", "def-friedlander": "zastrow"}, "en", course)
    assert r.score == pytest.approx(1 / 3) and not r.correct
    by = {p.id: p for p in r.parts}
    assert by["def-midgley"].verdict == "right"
    assert by["def-midgley"].feedback == "Right: Midgley, in Adi 2015:23"
    assert by["def-friedlander"].verdict == "wrong"
    assert by["def-friedlander"].feedback == "Not Zastrow. This definition is from Friedlander (1980), in Fahrudin 2012:9."
    assert by["def-zastrow"].verdict == "missing" and "Zastrow (2004), in Fahrudin 2012:31" in by["def-zastrow"].feedback
    # a quoted definition shows the quote, with a translation for the other language
    assert by["def-midgley"].label == "“a condition or state of human well-being”"
    r_id = C.check(a, {"def-midgley": "midgley"}, "id", course)
    assert "(suatu kondisi atau keadaan sejahtera manusia)" in r_id.parts[0].label
    assert "dalam Adi 2015:23" in r_id.parts[0].feedback


def _ordering(n: int) -> S.OrderingActivity:
    return S.OrderingActivity.model_validate(
        {
            "id": "t-order", "type": "ordering", "chapter": "ch01",
            "title": {"id": "J", "en": "T"}, "prompt": {"id": "U", "en": "O"},
            "entries": [
                {"id": f"s{k}", "text": {"id": f"tahap {k}", "en": f"stage {k}"}, "position": k,
                 "why": {"id": f"alasan {k}", "en": f"why {k}"}}
                for k in range(1, n + 1)
            ],
        }
    )


def test_ordering_score_mixes_positions_and_neighbours(course):
    """Score = mean(fraction in place, fraction of right neighbouring pairs); the FIRST misplaced
    entry is named with its `why`, later ones only marked."""
    a = _ordering(4)
    r = C.check(a, ["s1", "s2", "s4", "s3"], "en", course)
    assert r.score == pytest.approx((2 / 4 + 1 / 3) / 2)
    verdicts = [(p.id, p.verdict) for p in r.parts]
    assert verdicts == [("s1", "right"), ("s2", "right"), ("s4", "wrong"), ("s3", "wrong")]
    assert r.parts[2].feedback == "“stage 4” belongs in position 4, not 3. why 4"
    assert r.parts[3].feedback == ""
    shifted = C.check(a, ["s2", "s3", "s4", "s1"], "en", course)  # all out of place, 2 pairs kept
    assert shifted.score == pytest.approx((0 + 2 / 3) / 2)
    assert C.check(a, ["s4", "s3", "s2", "s1"], "en", course).score == 0.0
    assert C.check(a, ["s1", "s2", "s3", "s4"], "en", course).correct


def test_classification_feedback_per_entry(course):
    a = course.activity("q-classify-views")
    r = C.check(a, {"e1": "system"}, "en", course)
    assert r.score == 0 and not r.empty
    assert r.parts[0].feedback == "Not “System” but “Condition”. A condition."
    assert (r.parts[1].verdict, r.parts[1].feedback) == ("missing", "Belongs to “System”. A system.")
    assert C.check(a, {"e1": "condition", "e2": "condition"}, "en", course).score == 0.5


def _vignette(**extra) -> S.VignetteActivity:
    data = {
        "id": "t-vig", "type": "vignette", "chapter": "ch01",
        "title": {"id": "Kasus", "en": "Case"}, "prompt": {"id": "Peran?", "en": "Role?"},
        "case": {"id": "Pak Budi ...", "en": "Mr Budi ..."},
        "fits": {"huda": {"best": ["broker"], "acceptable": ["enabler"],
                          "why": {"broker": {"id": "hubungkan", "en": "connect"},
                                  "enabler": {"id": "mampukan", "en": "enable"}}}},
    }
    data.update(extra)
    return S.VignetteActivity.model_validate(data)


def test_vignette_credit_best_acceptable_no_fit(course):
    """Mean credit of chosen roles (best 1, acceptable 0.5, does-not-fit 0); `correct` = all best;
    a role not keyed gets a rationale from its definition (summary + cue)."""
    a = course.activity("v-sample")
    both = C.check(a, {"role_list": "huda", "roles": ["broker", "enabler"]}, "en", course)
    assert both.score == 0.5 and not both.correct
    no_fit = next(p for p in both.parts if p.verdict == "no_fit")
    role = course.roles["enabler"]
    assert role.summary.en in no_fit.feedback and role.cue.en in no_fit.feedback
    assert "does not fit" in no_fit.feedback and no_fit.citation
    best = C.check(a, {"role_list": "huda", "roles": ["broker"]}, "en", course)
    assert best.correct and best.parts[0].feedback == "The service exists; she needs connecting."
    ok = C.check(_vignette(), {"role_list": "huda", "roles": ["enabler"]}, "en", course)
    assert ok.score == 0.5 and [(p.id, p.verdict) for p in ok.parts] == [("enabler", "acceptable"), ("broker", "missing")]
    assert C.check(a, {"role_list": "huda", "roles": []}, "en", course).empty
    assert C.check(a, {"role_list": "nope", "roles": ["broker"]}, "en", course).empty


def test_vignette_discussion_presents_readings(course):
    """A discussion case's summary shows the competing readings instead of a verdict."""
    a = _vignette(discussion=True, readings=[
        {"roles": ["broker"], "argument": {"id": "Sumber sudah ada.", "en": "The resource exists."}},
        {"roles": ["enabler"], "argument": {"id": "Ia perlu percaya diri.", "en": "She needs confidence."}},
    ])
    r = C.check(a, {"role_list": "huda", "roles": ["enabler"], "confidence": "sure"}, "en", course)
    assert "The resource exists." in r.summary and "She needs confidence." in r.summary
    assert "Broker" in r.summary and "Not yet" not in r.summary and "You were sure" not in r.summary


def test_vignette_confidence_calibration(course):
    a = course.activity("v-sample")
    sure_wrong = C.check(a, {"role_list": "huda", "roles": ["enabler"], "confidence": "sure"}, "en", course)
    assert "You were sure" in sure_wrong.summary
    unsure_right = C.check(a, {"role_list": "huda", "roles": ["broker"], "confidence": "guessing"}, "en", course)
    assert "You were unsure" in unsure_right.summary


def test_vignette_fixed_role_list_wins(course):
    a = _vignette(role_list="huda")
    r = C.check(a, {"role_list": "other", "roles": ["broker"]}, "en", course)
    assert r.correct


def test_open_is_self_assessed(course):
    a = course.activity("q-open")
    assert C.check(a, {"text": "x", "rubric": [True], "revealed": False}, "en", course).score == 1.0
    r = C.check(a, {"text": "x", "rubric": [], "revealed": True}, "en", course)
    assert r.score == 0 and r.parts[0].verdict == "missing" and r.explanation
    assert C.check(a, {"text": "", "rubric": [True]}, "en", course).empty


@pytest.mark.parametrize(
    "item_id,answer",
    [
        ("q-view-midgley", ["zz"]), ("q-view-midgley", {"a": 1}), ("q-view-midgley", None),
        ("q-match-views", {"def-gone": "midgley"}), ("q-match-views", ["x"]),
        ("q-order-functions", ["gone"]), ("q-order-functions", "preventive-x"),
        ("q-classify-views", {"e1": "gone"}), ("v-sample", "broker"), ("v-sample", {"roles": "broker"}),
        ("q-open", ["text"]), ("q-open", {"text": 5}),
    ],
)
def test_stale_or_malformed_answers_are_empty_not_errors(course, item_id, answer):
    """Stored answers from older content (unknown ids) or another shape never raise."""
    assert C.check(course.activity(item_id), answer, "en", course).empty


def test_partial_ordering_answer_ignores_unknown_ids(course):
    a = course.activity("q-order-functions")
    r = C.check(a, ["preventive", "gone", "preventive"], "en", course)
    assert not r.empty and r.score == pytest.approx((1 / 2 + 0) / 2)


def test_every_type_is_registered():
    """Each activity type has a checker, an answer key and a wrong answer."""
    for kind in S.ACTIVITY_TYPES:
        assert kind in C.CHECKERS and kind in C.KEYS and kind in C.WRONGS
    with pytest.raises(ValueError):
        C.checker("choice")(lambda *a: None)


def test_part_verdicts_are_a_fixed_set():
    with pytest.raises(ValueError):
        C.Part("x", "x", "kinda")


def test_seeded_order_is_stable_per_learner_and_item():
    ids = [f"o{i}" for i in range(8)]
    first = C.seeded_order(ids, "learner-a", "q1")
    assert first == C.seeded_order(ids, "learner-a", "q1") and sorted(first) == ids
    others = {tuple(C.seeded_order(ids, f"learner-{k}", "q1")) for k in range(10)}
    assert len(others) > 1


def test_checking_is_pure_and_import_is_cheap():
    """kesos.checking imports neither IPython nor ipywidgets; `import kesos` stays under 0.3 s."""
    code = (
        "import sys, time; t = time.perf_counter(); import kesos; dt = time.perf_counter() - t; "
        "import kesos.checking; "
        "bad = [m for m in ('ipywidgets', 'IPython', 'pydantic') if m in sys.modules]; "
        "print(dt, bad)"
    )
    best = None
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
        dt, bad = out.stdout.split(" ", 1)
        assert bad.strip() == "[]", bad
        best = min(best or 9.0, float(dt))
    assert best < 0.3, f"import kesos took {best:.3f}s"
