#!/usr/bin/env python3
"""Set up the kesos course and start it, or test it. Standard library only.

    python3 bootstrap.py lab [--lang id|en] [jupyter lab args...]
    python3 bootstrap.py test [pytest args...]
    python3 bootstrap.py setup

Every command first makes sure ``.venv`` (next to this file) exists and is current:
the requirements are installed only when requirements.txt or pyproject.toml changed
since the last successful install (a sha256 stamp in ``.venv``), so a second run is
fast. Works from any current directory on Linux, macOS and Windows.
"""
# Keep this file parseable by old Pythons (even 2.7: no f-strings, no walrus, no match)
# so that an old interpreter gets the clear "need 3.11+" message, not a SyntaxError.
from __future__ import print_function

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

MIN_PYTHON = (3, 11)
STAMP_FORMAT = "kesos-bootstrap-1"  # bump to force a reinstall after changing setup logic
ROOT = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(ROOT, ".venv")
STAMP = os.path.join(VENV, ".kesos-requirements.sha256")
IS_WINDOWS = os.name == "nt"
LANGS = ("id", "en")
DEFAULT_LANG = "id"
KERNEL_NAME = "python3"
KERNEL_DISPLAY = "Python 3 (kesos)"
# Directories whose notebooks nbval executes (passed to pytest only if they exist).
NOTEBOOK_DIRS = ("notebooks", "solutions", "exercises", "glossary")
# Collected by nbval when given as part of "tests", but they are test data, not tests.
TEST_IGNORES = ("tests/fixtures", "tests/browser/_tmp")

# Settings for the learner's JupyterLab (written to the venv's app settings overrides):
# no "would you like to receive Jupyter news?" popup and no update checks over the network.
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

USAGE = """usage:
  python3 bootstrap.py lab [--lang id|en] [jupyter lab options...]
      set up .venv if needed and open the course in JupyterLab
      (language: --lang, else $KESOS_LANG, else 'id')
  python3 bootstrap.py test [pytest options or paths...]
      set up .venv if needed, find a browser for Playwright, run all tests
  python3 bootstrap.py setup
      only set up .venv"""


class BootstrapError(Exception):
    """An error that is shown to the user as one clear line (no traceback)."""


def say(message):
    print("kesos: " + message, flush=True)


# --------------------------------------------------------------------------- venv


def venv_python():
    if IS_WINDOWS:
        return os.path.join(VENV, "Scripts", "python.exe")
    return os.path.join(VENV, "bin", "python")


def check_python():
    if sys.version_info < MIN_PYTHON:
        raise BootstrapError(
            "Python %d.%d+ is needed, but this is Python %d.%d (%s). "
            "Install a newer Python from https://www.python.org/downloads/ and run "
            "bootstrap.py with it."
            % (MIN_PYTHON + tuple(sys.version_info[:2]) + (sys.executable,))
        )


def requirements_hash():
    digest = hashlib.sha256(STAMP_FORMAT.encode())
    for name in ("requirements.txt", "pyproject.toml"):
        path = os.path.join(ROOT, name)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as exc:
            raise BootstrapError("cannot read %s: %s" % (path, exc.strerror or exc))
        digest.update(b"\0" + name.encode() + b"\0" + data)
    return digest.hexdigest()


