"""Generate the hand-out notebooks in ``exercises/`` from the worked ones in ``solutions/`` — with
nbgrader's own ``generate_assignment``.

``solutions/<lang>/*.ipynb`` is the single source, marked the way nbgrader reads it: nbgrader cell
metadata (``solution``, ``grade`` + ``points``, ``locked``, ``grade_id``, ``schema_version: 3``),
``### BEGIN SOLUTION`` / ``### END SOLUTION`` in code answer cells, ``<!-- BEGIN SOLUTION -->`` /
``<!-- END SOLUTION -->`` in Markdown answer cells (nbgrader matches any line containing
``BEGIN SOLUTION``; an HTML comment renders as nothing), and ``### BEGIN HIDDEN TESTS`` /
``### END HIDDEN TESTS`` in test cells.

For each language, the notebooks are copied into a temporary nbgrader course folder as
``source/<lang>/``, nbgrader's ``generate_assignment`` writes ``release/<lang>/`` (solutions
replaced by the stubs below, hidden tests removed, read-only cells locked, checksums computed; a
marker in a non-solution cell, an unclosed or nested region, a duplicate ``grade_id`` … stops it),
and ``kesos.hygiene.normalized`` then gives the committed layout (no outputs, allowlisted metadata,
canonical JSON). The stubs are per language (``kesos/ui_exercises.yaml``):

* code: ``# TULIS JAWABAN ANDA DI SINI`` + ``jawaban = None`` / ``# YOUR ANSWER HERE`` + ``answer = None``
  (the cell still runs; the test cell under it then fails with "not attempted");
* Markdown: ``_Tulis jawaban Anda di sini._`` / ``_Write your answer here._``.

``kesos exercises`` writes ``exercises/``; ``--check`` compares only and exits 1 on any drift.
"""
from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

from kesos import hygiene
from kesos.content import ROOT
from kesos.i18n import LANGUAGES, t

REPO_ROOT = ROOT  # the course folder (see kesos.content.find_root)
SOLUTIONS, EXERCISES = "solutions", "exercises"


class GenerateError(Exception):
    """nbgrader refused a solution notebook. ``str()`` names the notebook and nbgrader's reason."""


def nbgrader_config(lang: str):
    """The nbgrader configuration of one language: its stubs (``ClearSolutions``)."""
    from traitlets.config import Config

    cfg = Config()
    cfg.ClearSolutions.code_stub = {"python": t("exercise_code_stub", lang)}
    cfg.ClearSolutions.text_stub = t("exercise_markdown_stub", lang)
    cfg.ClearSolutions.enforce_metadata = True
    return cfg


def write_nbgrader_config(course_dir: Path, lang: str) -> Path:
    """An ``nbgrader_config.py`` with the stubs of ``lang`` (for a lecturer's course folder)."""
    code, text = t("exercise_code_stub", lang), t("exercise_markdown_stub", lang)
    path = course_dir / "nbgrader_config.py"
    path.write_text(
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(course_dir)!r}\n"
        f"c.ClearSolutions.code_stub = {{'python': {code!r}}}\n"
        f"c.ClearSolutions.text_stub = {text!r}\n",
        encoding="utf-8",
    )
    return path


