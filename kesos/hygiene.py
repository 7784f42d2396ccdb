"""Notebook hygiene: committed notebooks carry no outputs, execution counts, widget state,
editor state or machine-specific metadata, so diffs stay small and learners start clean.

``problems(path)`` lists what is wrong; ``clean(path)`` fixes it in place. They agree:
``problems(path) == []`` exactly when ``clean(path)`` would leave the file unchanged.

CLI: ``kesos clean [--check] [paths...]`` (default: notebooks/, solutions/, exercises/
and glossary/ of the repository).
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import sys
from pathlib import Path
from typing import Iterable

import nbformat

from kesos.content import ROOT

REPO_ROOT = ROOT  # the course folder (see kesos.content.find_root)
DEFAULT_DIRS = ("notebooks", "solutions", "exercises", "glossary")

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
LANGUAGE_INFO = {"name": "python"}

# Notebook-level metadata that is content, not editor or machine state.
NOTEBOOK_METADATA_ALLOW = frozenset({"kernelspec", "language_info", "kesos", "title", "authors"})
# Cell-level metadata that is content. "jupyter" holds source_hidden/outputs_hidden, which an
# author may set on purpose; "collapsed", "scrolled", "execution", "trusted" are UI state.
CELL_METADATA_ALLOW = frozenset({"tags", "kesos", "editable", "deletable", "nbgrader", "jupyter", "name"})
SKIP_DIRS = frozenset({".ipynb_checkpoints", "__pycache__", ".git", ".venv", "node_modules"})


def _read(path: Path) -> tuple[str, nbformat.NotebookNode]:
    text = Path(path).read_text(encoding="utf-8")  # universal newlines: CRLF checkouts are fine
    return text, nbformat.reads(text, as_version=4)


def _cell_id(index: int, cell: dict) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(source)
    return hashlib.sha1(f"{index}\0{cell.get('cell_type')}\0{source}".encode()).hexdigest()[:8]


def normalized(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a cleaned deep copy of ``nb``."""
    nb = copy.deepcopy(nb)
    meta = nb.setdefault("metadata", nbformat.NotebookNode())
    for key in list(meta):
        if key not in NOTEBOOK_METADATA_ALLOW:
            del meta[key]  # includes "widgets" (saved widget state)
    meta["kernelspec"] = nbformat.NotebookNode(KERNELSPEC)
    meta["language_info"] = nbformat.NotebookNode(LANGUAGE_INFO)
    has_ids = (nb.get("nbformat", 4), nb.get("nbformat_minor", 0)) >= (4, 5)
    for index, cell in enumerate(nb.get("cells", [])):
        if has_ids and not cell.get("id"):
            cell["id"] = _cell_id(index, cell)
        cmeta = cell.setdefault("metadata", nbformat.NotebookNode())
        for key in list(cmeta):
            if key not in CELL_METADATA_ALLOW:
                del cmeta[key]
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def _dumps(nb: nbformat.NotebookNode) -> str:
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def _problems_of(nb: nbformat.NotebookNode) -> list[str]:
    found: list[str] = []
    meta = nb.get("metadata", {})
    if "widgets" in meta:
        found.append("notebook metadata has saved widget state (metadata.widgets)")
    extra = sorted(k for k in meta if k not in NOTEBOOK_METADATA_ALLOW and k != "widgets")
    if extra:
        found.append(f"notebook metadata keys outside the allowlist: {', '.join(extra)}")
    spec = meta.get("kernelspec")
    if not spec:
        found.append("kernelspec is missing")
    elif spec.get("name") != KERNELSPEC["name"]:
        found.append(f"kernelspec name is {spec.get('name')!r}, expected 'python3'")
    elif dict(spec) != KERNELSPEC:
        found.append(f"kernelspec is {dict(spec)}, expected {KERNELSPEC}")
    if dict(meta.get("language_info") or {}) != LANGUAGE_INFO:
        found.append(f"language_info is not {LANGUAGE_INFO} (holds machine-specific details)")
    has_ids = (nb.get("nbformat", 4), nb.get("nbformat_minor", 0)) >= (4, 5)
    for index, cell in enumerate(nb.get("cells", [])):
        where = f"cell {index}"
        if has_ids and not cell.get("id"):
            found.append(f"{where}: has no id")
        if cell.get("cell_type") == "code":
            if cell.get("outputs"):
                found.append(f"{where}: has {len(cell['outputs'])} output(s)")
            if cell.get("execution_count") is not None:
                found.append(f"{where}: execution_count is {cell['execution_count']}, expected null")
        extra = sorted(k for k in cell.get("metadata", {}) if k not in CELL_METADATA_ALLOW)
        if extra:
            found.append(f"{where}: metadata keys outside the allowlist: {', '.join(extra)}")
    return found


