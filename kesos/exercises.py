"""Generate the hand-out notebooks in ``exercises/`` from the worked ones in ``solutions/``.

``solutions/<lang>/*.ipynb`` is the single source. A solution is marked the way nbgrader marks it:

* in a **code** cell, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION``;
* in a **markdown** cell, the lines between ``<!-- BEGIN SOLUTION -->`` and
  ``<!-- END SOLUTION -->`` (HTML comments, so the markers are invisible when rendered).

Each marker stands alone on its line, and a cell holding one is tagged ``solution`` in its metadata.
Anything else — a marker in an untagged cell, the wrong kind of marker for the cell, an END
without a BEGIN, a BEGIN never closed, a BEGIN inside an open region, a tagged cell without a
region — stops the generator with one line naming the notebook and the cell index. Nothing is
written unless every notebook is sound.

``generate(root)`` builds every exercise notebook in memory; ``main`` (``kesos exercises``) writes
them, or with ``--check`` only compares them with ``exercises/`` and exits 1 on any drift.
The output is deterministic: cell ids are kept, JSON is nbformat's canonical layout.
"""
from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import nbformat

from kesos import hygiene
from kesos.content import ROOT
from kesos.i18n import LANGUAGES, t

REPO_ROOT = ROOT  # the course folder (see kesos.content.find_root)
SOLUTIONS, EXERCISES = "solutions", "exercises"
SOLUTION_TAG = "solution"  # nbgrader's name for a cell that holds a solution
ANSWER_TAG = "answer"  # the same cell in the hand-out: where the learner answers

CODE_BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[ \t]*$")
CODE_END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")
MD_BEGIN = re.compile(r"^[ \t]*<!--[ \t]*BEGIN SOLUTION[ \t]*-->[ \t]*$")
MD_END = re.compile(r"^[ \t]*<!--[ \t]*END SOLUTION[ \t]*-->[ \t]*$")
ANY_MARKER = re.compile(r"\b(BEGIN|END) SOLUTION\b")


class MarkerError(Exception):
    """A solution notebook is marked wrongly. ``str()`` is one line: notebook, cell, problem, fix."""


@dataclass
class Context:
    """What a transform may need to know about the notebook it works on."""

    rel: str  # e.g. "solutions/id/01_welfare.ipynb", for error messages
    lang: str

    def fail(self, index: int, message: str) -> MarkerError:
        return MarkerError(f"{self.rel}: cell {index}: {message}")


# --------------------------------------------------------------------------- helpers


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


def _regions(lines: list[str], begin: re.Pattern, end: re.Pattern) -> list[tuple[int, int]]:
    """(begin line, end line) pairs; assumes markers were validated."""
    out, start = [], None
    for i, line in enumerate(lines):
        if begin.match(line):
            start = i
        elif end.match(line) and start is not None:
            out.append((start, i))
            start = None
    return out


def _outside_regions(code: str) -> str:
    """The lines of a code cell that are not inside a solution region."""
    lines = code.split("\n")
    inside = {k for b, e in _regions(lines, CODE_BEGIN, CODE_END) for k in range(b, e + 1)}
    return "\n".join(line for k, line in enumerate(lines) if k not in inside)


_MAGIC = re.compile(r"^[ \t]*[%!]")


def _without_magics(code: str) -> str:
    """IPython magics and shell escapes are not Python: blank them out before parsing."""
    return "\n".join("" if _MAGIC.match(line) else line for line in code.split("\n"))


def _assigned_names(code: str) -> list[str]:
    """Names bound at the top level of ``code`` (assignments, for-targets, with-as, imports),
    in order of first binding."""
    code = textwrap.dedent(_without_magics(code))
    names: list[str] = []

    def add(target) -> None:
        if isinstance(target, ast.Name) and target.id not in names:
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                add(elt)
        elif isinstance(target, ast.Starred):
            add(target.value)

    try:
        tree = ast.parse(code)
    except SyntaxError:
        for m in re.finditer(r"^(\w+)\s*(?::[^=]*)?=(?!=)", code, re.M):
            if m.group(1) not in names:
                names.append(m.group(1))
        return names
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for tgt in node.targets:
                add(tgt)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            add(node.target)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            add(node.target)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    add(item.optional_vars)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name not in names:
                names.append(node.name)
    return names