def dumps(nb) -> str:
    """nbformat's canonical JSON, ending in a newline (the layout ``kesos clean`` writes)."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def solution_notebooks(root: Path) -> list[tuple[str, Path]]:
    """(language, path) of every solution notebook, in a stable order."""
    out = []
    for lang in LANGUAGES:
        folder = root / SOLUTIONS / lang
        out += [(lang, p) for p in hygiene.find_notebooks([folder]) if p.parent == folder]
    return out


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage().splitlines()[0])


def _alembic_on_path() -> None:
    """nbgrader's gradebook runs the ``alembic`` command: make this interpreter's scripts folder
    (the virtualenv's ``bin``) findable, also when the venv is used without being activated."""
    scripts = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if scripts not in parts:
        os.environ["PATH"] = os.pathsep.join([scripts, *parts])


def release(lang: str, paths: list[Path], course_dir: Path, assignment: str | None = None) -> Path:
    """Run nbgrader's ``generate_assignment`` on ``paths`` in ``course_dir``; return the release folder."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    _alembic_on_path()
    assignment = assignment or lang
    source = course_dir / "source" / assignment
    source.mkdir(parents=True, exist_ok=True)
    for p in paths:
        shutil.copyfile(p, source / p.name)
    cfg = nbgrader_config(lang)
    cfg.CourseDirectory.root = str(course_dir)
    cfg.CourseDirectory.db_url = f"sqlite:///{course_dir / 'gradebook.db'}"
    api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
    capture = _Capture()
    api.log.addHandler(capture)
    try:
        result = api.generate_assignment(assignment, force=True, create=True)
    finally:
        api.log.removeHandler(capture)
    if not result.get("success"):
        reason = "; ".join(dict.fromkeys(capture.lines)) or (result.get("error") or "").strip().splitlines()[-1:]
        raise GenerateError(f"nbgrader generate_assignment refused solutions/{lang}/: {reason}")
    return course_dir / "release" / assignment


def generate(root: Path | str | None = None) -> tuple[dict[Path, str], list[str]]:
    """Every exercise notebook as {path: text}, and the problems (one line each)."""
    root = Path(root) if root else REPO_ROOT
    built: dict[Path, str] = {}
    problems: list[str] = []
    by_lang: dict[str, list[Path]] = {}
    for lang, path in solution_notebooks(root):
        by_lang.setdefault(lang, []).append(path)
    for lang, paths in by_lang.items():
        with tempfile.TemporaryDirectory(prefix="kesos-nbgrader-") as tmp:
            try:
                out = release(lang, paths, Path(tmp))
            except GenerateError as exc:
                problems.append(str(exc))
                continue
            for p in paths:
                nb = nbformat.reads((out / p.name).read_text(encoding="utf-8"), as_version=4)
                built[root / EXERCISES / lang / p.name] = dumps(hygiene.normalized(nb))
    return built, problems


def stale(root: Path, built: dict[Path, str]) -> list[Path]:
    """Exercise notebooks that no solution notebook generates any more."""
    existing = [p for lang in LANGUAGES for p in hygiene.find_notebooks([root / EXERCISES / lang])
                if p.parent == root / EXERCISES / lang]
    return [p for p in existing if p not in built]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="kesos exercises",
        description="Generate exercises/ from solutions/ with nbgrader's generate_assignment.",
    )
    ap.add_argument("--check", action="store_true", help="only compare with exercises/; exit 1 if they differ")
    ap.add_argument("--root", default=None, help="course folder (default: this checkout)")
    args = ap.parse_args(argv)
    root = Path(args.root).resolve() if args.root else REPO_ROOT

    built, problems = generate(root)
    if problems:
        for line in problems:
            print(f"kesos exercises: {line}", file=sys.stderr)
        return 1
    if not built:
        print(f"kesos exercises: no solution notebooks in {root / SOLUTIONS}/<lang>/", file=sys.stderr)
        return 1
    old = stale(root, built)

    def show(p: Path) -> str:
        return p.relative_to(root).as_posix()

    if args.check:
        drift = [f"{show(p)}: missing — run `kesos exercises`" for p in built if not p.exists()]
        drift += [
            f"{show(p)}: differs from a fresh regeneration of solutions/ — run `kesos exercises`"
            for p, text in built.items()
            if p.exists() and p.read_text(encoding="utf-8") != text
        ]
        drift += [f"{show(p)}: no solution notebook generates it — delete it or run `kesos exercises`" for p in old]
        for line in drift:
            print(line, file=sys.stderr)
        if drift:
            print(f"kesos exercises: {len(drift)} problem(s): exercises/ is out of date", file=sys.stderr)
            return 1
        print(f"{len(built)} exercise notebook(s) up to date")
        return 0

    changed = 0
    for p, text in built.items():
        if p.exists() and p.read_text(encoding="utf-8") == text:
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "w", encoding="utf-8", newline="\n") as f:  # same bytes on every OS
            f.write(text)
        changed += 1
        print(f"wrote {show(p)}")
    for p in old:
        p.unlink()
        print(f"removed {show(p)} (no solution notebook generates it)")
    print(f"{changed} of {len(built)} exercise notebook(s) changed")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
