"""The activity widgets without a browser: build each widget against a temporary progress store,
set control values, click buttons, and check the feedback HTML and what the store holds."""
from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("ipywidgets")

import kesos
from kesos import checking as C
from kesos import schema as S
from kesos.content import load_course
from kesos.progress import ProgressStore, set_store
from kesos.widgets import WIDGETS, ActivityWidget, make_quiz, make_widget

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "minimal"


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
    kesos.set_language("id")


@pytest.fixture
def course():
    return load_course(FIXTURE)


def text(w) -> str:
    """The visible text of an HTML widget (tags stripped, entities decoded)."""
    value = re.sub(r"<style>.*?</style>", "", w.value, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", value))


# --------------------------------------------------------------------------- shared behaviour


def test_every_activity_type_has_one_registered_widget():
    assert set(WIDGETS) == set(S.ACTIVITY_TYPES)
    assert all(issubclass(cls, ActivityWidget) and cls.kind == k for k, cls in WIDGETS.items())


def test_show_builds_the_widget_with_stable_css_classes(store):
    w = kesos.show("q-view-midgley")
    assert "kesos-activity" in w._dom_classes and "kesos-type-choice" in w._dom_classes
    assert "kesos-check" in w.check_button._dom_classes and "kesos-feedback" in w.feedback._dom_classes
    assert "Midgley's view" in text(w.header) and "Midgley sees welfare as ..." in text(w.header)
    assert w.check_button.description == "Check"


def test_wrong_then_right_choice_records_each_attempt_and_explains(store):
    """A wrong pick shows ✗ + words, its own feedback, the misconception's correction, the right
    answer and the source; the right pick then shows ✓. Both attempts are stored."""
    w = make_widget("q-view-midgley")
    w.options_widget.value = "b"
    w.check_button.click()
    fb = text(w.feedback)
    assert "✗" in fb and "Not right" in fb and "That is Friedlander." in fb
    assert "There are three views" in fb and "The right answer" in fb
    assert "Source: Midgley, in Adi 2015:23" in fb
    assert "var(--kesos-bad)" in w.feedback.value
    w.options_widget.value = "a"
    w.check_button.click()
    assert "✓" in text(w.feedback) and "Well done" in text(w.feedback)
    atts = store.attempts("q-view-midgley")
    assert [(a.answer, a.score, a.max_score, a.correct, a.language, a.activity_type) for a in atts] == [
        (["b"], 0.0, 1.0, False, "en", "choice"),
        (["a"], 1.0, 1.0, True, "en", "choice"),
    ]


def test_changing_the_answer_marks_the_feedback_as_outdated(store):
    """Feedback about an earlier answer says so once the answer changes, until Check is pressed."""
    w = make_widget("q-view-midgley")
    w.options_widget.value = "b"
    w.check_button.click()
    assert "has changed" not in text(w.feedback)
    w.options_widget.value = "a"
    assert text(w.feedback).startswith("Your answer has changed since it was checked.")
    assert text(w.feedback).count("has changed") == 1
    w.check_button.click()
    assert "has changed" not in text(w.feedback) and "Well done" in text(w.feedback)


def test_double_click_records_one_attempt(store):
    w = make_widget("q-view-midgley")
    w.options_widget.value = "a"
    w.check_button.click()
    w.check_button.click()
    w.check_button.click()
    assert len(store.attempts("q-view-midgley")) == 1
    w.options_widget.value = "b"
    w.check_button.click()
    assert len(store.attempts("q-view-midgley")) == 2


def test_empty_submit_prompts_and_records_nothing(store):
    w = make_widget("q-view-midgley")
    w.check_button.click()
    assert "Choose an answer first" in text(w.feedback)
    assert "✗" not in text(w.feedback) and "Not right" not in text(w.feedback)
    assert store.attempts() == []
    w.options_widget.value = "a"
    assert "has changed" not in text(w.feedback)  # a prompt is not feedback on an answer
    w.check_button.click()
    assert len(store.attempts()) == 1


def test_last_answer_is_restored_with_its_result(store):
    """Re-running the cell (or a new kernel on the same file) shows the last answer and result,
    re-checked in the notebook's current language; restoring records nothing."""
    w = make_widget("q-view-midgley")
    w.options_widget.value = "b"
    w.check_button.click()
    again = make_widget("q-view-midgley")
    assert again.options_widget.value == "b"
    assert "Your last saved answer" in text(again.feedback) and "That is Friedlander." in text(again.feedback)
    again.check_button.click()  # unchanged answer: not recorded twice
    fresh = ProgressStore(store.path)  # as after a kernel restart
    reopened = make_widget("q-view-midgley", store=fresh, lang="id")
    assert reopened.options_widget.value == "b" and "Itu Friedlander." in text(reopened.feedback)
    assert len(fresh.attempts()) == 1


def test_hints_are_revealed_one_at_a_time(store, course):
    w = make_widget("q-view-midgley")
    assert w.hint_button.layout.display != "none"
    w.hint_button.click()
    assert "Hint 1:" in text(w.hints) and "Look at the word 'state'." in text(w.hints)
    assert w.hint_button.disabled  # only one hint
    w.options_widget.value = "a"
    w.check_button.click()
    assert store.last_attempt("q-view-midgley").context == {"hints_seen": 1}
    assert make_widget("q-match-views").hint_button.layout.display == "none"  # no hints: no button


def test_try_again_resets_the_controls(store):
    w = make_widget("q-view-midgley")
    w.options_widget.value = "b"
    w.check_button.click()
    w.retry_button.click()
    assert w.options_widget.value is None and w.feedback.value == ""
    w.options_widget.value = "b"
    w.check_button.click()  # a new attempt after Try again counts
    assert len(store.attempts()) == 2


def test_choice_options_follow_the_learners_seeded_order(store, course):
    w = make_widget("q-view-midgley")
    ids = [o.id for o in course.activity("q-view-midgley").options]
    assert [v for _, v in w.options_widget.options] == C.seeded_order(ids, store.learner_id, "q-view-midgley")


def test_multiple_choice_uses_checkboxes(store, course):
    a = S.ChoiceActivity.model_validate({
        "id": "t-multi", "type": "choice", "chapter": "ch01", "multiple": True,
        "title": {"id": "J", "en": "T"}, "prompt": {"id": "P", "en": "P"},
        "options": [
            {"id": k, "text": {"id": k, "en": k}, "correct": k in "ab", "feedback": {"id": f"u{k}", "en": f"f{k}"}}
            for k in "abc"
        ],
    })
    w = WIDGETS["choice"](a, course, lang="en", store=store)
    w.boxes["a"].value = True
    w.boxes["c"].value = True
    w.check_button.click()
    assert store.last_attempt("t-multi").answer == ["a", "c"]
    assert store.last_attempt("t-multi").score == 0.0
    assert "Missed" in text(w.feedback) and "fb" in text(w.feedback)


def test_matching_dropdowns(store):
    w = make_widget("q-match-views")
    assert set(w.dropdowns) == {"def-midgley", "def-friedlander", "def-zastrow"}
    labels = [label for label, _ in w.dropdowns["def-midgley"].options]
    assert labels == ["— choose —", "Friedlander", "Midgley", "Zastrow"]
    w.dropdowns["def-midgley"].value = "midgley"
    w.dropdowns["def-friedlander"].value = "zastrow"
    w.check_button.click()
    fb = text(w.feedback)
    assert "Right: Midgley, in Adi 2015:23" in fb
    assert "Not Zastrow. This definition is from Friedlander (1980), in Fahrudin 2012:9." in fb
    assert "Missed" in fb and "Partly right" in fb and "1 of 3 right." in fb
    assert store.last_attempt("q-match-views").answer == {"def-midgley": "midgley", "def-friedlander": "zastrow"}


def test_ordering_moves_with_buttons(store, course):
    """Move up / Move down reorder the Select list; the first misplaced entry's `why` is shown."""
    w = make_widget("q-order-functions")
    assert w.order == ["curative", "preventive"]  # never starts in the right order
    w.check_button.click()
    assert "“Curative” belongs in position 2, not 1. Second." in text(w.feedback)
    w.select.value = "preventive"
    w.up_button.click()
    assert w.order == ["preventive", "curative"] and w.select.value == "preventive"
    assert [label for label, _ in w.select.options] == ["1. Preventive", "2. Curative"]
    w.up_button.click()  # already at the top: nothing happens
    w.check_button.click()
    assert "Well done" in text(w.feedback)
    assert [a.answer for a in store.attempts()] == [["curative", "preventive"], ["preventive", "curative"]]
    w.down_button.click()
    assert w.order == ["curative", "preventive"]


def test_classification_dropdowns(store):
    w = make_widget("q-classify-views")
    w.dropdowns["e1"].value = "system"
    w.check_button.click()
    fb = text(w.feedback)
    assert "Not “System” but “Condition”. A condition." in fb and "Belongs to “System”." in fb


def test_vignette_roles_confidence_and_escaped_justification(store):
    w = make_widget("v-sample")
    assert w.role_list_widget.value == "huda" and not w.role_list_widget.disabled
    assert set(w.role_boxes) == {"enabler", "broker"}
    w.role_boxes["enabler"].value = True
    w.confidence.value = "sure"
    w.justification.value = "<script>alert('x')</script> she needs help"
    w.check_button.click()
    assert "<script>" not in w.feedback.value
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; she needs help" in w.feedback.value
    fb = text(w.feedback)
    assert "Does not fit" in fb and "It fits when: The client has strengths" in fb
    assert "You were sure" in fb and "Missed" in fb
    stored = store.last_attempt("v-sample").answer
    assert stored == {"role_list": "huda", "roles": ["enabler"], "confidence": "sure",
                      "justification": "<script>alert('x')</script> she needs help"}
    again = make_widget("v-sample")  # restored: still escaped
    assert again.justification.value == stored["justification"]
    assert "<script>" not in again.feedback.value and "&lt;script&gt;" in again.feedback.value


def test_vignette_with_fixed_role_list_disables_the_choice(store, course):
    base = course.activity("v-sample")
    a = base.model_copy(update={"role_list": "huda", "id": "v-fixed"})
    w = WIDGETS["vignette"](a, course, lang="id", store=store)
    assert w.role_list_widget.disabled and w.role_list_widget.value == "huda"
    w.role_boxes["broker"].value = True
    w.check_button.click()
    assert "Bagus, semuanya benar" in text(w.feedback)


def test_vignette_role_list_change_rebuilds_role_boxes(store, course, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    roles = root / "content" / "roles.yaml"
    roles.write_text(roles.read_text() + (
        "  - id: zastrow-list\n"
        "    title: {id: \"Peran menurut Zastrow\", en: \"Roles according to Zastrow\"}\n"
        "    cite: {author: zastrow, via: fahrudin2012, page: 1}\n"
        "    entries:\n"
        "      - {role: broker, description: {id: \"Menghubungkan.\", en: \"Connects.\"}}\n"
        "      - {role: enabler, label: {id: \"Fasilitator\", en: \"Facilitator\"}, description: {id: \"Memampukan.\", en: \"Enables.\"}}\n"
    ))
    acts = root / "content" / "activities" / "ch01.yaml"
    acts.write_text(acts.read_text().replace(
        "      huda:\n", "      zastrow-list:\n        best: [broker]\n        why:\n"
        "          broker: {id: \"Ada layanan.\", en: \"A service exists.\"}\n      huda:\n"))
    w = make_widget("v-sample", course=load_course(root))
    w.role_boxes["broker"].value = True
    w.role_list_widget.value = "zastrow-list"
    assert [b.description for b in w.role_boxes.values()] == ["Broker", "Facilitator"]
    assert not any(b.value for b in w.role_boxes.values())
    w.role_boxes["broker"].value = True
    w.check_button.click()
    assert store.last_attempt("v-sample").answer["role_list"] == "zastrow-list"
    assert "A service exists." in text(w.feedback)


def test_open_question_reveal_rubric_save(store):
    w = make_widget("q-open")
    assert w.check_button.description == "Save"
    assert w.model_answer.layout.display == "none"
    w.check_button.click()
    assert "Write your answer first" in text(w.feedback) and store.attempts() == []
    w.reveal_button.click()
    assert w.model_answer.layout.display is None and "Condition, system, discipline." in text(w.model_answer)
    w.text.value = "<b>three</b> views & more"
    w.rubric_boxes[0].value = True
    w.check_button.click()
    w.check_button.click()
    att = store.attempts("q-open")
    assert len(att) == 1
    assert att[0].answer == {"text": "<b>three</b> views & more", "rubric": [True], "revealed": True}
    assert (att[0].score, att[0].correct) == (1.0, True)
    assert "Saved" in text(w.feedback) and "1 of 1 criteria" in text(w.feedback)
    again = make_widget("q-open")
    assert again.text.value == "<b>three</b> views & more" and again.rubric_boxes[0].value
    assert again.model_answer.layout.display is None


def test_unknown_id_names_the_nearest_ids(store):
    w = make_widget("q-view-midgly")
    assert "kesos-unknown-item" in w._dom_classes
    assert "No activity with id “q-view-midgly”." in text(w) and "Did you mean: q-view-midgley" in text(w)


def test_broken_content_shows_one_line_problems_not_a_traceback(store, tmp_path, monkeypatch):
    root = tmp_path / "broken"
    shutil.copytree(FIXTURE, root)
    acts = root / "content" / "activities" / "ch01.yaml"
    acts.write_text(acts.read_text().replace('en: "Midgley\'s view"', 'en: "<b>Midgley</b>", colour: red'))
    monkeypatch.setenv("KESOS_ROOT", str(root))
    w = kesos.show("q-view-midgley")
    shown = text(w)
    assert "The course content has a problem" in shown
    assert "content/activities/ch01.yaml: item 'q-view-midgley': field title.colour: unknown field" in shown
    assert "Traceback" not in shown and "<b>Midgley" not in w.value
    q = kesos.quiz(["q-view-midgley"])
    assert "The course content has a problem" in text(q)


def test_quiz_running_score(store):
    """The running score is the sum of the latest scores over the maximum, updated on every check;
    an unknown id shows its message and does not count."""
    q = make_quiz(["q-view-midgley", "q-classify-views", "nope"], title="Section 1")
    assert "Section 1" in q.title.value
    assert len(q.scored) == 2 and "kesos-unknown-item" in q.activities[2]._dom_classes
    assert "Quiz score: 0 of 2 (0 of 2 activities answered)" in text(q.score)
    choice, classify = q.scored
    choice.options_widget.value = "a"
    choice.check_button.click()
    assert "Quiz score: 1 of 2 (1 of 2 activities answered)" in text(q.score)
    classify.dropdowns["e1"].value = "condition"
    classify.check_button.click()
    assert "Quiz score: 1.5 of 2 (2 of 2 activities answered)" in text(q.score)
    choice.options_widget.value = "b"
    choice.check_button.click()  # the latest score counts, not the best
    assert "Quiz score: 0.5 of 2" in text(q.score)
    restored = make_quiz(["q-view-midgley", "q-classify-views"], lang="id")
    assert "Skor kuis: 0,5 dari 2 (2 dari 2 aktivitas sudah dijawab)" in text(restored.score)


def test_language_follows_setup(store):
    kesos.setup("id")
    w = kesos.show("q-view-midgley")
    assert w.check_button.description == "Periksa" and w.retry_button.description == "Coba lagi"
    w.options_widget.value = "a"
    w.check_button.click()
    assert "Bagus, semuanya benar" in text(w.feedback) and store.last_attempt("q-view-midgley").language == "id"


def _contrast(fg: str, bg: str) -> float:
    def lum(h: str) -> float:
        r, g, b = (int(h.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
        f = lambda c: c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4  # noqa: E731
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)

    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_verdict_colours_pass_wcag_aa_in_light_and_dark_themes():
    """Every feedback text colour has at least 4.5:1 contrast on each background of its JupyterLab
    theme, and the stylesheet switches palettes on Lab's dark-theme marker."""
    from kesos.widgets import base

    for theme, colours in base.PALETTE.items():
        for name, colour in colours.items():
            for bg in base.THEME_BACKGROUNDS[theme]:
                assert _contrast(colour, bg) >= 4.5, (theme, name, colour, bg, round(_contrast(colour, bg), 2))
    assert 'body[data-jp-theme-light="false"] .kesos-activity{--kesos-ok:#81c784' in base.STYLE
    assert ".kesos-activity{--kesos-ok:#1b5e20" in base.STYLE
    assert all(c.startswith("var(--kesos-") or c == "var(--jp-ui-font-color1)" for c in base.COLOURS.values())
