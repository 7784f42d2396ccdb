"""The course as a whole: coverage of the chapter, the mix of activities, parity of the two language
trees, setup cells, links, the chapter's errors kept out, and the start page's chapter map.

Pure Python and fast: notebooks are read as JSON, never executed (nbval and the browser tests run
them). Each failure names the ids, files or cells to fix.
"""
from __future__ import annotations

import ast
import contextlib
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from kesos import nav
from kesos.content import ROOT, load_course
from kesos.schema import ACTIVITY_TYPES, LANGUAGES

NOTEBOOKS = ROOT / "notebooks"
KEY_DEFINITIONS = ("def-midgley-welfare", "def-friedlander-welfare", "def-zastrow-welfare", "def-nasw-socialwork")
TAUGHT_CHAPTERS = ("ch01", "ch02", "ch03", "ch04", "ch05", "ch06")
MIN_ACTIVITIES_PER_CHAPTER = 8
MIN_VIGNETTES = 12
MIN_DISCUSSION_VIGNETTES = 4


@pytest.fixture(scope="module")
def course():
    return load_course()


def notebook_paths(lang: str) -> list[Path]:
    return sorted((NOTEBOOKS / lang).glob("*.ipynb"))


def all_notebooks() -> list[Path]:
    return [p for lang in LANGUAGES for p in notebook_paths(lang)]


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def read_cells(path: Path) -> list[dict]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for cell in nb.get("cells", []):
        src = cell.get("source", "")
        cells.append({**cell, "source": "".join(src) if isinstance(src, list) else src})
    return cells


# --------------------------------------------------------------------------- calls in code cells


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def course_calls(path: Path) -> list[tuple]:
    """The course calls of a notebook, in order, in a language-neutral form:
    ``("show", id, ...)``, ``("quiz", (ids...))``, ``("figures.<name>", args, kwargs)``; anything else in
    a code cell (after the setup cell) becomes ``("other", <source>)``. Quiz titles are ignored:
    they are written in the notebook's language."""
    calls: list[tuple] = []
    code = [c for c in read_cells(path) if c["cell_type"] == "code"]
    for cell in code[1:]:  # the first code cell is the setup cell (tested separately)
        try:
            tree = ast.parse(cell["source"])
        except SyntaxError:
            calls.append(("other", cell["source"]))
            continue
        for stmt in tree.body:
            call = stmt.value if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) else None
            name = _dotted(call.func) if call else None
            try:
                args = tuple(ast.literal_eval(a) for a in call.args) if call else ()
                kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords} if call else {}
            except ValueError:
                name = None
            if name == "kesos.show" and args and all(isinstance(a, str) for a in args) and not kwargs:
                calls.append(("show", *args))
            elif name == "kesos.quiz" and len(args) == 1 and set(kwargs) <= {"title"}:
                calls.append(("quiz", tuple(args[0])))
            elif name and name.startswith(("kesos.figures.", "kesos.study.")) and "lang" not in kwargs:
                calls.append((name.removeprefix("kesos."), _freeze(args), tuple(sorted(kwargs.items()))))
            else:
                calls.append(("other", ast.get_source_segment(cell["source"], stmt) or cell["source"]))
    return calls


def _freeze(value):
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def shown_ids(path: Path) -> list[str]:
    """Every activity id a notebook shows, through kesos.show or kesos.quiz, in order."""
    out: list[str] = []
    for call in course_calls(path):
        if call[0] == "show":
            out.extend(call[1:])
        elif call[0] == "quiz":
            out.extend(call[1])
    return out


# --------------------------------------------------------------------------- coverage


def test_every_definition_list_and_role_list_is_practised(course):
    """Every definition, enumerated list and role list of the chapter is practised by at least one
    activity (its id is in some activity's ``practises``), so the course covers the whole chapter."""
    practised = {p for a in course.activities.values() for p in a.practises}
    facts = {**course.definitions, **course.lists, **course.role_lists}
    missing = sorted(set(facts) - practised)
    assert not missing, "not practised by any activity (add them to some activity's `practises`):\n" + "\n".join(
        f"  {i} ({getattr(facts[i], 'chapter', 'role list')}, {course.file_of('definitions', i)})" for i in missing
    )


