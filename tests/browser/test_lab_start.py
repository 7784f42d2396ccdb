"""The course opens in a real JupyterLab, and notebooks run there (headless Chromium)."""
from __future__ import annotations

import re
import secrets
import shutil
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from kesos import hygiene

from . import harness

pytestmark = pytest.mark.browser

START_REL = "notebooks/id/00_start.ipynb"
START = harness.REPO_ROOT / START_REL


def ensure_start_page() -> None:
    """The course team owns notebooks/id/00_start.ipynb; until it exists, put a minimal clean
    placeholder there (never overwrite an existing one)."""
    if START.exists():
        return
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(hygiene.KERNELSPEC), "language_info": dict(hygiene.LANGUAGE_INFO)}
    nb.cells = [nbformat.v4.new_markdown_cell("# Mulai", id="mulai")]
    START.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(START, "x", encoding="utf-8", newline="\n") as f:
            nbformat.write(nb, f)
    except FileExistsError:  # created meanwhile by someone else
        return
    hygiene.clean(START)


def _setup_is_current() -> bool:
    sys.path.insert(0, str(harness.REPO_ROOT))
    try:
        import bootstrap
    finally:
        sys.path.pop(0)
    return bootstrap.read_stamp() == bootstrap.requirements_hash()


def _printed_url_path(log_path: Path, port: int, timeout_s: float = 15) -> str:
    pattern = re.compile(rf"http://127\.0\.0\.1:{port}(/[^\s?]*)")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        match = pattern.search(log_path.read_text(encoding="utf-8", errors="replace"))
        if match:
            return match.group(1)
        time.sleep(0.2)
    pytest.fail(f"JupyterLab printed no http://127.0.0.1:{port}/... URL.\n{harness.log_tail(log_path)}")


def _redirect_path(url: str) -> str:
    """Where the server redirects ``url`` to (without following it)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(url, timeout=10)
    except urllib.error.HTTPError as exc:
        if exc.code in (301, 302, 303, 307, 308):
            return urllib.parse.urlsplit(exc.headers["Location"]).path
        raise
    pytest.fail(f"{url} did not redirect")


def test_readme_lab_command_opens_start_page(page, tmp_path):
    """`python3 bootstrap.py lab` (the README's first command) starts Lab on the start page."""
    ensure_start_page()
    port = harness.free_port()
    token = secrets.token_hex(16)
    env = harness.lab_env(tmp_path)
    log_path = tmp_path / "bootstrap-lab.log"
    cmd = [
        sys.executable, str(harness.REPO_ROOT / "bootstrap.py"), "lab",
        "--no-browser", "--port", str(port), f"--ServerApp.token={token}",
        "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
    ]
    # From another directory, as a learner might; setup is a no-op when .venv is current.
    proc = harness.popen_group(cmd, env, log_path, cwd=tmp_path)
    try:
        with harness.screenshot_on_failure(page, "readme-lab"):
            timeout = harness.SERVER_START_TIMEOUT_S if _setup_is_current() else 900
            base = f"http://127.0.0.1:{port}/"
            harness.wait_for_server(base, token, proc, log_path, timeout_s=timeout)

            # The URL Lab prints for the learner, and the bare address, lead to the start page.
            path = _printed_url_path(log_path, port)
            assert path == f"/lab/tree/{START_REL}", f"printed URL path is {path!r}"
            assert _redirect_path(f"{base}?token={token}") == path

            page.goto(f"{base}{path.lstrip('/')}?token={token}", wait_until="domcontentloaded")
            current_tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")
            current_tab.filter(has_text="00_start.ipynb").first.wait_for()
            assert harness.current_tab_title(page) == "00_start.ipynb"
            page.locator(harness.CURRENT_NOTEBOOK).first.wait_for(state="visible")
            # The kernel is the venv's, installed by bootstrap.py under its own display name.
            expect(page.locator(f"{harness.CURRENT_NOTEBOOK} .jp-KernelName").first).to_have_text(
                "Python 3 (kesos)", timeout=harness.KERNEL_IDLE_TIMEOUT_MS
            )
            harness.wait_kernel_idle(page)
            harness.screenshot(page, "lab_start_page")
            assert page.console_errors == []
    finally:
        harness.stop_process_tree(proc)


@pytest.fixture
def tmp_notebook_dir():
    """A folder inside the Lab root (tests/browser/_tmp/<random>/), removed afterwards."""
    folder = harness.TMP_NOTEBOOK_DIR / uuid.uuid4().hex[:12]
    folder.mkdir(parents=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
    try:
        harness.TMP_NOTEBOOK_DIR.rmdir()  # only if no other test still uses it
    except OSError:
        pass


def _rel(path: Path) -> str:
    return path.relative_to(harness.REPO_ROOT).as_posix()


def test_run_all_cells_renders_output(lab_server, page, tmp_notebook_dir):
    nb = harness.write_notebook(tmp_notebook_dir / "smoke.ipynb", [
        ("markdown", "# Uji asap"),
        ("code", "x = 6 * 7\nprint(f'jawaban={x}')"),
        ("code", "import kesos.hygiene\nkesos.hygiene.KERNELSPEC['name']"),
    ])
    harness.open_notebook(page, lab_server, _rel(nb))
    harness.run_all_cells(page)
    outputs = harness.output_texts(page)
    assert any("jawaban=42" in text for text in outputs), outputs
    assert any("'python3'" in text for text in outputs), outputs  # kesos imports in the kernel
    assert page.locator(f"{harness.CURRENT_NOTEBOOK} .jp-CodeCell .jp-InputPrompt").all_inner_texts()[:2] == ["[1]:", "[2]:"]
    assert harness.error_outputs(page) == []
    harness.screenshot(page, "run_all_cells")
    assert page.console_errors == []


def test_error_outputs_are_found(lab_server, page, tmp_notebook_dir):
    nb = harness.write_notebook(tmp_notebook_dir / "errors.ipynb", [
        ("code", "import sys\nprint('peringatan', file=sys.stderr)"),
        ("code", "raise ValueError('bum')"),
        ("code", "print('tidak pernah')"),
    ])
    harness.open_notebook(page, lab_server, _rel(nb))
    harness.run_all_cells(page)
    errors = harness.error_outputs(page)
    assert any("peringatan" in e for e in errors), errors
    assert any("ValueError" in e and "bum" in e for e in errors), errors
    assert not any("tidak pernah" in t for t in harness.output_texts(page))  # Lab stops at the error
