"""Helpers for driving a real JupyterLab in headless Chromium (Playwright, sync API).

Used by tests/browser/conftest.py (fixtures ``lab_server``, ``browser``, ``page``) and by
browser tests directly (``open_notebook``, ``run_all_cells``, ``error_outputs``, ...).

Everything here waits with bounded timeouts; a notebook run may take NOTEBOOK_RUN_TIMEOUT_MS.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"
SCREENSHOT_DIR = ARTIFACTS_DIR / "screenshots"
TMP_NOTEBOOK_DIR = REPO_ROOT / "tests" / "browser" / "_tmp"  # inside root_dir, so Lab can open it

SERVER_START_TIMEOUT_S = 120
PAGE_LOAD_TIMEOUT_MS = 90_000
KERNEL_IDLE_TIMEOUT_MS = 90_000
NOTEBOOK_RUN_TIMEOUT_MS = 120_000

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SYSTEM_CHROMIUM_CANDIDATES = [
    "/usr/bin/chromium",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
]
HOW_TO_GET_CHROMIUM = (
    "Install one: Debian/Ubuntu `sudo apt-get install chromium` (CI does this in .ci/run), "
    "macOS: install Google Chrome, anywhere with internet: "
    "`.venv/bin/python -m playwright install chromium`; or set KESOS_CHROMIUM to a "
    "Chromium/Chrome executable. `python3 bootstrap.py test` does this search for you."
)

# User settings for the test JupyterLab (JUPYTERLAB_SETTINGS_DIR), plugin id -> settings.
LAB_TEST_SETTINGS = {
    # JupyterLab 4.2+ only attaches cells near the viewport by default; tests need all of them.
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    # No "receive Jupyter news?" toast over the page, no update check over the network.
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    # Never write outputs of a test run back into the course notebooks.
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
}

# Screenshots saved during this test session (for the terminal summary).
SAVED_SCREENSHOTS: list[Path] = []


# --------------------------------------------------------------------------- server


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_lab_settings(settings_dir: Path) -> Path:
    """Write LAB_TEST_SETTINGS as JupyterLab user settings files into ``settings_dir``."""
    for plugin_id, values in LAB_TEST_SETTINGS.items():
        package, plugin = plugin_id.split(":")
        path = Path(settings_dir, *package.split("/"), f"{plugin}.jupyterlab-settings")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2), encoding="utf-8")
    return Path(settings_dir)


def lab_env(workdir: Path) -> dict[str, str]:
    """Environment for a test JupyterLab: its own settings, workspaces and progress db."""
    workdir = Path(workdir)
    env = dict(os.environ)
    env["JUPYTERLAB_SETTINGS_DIR"] = str(write_lab_settings(workdir / "lab-settings"))
    workspaces = workdir / "lab-workspaces"
    workspaces.mkdir(parents=True, exist_ok=True)
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(workspaces)
    env["KESOS_PROGRESS_DB"] = str(workdir / "progress.sqlite3")
    env["JUPYTER_PREFER_ENV_PATH"] = "1"  # the venv's python3 kernel, not a user-level one
    # Runtime files (cookie secret, kernel connection files) and config stay out of ~.
    for var, sub in (("JUPYTER_RUNTIME_DIR", "jupyter-runtime"), ("JUPYTER_CONFIG_DIR", "jupyter-config")):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(workdir / sub)
    env.pop("PYTHONHOME", None)
    return env


def popen_group(cmd: list[str], env: dict[str, str], log_path: Path, cwd: Path = REPO_ROOT) -> subprocess.Popen:
    """Start ``cmd`` in its own process group (so kernels can be killed with it), output to a log."""
    log = open(log_path, "wb")
    kwargs: dict = {}
    if os.name == "nt":
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        kwargs["start_new_session"] = True
    try:
        return subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, **kwargs)
    finally:
        log.close()


def stop_process_tree(proc: subprocess.Popen, grace_s: float = 15) -> None:
    """Terminate (the server shuts its kernels down), then kill the whole process group."""
    if proc.poll() is None:
        try:
            proc.terminate()
            proc.wait(timeout=grace_s)
        except (subprocess.TimeoutExpired, OSError):
            pass
    if os.name != "nt":
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # stragglers: kernels, language servers
        except (ProcessLookupError, PermissionError, OSError):
            pass
    elif proc.poll() is None:
        subprocess.call(["taskkill", "/F", "/T", "/PID", str(proc.pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def log_tail(log_path: Path, lines: int = 40) -> str:
    try:
        text = Path(log_path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def wait_for_server(base: str, token: str, proc: subprocess.Popen, log_path: Path,
                    timeout_s: float = SERVER_START_TIMEOUT_S) -> None:
    """Wait until ``{base}api/status`` answers 200, or fail with the server log."""
    url = f"{base}api/status?token={quote(token)}"
    deadline = time.monotonic() + timeout_s
    last = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"JupyterLab exited with code {proc.returncode} before answering.\n{log_tail(log_path)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError) as exc:
            last = str(exc)
        time.sleep(0.3)
    pytest.fail(f"JupyterLab did not answer {base}api/status within {timeout_s:.0f} s ({last}).\n{log_tail(log_path)}")


@dataclass
class LabServer:
    base: str  # "http://127.0.0.1:PORT/"
    token: str
    progress_db: Path
    root_dir: Path
    log_path: Path
    proc: subprocess.Popen = field(repr=False)

    @property
    def url(self) -> str:
        """The Lab UI, with the token."""
        return f"{self.base}lab?token={quote(self.token)}"

    def tree_url(self, relpath: str) -> str:
        return f"{self.base}lab/tree/{quote(relpath)}?token={quote(self.token)}"

    def stop(self) -> None:
        stop_process_tree(self.proc)


def start_lab_server(workdir: Path, root_dir: Path = REPO_ROOT, extra_args: list[str] | None = None) -> LabServer:
    """Start ``python -m jupyterlab`` from this test's Python environment, headless, on a free
    port of 127.0.0.1 with a random token, and wait until it answers."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    env = lab_env(workdir)
    port = free_port()
    token = secrets.token_hex(16)
    log_path = workdir / "jupyterlab.log"
    cmd = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ServerApp.open_browser=False",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, for robust state checks
        *(["--ServerApp.allow_root=True"] if is_root() else []),  # CI runs as root
        *(extra_args or []),
    ]
    proc = popen_group(cmd, env, log_path, cwd=root_dir)
    base = f"http://127.0.0.1:{port}/"
    server = LabServer(base=base, token=token, progress_db=Path(env["KESOS_PROGRESS_DB"]),
                       root_dir=Path(root_dir), log_path=log_path, proc=proc)
    try:
        wait_for_server(base, token, proc, log_path)
    except BaseException:
        server.stop()
        raise
    return server


