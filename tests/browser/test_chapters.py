"""Every course notebook (notebooks/id and notebooks/en) in a real JupyterLab (headless Chromium):
it opens, runs from the Run menu, renders all its activities, shows no error or traceback,
leaves the browser console clean, and axe-core finds no serious or critical accessibility
violation inside its activities (WCAG 2.2 AA rules). A full-length screenshot of each is saved as
``<lang>-<notebook>.png`` (e.g. ``en-04_roles.png``) in test-artifacts/screenshots/.

One JupyterLab serves the whole session (``lab_server``); after each notebook its kernels and
sessions are shut down and Lab's saved workspace is deleted through the REST API, so the next
notebook starts alone and memory stays bounded.
"""
from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from kesos.handout import shown_ids

from . import harness

pytestmark = pytest.mark.browser

LANGS = ("id", "en")
NOTEBOOKS = [p for lang in LANGS for p in sorted((harness.REPO_ROOT / "notebooks" / lang).glob("*.ipynb"))]
ACTIVITY = f"{harness.CURRENT_NOTEBOOK} .kesos-activity"
RENDER_TIMEOUT_MS = 60_000
MAX_SCREENSHOT_HEIGHT = 16_000  # Chromium's texture limit; taller notebooks are cut off at the bottom

# Error outputs straight from the notebook model: robust against how Lab styles them.
_ERROR_OUTPUTS_JS = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  const cells = w && w.content && w.content.model ? w.content.model.cells : null;
  if (!cells) return ['cannot read the notebook model (window.jupyterapp)'];
  const found = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code' || !cell.outputs) continue;
    for (const out of cell.outputs.toJSON()) {
      if (out.output_type === 'error') found.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
    }
  }
  return found;
}"""

_SCROLL_EXTRA_JS = f"""() => {{
  const panel = document.querySelector('{harness.CURRENT_NOTEBOOK}');
  if (!panel) return 0;
  const scroller = panel.querySelector('.jp-WindowedPanel-outer') || panel.querySelector('.jp-Notebook');
  if (!scroller) return 0;
  scroller.scrollTop = 0;  // "Run All" leaves the notebook scrolled to its end
  return Math.max(0, scroller.scrollHeight - scroller.clientHeight);
}}"""


def expected_activities(path: Path) -> int:
    """How many activities a notebook shows: one per id in kesos.show("…", …) and in kesos.quiz([…])."""
    return len(shown_ids(path))


# --------------------------------------------------------------------------- REST clean-up


def _api(server: harness.LabServer, method: str, path: str):
    request = urllib.request.Request(
        f"{server.base}{path}", method=method, headers={"Authorization": f"token {server.token}"}
    )
    with urllib.request.urlopen(request, timeout=15) as response:
        body = response.read()
    return json.loads(body) if body else None


def shut_down_everything(server: harness.LabServer) -> None:
    """Delete every session and kernel, and Lab's saved workspaces (so no tab is restored)."""
    for session in _api(server, "GET", "api/sessions") or []:
        _api(server, "DELETE", f"api/sessions/{session['id']}")
    for kernel in _api(server, "GET", "api/kernels") or []:
        _api(server, "DELETE", f"api/kernels/{kernel['id']}")
    workspaces = (_api(server, "GET", "lab/api/workspaces") or {}).get("workspaces", {})
    for ws_id in workspaces.get("ids", []):
        _api(server, "DELETE", f"lab/api/workspaces/{quote(ws_id)}")


@pytest.fixture
def alone(lab_server):
    """Nothing else open before the test; everything shut down after it (after ``page`` closes,
    because this fixture is requested before ``page``)."""
    shut_down_everything(lab_server)
    yield
    shut_down_everything(lab_server)


def full_screenshot(page, name: str) -> Path:
    """A screenshot of the whole notebook: scrolled to the top, the viewport grown to the
    notebook's height (up to MAX_SCREENSHOT_HEIGHT)."""
    size = page.viewport_size or {"width": 1400, "height": 1000}
    extra = page.evaluate(_SCROLL_EXTRA_JS)
    height = min(size["height"] + int(extra) + 40, MAX_SCREENSHOT_HEIGHT)
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_timeout(500)  # let Lab lay the taller panel out
    try:
        return harness.screenshot(page, name, full_page=True)
    finally:
        page.set_viewport_size(size)


# --------------------------------------------------------------------------- the test


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_notebook_runs_and_renders_its_activities(lab_server, alone, page, path):
    """The notebook runs without error in JupyterLab and renders every activity it shows."""
    rel = path.relative_to(harness.REPO_ROOT).as_posix()
    expected = expected_activities(path)
    harness.open_notebook(page, lab_server, rel)
    harness.run_all_cells(page)
    if expected:
        try:
            page.wait_for_function(
                "([sel, n]) => document.querySelectorAll(sel).length >= n",
                arg=[ACTIVITY, expected], timeout=RENDER_TIMEOUT_MS, polling=250,
            )
        except Exception:  # Playwright's timeout: report the numbers below instead
            pass
    rendered = page.locator(ACTIVITY).count()
    tracebacks = [e for e in harness.error_outputs(page) if "Traceback" in e]
    errors = page.evaluate(_ERROR_OUTPUTS_JS)
    shot = full_screenshot(page, f"{path.parent.name}-{path.stem}")
    violations = axe_violations(page) if rendered else []

    assert rendered >= expected, f"{rel}: {rendered} activities rendered, {expected} shown (screenshot {shot})"
    assert not errors, f"{rel}: error outputs: {errors}"
    assert not tracebacks, f"{rel}: tracebacks on stderr: {tracebacks}"
    assert page.console_errors == [], f"{rel}: browser console errors: {page.console_errors}"
    assert not violations, f"{rel}: accessibility violations inside activities: {violations}"


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations inside the activities (axe-playwright-python)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        context={"include": [[f"{harness.CURRENT_NOTEBOOK} .kesos-activity"]]},
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    found = []
    for v in results.response.get("violations", []):
        if v.get("impact") in ("serious", "critical"):
            targets = [", ".join(n.get("target", [])) for n in v.get("nodes", [])][:3]
            found.append(f"{v['id']} ({v['impact']}): {v.get('help')} at {targets}")
    return found
