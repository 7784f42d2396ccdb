"""Fixtures for browser tests: a headless JupyterLab (``lab_server``), headless Chromium
(``browser``) and a fresh page per test (``page``, with ``page.console_errors``).

All tests in this folder are marked ``browser``; deselect them with ``-m "not browser"``.
"""
from __future__ import annotations

import re

import pytest

from . import harness


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/") or item.nodeid.startswith("browser/"):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if harness.SAVED_SCREENSHOTS:
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(
            f"{len(harness.SAVED_SCREENSHOTS)} screenshot(s) saved in {harness.SCREENSHOT_DIR}"
        )


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    """A JupyterLab serving the repository root; stopped at the end of the session."""
    server = harness.start_lab_server(tmp_path_factory.mktemp("jupyterlab"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def playwright_instance():
    """Playwright's sync API, started per test module and stopped after it: while it runs it
    leaves its event loop marked as running in this thread (its greenlet), which would break
    any later test that uses asyncio.run or Playwright itself."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is in requirements.txt
        pytest.fail(f"playwright is not installed ({exc}); run `python3 bootstrap.py test`", pytrace=False)
    pw = sync_playwright().start()
    yield pw
    pw.stop()


@pytest.fixture(scope="module")
def browser(playwright_instance):
    """Headless Chromium: the system one (KESOS_CHROMIUM) first, else Playwright's own."""
    browser = harness.launch_chromium(playwright_instance)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, request):
    """A new 1400x1000 page; console and page errors are collected in ``page.console_errors``.
    On failure a screenshot is saved under test-artifacts/screenshots/."""
    page = harness.new_page(browser)
    context = page.context
    yield page
    failed = any(getattr(getattr(request.node, f"rep_{when}", None), "failed", False) for when in ("setup", "call"))
    if failed and not getattr(page, "kesos_failure_screenshot", False):
        try:
            path = harness.screenshot(page, "FAILED-" + re.sub(r"\W+", "_", request.node.nodeid))
            print(f"screenshot of the failure: {path}")
        except Exception:  # the page may be gone; the failure itself is what matters
            pass
    context.close()
