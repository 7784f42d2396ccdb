"""Notebook hygiene: every notebook in the repo is clean, and kesos.hygiene finds and fixes
each kind of dirt."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from kesos import hygiene

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = hygiene.find_notebooks(hygiene.default_paths(REPO))


def _clean_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(hygiene.KERNELSPEC), "language_info": dict(hygiene.LANGUAGE_INFO)}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Mulai", id="intro"),
        nbformat.v4.new_code_cell("print('halo')", id="hello", metadata={"tags": ["demo"]}),
    ]
    return nb


def _dirty_notebook() -> nbformat.NotebookNode:
    nb = _clean_notebook()
    nb.metadata["kernelspec"] = {"name": "conda-env-foo-py", "display_name": "foo", "language": "python"}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7", "codemirror_mode": {"name": "ipython"}}
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2, "version_minor": 0}
    }
    nb.metadata["toc-autonumbering"] = True
    code = nb.cells[1]
    code.execution_count = 7
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="halo\n")]
    code.metadata["scrolled"] = True
    code.metadata["execution"] = {"iopub.status.busy": "2024-01-01T00:00:00Z"}
    return nb


def _write(path: Path, nb) -> Path:
    path.write_text(json.dumps(nb, indent=2), encoding="utf-8")  # not nbformat's layout on purpose
    return path


@pytest.mark.parametrize(
    "notebook",
    NOTEBOOKS or [None],
    ids=[str(p.relative_to(REPO)) for p in NOTEBOOKS] or ["no-notebooks-yet"],
)
def test_committed_notebook_is_clean(notebook, tmp_path):
    if notebook is None:
        # Nothing committed yet: still check that the finder and checker work on a tree
        # shaped like the repo (and skip checkpoints).
        for sub in hygiene.DEFAULT_DIRS:
            (tmp_path / sub / "id").mkdir(parents=True)
        good = tmp_path / "notebooks" / "id" / "00_start.ipynb"
        nbformat.write(_clean_notebook(), good)
        ckpt = tmp_path / "notebooks" / "id" / ".ipynb_checkpoints"
        ckpt.mkdir()
        nbformat.write(_dirty_notebook(), ckpt / "00_start-checkpoint.ipynb")
        assert hygiene.find_notebooks(hygiene.default_paths(tmp_path)) == [good]
        assert hygiene.problems(good) == []
        return
    found = hygiene.problems(notebook)
    assert not found, (
        f"{notebook.relative_to(REPO)} is not clean; run `python -m kesos clean` "
        "(or `.venv/bin/kesos clean`):\n  " + "\n  ".join(found)
    )


def test_dirty_notebook_is_reported_and_cleaned(tmp_path):
    path = _write(tmp_path / "dirty.ipynb", _dirty_notebook())
    found = hygiene.problems(path)
    text = "\n".join(found)
    assert "output" in text
    assert "execution_count is 7" in text
    assert "metadata.widgets" in text
    assert "kernelspec name is 'conda-env-foo-py'" in text
    assert "language_info" in text
    assert "toc-autonumbering" in text
    assert "scrolled" in text and "execution" in text
    assert all(line.startswith(("cell ", "notebook ", "kernelspec", "language_info")) for line in found)

    assert hygiene.clean(path) is True
    assert hygiene.problems(path) == []
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata == {"kernelspec": hygiene.KERNELSPEC, "language_info": {"name": "python"}}
    code = nb.cells[1]
    assert code.outputs == [] and code.execution_count is None
    assert code.metadata == {"tags": ["demo"]}  # allowlisted metadata is kept
    assert [c.id for c in nb.cells] == ["intro", "hello"]  # cell ids are kept
    assert code.source == "print('halo')"
    assert path.read_text(encoding="utf-8").startswith('{\n "cells": [\n  {\n')  # 1-space indent


def test_clean_is_idempotent_and_deterministic(tmp_path):
    a = _write(tmp_path / "a.ipynb", _dirty_notebook())
    b = _write(tmp_path / "b.ipynb", _dirty_notebook())
    assert hygiene.clean(a) is True
    first = a.read_bytes()
    assert hygiene.clean(a) is False
    assert a.read_bytes() == first
    hygiene.clean(b)
    assert b.read_bytes() == first
    assert b"\r\n" not in first and first.endswith(b"}\n")


def test_missing_kernelspec_and_layout_are_problems(tmp_path):
    nb = _clean_notebook()
    del nb.metadata["kernelspec"]
    path = _write(tmp_path / "nokernel.ipynb", nb)
    assert "kernelspec is missing" in hygiene.problems(path)

    ok = tmp_path / "layout.ipynb"
    _write(ok, _clean_notebook())  # clean content, but 2-space JSON
    assert [p for p in hygiene.problems(ok) if "layout" in p]
    assert hygiene.clean(ok) is True and hygiene.problems(ok) == []


def test_cli_check_and_clean(tmp_path, capsys):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    dirty = _write(folder / "dirty.ipynb", _dirty_notebook())
    nbformat.write(_clean_notebook(), folder / "clean.ipynb")

    assert hygiene.main(["--check", str(folder)]) == 1
    out = capsys.readouterr()
    assert "dirty.ipynb: cell 1: has 1 output(s)" in out.out
    assert "clean.ipynb" not in out.out
    before = dirty.read_bytes()
    assert dirty.read_bytes() == before  # --check never writes

    assert hygiene.main([str(folder)]) == 0
    assert "cleaned" in capsys.readouterr().out
    assert hygiene.main(["--check", str(folder)]) == 0
    assert hygiene.main(["--check", str(tmp_path / "missing")]) == 2


def test_cli_is_wired_into_kesos_command():
    from kesos import cli

    assert cli.COMMANDS["clean"][0] == "kesos.hygiene"