@pytest.mark.parametrize("chapter", TAUGHT_CHAPTERS)
def test_each_chapter_has_enough_activities(course, chapter):
    """Each taught chapter (ch01–ch06) has at least eight activities of its own."""
    n = len(course.activities_in(chapter))
    assert n >= MIN_ACTIVITIES_PER_CHAPTER, f"{chapter} has {n} activities, needs at least {MIN_ACTIVITIES_PER_CHAPTER}"


def test_all_activity_types_are_used(course):
    """All six activity types (choice, matching, ordering, classification, vignette, open) occur."""
    used = {a.type for a in course.activities.values()}
    assert not set(ACTIVITY_TYPES) - used, f"activity types never used: {sorted(set(ACTIVITY_TYPES) - used)}"


def test_enough_vignettes_and_discussion_cases(course):
    """There are at least 12 case vignettes, and at least 4 of them are discussion cases."""
    vignettes = [a for a in course.activities.values() if a.type == "vignette"]
    discussion = [a.id for a in vignettes if a.discussion]
    assert len(vignettes) >= MIN_VIGNETTES, f"{len(vignettes)} vignettes, need at least {MIN_VIGNETTES}"
    assert len(discussion) >= MIN_DISCUSSION_VIGNETTES, (
        f"{len(discussion)} discussion vignettes ({discussion}), need at least {MIN_DISCUSSION_VIGNETTES}"
    )


def test_every_vignette_has_an_answer_key_for_every_role_list(course):
    """Every vignette says which roles fit best and acceptably in each of the three role lists, so
    a learner may answer with any list."""
    problems = [
        f"{a.id}: no fits for {sorted(set(course.role_lists) - set(a.fits))}"
        for a in course.activities.values()
        if a.type == "vignette" and set(course.role_lists) - set(a.fits)
    ]
    assert len(course.role_lists) == 3, f"expected the chapter's three role lists, found {sorted(course.role_lists)}"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("definition", KEY_DEFINITIONS)
def test_key_definitions_are_quizzed_in_their_chapter(course, definition):
    """The definitions of Midgley, Friedlander, Zastrow (welfare) and NASW (social work) are each
    practised by a matching or choice activity of the chapter that teaches them (not only in the
    review)."""
    chapter = course.definitions[definition].chapter
    quizzes = [
        a.id for a in course.activities_in(chapter)
        if a.type in ("matching", "choice") and definition in a.practises
    ]
    assert quizzes, f"no matching or choice activity of {chapter} practises {definition}"


# --------------------------------------------------------------------------- notebooks: parity


def test_language_trees_hold_the_same_notebooks():
    """notebooks/id and notebooks/en hold the same file names, one per chapter slug."""
    names = {lang: {p.name for p in notebook_paths(lang)} for lang in LANGUAGES}
    only_id, only_en = names["id"] - names["en"], names["en"] - names["id"]
    assert not only_id and not only_en, f"only in notebooks/id: {sorted(only_id)}; only in notebooks/en: {sorted(only_en)}"
    slugs = {f"{c.slug}.ipynb" for c in load_course().chapters.values()}
    stray = names["id"] - slugs
    assert not stray, f"notebooks that are no chapter of content/course.yaml: {sorted(stray)}"


PAIRS = sorted({p.name for p in notebook_paths("id")} & {p.name for p in notebook_paths("en")})


@pytest.mark.parametrize("name", PAIRS)
def test_both_languages_make_the_same_calls(name):
    """In each pair of notebooks the sequence of kesos.show / kesos.quiz / kesos.figures.* calls is
    identical (same activities, figures and tables in the same order)."""
    a, b = course_calls(NOTEBOOKS / "id" / name), course_calls(NOTEBOOKS / "en" / name)
    if a != b:
        diff = [f"  #{i}: id {x!r} | en {y!r}" for i, (x, y) in enumerate(zip(a, b)) if x != y]
        if len(a) != len(b):
            diff.append(f"  id has {len(a)} calls, en has {len(b)}")
        pytest.fail(f"{name}: the two languages differ:\n" + "\n".join(diff[:15]))


@pytest.mark.parametrize("path", all_notebooks(), ids=rel)
def test_code_cells_are_thin(path):
    """After the setup cell, every code cell holds only course calls (kesos.show, kesos.quiz,
    kesos.figures.*), as docs/notebooks.md requires."""
    other = [c[1] for c in course_calls(path) if c[0] == "other"]
    assert not other, f"{rel(path)}: code that is not a course call: {other}"