def problems(path: str | Path) -> list[str]:
    """One line per hygiene problem of the notebook at ``path`` (empty list: clean)."""
    try:
        text, nb = _read(Path(path))
    except Exception as exc:  # unreadable JSON or not a notebook
        return [f"cannot read notebook: {exc}"]
    found = _problems_of(nb)
    if not found and _dumps(normalized(nb)) != text:
        found.append("not in nbformat's canonical JSON layout (1-space indent, sorted keys)")
    return found


def clean(path: str | Path) -> bool:
    """Clean the notebook at ``path`` in place. Returns True if the file changed."""
    path = Path(path)
    text, nb = _read(path)
    new_text = _dumps(normalized(nb))
    if new_text == text:
        return False
    with open(path, "w", encoding="utf-8", newline="\n") as f:  # same bytes on every OS
        f.write(new_text)
    return True


def find_notebooks(paths: Iterable[str | Path]) -> list[Path]:
    """All .ipynb files in ``paths`` (files or directories, recursively), sorted, without
    .ipynb_checkpoints. Missing paths are ignored."""
    found: set[Path] = set()
    for p in paths:
        p = Path(p)
        if p.is_file() and p.suffix == ".ipynb":
            found.add(p)
        elif p.is_dir():
            for nb in p.rglob("*.ipynb"):
                if not SKIP_DIRS.intersection(nb.relative_to(p).parts[:-1]):
                    found.add(nb)
    return sorted(found)


def default_paths(root: Path = REPO_ROOT) -> list[Path]:
    return [root / d for d in DEFAULT_DIRS]


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kesos clean",
        description="Strip outputs, execution counts, widget state and editor metadata from notebooks.",
    )
    parser.add_argument("--check", action="store_true", help="only report dirty notebooks; exit 1 if any")
    parser.add_argument(
        "paths", nargs="*", type=Path,
        help="notebooks or folders (default: notebooks/ solutions/ exercises/ glossary/ of the repo)",
    )
    args = parser.parse_args(argv)
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        for p in missing:
            print(f"kesos clean: no such file or directory: {p}", file=sys.stderr)
        return 2
    notebooks = find_notebooks(args.paths or default_paths())
    status = 0
    dirty = changed = 0
    for nb in notebooks:
        if args.check:
            found = problems(nb)
            if found:
                dirty += 1
                for line in found:
                    print(f"{_show(nb)}: {line}")
            continue
        try:
            if clean(nb):
                changed += 1
                print(f"cleaned {_show(nb)}")
        except Exception as exc:
            print(f"kesos clean: {_show(nb)}: cannot clean: {exc}", file=sys.stderr)
            status = 1
    if args.check:
        if dirty:
            print(f"{dirty} of {len(notebooks)} notebook(s) need cleaning: run `kesos clean`", file=sys.stderr)
            return 1
        print(f"{len(notebooks)} notebook(s) clean")
        return 0
    print(f"{changed} of {len(notebooks)} notebook(s) changed")
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
