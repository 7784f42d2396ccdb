"""The package itself: cheap to import, one CLI entry point, interface strings complete."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True).stdout


def test_import_does_not_load_heavy_libraries():
    """`import kesos` leaves pandas, matplotlib, ipywidgets and IPython unimported (they load on first use)."""
    out = _run(
        "import sys, kesos; print(','.join(m for m in ('pandas','matplotlib','ipywidgets','IPython') if m in sys.modules))"
    )
    assert out.strip() == ""


def test_setup_sets_language_and_rejects_unknown():
    """kesos.setup states the notebook's language once; an unknown language is a clear error."""
    import pytest

    import kesos

    kesos.setup("en")
    assert kesos.get_language() == "en"
    kesos.setup("id")
    assert kesos.get_language() == "id"
    with pytest.raises(ValueError, match="language must be one of"):
        kesos.setup("fr")


def test_cli_lists_commands_and_rejects_unknown():
    """`kesos --help` lists every subcommand; an unknown one exits 2 with the usage."""
    from kesos import cli

    assert cli.main(["--help"]) == 0
    proc = subprocess.run([sys.executable, "-m", "kesos", "nonsense"], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 2 and "unknown command" in proc.stderr


def test_never_installs_gettext_underscore():
    """IPython owns `_`: the engine must never call gettext.install()."""
    import re

    call = re.compile(r"(?<!`)\bgettext\.install\(")  # a call, not the docstring that warns against it
    for path in (REPO / "kesos").rglob("*.py"):
        assert not call.search(path.read_text(encoding="utf-8")), path
