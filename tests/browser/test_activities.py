"""The activity component in a real JupyterLab (headless Chromium). For each type:
a wrong answer shows explanatory feedback (not the key), then the right answer is confirmed —
once by mouse and once by keyboard alone; ordering and matching by drag and drop; screenshots
of every type in the light and the dark theme; keys typed in an activity never reach Lab's
command-mode shortcuts; the browser console stays clean.

One notebook (tests/browser/notebooks/activities.ipynb, one activity per type from the real
course) is opened and run once for the whole module; answers come from kesos.checking's keyed
and wrong answers.
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
    "recall": "c01-recall-midgley",
}
LANG = "en"  # the notebook's kesos.setup("en")
TIMEOUT = 30_000


@pytest.fixture(scope="module")
def course():
    return load_course()


@pytest.fixture(scope="module")
def nb(lab_server, browser):
    """The demo notebook, run once from the Run menu; every activity rendered without errors."""
    page = harness.new_page(browser)
    context = page.context
    with harness.screenshot_on_failure(page, "activities-open"):
        harness.open_notebook(page, lab_server, NOTEBOOK)
        harness.run_all_cells(page)
        for kind in IDS:
            page.locator(f".kesos-activity.kesos-type-{kind}").first.wait_for(timeout=TIMEOUT)
        assert harness.error_outputs(page) == []
    yield page
    context.close()


def activity(page, kind):
    return page.locator(f".kesos-activity.kesos-type-{kind}").first


def feedback(act):
    return act.locator(".kesos-feedback")


def retry(act) -> None:
    """Start from a clean slate (the progress file may hold an answer from an earlier test)."""
    act.locator("button.kesos-retry").click()
    expect(feedback(act)).to_have_text("", timeout=TIMEOUT)


def click_check(act) -> None:
    button = act.locator("button.kesos-check")
    expect(button).to_be_enabled(timeout=TIMEOUT)
    button.click()


def active(page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement; return {tag: e.tagName, type: e.type || '',"
        " cls: String(e.className), text: (e.closest('label') || e).innerText.trim().slice(0, 200),"
        " checked: !!e.checked, entry: e.getAttribute('data-entry')}; }"
    )


# --------------------------------------------------------------------------- answers by mouse


def answer_by_mouse(page, act, kind, a, course, answer) -> None:
    if kind == "choice":
        act.locator(".kesos-option input[type=radio]").first.wait_for()
        for o in a.options:
            if o.id in answer:
                act.locator("label.kesos-option", has_text=o.text.get(LANG)).click()
    elif kind in ("matching", "classification"):
        for item_id, value in answer.items():
            act.locator(f".kesos-row:nth-of-type(1) select").first  # noqa: B018 - rows exist
            row = act.locator(".kesos-row").nth(_row_index(kind, a, item_id))
            row.locator("select").select_option(value=value)
    elif kind == "ordering":
        order_by_buttons(act, answer)
    elif kind == "vignette":
        if answer.get("role_list"):
            act.locator(".kesos-field select").first.select_option(value=answer["role_list"])
        for box in act.locator(".kesos-roles input:checked").all():
            box.uncheck()
        for role in answer["roles"]:
            act.get_by_role("checkbox", name=C.role_label(course, answer["role_list"], role, LANG), exact=True).check()
        act.get_by_role("radio", name="Sure", exact=True).check()
        act.locator("input.kesos-justification").fill(answer.get("justification") or "")
    elif kind == "recall":
        act.locator("textarea").fill(answer["text"])
    elif kind == "open":
        act.locator("textarea").fill(answer["text"])
        for i, tick in enumerate(answer["rubric"]):
            box = act.locator(".kesos-rubric input").nth(i)
            box.check() if tick else box.uncheck()


def _row_index(kind, a, item_id) -> int:
    ids = [p.definition for p in a.pairs] if kind == "matching" else [e.id for e in a.entries]
    return ids.index(item_id)


def current_order(act) -> list[str]:
    return act.locator(".kesos-order-item").evaluate_all("els => els.map(e => e.dataset.entry)")


def order_by_buttons(act, target: list[str]) -> None:
    for k, entry in enumerate(target):
        act.locator(f".kesos-order-item[data-entry='{entry}']").click()
        while current_order(act).index(entry) > k:
            act.locator("button.kesos-move-up").click()
    assert current_order(act) == target


def wrong_then_right(page, kind, course, answer_fn) -> None:
    a = course.activity(IDS[kind])
    act = activity(page, kind)
    act.scroll_into_view_if_needed()
    retry(act)
    wrong = C.wrong_answer(a, course, LANG)
    answer_fn(page, act, kind, a, course, wrong)
    click_check(act)
    fb = feedback(act)
    if kind == "open":
        expect(fb).to_contain_text(f"0 of {len(a.rubric)} criteria", timeout=TIMEOUT)
        expect(act.locator(".kesos-model-answer")).to_be_visible()
    else:
        expect(fb).to_contain_text("✗", timeout=TIMEOUT)
        expect(fb.locator(".kesos-headline")).to_be_focused()  # focus moves to the verdict
        if kind == "choice":
            w = next(o for o in a.options if o.id == wrong[0])
            expect(fb).to_contain_text(w.feedback.get(LANG)[:60])
            expect(fb).not_to_contain_text("The right answer")
        elif kind == "matching":
            expect(fb).to_contain_text("Not ")
        elif kind == "ordering":
            expect(fb).to_contain_text("is not in the right position yet")
        elif kind == "classification":
            expect(fb).to_contain_text("Not “")
        elif kind == "vignette":
            expect(fb).to_contain_text("Does not fit")
            expect(fb).to_contain_text("It fits when:")
        elif kind == "recall":
            expect(fb).to_contain_text("elements are in your answer")
            expect(fb).not_to_contain_text("Missed")  # the missing key elements wait for the reveal
        if kind != "vignette" or not a.discussion:
            expect(act.locator("button.kesos-reveal-key")).to_be_visible()  # "Show answer"
    answer_fn(page, act, kind, a, course, C.keyed_answer(a, course, LANG))
    expect(fb.locator(".kesos-stale")).to_have_count(1)  # the feedback is about the old answer
    click_check(act)
    if kind == "open":
        n = len(a.rubric)
        expect(fb).to_contain_text(f"{n} of {n} criteria", timeout=TIMEOUT)
    else:
        expect(fb).to_contain_text("Well done", timeout=TIMEOUT)
    expect(fb.locator(".kesos-stale")).to_have_count(0)


@pytest.mark.parametrize("kind", list(IDS))
def test_wrong_then_right_by_mouse(nb, course, kind):
    with harness.screenshot_on_failure(nb, f"mouse-{kind}"):
        wrong_then_right(nb, kind, course, answer_by_mouse)
        if kind == "vignette":  # typed text reaches the page as text, never as markup
            act = activity(nb, kind)
            retry(act)
            a = course.activity(IDS[kind])
            bad = dict(C.wrong_answer(a, course, LANG), justification="<img src=x onerror=window.kesosPwned=1> no help")
            answer_by_mouse(nb, act, kind, a, course, bad)
            click_check(act)
            expect(feedback(act)).to_contain_text("Your reasoning: <img src=x onerror=", timeout=TIMEOUT)
            assert nb.evaluate("() => window.kesosPwned") is None
        assert nb.console_errors == []


# --------------------------------------------------------------------------- keyboard only


def press_until(page, key: str, done, limit: int = 40) -> None:
    for _ in range(limit):
        if done(active(page)):
            return
        page.keyboard.press(key)
    pytest.fail(f"{key} never reached the wanted control (focus: {active(page)})")


def tab_to_check(page) -> None:
    press_until(page, "Tab", lambda f: "kesos-check" in f["cls"])


def answer_by_keyboard(page, act, kind, a, course, answer) -> None:
    """Everything after the first focus is keys: Tab, arrows, Space, Enter, typing."""
    if kind == "choice":
        act.locator(".kesos-option input").first.focus()
        target = next(o.text.get(LANG) for o in a.options if o.id in answer)
        page.keyboard.press("Space")
        press_until(page, "ArrowDown", lambda f: f["type"] == "radio" and f["checked"] and f["text"] == target)
    elif kind in ("matching", "classification"):
        labels = ({k: C.author_name(course, k, LANG) for k in C.matching_choices(a, course)} if kind == "matching"
                  else {c.id: c.label.get(LANG) for c in a.categories})
        ids = [p.definition for p in a.pairs] if kind == "matching" else [e.id for e in a.entries]
        act.locator(".kesos-row select").first.focus()
        for k, item_id in enumerate(ids):
            select = act.locator(".kesos-row select").nth(k)
            want = answer.get(item_id, "")
            page.keyboard.press("Home")  # "— choose —"
            for _ in range(len(labels) + 1):
                if select.input_value() == want:
                    break
                page.keyboard.press("ArrowDown")
            assert select.input_value() == want, (item_id, want, labels)
            if k + 1 < len(ids):
                page.keyboard.press("Tab")
                assert active(page)["tag"] == "SELECT"
    elif kind == "ordering":
        act.locator(".kesos-order-item[tabindex='0']").focus()
        for k, entry in enumerate(answer):
            order = current_order(act)
            here = order.index(active(page)["entry"])
            step = "ArrowDown" if order.index(entry) > here else "ArrowUp"
            press_until(page, step, lambda f: f["entry"] == entry, limit=len(order) + 1)
            page.keyboard.press("Space")  # pick up
            for _ in range(current_order(act).index(entry) - k):
                page.keyboard.press("ArrowUp")
            page.keyboard.press("Space")  # put down
            assert current_order(act)[k] == entry
    elif kind == "vignette":
        act.locator(".kesos-field select").first.focus()
        roles = {C.role_label(course, answer["role_list"], r, LANG) for r in answer["roles"]}
        boxes = act.locator(".kesos-roles input[type=checkbox]:not(.kesos-none-fits)")
        for i in range(boxes.count()):
            page.keyboard.press("Tab")
            f = active(page)
            assert f["type"] == "checkbox", f
            if (f["text"] in roles) != f["checked"]:
                page.keyboard.press("Space")
        page.keyboard.press("Tab")  # "none of these roles fits"
        assert active(page)["checked"] is False
        page.keyboard.press("Tab")  # the confidence group
        page.keyboard.press("Space")
        press_until(page, "ArrowRight", lambda f: f["type"] == "radio" and f["text"] == "Sure" and f["checked"])
        page.keyboard.press("Tab")
        page.keyboard.press("Control+A")
        page.keyboard.type(answer.get("justification") or "-")
    elif kind == "recall":
        act.locator("textarea").focus()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(answer["text"])
    elif kind == "open":
        act.locator("textarea").focus()
        page.keyboard.press("Control+A")
        page.keyboard.type(answer["text"][:200])
        page.keyboard.press("Tab")  # into the rubric
        for i, tick in enumerate(answer["rubric"]):
            f = active(page)
            assert f["type"] == "checkbox", f
            if f["checked"] != tick:
                page.keyboard.press("Space")
            if i + 1 < len(answer["rubric"]):
                page.keyboard.press("Tab")
    tab_to_check(page)


def keyboard_check(page, act) -> None:
    tab_to_check(page)
    page.keyboard.press("Enter")


@pytest.mark.parametrize("kind", list(IDS))
def test_wrong_then_right_by_keyboard_alone(nb, course, kind):
    """Keys stay inside the activity: the notebook does not change cells, insert or delete any."""
    page = nb
    cells_before = page.locator(f"{harness.CURRENT_NOTEBOOK} .jp-Cell").count()
    with harness.screenshot_on_failure(page, f"keyboard-{kind}"):

        def by_keys(page, act, kind, a, course, answer):
            answer_by_keyboard(page, act, kind, a, course, answer)

        a = course.activity(IDS[kind])
        act = activity(page, kind)
        act.scroll_into_view_if_needed()
        act.locator("button.kesos-retry").focus()
        page.keyboard.press("Enter")  # Try again, by keyboard
        expect(feedback(act)).to_have_text("", timeout=TIMEOUT)
        for answer, expected in ((C.wrong_answer(a, course, LANG), "✗" if kind != "open" else "criteria"),
                                 (C.keyed_answer(a, course, LANG), "Well done" if kind != "open" else "criteria")):
            answer_by_keyboard(page, act, kind, a, course, answer)
            page.keyboard.press("Enter")
            expect(feedback(act)).to_contain_text(expected, timeout=TIMEOUT)
        if kind == "open":
            n = len(a.rubric)
            expect(feedback(act)).to_contain_text(f"{n} of {n} criteria")
        assert page.locator(f"{harness.CURRENT_NOTEBOOK} .jp-Cell").count() == cells_before
        assert page.console_errors == []


# --------------------------------------------------------------------------- drag and drop


def drag(page, source, target, dy: float = 0) -> None:
    s, t = source.bounding_box(), target.bounding_box()
    page.mouse.move(s["x"] + s["width"] / 2, s["y"] + s["height"] / 2)
    page.mouse.down()
    for k in range(1, 11):  # several moves, as a hand does
        page.mouse.move(s["x"] + s["width"] / 2 + (t["x"] - s["x"]) * k / 10,
                        s["y"] + s["height"] / 2 + (t["y"] + t["height"] / 2 + dy - s["y"] - s["height"] / 2) * k / 10)
    page.mouse.up()


def test_drag_and_drop_ordering_and_matching(nb, course):
    page = nb
    page.set_viewport_size({"width": 1400, "height": 2400})  # source and target on screen together
    with harness.screenshot_on_failure(page, "drag"):
        # ordering: drag each entry to its place
        a = course.activity(IDS["ordering"])
        act = activity(page, "ordering")
        act.scroll_into_view_if_needed()
        retry(act)
        keyed = C.keyed_answer(a, course, LANG)
        for k, entry in enumerate(keyed):
            if current_order(act)[k] == entry:
                continue
            target = act.locator(".kesos-order-item").nth(k)
            drag(page, act.locator(f".kesos-order-item[data-entry='{entry}']"), target, dy=-target.bounding_box()["height"] / 4)
            assert current_order(act)[k] == entry, current_order(act)
            assert page.locator(".kesos-ghost").count() == 0, f"a drag ghost was left behind after {entry}"
        click_check(act)
        expect(feedback(act)).to_contain_text("Well done", timeout=TIMEOUT)

        # matching: drag each name onto its definition
        a = course.activity(IDS["matching"])
        act = activity(page, "matching")
        act.evaluate("e => e.scrollIntoView({block: 'start'})")
        retry(act)
        key = C.keyed_answer(a, course, LANG)
        for k, p in enumerate(a.pairs):
            row = act.locator(".kesos-row").nth(k)
            drag(page, act.locator(f".kesos-chip[data-choice='{key[p.definition]}']"), row)
            expect(row.locator("select")).to_have_value(key[p.definition])
        click_check(act)
        expect(feedback(act)).to_contain_text("Well done", timeout=TIMEOUT)
        assert page.console_errors == []
    page.set_viewport_size({"width": 1400, "height": 1000})


def test_ids_are_unique_across_activities(nb):
    """Every model imports its own copy of the module: label/for ids must still be unique."""
    dupes = nb.evaluate("() => { const ids = [...document.querySelectorAll('.kesos-activity [id]')].map(e => e.id);"
                        " return ids.filter((x, i) => ids.indexOf(x) !== i); }")
    assert dupes == []


# --------------------------------------------------------------------------- themes


def rgb_contrast(a: str, b: str) -> float:
    """WCAG contrast of two CSS rgb()/rgba() colours (alpha ignored)."""
    def lum(c):
        r, g, b = (int(x) / 255 for x in re.findall(r"[\d.]+", c)[:3])
        f = lambda v: v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4  # noqa: E731
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_screenshots_of_every_type_in_light_and_dark_theme(nb, course):
    page = nb
    harness.SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for theme, light in (("JupyterLab Light", "true"), ("JupyterLab Dark", "false")):
        page.evaluate(f"() => window.jupyterapp.commands.execute('apputils:change-theme', {{theme: '{theme}'}})")
        page.wait_for_selector(f'body[data-jp-theme-light="{light}"]', state="attached", timeout=TIMEOUT)
        page.wait_for_timeout(800)
        for kind in IDS:
            act = activity(page, kind)
            act.scroll_into_view_if_needed()
            colour = act.evaluate("e => getComputedStyle(e).getPropertyValue('--kesos-ok').trim()")
            assert colour == ("#1b5e20" if light == "true" else "#81c784"), (theme, colour)
            fg, bg = act.locator("button.kesos-check").evaluate(
                "b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]")
            assert rgb_contrast(fg, bg) >= 4.5, (theme, "Check button", fg, bg)
            path = harness.SCREENSHOT_DIR / f"activity-{kind}-{'light' if light == 'true' else 'dark'}.png"
            act.screenshot(path=str(path))
            harness.SAVED_SCREENSHOTS.append(path)
    page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Light'})")
    assert page.console_errors == []


def test_notebook_is_clean():
    from kesos import hygiene

    assert hygiene.problems(harness.REPO_ROOT / NOTEBOOK) == []
