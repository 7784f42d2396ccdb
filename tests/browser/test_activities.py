"""The six activity types in a real JupyterLab (headless Chromium): each renders from
``kesos.show(id)``, a wrong answer shows the explanatory feedback, a right answer changes it;
the choice activity works by keyboard alone; the browser console stays free of errors.

The demo notebook tests/browser/notebooks/activities.ipynb shows one activity of each type
from the real course; the answers used here come from kesos.checking's keyed and wrong answers.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kesos import checking as C
from kesos.content import load_course

from . import harness

pytestmark = pytest.mark.browser

NOTEBOOK = "tests/browser/notebooks/activities.ipynb"
IDS = {  # must match the notebook's kesos.show(...) calls
    "choice": "c01-midgley-view",
    "matching": "c01-match-authors",
    "ordering": "c06-order-stages",
    "classification": "c01-classify-views",
    "vignette": "c07-v-pbi",
    "open": "c01-essay-views",
}
LANG = "en"  # the notebook's kesos.setup("en")
TIMEOUT = 30_000


@pytest.fixture(scope="module")
def course():
    return load_course()


@pytest.fixture
def notebook(lab_server, page):
    """The demo notebook, run from the Run menu; every activity rendered without errors."""
    harness.open_notebook(page, lab_server, NOTEBOOK)
    harness.run_all_cells(page)
    for kind in IDS:
        page.locator(f".kesos-activity.kesos-type-{kind}").first.wait_for(timeout=TIMEOUT)
    assert harness.error_outputs(page) == []
    return page


def activity(page, kind):
    return page.locator(f".kesos-activity.kesos-type-{kind}").first


def settle(page) -> None:
    """Let the widget state reach the kernel. ipywidgets holds back a model's next state update
    while its previous one is unacknowledged, but sends a button click at once, so a click made
    within milliseconds of a change could overtake it (people are not that fast; tests are)."""
    for _ in range(2):
        harness.wait_kernel_idle(page)
        page.wait_for_timeout(150)


def check(act) -> None:
    settle(act.page)
    act.locator("button.kesos-check").click()


def retry(act) -> None:
    """Start from a clean slate (the progress file may hold an answer from an earlier run)."""
    act.locator("button.kesos-retry").click()
    expect(act.locator(".kesos-feedback")).to_have_text("", timeout=TIMEOUT)


def feedback(act):
    return act.locator(".kesos-feedback")


def test_notebook_is_clean():
    from kesos import hygiene

    assert hygiene.problems(harness.REPO_ROOT / NOTEBOOK) == []


def test_every_type_wrong_then_right(notebook, course):
    page = notebook

    # ---- choice: a wrong option explains itself and cites; the right one is confirmed
    a = course.activity(IDS["choice"])
    act = activity(page, "choice")
    retry(act)
    wrong = next(o for o in a.options if o.id == C.wrong_answer(a, course, LANG)[0])
    act.locator(".widget-radio-box label", has_text=wrong.text.get(LANG)).click()
    check(act)
    expect(feedback(act)).to_contain_text("Not right", timeout=TIMEOUT)
    expect(feedback(act)).to_contain_text(wrong.feedback.get(LANG)[:60])
    expect(feedback(act)).to_contain_text("Source:")
    right = next(o for o in a.options if o.correct)
    act.locator(".widget-radio-box label", has_text=right.text.get(LANG)).click()
    check(act)
    expect(feedback(act)).to_contain_text("Well done", timeout=TIMEOUT)
    harness.screenshot(page, "activity_choice")

    # ---- matching: shifted authors are wrong, each pair names its real author and source
    a = course.activity(IDS["matching"])
    act = activity(page, "matching")
    retry(act)
    selects = act.locator(".widget-dropdown select")
    expect(selects).to_have_count(len(a.pairs))

    def answer_matching(answer):
        for i, p in enumerate(a.pairs):
            selects.nth(i).select_option(label=C.author_name(course, answer[p.definition], LANG))

    answer_matching(C.wrong_answer(a, course, LANG))
    check(act)
    first = course.definitions[a.pairs[0].definition]
    expect(feedback(act)).to_contain_text(f"This definition is from {course.cite(first.cite, LANG)}", timeout=TIMEOUT)
    answer_matching(C.keyed_answer(a, course, LANG))
    check(act)
    expect(feedback(act)).to_contain_text("Well done", timeout=TIMEOUT)
    expect(feedback(act)).to_contain_text(f"Right: {course.cite(first.cite, LANG)}")

    # ---- ordering: the starting order is never right; Move up sorts it; feedback changes
    a = course.activity(IDS["ordering"])
    act = activity(page, "ordering")
    retry(act)
    check(act)
    expect(feedback(act)).to_contain_text("belongs in position", timeout=TIMEOUT)
    select = act.locator("select")
    by_text = {e.text.get(LANG): e for e in a.entries}

    def current_order() -> list[str]:
        values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
        return [by_text[re.sub(r"^\d+\. ", "", v)].id for v in values]

    keyed = C.keyed_answer(a, course, LANG)
    for target, entry_id in enumerate(keyed):
        order = current_order()
        i = order.index(entry_id)
        label = lambda k, eid: f"{k + 1}. {next(e for e in a.entries if e.id == eid).text.get(LANG)}"  # noqa: E731
        select.select_option(value=label(i, entry_id))
        for k in range(i, target, -1):
            settle(page)
            act.locator("button.kesos-move-up").click()
            expect(select.locator("option").nth(k - 1)).to_have_attribute("value", label(k - 1, entry_id), timeout=TIMEOUT)
    assert current_order() == keyed
    check(act)
    expect(feedback(act)).to_contain_text("Well done", timeout=TIMEOUT)

    # ---- classification: rotated categories are all wrong, each entry says where it belongs
    a = course.activity(IDS["classification"])
    act = activity(page, "classification")
    retry(act)
    selects = act.locator(".widget-dropdown select")
    labels = {c.id: c.label.get(LANG) for c in a.categories}

    def answer_classification(answer):
        for i, e in enumerate(a.entries):
            selects.nth(i).select_option(label=labels[answer[e.id]])

    answer_classification(C.wrong_answer(a, course, LANG))
    check(act)
    e0 = a.entries[0]
    expect(feedback(act)).to_contain_text(f"but “{labels[e0.category]}”", timeout=TIMEOUT)
    answer_classification(C.keyed_answer(a, course, LANG))
    check(act)
    expect(feedback(act)).to_contain_text("Well done", timeout=TIMEOUT)

    # ---- vignette: a role that does not fit is explained from its definition; typed text is escaped
    a = course.activity(IDS["vignette"])
    act = activity(page, "vignette")
    retry(act)
    bad = C.wrong_answer(a, course, LANG)
    good = C.keyed_answer(a, course, LANG)
    assert bad["role_list"] == good["role_list"]
    label = course.citation_of(good["role_list"], LANG)  # the dropdown names each list by its citation
    assert label == act.locator(".widget-dropdown select").input_value()  # the list shown by default
    box = lambda role: act.locator(".widget-checkbox", has_text=C.role_label(course, bad["role_list"], role, LANG)).locator("input")  # noqa: E731
    box(bad["roles"][0]).check()
    act.locator(".widget-toggle-buttons button[data-value=\"Sure\"]").click()
    act.locator(".widget-text input").fill("<script>window.kesosPwned = 1</script> she has no help")
    check(act)
    expect(feedback(act)).to_contain_text("Does not fit", timeout=TIMEOUT)
    expect(feedback(act)).to_contain_text("It fits when:")
    expect(feedback(act)).to_contain_text("Your reasoning: <script>window.kesosPwned = 1</script>")
    assert page.evaluate("() => window.kesosPwned") is None
    box(bad["roles"][0]).uncheck()
    for role in good["roles"]:
        box(role).check()
    check(act)
    expect(feedback(act)).to_contain_text("Well done", timeout=TIMEOUT)
    harness.screenshot(page, "activity_vignette")

    # ---- open: save without rubric ticks, then with all of them; the model answer is shown
    a = course.activity(IDS["open"])
    act = activity(page, "open")
    retry(act)
    check(act)  # blank: a gentle prompt
    expect(feedback(act)).to_contain_text("Write your answer first", timeout=TIMEOUT)
    act.locator("textarea").fill("Welfare can be a condition, an organised system, or a field of study.")
    act.locator("button.kesos-reveal").click()
    expect(act.locator(".kesos-model-answer")).to_be_visible(timeout=TIMEOUT)
    check(act)
    n = len(a.rubric)
    expect(feedback(act)).to_contain_text(f"0 of {n} criteria", timeout=TIMEOUT)
    for cb in act.locator(".widget-checkbox input").all():
        cb.check()
    check(act)
    expect(feedback(act)).to_contain_text(f"{n} of {n} criteria", timeout=TIMEOUT)
    harness.screenshot(page, "activity_open")

    assert harness.error_outputs(page) == []
    assert page.console_errors == []


ACTIVE = "() => { const e = document.activeElement; return {tag: e.tagName, type: e.type || '', cls: String(e.className), label: e.closest('label') ? e.closest('label').innerText.trim() : '', checked: !!e.checked}; }"


def test_choice_by_keyboard_alone(notebook, course):
    """Tab / arrow keys / Space / Enter are enough: choose a wrong option, check, read the
    feedback, move to the right option, check again. Arrow keys must stay inside the radio
    group (JupyterLab would otherwise take them as "move to the next cell")."""
    page = notebook
    a = course.activity(IDS["choice"])
    act = activity(page, "choice")
    wrong = next(o for o in a.options if not o.correct).text.get(LANG)
    right = next(o for o in a.options if o.correct).text.get(LANG)
    n = len(a.options)

    act.locator("button.kesos-retry").focus()  # the starting point: inside the activity
    page.keyboard.press("Enter")  # Try again
    expect(feedback(act)).to_have_text("", timeout=TIMEOUT)

    def active():
        return page.evaluate(ACTIVE)

    def arrow_to(label: str) -> None:
        for _ in range(n + 1):
            now = active()
            assert now["type"] == "radio", f"focus left the radio group: {now}"
            if now["label"] == label and now["checked"]:
                return
            page.keyboard.press("ArrowDown")
        pytest.fail(f"ArrowDown never reached {label!r}")

    def tab_to_check() -> None:
        settle(page)  # see settle(): a key press is faster than ipywidgets' state sync
        for _ in range(n + 1):
            page.keyboard.press("Tab")
            if "kesos-check" in active()["cls"]:
                return
        pytest.fail(f"Tab never reached the Check button (focus: {active()})")

    page.keyboard.press("Shift+Tab")  # from Try again back to ... the Hint button
    while active()["type"] != "radio":  # ... and on backwards into the radio group
        assert active()["tag"] == "BUTTON", active()
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")  # select the focused radio
    arrow_to(wrong)
    tab_to_check()
    page.keyboard.press("Enter")
    expect(feedback(act)).to_contain_text("Not right", timeout=TIMEOUT)
    wrong_feedback = next(o for o in a.options if o.text.get(LANG) == wrong).feedback.get(LANG)
    expect(feedback(act)).to_contain_text(wrong_feedback[:60])

    while active()["type"] != "radio":  # back into the group
        page.keyboard.press("Shift+Tab")
    arrow_to(right)
    tab_to_check()
    page.keyboard.press("Enter")
    expect(feedback(act)).to_contain_text("Well done", timeout=TIMEOUT)
    harness.screenshot(page, "activity_choice_keyboard")
    assert page.console_errors == []


def test_ordering_by_keyboard(notebook, course):
    """The ordering list: arrow keys pick a line (staying in the list), Tab reaches Move up,
    Enter moves the line."""
    page = notebook
    act = activity(page, "ordering")
    select = act.locator("select")
    select.focus()
    page.keyboard.press("End")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("() => document.activeElement.tagName") == "SELECT"
    values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
    assert select.input_value() == values[-2]
    moved = re.sub(r"^\d+\. ", "", values[-2])
    page.keyboard.press("Tab")
    assert "kesos-move-up" in page.evaluate("() => document.activeElement.className")
    page.keyboard.press("Enter")
    expect(select.locator("option").nth(len(values) - 3)).to_have_attribute(
        "value", f"{len(values) - 2}. {moved}", timeout=TIMEOUT
    )
    assert page.console_errors == []
