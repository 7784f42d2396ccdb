"""The vignette format features and written recall in a real JupyterLab (headless Chromium):
"none of these roles fits" is an answer that can be right; a case that needs two roles together
gives part credit for one; a tempting wrong role shows the case's own "why not"; the second part
of a linked case shows the first part above it; a written recall answer is checked element by
element and then shows the model answer. The console stays clean."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kesos import checking as C
from kesos.content import load_course

from . import harness

pytestmark = pytest.mark.browser

NOTEBOOK = "tests/browser/notebooks/vignettes_recall.ipynb"
LANG = "en"
TIMEOUT = 30_000


@pytest.fixture(scope="module")
def course():
    return load_course()


@pytest.fixture(scope="module")
def nb(lab_server, browser):
    page = harness.new_page(browser)
    context = page.context
    with harness.screenshot_on_failure(page, "vignettes-recall-open"):
        harness.open_notebook(page, lab_server, NOTEBOOK)
        harness.run_all_cells(page)
        page.locator(".kesos-activity.kesos-type-recall").first.wait_for(timeout=TIMEOUT)
        expect(page.locator(".kesos-activity.kesos-type-vignette")).to_have_count(4, timeout=TIMEOUT)
        assert harness.error_outputs(page) == []
    yield page
    context.close()


def vignette(page, n):
    return page.locator(".kesos-activity.kesos-type-vignette").nth(n)


def feedback(act):
    return act.locator(".kesos-feedback")


def retry(act) -> None:
    act.locator("button.kesos-retry").click()
    expect(feedback(act)).to_have_text("", timeout=TIMEOUT)


def check(act) -> None:
    button = act.locator("button.kesos-check")
    expect(button).to_be_enabled(timeout=TIMEOUT)
    button.click()


def tick(act, course, list_id, roles, none_fits=False) -> None:
    sel = act.locator(".kesos-field select").first
    if sel.is_enabled():
        sel.select_option(value=list_id)
    for box in act.locator(".kesos-roles input:checked").all():
        box.uncheck()
    for role in roles:
        act.get_by_role("checkbox", name=C.role_label(course, list_id, role, LANG), exact=True).check()
    if none_fits:
        act.locator("input.kesos-none-fits").check()


def test_none_fits_all_of_why_not_and_linked_case(nb, course):
    with harness.screenshot_on_failure(nb, "vignette-features"):
        # case 8, Parsons et al.: mediation under domestic violence gets the case's own reason
        dv = course.activity("c04-v08-kdrt")
        act = vignette(nb, 0)
        act.scroll_into_view_if_needed()
        retry(act)
        tick(act, course, "parsons2010", ["mediator"])
        check(act)
        expect(feedback(act)).to_contain_text(dv.fits["parsons2010"].why_not["mediator"].en[:60], timeout=TIMEOUT)

        # case 17 follows case 8: the earlier case is shown above its own
        part2 = vignette(nb, 1)
        earlier = part2.locator(".kesos-earlier")
        expect(earlier).to_contain_text(dv.title.en)
        expect(earlier).to_contain_text(dv.case.en[:60])

        # case 18, Parsons et al.: broker alone is partial, broker + mediator is right
        act = vignette(nb, 2)
        act.scroll_into_view_if_needed()
        retry(act)
        tick(act, course, "parsons2010", ["broker"])
        check(act)
        expect(feedback(act)).to_contain_text("1 of 2", timeout=TIMEOUT)
        tick(act, course, "parsons2010", ["broker", "mediator"])
        check(act)
        expect(feedback(act)).to_contain_text("Well done", timeout=TIMEOUT)

        # case 19, Huda: "none of these roles fits" is the right answer
        act = vignette(nb, 3)
        act.scroll_into_view_if_needed()
        retry(act)
        tick(act, course, "huda2009", ["enabler"])
        check(act)
        expect(feedback(act)).to_contain_text("✗", timeout=TIMEOUT)
        tick(act, course, "huda2009", [], none_fits=True)
        expect(act.locator(".kesos-roles input:checked")).to_have_count(1)  # only "none fits"
        check(act)
        expect(feedback(act)).to_contain_text("Well done", timeout=TIMEOUT)
        expect(feedback(act)).to_contain_text(course.activity("c04-v19-anak-ditinggal").fits["huda2009"].why_none.en[:50])
        assert nb.console_errors == []


def test_written_recall_element_by_element(nb, course):
    a = course.activity("c01-recall-midgley")
    act = nb.locator(".kesos-activity.kesos-type-recall").first
    with harness.screenshot_on_failure(nb, "recall"):
        act.scroll_into_view_if_needed()
        retry(act)
        labels = [e.label.en for e in a.elements]
        expect(act).not_to_contain_text(labels[1])  # the key elements are never shown before checking
        act.locator("textarea").fill("Midgley: welfare is a state of well-being.")
        check(act)
        expect(feedback(act)).to_contain_text(f"1 of {len(labels)} elements", timeout=TIMEOUT)
        act.locator("textarea").fill(a.model_answer.en)
        check(act)
        expect(feedback(act)).to_contain_text("Well done", timeout=TIMEOUT)
        expect(feedback(act)).to_contain_text(a.model_answer.en[:60])
        harness.screenshot(nb, "activity_recall")
        assert nb.console_errors == []
