"""Group sessions in a real browser: a participant on a phone (Pixel 5 emulation) joins by code,
answers a discussion vignette and sees the reveal; the facilitator's notebook in JupyterLab shows
the live counts and the shift chart; Voila renders the presenter view. Loopback only."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

import httpx
import pytest
from playwright.sync_api import expect

from helpers.session_server import KEY, Participant, ServerProc

from . import harness

pytestmark = pytest.mark.browser

CASE = "c04-v12-rumah-singgah"


@pytest.fixture(scope="module")
def session_server():
    srv = ServerProc(tempfile.mkdtemp(prefix="kesos-bsess-"), "--ip-rate", "500", "1000",
                     "--participant-rate", "100", "200").start()
    yield srv
    srv.stop()


def vignette(role, conf="sure", why="reason"):
    return {"role_list": "huda2009", "roles": [role], "none_fits": False, "confidence": conf, "justification": why}


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core (WCAG 2 A/AA) violations on the participant page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]},
                                       "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}): {v.get('help')}" for v in results.response.get("violations", [])
            if v.get("impact") in ("serious", "critical")]


def test_phone_participant_joins_answers_and_sees_the_reveal(browser, playwright_instance, session_server):
    """Join by code on a phone, answer the vignette (role, confidence, reason), then see feedback, key
    and readings; no serious accessibility violations (axe-core) on the way."""
    fac = session_server.facilitator()
    s = fac.create([CASE, "c01-midgley-view", "c01-essay-views"], lang="en", title="Workshop")
    s.open(CASE)
    other = Participant(session_server.url)
    other.join(s.code, "Budi")
    other.answer(CASE, 1, vignette("broker", "unsure"))
    ctx = browser.new_context(**playwright_instance.devices["Pixel 5"])
    page = ctx.new_page()
    errors = harness.attach_error_collectors(page)
    try:
        with harness.screenshot_on_failure(page, "session-phone"):
            page.goto(session_server.url + "?lang=en")
            page.fill("#code", s.code.lower())
            page.fill("#name", "Ani")
            page.get_by_role("button", name="Join").click()
            case = page.locator(".kesos-type-vignette")
            expect(case).to_be_visible()
            page.get_by_role("checkbox", name="Advocate").first.check()
            page.get_by_role("radio", name="Sure", exact=True).check()
            page.locator(".kesos-justification").fill("The school <b>refused</b> her")
            page.get_by_role("button", name="Send answer").click()
            expect(page.locator(".kesos-feedback")).to_contain_text("Answer sent")
            harness.screenshot(page, "session-phone-answer", full_page=False)
            assert axe_violations(page) == []
            assert s.counts()["n"] == 2
            page.reload()  # keeps identity and answer
            expect(page.locator(".kesos-feedback")).to_contain_text("Answer sent")
            assert s.counts()["n"] == 2
            s.reveal()
            from kesos.content import load_course

            readings = load_course().activity(CASE).readings
            expect(page.locator("#readings li")).to_have_count(len(readings), timeout=10_000)
            expect(page.locator("#reveal")).to_contain_text("Broker")
            expect(page.locator("#answered .kesos-result")).to_be_visible()
            harness.screenshot(page, "session-phone-reveal", full_page=False)
            assert axe_violations(page) == []
            assert "<b>" not in page.locator("#answered").inner_html().replace("&lt;b&gt;", "")
            # the next activities: a choice question and a written answer, through the same component
            s.open("c01-midgley-view")
            expect(page.locator(".kesos-type-choice")).to_be_visible(timeout=10_000)
            page.locator(".kesos-type-choice input").first.check()
            page.get_by_role("button", name="Send answer").click()
            expect(page.locator(".kesos-feedback")).to_contain_text("Answer sent")
            s.open("c01-essay-views")
            expect(page.locator(".kesos-text-answer")).to_be_visible(timeout=10_000)
            page.locator(".kesos-text-answer").fill("Three views: condition, institution, discipline.")
            page.get_by_role("button", name="Send answer").click()
            expect(page.locator(".kesos-feedback")).to_contain_text("Answer sent")
            assert s.counts("c01-midgley-view", 1)["n"] == 1 and s.counts("c01-essay-views", 1)["n"] == 1
        assert not [e for e in errors if "favicon" not in e]
    finally:
        ctx.close()


def test_facilitator_notebook_shows_live_counts_and_shift_chart(page, lab_server, session_server):
    """In JupyterLab the live line counts answers as they arrive (refresh within about a second) and the shift chart renders."""
    fac = session_server.facilitator()
    s = fac.create([CASE], lang="en")
    s.open(CASE)
    a, b = Participant(session_server.url), Participant(session_server.url)
    a.join(s.code, "A")
    b.join(s.code, "B")
    a.answer(CASE, 1, vignette("advocate"))
    rel = "tests/browser/_tmp/facilitator_live.ipynb"
    harness.write_notebook(harness.REPO_ROOT / rel, [
        ("code", "from kesos.session.facilitator import Server\n"
                 f"s = Server({session_server.url!r}, {KEY!r}).session({s.code!r}, 'en')\ns.live(interval=0.3, seconds=120)"),
        ("code", "s.shift_chart()"),
    ])
    try:
        with harness.screenshot_on_failure(page, "session-facilitator"):
            harness.open_notebook(page, lab_server, rel)
            harness.run_all_cells(page)
            live = page.locator(".kesos-live-n").first
            expect(live).to_have_text("1")
            b.answer(CASE, 1, vignette("broker", "guessing"))
            t0 = time.monotonic()
            expect(live).to_have_text("2", timeout=5000)
            assert time.monotonic() - t0 < 3  # refreshes within about a second (slow CI margin)
            s.revote()
            a.answer(CASE, 2, vignette("broker"))
            b.answer(CASE, 2, vignette("broker"))
            page.locator(f"{harness.CURRENT_NOTEBOOK} .jp-CodeCell").nth(1).click()
            page.keyboard.press("Shift+Enter")
            harness.wait_kernel_idle(page)
            imgs = page.locator(f"{harness.CURRENT_NOTEBOOK} .jp-OutputArea-output img")
            expect(imgs).to_have_count(2, timeout=20_000)
            expect(page.locator(".kesos-live").first).to_have_attribute("data-round", "2", timeout=5000)
            assert not harness.error_outputs(page)
            harness.screenshot(page, "session-facilitator", full_page=False)
    finally:
        (harness.REPO_ROOT / rel).unlink(missing_ok=True)


def test_voila_renders_the_presenter_view(browser, session_server, tmp_path):
    """Voila shows the presenter notebook: the session code and the live chart, results hidden until reveal."""
    fac = session_server.facilitator()
    s = fac.create([CASE], lang="en")
    s.open(CASE)
    port = harness.free_port()
    env = dict(os.environ, KESOS_SESSION_URL=session_server.url, KESOS_SESSION_KEY=KEY,
               KESOS_SESSION_DB=session_server.db, JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"))
    log = tmp_path / "voila.log"
    proc = harness.popen_group([sys.executable, "-m", "voila", "notebooks/facilitator/presenter_en.ipynb",
                                "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"], env, log)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except Exception:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError("voila did not start:\n" + harness.log_tail(log))
                time.sleep(0.5)
        page.goto(f"http://127.0.0.1:{port}/", timeout=harness.PAGE_LOAD_TIMEOUT_MS)
        expect(page.get_by_text(s.code).first).to_be_visible(timeout=90_000)
        expect(page.locator(".kesos-live")).to_be_visible(timeout=30_000)
        expect(page.locator("img").first).to_be_visible()
        harness.screenshot(page, "session-presenter", full_page=False)
    finally:
        page.close()
        harness.stop_process_tree(proc)