def read_stamp():
    try:
        with open(STAMP, encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return ""


def venv_works(py):
    """True if the venv interpreter runs and is new enough (a venv breaks when the
    Python it was made from is removed or upgraded)."""
    if not os.path.isfile(py):
        return False
    try:
        out = subprocess.run(
            [py, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    if out.returncode != 0:
        return False
    try:
        major, minor = (int(x) for x in out.stdout.decode().strip().split("."))
    except ValueError:
        return False
    return (major, minor) >= MIN_PYTHON


def run(cmd, what, **kwargs):
    """Run a setup step; a failure becomes one clear error line."""
    try:
        code = subprocess.call(cmd, **kwargs)
    except OSError as exc:
        raise BootstrapError("%s failed: cannot run %s: %s" % (what, cmd[0], exc))
    if code != 0:
        raise BootstrapError("%s failed (exit code %d); see the messages above." % (what, code))


def create_venv():
    if os.path.isdir(VENV):
        say("the existing .venv does not work (was its Python removed or upgraded?); recreating it")
        shutil.rmtree(VENV)
    say("creating the virtual environment %s" % VENV)
    try:
        code = subprocess.call([sys.executable, "-m", "venv", VENV])
    except OSError as exc:
        code = str(exc)
    if code != 0 or not os.path.isfile(venv_python()):
        hint = ""
        if sys.platform.startswith("linux"):
            hint = " On Debian/Ubuntu install the venv module first: sudo apt-get install python3-venv"
        raise BootstrapError("could not create %s with '%s -m venv'.%s" % (VENV, sys.executable, hint))


def kernel_json_path():
    return os.path.join(VENV, "share", "jupyter", "kernels", KERNEL_NAME, "kernel.json")


def kernel_ok(py):
    """The venv's python3 kernelspec exists and starts this venv's Python."""
    try:
        with open(kernel_json_path(), encoding="utf-8") as f:
            spec = json.load(f)
    except (OSError, ValueError):
        return False
    argv = spec.get("argv") or [""]
    return os.path.normcase(os.path.abspath(argv[0])) == os.path.normcase(os.path.abspath(py))


def install_kernel(py):
    run(
        [py, "-m", "ipykernel", "install", "--sys-prefix", "--name", KERNEL_NAME,
         "--display-name", KERNEL_DISPLAY],
        "installing the Jupyter kernel",
    )


def write_lab_overrides():
    path = os.path.join(VENV, "share", "jupyter", "lab", "settings", "overrides.json")
    text = json.dumps(LAB_OVERRIDES, indent=2, sort_keys=True) + "\n"
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def setup():
    """Make .venv current. Returns the venv's python path. Fast when nothing changed."""
    check_python()
    py = venv_python()
    if not venv_works(py):
        create_venv()
        try:
            os.remove(STAMP)
        except OSError:
            pass
    wanted = requirements_hash()
    if read_stamp() != wanted:
        say("installing the requirements into .venv (the first time takes a few minutes)")
        pip = [py, "-m", "pip", "install", "--disable-pip-version-check"]
        run(pip + ["-r", os.path.join(ROOT, "requirements.txt")], "installing requirements.txt", cwd=ROOT)
        run(pip + ["-e", ROOT], "installing the kesos package (pip install -e .)", cwd=ROOT)
        install_kernel(py)
        write_lab_overrides()
        with open(STAMP, "w", encoding="utf-8") as f:
            f.write(wanted + "\n")
        say("setup done")
    else:
        if not kernel_ok(py):
            install_kernel(py)
        write_lab_overrides()
    return py


def child_env():
    env = dict(os.environ)
    # Prefer the venv's kernelspec over a user-level "python3" one that may point at
    # another Python without kesos installed.
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    # A PYTHONHOME meant for another Python would break the venv's interpreter.
    env.pop("PYTHONHOME", None)
    return env


# --------------------------------------------------------------------------- lab


def cmd_lab(args):
    lang = os.environ.get("KESOS_LANG") or DEFAULT_LANG
    extra = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--lang":
            if i + 1 >= len(args):
                raise BootstrapError("--lang needs a value: one of %s" % ", ".join(LANGS))
            lang = args[i + 1]
            i += 2
            continue
        if arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
        else:
            extra.append(arg)
        i += 1
    lang = lang.strip().lower()
    if lang not in LANGS:
        raise BootstrapError("unknown language %r: use --lang id or --lang en" % lang)

    py = setup()
    start_rel = "notebooks/%s/00_start.ipynb" % lang
    start = os.path.join(ROOT, *start_rel.split("/"))
    cmd = [py, "-m", "jupyterlab", "--ServerApp.root_dir=" + ROOT]
    if os.path.isfile(start):
        # The positional file is what a launched browser opens; default_url makes the
        # URL printed in the terminal (and "/") lead to the start page as well.
        cmd += ["--LabApp.default_url=/lab/tree/" + start_rel, start]
    else:
        say("warning: the start page %s does not exist; opening the course folder instead" % start_rel)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Jupyter refuses to run as root unless told; containers and CI often are root.
        cmd.append("--ServerApp.allow_root=True")
    cmd += extra
    say("starting JupyterLab (stop it with Ctrl+C, twice)")
    env = child_env()
    sys.stdout.flush()
    sys.stderr.flush()
    if not IS_WINDOWS:
        os.chdir(ROOT)
        try:
            os.execve(py, cmd, env)
        except OSError as exc:
            raise BootstrapError("cannot start JupyterLab: %s" % exc)
    # Windows has no real exec: run it as a child and let it handle Ctrl+C itself.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return subprocess.call(cmd, cwd=ROOT, env=env)
    finally:
        signal.signal(signal.SIGINT, previous)


# --------------------------------------------------------------------------- test


def chromium_candidates():
    names = []
    env = os.environ.get("KESOS_CHROMIUM")
    if env:
        names.append(env)
    names += ["/usr/bin/chromium"]
    for cmd in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(cmd)
        if found:
            names.append(found)
    if sys.platform == "darwin":
        names += [
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
            "/Applications/Chromium.app/Contents/MacOS/Chromium",
            os.path.expanduser("~/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
            os.path.expanduser("~/Applications/Chromium.app/Contents/MacOS/Chromium"),
        ]
    if IS_WINDOWS:
        for base in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA"):
            root = os.environ.get(base)
            if root:
                names.append(os.path.join(root, "Google", "Chrome", "Application", "chrome.exe"))
                names.append(os.path.join(root, "Chromium", "Application", "chrome.exe"))
    return names


def find_system_chromium():
    for path in chromium_candidates():
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def ensure_browser(py, env):
    """Point Playwright at a Chromium. System one first, else Playwright's own; never
    carry on without one (browser tests would otherwise be skipped or crash)."""
    system = find_system_chromium()
    if system:
        env["KESOS_CHROMIUM"] = system
        return
    if os.environ.get("KESOS_CHROMIUM"):
        say("warning: KESOS_CHROMIUM=%s is not an executable file; ignoring it" % os.environ["KESOS_CHROMIUM"])
    env.pop("KESOS_CHROMIUM", None)
    say("no system Chromium/Chrome found; installing Playwright's Chromium (python -m playwright install chromium)")
    code = subprocess.call([py, "-m", "playwright", "install", "chromium"], cwd=ROOT, env=env)
    if code != 0:
        raise BootstrapError(
            "the browser tests need Chromium and none could be found or installed. Either install "
            "Chromium or Google Chrome (Debian/Ubuntu: sudo apt-get install chromium; macOS: install "
            "Google Chrome), or run '%s -m playwright install --with-deps chromium' with internet "
            "access, or set KESOS_CHROMIUM to a Chromium executable." % py
        )


# pytest options that take a separate value, so that value is never taken for a path.
_VALUE_OPTIONS = {
    "-k", "-m", "-p", "-o", "-c", "-W", "-n", "--maxfail", "--tb", "--rootdir", "--basetemp",
    "--junitxml", "--junit-xml", "--deselect", "--ignore", "--ignore-glob", "--confcutdir",
    "--log-level", "--log-file", "--durations", "--override-ini", "--capture",
    "--color", "--import-mode", "--timeout", "--nbval-cell-timeout", "--nbval-kernel-name",
    "--sanitize-with", "--dist", "--numprocesses",
}


def split_paths(args):
    """Make path arguments absolute (pytest runs from the repo root, but paths may be
    given relative to the caller's directory or to the repo). Returns (args, any_path)."""
    out = []
    any_path = False
    prev = None
    for arg in args:
        is_value = prev in _VALUE_OPTIONS
        prev = arg
        if is_value or arg.startswith("-"):
            out.append(arg)
            continue
        path, sep, node = arg.partition("::")
        for base in (os.getcwd(), ROOT):
            full = os.path.join(base, path)
            if os.path.exists(full):
                out.append(os.path.abspath(full) + sep + node)
                any_path = True
                break
        else:
            out.append(arg)
    return out, any_path


def cmd_test(args):
    py = setup()
    env = child_env()
    ensure_browser(py, env)
    args, any_path = split_paths(args)
    cmd = [py, "-m", "pytest"]
    if not any_path:
        cmd.append("tests")
        cmd += [d for d in NOTEBOOK_DIRS if os.path.isdir(os.path.join(ROOT, d))]
    cmd += ["--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider"]
    for ignore in TEST_IGNORES:
        if not any(a.startswith(os.path.join(ROOT, *ignore.split("/"))) for a in args):
            cmd.append("--ignore=" + ignore)
    cmd += args
    tmp = tempfile.mkdtemp(prefix="kesos-test-")
    # Tests never touch the learner's real progress.
    env["KESOS_PROGRESS_DB"] = os.path.join(tmp, "progress.sqlite3")
    env["KESOS_CACHE_DIR"] = os.path.join(tmp, "cache")  # nor the user's cache of parsed content
    say("running: " + " ".join(cmd[1:]))
    sys.stdout.flush()
    try:
        return subprocess.call(cmd, cwd=ROOT, env=env)
    except KeyboardInterrupt:
        return 130
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def cmd_setup(args):
    if args:
        raise BootstrapError("'setup' takes no arguments")
    py = setup()
    say("ready: %s" % py)
    return 0


COMMANDS = {"lab": cmd_lab, "test": cmd_test, "setup": cmd_setup}


def main(argv):
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    try:
        check_python()
    except BootstrapError as exc:
        print("kesos: error: %s" % exc, file=sys.stderr)
        return 1
    if name not in COMMANDS:
        print("kesos: unknown command %r\n\n%s" % (name, USAGE), file=sys.stderr)
        return 2
    try:
        return COMMANDS[name](rest)
    except BootstrapError as exc:
        print("kesos: error: %s" % exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kesos: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
