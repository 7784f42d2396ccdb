"""Packaging: `pip install .` brings every library the notebooks need at run time.

The kesos modules a notebook uses are found from the notebooks' own code (``import kesos``,
``kesos.figures.…``, ``from kesos.x import …``) and followed through every ``import`` in them,
including the lazy ones inside functions; each third-party library reached must be declared in
pyproject.toml ``[project].dependencies`` (and pinned in requirements.txt)."""
from __future__ import annotations

import ast
import importlib.metadata as md
import json
import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK_DIRS = ("notebooks", "exercises", "solutions", "glossary")
# A notebook runs in an IPython kernel: these are there by definition, not through `pip install .`.
KERNEL_PROVIDED = {"IPython", "ipykernel", "comm"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(spec: str) -> str:
    return _norm(re.split(r"[\s<>=!~;\[]", spec.strip(), maxsplit=1)[0])


def _declared() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {_requirement_name(s) for s in project["dependencies"]}


def _pinned() -> set[str]:
    lines = (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return {_requirement_name(x) for x in lines if x.strip() and not x.lstrip().startswith("#")}


def _module_file(name: str) -> Path | None:
    parts = name.split(".")
    base = REPO.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def _imports(tree: ast.AST, current: str = "kesos") -> set[str]:
    """Every module named in import statements (anywhere, also inside functions) and every
    ``kesos.<name>`` attribute used (the package imports those lazily)."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the current package
                parts = current.split(".")
                base = ".".join(parts[: len(parts) - (node.level - 1)])
                mod = f"{base}.{node.module}" if node.module else base
            else:
                mod = node.module or ""
            out.add(mod)
            out |= {f"{mod}.{a.name}" for a in node.names}  # `from kesos import figures`
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "kesos":
            out.add(f"kesos.{node.attr}")
    return out


def _notebook_code() -> list[str]:
    sources = []
    for folder in NOTEBOOK_DIRS:
        for path in sorted((REPO / folder).rglob("*.ipynb")):
            nb = json.loads(path.read_text(encoding="utf-8"))
            for cell in nb.get("cells", []):
                if cell.get("cell_type") == "code":
                    src = "".join(cell.get("source", []))
                    sources.append("\n".join(ln for ln in src.splitlines() if not ln.lstrip().startswith(("%", "!"))))
    return sources


def runtime_libraries() -> dict[str, set[str]]:
    """Third-party top-level modules the notebooks reach -> the kesos modules that import them."""
    todo: list[str] = []
    for src in _notebook_code():
        try:
            todo += sorted(_imports(ast.parse(src)))
        except SyntaxError:
            continue
    seen: set[str] = set()
    third: dict[str, set[str]] = {}
    while todo:
        name = todo.pop()
        top = name.split(".")[0]
        if top != "kesos":
            if top and top not in sys.stdlib_module_names and top != "__future__":
                third.setdefault(top, set()).add("notebooks")
            continue
        path = _module_file(name)
        if path is None or name in seen:
            continue
        seen.add(name)
        if "." in name:
            todo.append(name.rsplit(".", 1)[0])  # importing kesos.x runs kesos/__init__ first
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for imp in _imports(ast.parse(path.read_text(encoding="utf-8")), package):
            top = imp.split(".")[0]
            if top == "kesos":
                todo.append(imp)
            elif top and top not in sys.stdlib_module_names and top != "__future__":
                third.setdefault(top, set()).add(name)
    return third


def test_every_runtime_import_of_the_notebooks_is_declared():
    """Each third-party library a notebook reaches through kesos (pandas and matplotlib for
    tables and figures, the widget libraries, pydantic, PyYAML …) is a declared dependency of
    the package, so `pip install .` on JupyterHub brings it — and is pinned in requirements.txt."""
    dists = md.packages_distributions()
    needed = runtime_libraries()
    assert {"pandas", "matplotlib", "yaml", "pydantic"} <= set(needed), sorted(needed)
    declared, pinned = _declared(), _pinned()
    missing = {}
    for module, users in sorted(needed.items()):
        if module in KERNEL_PROVIDED:
            continue
        names = {_norm(d) for d in dists.get(module, [module])}
        if not names & declared:
            missing[module] = (sorted(names), sorted(users)[:3])
        assert names & pinned, f"{module} ({sorted(names)}) is not pinned in requirements.txt"
    assert not missing, f"imported at run time but not in pyproject [project].dependencies: {missing}"


def test_pyproject_ranges_match_requirements():
    """A library in both files has the same version range in both (one source of truth)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {
        _requirement_name(x): x.strip().replace(" ", "")
        for x in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if x.strip() and not x.lstrip().startswith("#")
    }
    for spec in project["dependencies"]:
        name = _requirement_name(spec)
        assert name in pins, f"{spec} is not pinned in requirements.txt"
        assert spec.replace(" ", "") == pins[name], (spec, pins[name])