@pytest.mark.parametrize("path", all_notebooks(), ids=rel)
def test_shown_activities_exist(course, path):
    """Every activity id a notebook shows exists in content/activities/."""
    unknown = [i for i in shown_ids(path) if i not in course.activities]
    assert not unknown, f"{rel(path)} shows unknown activity ids: {unknown}"


@pytest.mark.parametrize("chapter", [f"ch{n:02d}" for n in range(1, 8)])
def test_every_activity_is_shown_in_its_chapter_notebook(course, chapter):
    """Every activity of chapters 01–07 is shown in its chapter's notebook, in both languages."""
    if chapter not in course.chapters:
        pytest.fail(f"{chapter} is missing from content/course.yaml")
    slug = course.chapters[chapter].slug
    wanted = [a.id for a in course.activities_in(chapter)]
    problems = []
    for lang in LANGUAGES:
        path = NOTEBOOKS / lang / f"{slug}.ipynb"
        if not path.exists():
            problems.append(f"{rel(path)} does not exist yet ({len(wanted)} activities to show)")
            continue
        shown = set(shown_ids(path))
        missing = [i for i in wanted if i not in shown]
        if missing:
            problems.append(f"{rel(path)} does not show: {missing}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", all_notebooks(), ids=rel)
def test_setup_cell(path):
    """Each notebook's first code cell is exactly the setup cell in the notebook's own language:
    ``import kesos`` / ``kesos.setup("<lang>")``."""
    lang = path.parent.name
    code = [c["source"] for c in read_cells(path) if c["cell_type"] == "code"]
    assert code, f"{rel(path)} has no code cell"
    assert code[0].strip() == f'import kesos\nkesos.setup("{lang}")', f"{rel(path)}: first code cell is {code[0]!r}"


# --------------------------------------------------------------------------- links

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def markdown_links(path: Path) -> list[tuple[int, str]]:
    out = []
    for i, cell in enumerate(read_cells(path)):
        if cell["cell_type"] == "markdown":
            out += [(i, m.group(1)) for m in LINK.finditer(cell["source"])]
    return out


@pytest.mark.parametrize("path", all_notebooks(), ids=rel)
def test_markdown_links_resolve(path):
    """Every relative link in a notebook's markdown (to another notebook, a .md page or a folder,
    with or without a #anchor) points to a file that exists."""
    broken = []
    for index, target in markdown_links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
            continue  # web links and in-page anchors
        file_part = target.split("#", 1)[0].split("?", 1)[0]
        if not (path.parent / file_part).exists():
            broken.append(f"cell {index}: {target}")
    assert not broken, f"{rel(path)}: broken links:\n  " + "\n  ".join(broken)


def test_navigation_cells_are_up_to_date():
    """`kesos nav --check` reports nothing: every chapter notebook has current previous / contents
    / next / other-language links."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = nav.main(["--check"])
    assert code == 0, f"kesos nav --check failed; run `kesos nav`:\n{out.getvalue()}"


# --------------------------------------------------------------------------- the chapter's errors

# The errors in the source chapter (../shared/CONTENT_NOTES.md §2), which must never reach learners.
ERRATA: dict[str, str] = {
    "exsist": r"\bexsist",
    "agancies": r"\bagancies\b",
    "capaties": r"\bcapaties\b",
    "enchance": r"\benchance",
    "prefession": r"\bprefession",
    "funcioning": r"\bfuncioning\b",
    "a state condition": r"\ba state condition\b",
    "Friendlander": r"\bfriendlander\b",
    "Barlett": r"\bbarlett\b",
    "Dubois dan milley / Milley": r"\bmilley\b",
    "Grup Work": r"\bgrup work\b",
    "Assesment": r"\bassesment\b",
    "Advocat": r"\badvocat\b",
    "menertawakan": r"\bmenertawakan\b",
    "tradisional stress": r"\btradisional stress\b",
    "situasional atau tradisional": r"\bsituasional atau tradisional\b",
    "tekanan tradisional": r"\btekanan tradisional\b",
    "traditional stress": r"\btraditional stress\b",
    "The social work professional promotes": r"\bsocial work professional promotes\b",
    "practice consist of": r"\bpractice consist of\b",
    "meladjusment": r"\bmeladjusment\b",
}
ERRATA_RE = {name: re.compile(rx, re.IGNORECASE) for name, rx in ERRATA.items()}
ERRATA_DIRS = ("content", "notebooks", "glossary", "exercises", "solutions", "docs")
# The lecturers' errata page maps each wrong form to its correction: the one place it may appear.
ERRATA_PAGE = "docs/errata.md"
ERRATA_ALLOW = {ERRATA_PAGE}
TEXT_SUFFIXES = {".yaml", ".yml", ".md", ".html", ".txt", ".py"}
SKIP_PARTS = {".ipynb_checkpoints", "__pycache__"}


def _yaml_strings(node, path=()):
    """Yield (location, text) for every string in a YAML document, skipping `note` fields: a note
    may name an error in order to explain its correction."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "note":
                continue
            yield from _yaml_strings(value, path + (str(key),))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            label = value.get("id") if isinstance(value, dict) and isinstance(value.get("id"), str) else str(i)
            yield from _yaml_strings(value, path + (label,))
    elif isinstance(node, str):
        yield ".".join(path), node