def _used(name: str, code: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}\b", code) is not None


# --------------------------------------------------------------------------- the transforms
# Each transform takes (notebook, context) and returns the notebook; GENERATE lists them in order.


def check_markers(nb, ctx: Context):
    """Refuse a notebook whose markers are misplaced, unmatched, nested or of the wrong kind."""
    for index, cell in enumerate(nb.cells):
        kind = cell.get("cell_type")
        tagged = SOLUTION_TAG in _tags(cell)
        lines = _source(cell).split("\n")
        marker_lines = [(n, line) for n, line in enumerate(lines, start=1) if ANY_MARKER.search(line)]
        if tagged and kind not in ("code", "markdown"):
            raise ctx.fail(index, f"a {kind} cell is tagged '{SOLUTION_TAG}' — only code and markdown cells can hold solutions")
        if marker_lines and not tagged:
            n, _ = marker_lines[0]
            raise ctx.fail(
                index,
                f"solution marker at line {n} in a cell not tagged '{SOLUTION_TAG}' — "
                f"add the tag '{SOLUTION_TAG}' to the cell's metadata, or remove the marker",
            )
        if not tagged:
            continue
        begin, end = (CODE_BEGIN, CODE_END) if kind == "code" else (MD_BEGIN, MD_END)
        right_form = "### BEGIN SOLUTION / ### END SOLUTION" if kind == "code" else "<!-- BEGIN SOLUTION --> / <!-- END SOLUTION -->"
        open_at = None
        regions = 0
        for n, line in marker_lines:
            if begin.match(line):
                if open_at is not None:
                    raise ctx.fail(index, f"nested BEGIN SOLUTION at line {n} (the region opened at line {open_at} is not closed yet) — close it first with END SOLUTION")
                open_at = n
            elif end.match(line):
                if open_at is None:
                    raise ctx.fail(index, f"END SOLUTION at line {n} without a BEGIN SOLUTION before it — add the BEGIN marker or remove this one")
                open_at = None
                regions += 1
            else:
                raise ctx.fail(index, f"malformed solution marker at line {n} ({line.strip()!r}) — in a {kind} cell write {right_form}, each on a line of its own")
        if open_at is not None:
            raise ctx.fail(index, f"BEGIN SOLUTION at line {open_at} is never closed — add END SOLUTION after the solution")
        if regions == 0:
            raise ctx.fail(index, f"tagged '{SOLUTION_TAG}' but holds no solution region — mark it with {right_form} or remove the tag")
    return nb


def keep_cell_ids(nb, ctx: Context):
    """Give cells without an id the id the solution notebook would get from ``kesos clean``.
    Must run BEFORE the solutions are replaced: the id is derived from the solution's source."""
    return hygiene.normalized(nb)


def replace_code_solutions(nb, ctx: Context):
    """Replace each code region by a localized ``# YOUR CODE HERE`` and ``name = None`` for every
    name the region binds that is read later (in the cell or a later cell), so the cell still runs."""
    stub_comment = t("exercise_code_stub", ctx.lang)
    code_cells = [i for i, c in enumerate(nb.cells) if c.get("cell_type") == "code"]
    for index in code_cells:
        cell = nb.cells[index]
        if SOLUTION_TAG not in _tags(cell):
            continue
        lines = _source(cell).split("\n")
        # later code as the learner will get it: their own regions are replaced too
        later = "\n".join(_outside_regions(_source(nb.cells[j])) for j in code_cells if j > index)
        out: list[str] = []
        pos = 0
        regions = _regions(lines, CODE_BEGIN, CODE_END)
        for r, (b, e) in enumerate(regions):
            out += lines[pos:b]
            indent = CODE_BEGIN.match(lines[b]).group("indent")
            # what follows this region in the cell (not other regions) plus every later code cell
            rest_of_cell = [ln for k, ln in enumerate(lines[e + 1:], start=e + 1)
                            if not any(b2 <= k <= e2 for b2, e2 in regions[r + 1:])]
            after = "\n".join(rest_of_cell) + "\n" + later
            names = [n for n in _assigned_names("\n".join(lines[b + 1:e])) if _used(n, after)]
            out.append(indent + stub_comment)
            out += [f"{indent}{n} = None" for n in names]
            if indent and not names:
                out.append(indent + "pass")  # keep an indented block valid
            pos = e + 1
        out += lines[pos:]
        new = "\n".join(out)
        try:
            ast.parse(_without_magics(new))
        except SyntaxError as exc:
            raise ctx.fail(index, f"the hand-out version of this cell is not valid Python ({exc.msg}, line {exc.lineno}) — check the region's indentation") from None
        cell["source"] = new
    return nb


