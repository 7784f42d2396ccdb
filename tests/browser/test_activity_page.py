"""The component outside Jupyter: a plain web page under a strict Content Security Policy
(no inline scripts or styles of data, no eval) renders activities from their public-view JSON
with activity.js alone; a pluggable `send` carries the answer, and the reply — computed by the
real Python component — is rendered. Also: a phone-sized screen, drag by touch-like pointer,
no drag ghost left behind, no CSP violation reported.
"""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from kesos import checking as C
from kesos.activity import make_widget
from kesos.activity.view import to_front
from kesos.activity.widget import STATIC
from kesos.content import load_course
from kesos.progress import ProgressStore

from . import harness

pytestmark = pytest.mark.browser

ORIGIN = "http://kesos.test"
CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'none'; base-uri 'none'; form-action 'none'"
MAIN_JS = """
import { renderActivities } from "./activity.js";
window.kesosSent = [];
window.kesosViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.kesosViolations.push(e.violatedDirective));
const views = JSON.parse(document.getElementById("views").textContent);
window.kesosHandle = renderActivities(document.getElementById("app"), views, {
  send: (msg) => window.kesosSent.push(msg),
});
window.kesosReady = true;
"""


def page_html(views: list[dict]) -> str:
    data = json.dumps(views).replace("<", "\\u003c")  # JSON in a non-executed script element
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>kesos</title>"
        "<meta name='viewport' content='width=device-width'>"
        "<link rel='stylesheet' href='activity.css'></head><body>"
        f"<main id='app'></main><script type='application/json' id='views'>{data}</script>"
        "<script type='module' src='main.js'></script></body></html>"
    )


@pytest.fixture(scope="module")
def course():
    return load_course()


@pytest.fixture
def plain(browser):
    """A phone-sized page whose files are served with a strict CSP header."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    harness.attach_error_collectors(page)
    files = {"activity.js": (STATIC / "activity.js").read_text(), "activity.css": (STATIC / "activity.css").read_text(),
             "main.js": MAIN_JS}
    types = {"js": "text/javascript", "css": "text/css", "html": "text/html"}

    def serve(route):
        name = route.request.url.split("/")[-1] or "index.html"
        body = page.kesos_html if name == "index.html" else files.get(name)
        if body is None:
            return route.fulfill(status=404, body="")
        route.fulfill(status=200, body=body, headers={
            "Content-Type": types[name.rsplit(".", 1)[-1]] + "; charset=utf-8", "Content-Security-Policy": CSP})

    page.route(f"{ORIGIN}/**", serve)
    yield page
    context.close()


def open_views(page, widget) -> None:
    page.kesos_html = page_html(widget.views)
    page.goto(f"{ORIGIN}/index.html")
    page.wait_for_function("() => window.kesosReady === true")


def round_trip(page, widget) -> None:
    """Deliver what the page sent to the Python component and its replies back to the page."""
    for msg in page.evaluate("() => window.kesosSent.splice(0)"):
        reply = widget.handle(msg)
        if reply is not None:
            page.evaluate("(m) => window.kesosHandle(m)", reply)


def test_strict_csp_page_renders_and_answers_from_json(plain, course, tmp_path):
    page = plain
    store = ProgressStore(tmp_path / "p.sqlite3")
    a = course.activity("c01-midgley-view")
    w = make_widget(a.id, lang="id", store=store, course=course)
    w.send = lambda m: None
    open_views(page, w)
    act = page.locator(".kesos-activity.kesos-type-choice")
    expect(act.locator("h4")).to_have_text(a.title.get("id"))
    expect(act.locator("fieldset legend")).to_be_visible()
    wrong = next(o for o in a.options if o.id == C.wrong_answer(a, course, "id")[0])
    act.locator("label.kesos-option", has_text=wrong.text.get("id")).click()
    act.locator("button.kesos-check").click()
    round_trip(page, w)
    expect(act.locator(".kesos-feedback")).to_contain_text("Kurang tepat")
    expect(act.locator(".kesos-feedback")).to_contain_text(wrong.feedback.get("id")[:50])
    right = next(o for o in a.options if o.correct)
    act.locator("label.kesos-option", has_text=right.text.get("id")).click()
    expect(act.locator(".kesos-stale")).to_have_count(1)
    act.locator("button.kesos-check").click()
    round_trip(page, w)
    expect(act.locator(".kesos-feedback")).to_contain_text("Bagus, semuanya benar")
    assert [x.correct for x in store.attempts(a.id)] == [False, True]
    assert page.evaluate("() => window.kesosViolations") == []
    assert page.console_errors == []
    harness.screenshot(page, "plain-page-choice-phone")
    store.close()


def test_plain_page_ordering_by_touch_drag_and_matching(plain, course, tmp_path):
    page = plain
    store = ProgressStore(tmp_path / "p.sqlite3")
    a = course.activity("c06-order-stages")
    w = make_widget(a.id, lang="en", store=store, course=course)
    w.send = lambda m: None
    open_views(page, w)
    act = page.locator(".kesos-activity.kesos-type-ordering")
    keyed = C.keyed_answer(a, course, "en")

    def order():
        return act.locator(".kesos-order-item").evaluate_all("els => els.map(e => e.dataset.entry)")

    for k, entry in enumerate(keyed):
        if order()[k] == entry:
            continue
        src = act.locator(f".kesos-order-item[data-entry='{entry}']").bounding_box()
        dst = act.locator(".kesos-order-item").nth(k).bounding_box()
        x, y0, y1 = src["x"] + 20, src["y"] + src["height"] / 2, dst["y"] + dst["height"] / 4
        page.mouse.move(x, y0)
        page.mouse.down()
        for s in range(1, 9):
            page.mouse.move(x, y0 + (y1 - y0) * s / 8)
        page.mouse.up()
        assert order()[k] == entry, order()
    assert act.locator(".kesos-ghost").count() == 0  # no floating copy left behind
    act.locator("button.kesos-check").click()
    round_trip(page, w)
    expect(act.locator(".kesos-feedback")).to_contain_text("Well done")
    assert store.last_attempt(a.id).answer == keyed
    assert to_front(a, keyed) == {"order": keyed}
    assert page.evaluate("() => window.kesosViolations") == []
    assert page.console_errors == []
    store.close()
