"""Generate the previous / contents / next links of the chapter notebooks (``kesos nav``).

Each notebook in ``notebooks/<lang>/`` gets a markdown cell tagged ``kesos-nav`` at the top and at
the bottom. Titles come from content/course.yaml, so renaming a chapter there and rerunning the
command updates every link. Rerunning changes nothing (idempotent): the cells have fixed ids and
are replaced in place. ``--check`` reports notebooks whose links are out of date.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from kesos.content import ROOT, load_course
from kesos.i18n import LANGUAGES, t

TAG = "kesos-nav"
OTHER = {"id": "en", "en": "id"}


def _chapters(root: Path):
    course = load_course(root)
    return sorted(course.chapters.values(), key=lambda c: c.number)


def nav_text(root: Path, lang: str, slug: str, where: str) -> str:
    chapters = _chapters(root)
    slugs = [c.slug for c in chapters]
    i = slugs.index(slug)
    parts = []
    if i > 0:
        prev = chapters[i - 1]
        parts.append(f"[← {prev.number:02d}. {prev.title.get(lang)}]({prev.slug}.ipynb)")
    parts.append(f"[{t('nav_contents', lang)}]({chapters[0].slug}.ipynb)")
    if i + 1 < len(chapters):
        nxt = chapters[i + 1]
        parts.append(f"[{nxt.number:02d}. {nxt.title.get(lang)} →]({nxt.slug}.ipynb)")
    other = OTHER[lang]
    parts.append(f"[{t('nav_other_language', lang)}](../{other}/{slug}.ipynb)")
    line = " | ".join(parts)
    return line if where == "top" else f"---\n{line}"


def _nav_cell(text: str, where: str):
    cell = nbformat.v4.new_markdown_cell(text)
    cell["id"] = f"{TAG}-{where}"
    cell["metadata"] = {"tags": [TAG], "editable": False, "deletable": False}
    return cell


def update_notebook(path: Path, root: Path, lang: str, check: bool = False) -> bool:
    """Insert or refresh the two navigation cells. Returns True if the file changed (or would)."""
    nb = nbformat.read(path, as_version=4)
    slug = path.stem
    body = [c for c in nb.cells if TAG not in c.get("metadata", {}).get("tags", [])]
    cells = [_nav_cell(nav_text(root, lang, slug, "top"), "top"), *body,
             _nav_cell(nav_text(root, lang, slug, "bottom"), "bottom")]
    before = path.read_text(encoding="utf-8")
    nb.cells = cells
    after = nbformat.writes(nb) + "\n"  # same bytes as nbformat.write / kesos clean
    if before == after:
        return False
    if not check:
        path.write_text(after, encoding="utf-8")
    return True


def notebooks(root: Path) -> list[tuple[str, Path]]:
    slugs = {c.slug for c in _chapters(root)}
    out = []
    for lang in LANGUAGES:
        for p in sorted((root / "notebooks" / lang).glob("*.ipynb")):
            if p.stem in slugs:
                out.append((lang, p))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="kesos nav", description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only report notebooks whose links are out of date")
    ap.add_argument("--root", default=None)
    args = ap.parse_args(argv)
    root = Path(args.root) if args.root else ROOT
    stale = [p for lang, p in notebooks(root) if update_notebook(p, root, lang, check=args.check)]
    for p in stale:
        print(f"{'out of date' if args.check else 'updated'}: {p.relative_to(root)}")
    if args.check and stale:
        print("run `kesos nav` to regenerate the links", file=sys.stderr)
        return 1
    return 0