def _texts(path: Path):
    if path.suffix == ".ipynb":
        for i, cell in enumerate(read_cells(path)):
            yield f"cell {i}", cell["source"]
    elif path.suffix in (".yaml", ".yml"):
        try:
            yield from _yaml_strings(yaml.safe_load(path.read_text(encoding="utf-8")))
        except yaml.YAMLError:
            yield "", path.read_text(encoding="utf-8")
    else:
        yield "", path.read_text(encoding="utf-8", errors="replace")


def errata_files() -> list[Path]:
    out = []
    for d in ERRATA_DIRS:
        for p in sorted((ROOT / d).rglob("*")):
            if p.is_file() and (p.suffix == ".ipynb" or p.suffix in TEXT_SUFFIXES) and not SKIP_PARTS & set(p.parts):
                if rel(p) not in ERRATA_ALLOW:
                    out.append(p)
    return out


def test_no_chapter_errors_in_learner_material():
    """None of the source chapter's typos, misspelt names or mistranslations (CONTENT_NOTES §2)
    appears in content/, notebooks/, glossary/, exercises/, solutions/ or docs/. The exceptions are
    the lecturers' errata page (docs/errata.md) and a YAML `note` field, which may name an error to
    explain its correction."""
    hits = []
    for path in errata_files():
        for where, text in _texts(path):
            for name, rx in ERRATA_RE.items():
                for m in rx.finditer(text):
                    hits.append(f"{rel(path)} {where}: {name!r} in …{text[max(0, m.start() - 30):m.end() + 30]!r}…")
    assert not hits, "the chapter's errors appear in learner material:\n" + "\n".join(hits)


def test_errata_page_maps_every_error_in_both_languages():
    """docs/errata.md shows every wrong form the errata check knows, in an Indonesian and an English
    section, each next to its correction (so a reader of the thesis can match what they read)."""
    text = (ROOT / ERRATA_PAGE).read_text(encoding="utf-8")
    assert "## Bahasa Indonesia" in text and "## English" in text
    id_part, en_part = text.split("## English", 1)
    variants = {"tradisional stress", "tekanan tradisional", "traditional stress"}  # other spellings of one error
    for name, rx in ERRATA_RE.items():
        if name not in variants:
            assert rx.search(id_part) and rx.search(en_part), f"{ERRATA_PAGE} does not show {name!r} in both sections"
    for correction in ("Friedlander", "DuBois & Miley", "Bartlett", "asesmen", "menawarkan", "transisional",
                       "maladjustment", "terapi kelompok", "group therapy"):
        assert correction in text, correction


@pytest.mark.parametrize("sample", [
    "a state condition of human well-being that exsist",
    "Friendlander & Apte", "Barlett dalam Fahrudin", "Dubois dan milley", "Social Grup Work",
    "Tahap Assesment", "e. Advocat:", "mereka yang menertawakan atau menyediakan layanan",
    "tekanan situasional atau tradisional", "The social work professional promotes",
    "Social work practice consist of", "agancies", "capaties", "enchance", "prefession", "funcioning",
    "kumpulan frustasi atau meladjusment",
])
def test_errata_patterns_catch_the_chapter_wording(sample):
    """The errata check really catches each error as the chapter writes it."""
    assert any(rx.search(sample) for rx in ERRATA_RE.values()), sample