# --------------------------------------------------------------------------- browser


def find_system_chromium() -> str | None:
    """KESOS_CHROMIUM if set (bootstrap.py sets it), else a Chromium/Chrome on this machine."""
    env = os.environ.get("KESOS_CHROMIUM")
    if env:
        return env
    for candidate in SYSTEM_CHROMIUM_CANDIDATES:
        path = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def launch_chromium(playwright):
    """System Chromium first, then Playwright's own; fail loudly (never skip) without one."""
    errors = []
    system = find_system_chromium()
    if system:
        try:
            return playwright.chromium.launch(executable_path=system, headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:  # a broken or sandbox-confined browser: try Playwright's
            errors.append(f"system Chromium {system}: {str(exc).splitlines()[0]}")
    try:
        return playwright.chromium.launch(headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:
        errors.append(f"Playwright's bundled Chromium: {str(exc).splitlines()[0]}")
    pytest.fail("No usable Chromium for the browser tests.\n  " + "\n  ".join(errors) + "\n" + HOW_TO_GET_CHROMIUM,
                pytrace=False)


# Console messages that JupyterLab itself logs as errors in a healthy session. Keep short,
# and explain every entry.
BENIGN_CONSOLE_ERRORS: list[re.Pattern] = []


def new_page(browser, *, default_timeout: bool = True):
    """A fresh 1400x1000 page in a context of its own (``page.context``), collecting console and
    page errors in ``page.console_errors``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    if default_timeout:
        context.set_default_timeout(PAGE_LOAD_TIMEOUT_MS)
    page = context.new_page()
    attach_error_collectors(page)
    return page


def attach_error_collectors(page) -> list[str]:
    """Collect console errors and uncaught page errors into a list (also ``page.console_errors``)."""
    errors: list[str] = []

    def on_console(msg):
        if msg.type == "error" and not any(p.search(msg.text) for p in BENIGN_CONSOLE_ERRORS):
            errors.append(f"console.error: {msg.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.console_errors = errors
    return errors


# --------------------------------------------------------------------------- notebooks

CURRENT_NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
_KERNEL_STATUS_JS = """() => {
  const app = window.jupyterapp;
  if (app) {
    const w = app.shell.currentWidget;
    const ctx = w && w.sessionContext;
    if (!ctx) return 'no-notebook';
    if (ctx.isDisposed) return 'disposed';
    const kernel = ctx.session && ctx.session.kernel;
    if (!kernel) return ctx.isReady ? 'no-kernel' : 'starting';
    return kernel.status;
  }
  // Without window.jupyterapp: the toolbar's kernel name and execution indicator. The
  // indicator says "idle" before a kernel exists, so a kernel name is required too.
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return 'no-notebook';
  const name = panel.querySelector('.jp-KernelName');
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  if (!name || !indicator) return 'starting';
  const kernel = name.innerText.trim();
  if (!kernel || kernel === 'No Kernel') return 'no-kernel';
  return indicator.getAttribute('data-status') || 'unknown';
}"""


def kernel_status(page) -> str:
    return page.evaluate(_KERNEL_STATUS_JS)


def wait_kernel_idle(page, timeout_ms: int = KERNEL_IDLE_TIMEOUT_MS) -> None:
    """Wait until the current notebook's kernel is idle."""
    page.wait_for_function(
        f"() => ({_KERNEL_STATUS_JS})() === 'idle'", timeout=timeout_ms, polling=200
    )


def open_notebook(page, server: LabServer, relpath: str, timeout_ms: int = PAGE_LOAD_TIMEOUT_MS) -> None:
    """Open ``relpath`` (relative to the server root) in Lab and wait for its kernel to be idle."""
    page.goto(server.tree_url(relpath), wait_until="domcontentloaded", timeout=timeout_ms)
    name = relpath.rsplit("/", 1)[-1]
    page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current").filter(has_text=name).first.wait_for(
        timeout=timeout_ms
    )
    page.locator(CURRENT_NOTEBOOK).first.wait_for(state="visible", timeout=timeout_ms)
    wait_kernel_idle(page, timeout_ms)


def current_tab_title(page) -> str:
    tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel").first
    return tab.inner_text().strip()


def _prompts(page) -> list[str]:
    return page.locator(f"{CURRENT_NOTEBOOK} .jp-CodeCell .jp-InputPrompt").all_inner_texts()


def run_all_cells(page, timeout_ms: int = NOTEBOOK_RUN_TIMEOUT_MS) -> None:
    """Run all cells through the Run menu, as a learner would, then wait until the kernel is
    idle and no cell shows ``[*]``. Stops at the first error, like Lab does."""
    before = _prompts(page)
    # Make sure the notebook is the current widget (a click on its tab changes nothing else).
    page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current").first.click()
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item:not(.lm-mod-disabled)", has_text=re.compile(r"^Run All Cells")).first.click()
    if before:
        # Wait until the run has visibly started or finished (some prompt changed), so an idle
        # kernel *before* the run is not taken for the end of it.
        page.wait_for_function(
            """([sel, before]) => {
                const now = [...document.querySelectorAll(sel)].map(e => e.innerText);
                return now.some((t, i) => t !== before[i]);
            }""",
            arg=[f"{CURRENT_NOTEBOOK} .jp-CodeCell .jp-InputPrompt", before],
            timeout=timeout_ms,
            polling=100,
        )
    page.wait_for_function(
        f"""() => {{
            const busy = [...document.querySelectorAll('{CURRENT_NOTEBOOK} .jp-InputPrompt')]
                .some(e => e.innerText.includes('*'));
            return !busy && ({_KERNEL_STATUS_JS})() === 'idle';
        }}""",
        timeout=timeout_ms,
        polling=250,
    )


def error_outputs(page) -> list[str]:
    """Texts of stderr and error (traceback) outputs in the current notebook."""
    selector = (
        f'{CURRENT_NOTEBOOK} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
        f"{CURRENT_NOTEBOOK} .jp-OutputArea-output.jp-mod-error, "
        f"{CURRENT_NOTEBOOK} .jp-OutputArea-child:has(.jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']) .jp-OutputArea-output"
    )
    seen, texts = set(), []
    for handle in page.query_selector_all(selector):
        text = handle.inner_text().strip()
        if text not in seen:
            seen.add(text)
            texts.append(text)
    return texts


def output_texts(page) -> list[str]:
    """Texts of all outputs in the current notebook, in order."""
    return page.locator(f"{CURRENT_NOTEBOOK} .jp-OutputArea-output").all_inner_texts()


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save a PNG under test-artifacts/screenshots/ (gitignored) and return its path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "screenshot"
    path = SCREENSHOT_DIR / (safe if safe.endswith(".png") else f"{safe}.png")
    page.screenshot(path=str(path), full_page=full_page)
    SAVED_SCREENSHOTS.append(path)
    return path


@contextlib.contextmanager
def screenshot_on_failure(page, name: str):
    """Save a screenshot if the block fails: for tests that stop their own server in a
    ``finally`` (the ``page`` fixture's own failure screenshot would come too late)."""
    try:
        yield
    except BaseException:
        try:
            screenshot(page, f"FAILED-{name}")
            page.kesos_failure_screenshot = True
        except Exception:
            pass
        raise


def write_notebook(path: Path, cells: list[tuple[str, str]]) -> Path:
    """Write a clean notebook of ``(cell_type, source)`` pairs (for tests under _tmp/)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
        "language_info": {"name": "python"},
    }
    makers = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}
    nb.cells = [makers[kind](source, id=f"cell-{i}") for i, (kind, source) in enumerate(cells)]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path
