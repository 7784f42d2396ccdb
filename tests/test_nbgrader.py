"""Real nbgrader grades the exercise notebooks: blank → 0, wrong → partial, correct → full marks.

One nbgrader course folder for the module (its own ``nbgrader_config.py`` and gradebook SQLite):
nbgrader's ``generate_assignment`` releases ``solutions/<lang>/`` as assignment ``<lang>`` (the
release equals the committed ``exercises/<lang>/`` after ``kesos clean``), three students submit
every notebook (``blank``: the release untouched; ``wrong``: every letter answer complete and well
formed but wrong, essays untouched; ``correct``: the model answers), and ``nbgrader autograde``
grades all students of an assignment in one call. Scores are read from nbgrader's gradebook API;
for ``correct`` the essays are then given full manual marks through the same API (what a lecturer
does in the formgrader), and the total must be the notebook's maximum.
"""
from __future__ import annotations

import os
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from kesos import exercises, hygiene

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("id", "en")
STUDENTS = ("blank", "wrong", "correct")
NOTEBOOKS = sorted(p.stem for p in (ROOT / "solutions" / "en").glob("*.ipynb"))
ANSWER = re.compile(r'^(?:answer|jawaban) = "([A-Z]+)"$', re.M)


def _nbgrader(meta) -> dict:
    return meta.get("nbgrader", {})


def _wrong(key: str, choices: str) -> str:
    """Complete, well-formed and wrong: every letter moved to the next choice (a set: its complement,
    or one letter less when the key holds every choice)."""
    return "".join(choices[(choices.index(ch) + 1) % len(choices)] for ch in key)


def _choices_of(test_source: str) -> tuple[str, bool]:
    m = re.search(r'well_formed\(\w+, "([A-Z]+)"(, count=\d+)?\)', test_source)
    return m.group(1), m.group(2) is None


def submission(release_nb, solution_nb, student: str):
    nb = nbformat.from_dict(release_nb)
    if student == "blank":
        return nb
    sol = {_nbgrader(c.metadata).get("grade_id"): c for c in solution_nb.cells}
    for i, cell in enumerate(nb.cells):
        meta = _nbgrader(cell.metadata)
        if not meta.get("solution"):
            continue
        model = sol[meta["grade_id"]].source
        if cell.cell_type == "markdown":
            if student == "correct":
                cell.source = model.replace("<!-- BEGIN SOLUTION -->", "").replace("<!-- END SOLUTION -->", "")
            continue
        key = ANSWER.search(model).group(1)
        if student == "wrong":
            choices, is_set = _choices_of(nb.cells[i + 1].source)
            key = "".join(sorted(set(choices) - set(key))) if is_set else _wrong(key, choices)
            key = key or choices[0]
        var = "jawaban" if "jawaban" in model else "answer"
        cell.source = f'{var} = "{key}"'
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The course folder after generate_assignment and autograde; yields nbgrader's Gradebook."""
    from nbgrader.api import Gradebook

    course = tmp_path_factory.mktemp("nbgrader-course")
    exercises.write_nbgrader_config(course, "en")
    released = {}
    for lang in LANGS:
        paths = sorted((ROOT / "solutions" / lang).glob("*.ipynb"))
        out = exercises.release(lang, paths, course)
        released[lang] = {p.stem: nbformat.read(out / p.name, as_version=4) for p in paths}
        for p in paths:
            solution = nbformat.read(p, as_version=4)
            for student in STUDENTS:
                folder = course / "submitted" / student / lang
                folder.mkdir(parents=True, exist_ok=True)
                nbformat.write(submission(released[lang][p.stem], solution, student), folder / p.name)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    for lang in LANGS:
        proc = subprocess.run(
            [sys.executable, "-m", "nbgrader", "autograde", lang, "--force", "--create"],
            cwd=course, env=env, capture_output=True, text=True, timeout=600,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
    gb = Gradebook(f"sqlite:///{course / 'gradebook.db'}")
    yield gb, released
    gb.close()


def test_release_is_the_committed_exercises(graded):
    """nbgrader's own generate_assignment output, normalised, is byte for byte exercises/."""
    _, released = graded
    for lang in LANGS:
        for stem, nb in released[lang].items():
            committed = (ROOT / "exercises" / lang / f"{stem}.ipynb").read_text(encoding="utf-8")
            assert exercises.dumps(hygiene.normalized(nb)) == committed, f"exercises/{lang}/{stem}.ipynb"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_blank_wrong_correct(graded, lang, stem):
    """Every assignment notebook: blank scores 0, wrong strictly between 0 and the autograded
    maximum, correct the autograded maximum — and full marks once the essays are marked."""
    gb, _ = graded
    scores = {}
    for student in STUDENTS:
        sub = gb.find_submission_notebook(stem, lang, student)
        scores[student] = (sub.code_score, sub.max_code_score, sub.score, sub.max_score)
    blank, wrong, correct = scores["blank"], scores["wrong"], scores["correct"]
    max_code = blank[1]
    assert max_code >= 10, f"{lang}/{stem}: only {max_code} autograded points"
    assert blank[0] == 0 and blank[2] == 0, f"{lang}/{stem}: blank scored {blank}"
    assert 0 < wrong[0] < max_code, f"{lang}/{stem}: wrong scored {wrong}"
    assert correct[0] == max_code, f"{lang}/{stem}: correct scored {correct}"

    # the lecturer marks the model essays in the formgrader: full marks
    sub = gb.find_submission_notebook(stem, lang, "correct")
    for grade in sub.grades:
        if grade.auto_score is None or grade.needs_manual_grade:
            grade.manual_score = grade.max_score
    gb.db.commit()
    sub = gb.find_submission_notebook(stem, lang, "correct")
    assert sub.score == sub.max_score > max_code, f"{lang}/{stem}: {sub.score} of {sub.max_score}"


def test_key_is_hidden_and_not_in_kesos(graded):
    """The hand-out holds no key: hidden tests are gone from exercises/, kesos has no answer_key, and
    the letters of a hidden test appear in no module a student notebook imports."""
    from kesos import exercise_checks

    assert not hasattr(exercise_checks, "answer_key")
    for lang in LANGS:
        for path in sorted((ROOT / "exercises" / lang).glob("*.ipynb")):
            text = path.read_text(encoding="utf-8")
            assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text, path
            assert not ANSWER.search("\n".join(c.source for c in nbformat.reads(text, 4).cells)), path
