"""Generated navigation: links point at existing notebooks, a rerun changes nothing."""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from kesos import nav

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def _course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(MINIMAL, root)
    course = root / "content" / "course.yaml"
    course.write_text(
        course.read_text(encoding="utf-8")
        + "  - {id: ch02, number: 2, slug: 02_next, title: {id: \"Berikutnya\", en: \"Next\"}, minutes: 5}\n",
        encoding="utf-8",
    )
    for lang in ("id", "en"):
        for slug in ("01_welfare", "02_next"):
            nb = nbformat.v4.new_notebook()
            nb.cells = [nbformat.v4.new_code_cell(f'import kesos\nkesos.setup("{lang}")')]
            (root / "notebooks" / lang).mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, root / "notebooks" / lang / f"{slug}.ipynb")
    return root


def test_nav_is_generated_and_idempotent(tmp_path):
    """`kesos nav` adds tagged top and bottom cells once; a second run and --check find nothing to do."""
    root = _course(tmp_path)
    assert nav.main(["--root", str(root)]) == 0
    nb = nbformat.read(root / "notebooks" / "en" / "01_welfare.ipynb", as_version=4)
    tagged = [c for c in nb.cells if nav.TAG in c.metadata.get("tags", [])]
    assert [c.id for c in tagged] == ["kesos-nav-top", "kesos-nav-bottom"]
    assert "[Next 02. Next →]" not in tagged[0].source and "(02_next.ipynb)" in tagged[0].source
    assert "(../id/01_welfare.ipynb)" in tagged[0].source
    before = {p: p.read_text() for p in root.rglob("*.ipynb")}
    assert nav.main(["--root", str(root)]) == 0
    assert before == {p: p.read_text() for p in root.rglob("*.ipynb")}
    assert nav.main(["--root", str(root), "--check"]) == 0


def test_nav_check_reports_stale_links(tmp_path, capsys):
    """After a chapter title changes, --check exits 1 and names the stale notebooks."""
    root = _course(tmp_path)
    nav.main(["--root", str(root)])
    course = root / "content" / "course.yaml"
    course.write_text(course.read_text(encoding="utf-8").replace('"Next"', '"Next chapter"'), encoding="utf-8")
    assert nav.main(["--root", str(root), "--check"]) == 1
    assert "out of date: notebooks/en/01_welfare.ipynb" in capsys.readouterr().out


def test_nav_links_resolve(tmp_path):
    """Every link in a generated nav cell points at a file that exists."""
    import re

    root = _course(tmp_path)
    nav.main(["--root", str(root)])
    for p in (root / "notebooks").rglob("*.ipynb"):
        nb = nbformat.read(p, as_version=4)
        for c in nb.cells:
            for target in re.findall(r"\]\(([^)]+)\)", c.source):
                assert (p.parent / target).resolve().exists(), (p, target)