@pytest.mark.parametrize("sample", [
    "secara tradisional pekerjaan sosial mempunyai tiga metode pokok", "tekanan transisional",
    "the advocate role", "Advokat", "Bartlett (1970)", "DuBois & Miley", "assessment",
    "Social work practice consists of", "The social work profession promotes", "a condition or state",
    "menawarkan atau menyediakan layanan", "Friedlander", "maladjustment",
])
def test_errata_patterns_spare_correct_wording(sample):
    """The errata check does not flag correct wording (e.g. “secara tradisional” is normal
    Indonesian; only the mistranslated phrase is an error)."""
    assert not any(rx.search(sample) for rx in ERRATA_RE.values()), sample


# --------------------------------------------------------------------------- headings

# The chosen headings (docs/style-terms.md): one wording per language in every chapter notebook.
HEADINGS = {
    "id": {"objectives": "**Tujuan pembelajaran.**", "summary": "## Rangkuman", "references": "## Daftar pustaka"},
    "en": {"objectives": "**Learning objectives.**", "summary": "## Summary", "references": "## References"},
}
RETIRED_HEADINGS = {"id": ("**Tujuan belajar.**", "## Ringkasan"), "en": ("**Learning goals.**", "## Recap")}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_notebooks_use_the_chosen_headings(lang):
    """Every chapter notebook (01–07) uses the chosen headings for objectives, summary and
    references, and none uses a retired variant ("Tujuan belajar", "Ringkasan")."""
    problems = []
    for path in sorted((ROOT / "notebooks" / lang).glob("0[1-7]_*.ipynb")):
        text = "\n".join(c["source"] for c in read_cells(path) if c["cell_type"] == "markdown")
        problems += [f"{rel(path)}: no {h!r}" for h in HEADINGS[lang].values() if h not in text]
        problems += [f"{rel(path)}: retired heading {h!r}" for h in RETIRED_HEADINGS[lang] if h in text]
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- the start page

ROW_LINK = re.compile(r"\[([^\]]+)\]\(([0-9]{2}_[a-z0-9_]+)\.ipynb\)")
MINUTES = re.compile(r"(\d+)\s*(?:menit|min)\b", re.IGNORECASE)


def chapter_map_rows(path: Path) -> tuple[dict[str, tuple[str, int]], int | None]:
    """Rows of the start page's chapter map: slug -> (link text, minutes); and the total row's minutes."""
    rows: dict[str, tuple[str, int]] = {}
    total = None
    for cell in read_cells(path):
        if cell["cell_type"] != "markdown":
            continue
        for line in cell["source"].splitlines():
            if not line.lstrip().startswith("|"):
                continue
            link, minutes = ROW_LINK.search(line), MINUTES.search(line)
            if link and minutes:
                rows[link.group(2)] = (link.group(1), int(minutes.group(1)))
            elif minutes and re.search(r"jumlah|total", line, re.IGNORECASE):
                total = int(minutes.group(1))
    return rows, total


@pytest.mark.parametrize("lang", LANGUAGES)
def test_start_page_chapter_map_matches_course(course, lang):
    """The chapter map on the start page lists every chapter 01–07 with a link to its notebook, its
    title and the minutes of content/course.yaml, and a total that is their sum."""
    path = NOTEBOOKS / lang / "00_start.ipynb"
    assert path.exists(), f"{rel(path)} is missing"
    rows, total = chapter_map_rows(path)
    chapters = [c for c in sorted(course.chapters.values(), key=lambda c: c.number) if c.number > 0]
    problems = []
    for c in chapters:
        if c.slug not in rows:
            problems.append(f"no row for {c.slug}")
            continue
        title, minutes = rows[c.slug]
        if minutes != c.minutes:
            problems.append(f"{c.slug}: {minutes} min on the page, {c.minutes} in content/course.yaml")
        if title != c.title.get(lang):
            problems.append(f"{c.slug}: link text {title!r}, course title {c.title.get(lang)!r}")
    extra = set(rows) - {c.slug for c in chapters}
    if extra:
        problems.append(f"rows for unknown chapters: {sorted(extra)}")
    expected_total = sum(c.minutes for c in chapters)
    if total != expected_total:
        problems.append(f"total row says {total}, the chapters add up to {expected_total}")
    assert not problems, f"{rel(path)} chapter map:\n  " + "\n  ".join(problems)


def test_start_pages_link_to_each_other():
    """Each start page links to the start page in the other language."""
    for lang, other in (("id", "en"), ("en", "id")):
        targets = [t for _, t in markdown_links(NOTEBOOKS / lang / "00_start.ipynb")]
        assert f"../{other}/00_start.ipynb" in targets, f"notebooks/{lang}/00_start.ipynb has no link to the {other} start page"
