"""Exercises and solutions: solutions/ is the single source, written in nbgrader's own format;
exercises/ is generated from it by nbgrader's ``generate_assignment`` (``kesos exercises``).

Proves: both trees hold 01–06 in both languages and the languages match grade cell for grade cell;
points add up (heading = grade cells = rubric); every letter question shows the items and choices
the content gives and its hidden test holds the key the content gives (tests/helpers/exercise_keys.py);
the hand-out holds the per-language stubs and no solution text; ``--check`` catches drift; a
wrongly marked notebook is refused with one line; the learner-side helpers read answers as a
learner writes them and never raise. Grading itself: tests/test_nbgrader.py.
"""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/helpers, whatever the import mode
from helpers.exercise_keys import question  # noqa: E402
from kesos import exercise_checks as ex
from kesos import exercises
from kesos.content import load_course
from kesos.i18n import LANGUAGES, t

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"

SLUGS = [c["slug"] for c in yaml.safe_load((REPO / "content/course.yaml").read_text(encoding="utf-8"))["chapters"]
         if 1 <= c["number"] <= 6]
NOTEBOOK_NAMES = [f"{slug}.ipynb" for slug in SLUGS]
RELS = [f"{lang}/{name}" for lang in LANGUAGES for name in NOTEBOOK_NAMES]
HEADING = re.compile(r"^### (?:Soal|Question) (\d+) \((\d+) (?:poin|points)\)", re.M)
RUBRIC_ROW = re.compile(r"^\|[^\n]*\|\s*(\d+)\s*\|\s*$", re.M)
HIDDEN_KEY = re.compile(r'ex\.letters\((?:answer|jawaban)\)\)?\)? == (?:list\()?"([A-Z]+)"')
CODE_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
MD_REGION = re.compile(r"<!-- BEGIN SOLUTION -->\n(.*?)<!-- END SOLUTION -->", re.S)