def replace_markdown_solutions(nb, ctx: Context):
    """Replace each markdown region by a localized prompt (``_Write your answer here._``)."""
    prompt = t("exercise_markdown_stub", ctx.lang)
    for cell in nb.cells:
        if cell.get("cell_type") != "markdown" or SOLUTION_TAG not in _tags(cell):
            continue
        lines = _source(cell).split("\n")
        out, pos = [], 0
        for b, e in _regions(lines, MD_BEGIN, MD_END):
            out += lines[pos:b] + [prompt]
            pos = e + 1
        out += lines[pos:]
        cell["source"] = "\n".join(out)
    return nb


def retag_answer_cells(nb, ctx: Context):
    """In the hand-out a solution cell is where the learner answers: tag it ``answer`` instead,
    so a hand-out can never be mistaken for a solution notebook."""
    for cell in nb.cells:
        tags = _tags(cell)
        if SOLUTION_TAG in tags:
            cell.setdefault("metadata", {})["tags"] = [ANSWER_TAG if tg == SOLUTION_TAG else tg for tg in tags]
    return nb


def clean(nb, ctx: Context):
    """Strip outputs, execution counts, widget state and editor metadata (``kesos clean``)."""
    return hygiene.normalized(nb)


# Order matters: markers are checked before anything else touches the notebook; ids are fixed
# before any source changes; cleaning comes last so that nothing a transform adds survives dirty.
GENERATE: list[Callable] = [
    check_markers,
    keep_cell_ids,
    replace_code_solutions,
    replace_markdown_solutions,
    retag_answer_cells,
    clean,
]


# --------------------------------------------------------------------------- the tree


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


def generate_notebook(path: Path, lang: str, root: Path) -> str:
    """The exercise notebook for one solution notebook, as text. Raises MarkerError."""
    rel = path.relative_to(root).as_posix()
    ctx = Context(rel=rel, lang=lang)
    try:
        nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    except Exception as exc:
        raise MarkerError(f"{rel}: cannot read the notebook ({exc})") from None
    nb = copy.deepcopy(nb)
    for transform in GENERATE:
        nb = transform(nb, ctx)
    return dumps(nb)


def generate(root: Path | str | None = None) -> tuple[dict[Path, str], list[str]]:
    """Every exercise notebook as {path: text}, and the problems (one line each)."""
    root = Path(root) if root else REPO_ROOT
    built: dict[Path, str] = {}
    problems: list[str] = []
    for lang, path in solution_notebooks(root):
        target = root / EXERCISES / lang / path.name
        try:
            built[target] = generate_notebook(path, lang, root)
        except MarkerError as exc:
            problems.append(str(exc))
    return built, problems


def stale(root: Path, built: dict[Path, str]) -> list[Path]:
    """Exercise notebooks that no solution notebook generates any more."""
    existing = [p for lang in LANGUAGES for p in hygiene.find_notebooks([root / EXERCISES / lang])
                if p.parent == root / EXERCISES / lang]
    return [p for p in existing if p not in built]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="kesos exercises",
        description="Generate exercises/ from solutions/ (solution regions replaced, outputs stripped).",
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
