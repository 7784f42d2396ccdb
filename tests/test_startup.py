"""What a notebook's kernel pays for kesos beyond its own cells: a chapter's first cells import no
pandas or matplotlib, and the exit hook freezes the garbage collector only after the progress
store has closed (nothing lost)."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "KESOS_PROGRESS_DB": str(tmp_path / "p.sqlite3"),
           "KESOS_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=REPO, timeout=120)


def test_exit_hook_runs_after_the_store_closed_and_freezes_the_collector(tmp_path):
    """An answer recorded just before exit is in the database; a hook registered before
    kesos.setup() (so it runs after kesos' own) sees the collector frozen."""
    code = (
        "import atexit, gc\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0, flush=True))\n"
        "import kesos\nkesos.setup('en')\n"
        "from kesos.progress import get_store\n"
        "get_store().record('q-x', 'choice', {'choice': ['a']}, score=1.0, max_score=1.0, correct=True, language='en')\n"
        "print('frozen before exit', gc.get_freeze_count() > 0, flush=True)\n"
    )
    out = _run(code, tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines() == ["frozen before exit False", "frozen True"]
    with sqlite3.connect(tmp_path / "p.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM attempts WHERE item_id = 'q-x'").fetchone()[0] == 1


def test_a_chapter_setup_table_and_activity_import_no_pandas_or_matplotlib(tmp_path):
    """The cells every chapter starts with (setup, an activity, a table, the stages cycle)
    import neither pandas nor matplotlib: together they cost a kernel about a second."""
    code = (
        "import sys, kesos\nkesos.setup('en')\n"
        "kesos.show('c04-soetarso-role')._repr_mimebundle_()\n"
        "kesos.figures.roles_matrix()._repr_html_()\nkesos.figures.stages_cycle()._repr_svg_()\n"
        "print(sorted(m for m in ('pandas', 'matplotlib') if m in sys.modules))\n"
    )
    out = _run(code, tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"