# grade_id of an answer cell -> the question it asks (ids in tests/helpers/exercise_keys.py)
LETTER_QUESTIONS = {
    "01_welfare.ipynb": {"q2": "welfare-views"},
    "02_social_services.ipynb": {"q2a": "services-shared", "q2b": "services-only-ideal"},
    "03_social_work.ipynb": {"q2": "functions", "q3": "functioning-authors", "q4": "strategies-goals"},
    "04_roles.ipynb": {"q3": "roles-shared"},
    "05_methods.ipynb": {"q2": "methods", "q3": "casework-components"},
    "06_stages.ipynb": {"q1": "stage-order", "q2": "stage-contents"},
}


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _nbg(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


@pytest.mark.parametrize("tree", [SOLUTIONS, EXERCISES], ids=["solutions", "exercises"])
def test_one_notebook_per_chapter_in_both_languages(tree):
    """solutions/ and exercises/ hold 01–06 under the chapters' slugs, in id and en alike."""
    for lang in LANGUAGES:
        names = sorted(p.name for p in (tree / lang).glob("*.ipynb"))
        assert names == sorted(NOTEBOOK_NAMES), f"{tree.name}/{lang}: {names}"


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_both_languages_hold_the_same_assignment(name):
    """Same cell types in the same order and the same nbgrader cells (grade_id, points, solution,
    grade, locked); the setup cell states the notebook's own language; every letter question has its
    answer cell, a visible test and a hidden test."""
    nbs = {lang: _read(SOLUTIONS / lang / name) for lang in LANGUAGES}
    shapes = {lang: [(c.cell_type, tuple(sorted(_nbg(c).items()))) for c in nb.cells] for lang, nb in nbs.items()}
    assert shapes["id"] == shapes["en"], f"{name}: cells or nbgrader metadata differ between id and en"
    for lang, nb in nbs.items():
        setup = nb.cells[0]
        assert f'kesos.setup("{lang}")' in setup.source and _nbg(setup).get("locked"), f"{lang}/{name}: setup cell"
        ids = [_nbg(c).get("grade_id") for c in nb.cells]
        for gid in LETTER_QUESTIONS[name]:
            assert {f"{gid}-answer", f"{gid}-form", f"{gid}-key"} <= set(ids), f"{lang}/{name}: {gid}"
        for c in nb.cells:
            meta = _nbg(c)
            if meta:
                assert meta["schema_version"] == 3 and meta["grade_id"], f"{lang}/{name}: {meta}"
            if meta.get("grade") and c.cell_type == "code":
                assert "raises-exception" in c.metadata.get("tags", []), f"{lang}/{name} {meta['grade_id']}"


@pytest.mark.parametrize("rel", RELS)
def test_points_add_up(rel):
    """The grade cells of each question give exactly the points its heading promises, a rubric table
    gives the points of its essay cell, and the notebook's stated total is the sum of the headings."""
    nb = _read(SOLUTIONS / rel)
    per_question: dict[int, int] = {}
    heading_points: dict[int, int] = {}
    q = None
    for cell in nb.cells:
        m = HEADING.search(cell.source)
        if m and cell.cell_type == "markdown" and _nbg(cell).get("locked"):
            q = int(m.group(1))
            heading_points[q] = int(m.group(2))
        meta = _nbg(cell)
        if meta.get("grade"):
            per_question[q] = per_question.get(q, 0) + meta["points"]
            rows = [int(n) for n in RUBRIC_ROW.findall(cell.source)] if cell.cell_type == "markdown" else []
            if rows:
                assert sum(rows) == meta["points"], f"solutions/{rel} {meta['grade_id']}: rubric {sum(rows)}"
    assert per_question == heading_points, f"solutions/{rel}: grade cells {per_question}, headings {heading_points}"
    total = re.search(r"(?:Total|Skor\s+total):\s+(\d+)", nb.cells[1].source)
    assert total and int(total.group(1)) == sum(heading_points.values()), f"solutions/{rel}: stated total"


@pytest.fixture(scope="module")
def course():
    return load_course()


@pytest.mark.parametrize("rel", RELS)
def test_letter_questions_agree_with_the_content(course, rel):
    """Each letter question prints the items (numbered) and choices (lettered) the content gives, and
    its model answer and hidden test hold the key the content gives — so editing content/*.yaml
    without updating the notebooks fails here."""
    lang, name = rel.split("/")
    nb = _read(SOLUTIONS / rel)
    by_id = {_nbg(c).get("grade_id"): (i, c) for i, c in enumerate(nb.cells)}
    for gid, qid in LETTER_QUESTIONS[name].items():
        q = question(qid, course, lang)
        i, answer = by_id[f"{gid}-answer"]
        shown = "\n".join(c.source for c in nb.cells[max(0, i - 8):i] if c.cell_type == "markdown")
        for n, (_, text) in enumerate(q.items, 1):
            assert f"{n}. {text}" in shown, f"{rel} {gid}: item {n} {text[:40]!r}"
        for n, (_, text) in enumerate(q.choices):
            assert f"**{chr(65 + n)}.** {text}" in shown, f"{rel} {gid}: choice {chr(65 + n)} {text[:40]!r}"
        assert f'"{q.key}"' in answer.source, f"{rel} {gid}: model answer is not {q.key}"
        hidden = by_id[f"{gid}-key"][1].source
        assert HIDDEN_KEY.search(hidden).group(1) == q.key, f"{rel} {gid}: hidden test key"
        assert "### BEGIN HIDDEN TESTS" in hidden and "### END HIDDEN TESTS" in hidden


def test_no_solution_text_in_exercises():
    """No line of any solution region (code or markdown, 8+ characters) and no hidden test appears in
    exercises/; answer cells hold the stub of their language and keep their cell ids."""
    for rel in RELS:
        lang = rel.split("/")[0]
        sol, out = _read(SOLUTIONS / rel), _read(EXERCISES / rel)
        assert [c.id for c in sol.cells] == [c.id for c in out.cells], rel
        handed = {line.strip() for c in out.cells for line in c.source.splitlines()}
        for s, o in zip(sol.cells, out.cells):
            for region in (CODE_REGION if s.cell_type == "code" else MD_REGION).findall(s.source):
                leaks = [ln.strip() for ln in region.splitlines() if len(ln.strip()) >= 8 and ln.strip() in handed]
                assert not leaks, f"exercises/{rel}: {leaks[:3]}"
            if _nbg(s).get("solution"):
                stub = t("exercise_code_stub" if s.cell_type == "code" else "exercise_markdown_stub", lang)
                assert stub in o.source, f"exercises/{rel} {_nbg(s)['grade_id']}: no stub"
            assert "HIDDEN TESTS" not in o.source


def _mini_root(tmp_path: Path, name: str = "01_welfare.ipynb", lang: str = "en") -> Path:
    root = tmp_path / "course"
    for tree in ("solutions", "exercises"):
        (root / tree / lang).mkdir(parents=True)
        shutil.copy(REPO / tree / lang / name, root / tree / lang / name)
    return root


def test_check_reports_drift_and_stale_files(tmp_path, capsys):
    """`kesos exercises --check` names an edited, a missing and a stale exercise notebook, exits 1 and
    writes nothing. (That a regeneration gives the committed bytes: tests/test_nbgrader.py.)"""
    root = _mini_root(tmp_path)
    shutil.copy(REPO / "solutions/en/06_stages.ipynb", root / "solutions/en/06_stages.ipynb")
    edited = root / "exercises/en/01_welfare.ipynb"
    edited.write_text(edited.read_text(encoding="utf-8").replace("answer = None", "answer = 'A'"), encoding="utf-8")
    (root / "exercises/en/99_old.ipynb").write_text((REPO / "exercises/en/01_welfare.ipynb").read_text())
    before = sorted((p.name, p.read_bytes()) for p in (root / "exercises/en").iterdir())
    assert exercises.main(["--check", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "exercises/en/06_stages.ipynb: missing" in err
    assert "exercises/en/01_welfare.ipynb: differs" in err
    assert "exercises/en/99_old.ipynb: no solution notebook generates it" in err
    assert sorted((p.name, p.read_bytes()) for p in (root / "exercises/en").iterdir()) == before


def test_generator_refuses_a_solution_region_outside_a_solution_cell(tmp_path, capsys):
    """nbgrader refuses a solution marker in a cell without solution metadata: one line naming the
    folder and nbgrader's reason, and nothing is written."""
    root = _mini_root(tmp_path)
    path = root / "solutions/en/01_welfare.ipynb"
    nb = _read(path)
    nb.cells.insert(2, nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION"))
    nbformat.write(nb, path)
    before = (root / "exercises/en/01_welfare.ipynb").read_bytes()
    assert exercises.main(["--root", str(root)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "solutions/en/" in err[0] and "non-solution cell" in err[0], err
    assert (root / "exercises/en/01_welfare.ipynb").read_bytes() == before


@pytest.mark.parametrize("written, expected", [
    ("ACB", "ACB"), ("a, c, b", "ACB"), ("1A 2C 3B", "ACB"), (["A", "c", " b "], "ACB"), (("A",), "A"),
    (None, ""), ("", ""), (42, ""), ({"1": "A"}, ""), ([1, 2], ""), (b"AB", ""), (object(), ""),
])
def test_letters_reads_answers_as_a_learner_writes_them(written, expected):
    """Letters in order, upper case; numbers, spaces and punctuation ignored; non-text gives ''."""
    assert ex.letters(written) == expected


def test_well_formed_and_messages():
    """well_formed checks the letters and their count; every message exists in both languages and
    names no key."""
    assert ex.well_formed("ABC", "ABC", count=3) and ex.well_formed("CA", "ABC")
    assert not ex.well_formed("ABD", "ABC", count=3) and not ex.well_formed("AB", "ABC", count=3)
    assert not ex.well_formed(None, "ABC") and not ex.answered("  ")
    for lang in LANGUAGES:
        for name, fields in [("blank", {}), ("wrong", {}), ("form", {"count": 3, "choices": "A–C"}),
                             ("form_set", {"choices": "A–C"})]:
            assert t(f"exercise_{name}", lang, **fields).strip()
    assert not hasattr(ex, "answer_key") and not hasattr(ex, "TASKS")
