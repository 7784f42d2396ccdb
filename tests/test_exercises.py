"""Exercises and solutions: solutions/ is the single source, exercises/ is generated from it by
``kesos exercises``, and every check in kesos.exercise_checks answers blank, wrong and right
answers correctly without ever raising.

The notebooks are executed once per test session (in parallel, one kernel each, progress kept in a
temporary database) and the tests below read the outputs of that one run.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import dataclasses
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from kesos import exercise_checks as ex
from kesos import exercises, hygiene
from kesos.i18n import LANGUAGES, t

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"


def _load_yaml(rel: str):
    return yaml.safe_load((REPO / rel).read_text(encoding="utf-8"))


# Exercises exist for chapters 1–6; their file names are the chapters' slugs (content/course.yaml).
SLUGS = [c["slug"] for c in _load_yaml("content/course.yaml")["chapters"] if 1 <= c["number"] <= 6]
NOTEBOOK_NAMES = [f"{slug}.ipynb" for slug in SLUGS]

CODE_REGION = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION[ \t]*$", re.M | re.S)
MD_REGION = re.compile(r"^[ \t]*<!--[ \t]*BEGIN SOLUTION[ \t]*-->[ \t]*\n(.*?)^[ \t]*<!--[ \t]*END SOLUTION", re.M | re.S)
CHECK_CALL = re.compile(r"\bex\.(check\w*)\(([^()]*(?:\([^()]*\))?[^()]*)\)")


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def _prefix(key: str, lang: str) -> str:
    """The fixed start of a verdict line, before any placeholder."""
    return t(key, lang).split("{")[0].strip()


def _verdicts(text: str, lang: str) -> list[str]:
    """The verdict of every check line in an output text: blank, wrong or pass."""
    found = []
    for line in text.splitlines():
        for status, key in ex.STATUS_KEYS.items():
            if line.startswith(_prefix(key, lang)):
                found.append(status)
    return found


# --------------------------------------------------------------------------- tree shape


@pytest.mark.parametrize("tree", [SOLUTIONS, EXERCISES], ids=["solutions", "exercises"])
def test_one_notebook_per_chapter_in_both_languages(tree):
    """solutions/ and exercises/ hold 01–06 under the chapters' slugs, in id and en alike."""
    for lang in LANGUAGES:
        names = sorted(p.name for p in (tree / lang).glob("*.ipynb"))
        assert names == sorted(NOTEBOOK_NAMES), f"{tree.name}/{lang}: {names}"


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_both_languages_hold_the_same_exercises(name):
    """Same cells in the same order, the same solution cells, and the same checks with the same
    task ids; the setup cell states the notebook's own language."""
    nbs = {lang: _read(SOLUTIONS / lang / name) for lang in LANGUAGES}
    shapes = {
        lang: [(c.cell_type, "solution" in c.metadata.get("tags", [])) for c in nb.cells] for lang, nb in nbs.items()
    }
    assert shapes["id"] == shapes["en"], f"{name}: cell types or solution cells differ between id and en"
    calls = {
        lang: [m.group(0) for c in nb.cells if c.cell_type == "code" for m in CHECK_CALL.finditer(_source(c))]
        for lang, nb in nbs.items()
    }
    assert calls["id"] == calls["en"], f"{name}: checks differ between id and en"
    assert any(c.startswith("ex.check") for c in calls["id"]), f"{name}: no code check at all"
    for lang, nb in nbs.items():
        setup = _source(nb.cells[0])
        assert f'kesos.setup("{lang}")' in setup and "exercise_checks as ex" in setup, f"{lang}/{name}: setup cell"


def test_every_check_names_a_registered_task():
    """Every task id a notebook passes to a check exists in exercise_checks.TASKS."""
    for lang in LANGUAGES:
        for name in NOTEBOOK_NAMES:
            for cell in _read(SOLUTIONS / lang / name).cells:
                for m in re.finditer(r'ex\.(?:check_\w+|check|show_task)\("([^"]+)"', _source(cell)):
                    assert m.group(1) in ex.TASKS, f"{lang}/{name}: unknown task {m.group(1)!r}"


HEADING_POINTS = re.compile(r"^### (?:Soal|Question) \d+ \((\d+) (?:poin|points)\)", re.M)
RUBRIC_ROW = re.compile(r"^\|[^\n]*\|\s*(\d+)\s*\|\s*$", re.M)


@pytest.mark.parametrize("rel", [f"{lang}/{name}" for lang in LANGUAGES for name in NOTEBOOK_NAMES])
def test_rubric_points_add_up_to_the_question(rel):
    """A rubric table in an answer cell gives exactly the points its question's heading promises."""
    points = None
    for cell in _read(SOLUTIONS / rel).cells:
        heading = HEADING_POINTS.search(_source(cell))
        if heading:
            points = int(heading.group(1))
        elif "solution" in cell.metadata.get("tags", []) and cell.cell_type == "markdown":
            rows = [int(n) for n in RUBRIC_ROW.findall(_source(cell))]
            if rows:
                assert sum(rows) == points, f"solutions/{rel} cell {cell.id}: rubric gives {sum(rows)}, heading {points}"


def test_exercises_are_a_fresh_regeneration(capsys):
    """`kesos exercises --check` passes: exercises/ equals what solutions/ generates now."""
    assert exercises.main(["--check"]) == 0, capsys.readouterr().err


def test_no_solution_text_in_exercises():
    """No line of any solution region (code or markdown) appears anywhere in exercises/: not as a
    line of its own (8+ characters), nor inside other text (25+ characters; shorter pieces, such as
    the last words of a wrapped sentence, occur by chance)."""
    handed_out = "\n".join(
        _source(c) for lang in LANGUAGES for name in NOTEBOOK_NAMES for c in _read(EXERCISES / lang / name).cells
    )
    handed_out_lines = {line.strip() for line in handed_out.splitlines()}
    leaks = []
    for lang in LANGUAGES:
        for name in NOTEBOOK_NAMES:
            for index, cell in enumerate(_read(SOLUTIONS / lang / name).cells):
                pattern = CODE_REGION if cell.cell_type == "code" else MD_REGION
                for region in pattern.findall(_source(cell)):
                    for line in region.splitlines():
                        line = line.strip()
                        if (len(line) >= 8 and line in handed_out_lines) or (len(line) >= 25 and line in handed_out):
                            leaks.append(f"{lang}/{name} cell {index}: {line!r}")
    assert not leaks, "solution text found in exercises/:\n" + "\n".join(leaks[:20])


def test_answer_cells_hold_the_stub_and_keep_their_ids():
    """Each solution cell becomes an `answer` cell holding the localized stub, with the same id."""
    for lang in LANGUAGES:
        for name in NOTEBOOK_NAMES:
            sol, exe = _read(SOLUTIONS / lang / name), _read(EXERCISES / lang / name)
            assert [c.id for c in sol.cells] == [c.id for c in exe.cells]
            for s, e in zip(sol.cells, exe.cells):
                if "solution" not in s.metadata.get("tags", []):
                    assert _source(s) == _source(e), f"{lang}/{name} cell {s.id} changed though not a solution"
                    continue
                assert e.metadata["tags"] == ["answer"]
                stub = t("exercise_code_stub" if e.cell_type == "code" else "exercise_markdown_stub", lang)
                assert stub in _source(e), f"{lang}/{name} cell {e.id}: no stub"
                assert "SOLUTION" not in _source(e)


# --------------------------------------------------------------------------- execution


async def _run_all(paths: list[Path], env: dict) -> dict[Path, nbformat.NotebookNode]:
    from nbclient import NotebookClient

    gate = asyncio.Semaphore(max(2, min(6, (os.cpu_count() or 2) * 2)))

    async def run(path: Path):
        nb = _read(path)
        async with gate:
            client = NotebookClient(
                nb, kernel_name="python3", timeout=120, allow_errors=True,
                resources={"metadata": {"path": str(path.parent)}},  # run from the notebook's folder
            )
            await client.async_execute(env=env)
        return path, nb

    return dict(await asyncio.gather(*(run(p) for p in paths)))


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Every solution and exercise notebook, executed once (in parallel, one kernel each)."""
    env = dict(os.environ)
    env["KESOS_PROGRESS_DB"] = str(tmp_path_factory.mktemp("progress") / "progress.sqlite3")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    paths = [tree / lang / name for tree in (SOLUTIONS, EXERCISES) for lang in LANGUAGES for name in NOTEBOOK_NAMES]
    # A thread of its own: a session-wide sync Playwright (tests/browser) keeps an event loop
    # marked as running in the main thread, where asyncio.run() would refuse to start.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _run_all(paths, env)).result()


def _outputs(nb) -> tuple[list[str], list[str]]:
    """(error lines, verdicts) of an executed notebook."""
    errors, verdicts = [], []
    lang = "en" if 'kesos.setup("en")' in _source(nb.cells[0]) else "id"
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                errors.append(f"cell {index}: {out.ename}: {out.evalue}")
            elif out.output_type == "stream":
                if out.name == "stderr" and "Traceback" in out.text:
                    errors.append(f"cell {index}: traceback on stderr")
                verdicts += _verdicts(out.text, lang)
    return errors, verdicts


def _n_checks(nb) -> int:
    return sum(
        1 for c in nb.cells if c.cell_type == "code" for m in CHECK_CALL.finditer(_source(c)) if m.group(1).startswith("check")
    )


@pytest.mark.parametrize("rel", [f"{lang}/{name}" for lang in LANGUAGES for name in NOTEBOOK_NAMES])
def test_solutions_run_and_every_check_passes(executed, rel):
    nb = executed[SOLUTIONS / rel]
    errors, verdicts = _outputs(nb)
    assert not errors, errors
    assert verdicts == [ex.PASS] * _n_checks(nb), f"solutions/{rel}: {verdicts}"


@pytest.mark.parametrize("rel", [f"{lang}/{name}" for lang in LANGUAGES for name in NOTEBOOK_NAMES])
def test_exercises_run_as_handed_out_and_every_check_says_not_attempted(executed, rel):
    nb = executed[EXERCISES / rel]
    errors, verdicts = _outputs(nb)
    assert not errors, errors
    assert verdicts == [ex.BLANK] * _n_checks(nb), f"exercises/{rel}: {verdicts}"


# --------------------------------------------------------------------------- the generator


def _code(source: str, tags=("solution",), **kw):
    return nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)} if tags else {}, **kw)


def _md(source: str, tags=("solution",), **kw):
    return nbformat.v4.new_markdown_cell(source, metadata={"tags": list(tags)} if tags else {}, **kw)


def _course_root(tmp_path: Path, cells: list, lang: str = "id", name: str = "01_welfare.ipynb") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(hygiene.KERNELSPEC), "language_info": dict(hygiene.LANGUAGE_INFO)}
    nb.cells = [_code('import kesos\nkesos.setup("id")', tags=(), id="setup")] + cells
    (tmp_path / "solutions" / lang).mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, tmp_path / "solutions" / lang / name)
    return tmp_path


DEFECTS = {
    "marker-in-untagged-code-cell": [_code("### BEGIN SOLUTION\nanswer = 1\n### END SOLUTION", tags=(), id="c1")],
    "marker-in-untagged-markdown-cell": [_md("<!-- BEGIN SOLUTION -->\nJawaban\n<!-- END SOLUTION -->", tags=(), id="c1")],
    "end-without-begin": [_code("answer = 1\n### END SOLUTION", id="c1")],
    "begin-never-closed": [_code("### BEGIN SOLUTION\nanswer = 1", id="c1")],
    "nested-begin": [_code("### BEGIN SOLUTION\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n### END SOLUTION", id="c1")],
    "code-marker-in-markdown-cell": [_md("### BEGIN SOLUTION\nJawaban\n### END SOLUTION", id="c1")],
    "malformed-marker": [_code("## BEGIN SOLUTION\nanswer = 1\n### END SOLUTION", id="c1")],
    "tagged-without-region": [_code("answer = 1", id="c1")],
    "tagged-raw-cell": [nbformat.v4.new_raw_cell("x", metadata={"tags": ["solution"]}, id="c1")],
}


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_generator_fails_loudly_on_a_bad_marker(tmp_path, capsys, defect):
    """A misplaced, unmatched, nested or malformed marker stops the generator with ONE line naming
    the notebook and the cell index, and nothing is written."""
    root = _course_root(tmp_path, copy.deepcopy(DEFECTS[defect]))
    assert exercises.main(["--root", str(root)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("kesos exercises: solutions/id/01_welfare.ipynb: cell 1: "), err[0]
    assert not (root / "exercises").exists()


def test_generator_fails_on_a_copy_of_a_real_solution(tmp_path, capsys):
    """The same holds for a real solution notebook with one marker moved out of its cell's tag."""
    shutil.copytree(SOLUTIONS, tmp_path / "solutions")
    path = tmp_path / "solutions" / "en" / NOTEBOOK_NAMES[0]
    nb = _read(path)
    index = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "solution" in c.metadata.get("tags", []))
    nb.cells[index].metadata["tags"] = []
    nbformat.write(nb, path)
    assert exercises.main(["--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [err[0]] and f"solutions/en/{NOTEBOOK_NAMES[0]}: cell {index}: " in err[0]


def test_generator_replaces_solutions_keeps_ids_and_strips_outputs(tmp_path):
    """Code regions become a localized comment plus `name = None` for names read later (so the cell
    runs); markdown regions become the localized prompt; ids stay; outputs go; the result is the
    canonical clean layout, and a second run writes the same bytes."""
    code = _code(
        "# keep me\n### BEGIN SOLUTION\nhelper = 2\nanswer = helper * 21\n### END SOLUTION\nprint(answer)",
        id="code1", execution_count=3,
        outputs=[nbformat.v4.new_output("stream", name="stdout", text="42\n")],
    )
    indented = _code("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\nf()", id="code2")
    md = _md("**Jawaban:**\n\n<!-- BEGIN SOLUTION -->\nRahasia.\n<!-- END SOLUTION -->", id="md1")
    root = _course_root(tmp_path, [code, indented, md])
    assert exercises.main(["--root", str(root)]) == 0
    out_path = root / "exercises" / "id" / "01_welfare.ipynb"
    first = out_path.read_text(encoding="utf-8")
    nb = nbformat.reads(first, as_version=4)
    assert [c.id for c in nb.cells] == ["setup", "code1", "code2", "md1"]
    assert _source(nb.cells[1]) == "# keep me\n# TULIS KODE ANDA DI SINI\nanswer = None\nprint(answer)"
    assert _source(nb.cells[2]) == "def f():\n    # TULIS KODE ANDA DI SINI\n    pass\nf()"
    assert _source(nb.cells[3]) == "**Jawaban:**\n\n_Tulis jawaban Anda di sini._"
    assert nb.cells[1].outputs == [] and nb.cells[1].execution_count is None
    assert nb.cells[1].metadata["tags"] == ["answer"]
    assert hygiene.problems(out_path) == []
    assert exercises.main(["--root", str(root), "--check"]) == 0
    assert exercises.main(["--root", str(root)]) == 0
    assert out_path.read_text(encoding="utf-8") == first


def test_english_stubs(tmp_path):
    root = _course_root(tmp_path, [_code("### BEGIN SOLUTION\nanswer = 1\n### END SOLUTION\nx = answer", id="c")], lang="en")
    built, problems = exercises.generate(root)
    assert not problems
    nb = nbformat.reads(next(iter(built.values())), as_version=4)
    assert _source(nb.cells[1]) == "# YOUR CODE HERE\nanswer = None\nx = answer"


def test_check_reports_drift_and_stale_files(tmp_path, capsys):
    """--check exits 1 on an edited, a missing or a stale exercise notebook; generating fixes all."""
    root = _course_root(tmp_path, [_code("### BEGIN SOLUTION\nanswer = 1\n### END SOLUTION", id="c")])
    assert exercises.main(["--root", str(root), "--check"]) == 1  # missing
    assert exercises.main(["--root", str(root)]) == 0
    target = root / "exercises" / "id" / "01_welfare.ipynb"
    target.write_text(target.read_text(encoding="utf-8").replace("TULIS", "HAPUS"), encoding="utf-8")
    stale = root / "exercises" / "id" / "99_old.ipynb"
    stale.write_text(target.read_text(encoding="utf-8"), encoding="utf-8")
    capsys.readouterr()
    assert exercises.main(["--root", str(root), "--check"]) == 1
    err = capsys.readouterr().err
    assert "01_welfare.ipynb: differs" in err and "99_old.ipynb: no solution notebook" in err
    assert exercises.main(["--root", str(root)]) == 0
    assert not stale.exists()
    assert exercises.main(["--root", str(root), "--check"]) == 0


# --------------------------------------------------------------------------- the checks (pure)

TASK_IDS = sorted(ex.TASKS)


def _wrong_answers(task_id: str) -> list:
    """Answers of the right shape that are wrong, built from the key."""
    task, key = ex.TASKS[task_id], ex.answer_key(task_id)
    if task.kind == "set":
        universe = set(task.universe(ex._course()))
        outsider = sorted(universe - key)[0]
        return [sorted(key)[1:], sorted(key) + [outsider]]
    if task.kind == "counts":
        first = next(iter(key))
        return [{**key, first: key[first] + 1}, {k: v for k, v in key.items() if k != first}]
    if task.kind in ("classification", "matching"):
        options = [o for o, _ in task.options(ex._course())]
        first = next(iter(key))
        other = next(o for o in options if o != key[first])
        partial = dict(list(key.items())[:-1])
        return [{**key, first: other}, partial, {**key, "no-such-item": options[0]}]
    if task.kind == "order":
        return [list(reversed(key)), key[:-1], key[:-1] + [key[0]]]
    raise AssertionError(task.kind)


BLANKS = [None, ..., "", "   ", "...", "TODO", [], (), {}, set(), {"x": None}, [None, None]]
JUNK = [42, 3.5, True, "broker", b"bytes", object(), print, [1, 2], {1: 2}, {"a": [1]}, {"a": object()},
        ["a", 3], float("nan"), {"a": 1.5}, range(3), iter([1])]


@pytest.mark.parametrize("task_id", TASK_IDS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_blank_answers_are_not_attempted(task_id, lang):
    for answer in BLANKS:
        assert ex.evaluate(task_id, answer, lang).status == ex.BLANK, (task_id, answer)


@pytest.mark.parametrize("task_id", TASK_IDS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_right_answer_passes(task_id, lang):
    key = ex.answer_key(task_id)
    verdict = ex.evaluate(task_id, key, lang)
    assert verdict.status == ex.PASS, verdict.message
    assert verdict.message.startswith(_prefix("exercise_pass", lang))


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_right_answer_in_other_shapes_passes(task_id):
    """pandas objects, lists and differently-cased ids are accepted where they make sense."""
    import pandas as pd

    key = ex.answer_key(task_id)
    kind = ex.TASKS[task_id].kind
    if kind == "set":
        shapes = [sorted(key), tuple(key), pd.Series(sorted(key)), pd.Index(sorted(key)), [k.upper() for k in key]]
    elif kind in ("counts", "classification", "matching"):
        shapes = [pd.Series(key), {k.upper(): v for k, v in key.items()}]
    else:
        shapes = [tuple(key), pd.Series(key), [k.upper() for k in key]]
    for answer in shapes:
        assert ex.evaluate(task_id, answer, "en").status == ex.PASS, (task_id, answer)


@pytest.mark.parametrize("task_id", TASK_IDS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_wrong_answers_are_not_yet_with_a_hint(task_id, lang):
    prefix = _prefix("exercise_not_yet", lang)
    for answer in _wrong_answers(task_id):
        verdict = ex.evaluate(task_id, answer, lang)
        assert verdict.status == ex.WRONG, (task_id, answer)
        assert verdict.message.startswith(prefix) and len(verdict.message) > len(prefix) + 5, verdict.message


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_junk_never_raises(task_id, capsys):
    """Wrong types and misbehaving objects give one line and never a traceback."""
    for answer in JUNK:
        verdict = ex.evaluate(task_id, answer, "id")
        assert verdict.status in (ex.WRONG, ex.BLANK), (task_id, answer)
        ex.check(task_id, answer)
        out = capsys.readouterr()
        assert len(out.out.strip().splitlines()) == 1 and not out.err, (task_id, answer, out)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_check_prints_exactly_one_line_in_the_notebook_language(lang, capsys):
    import kesos

    kesos.setup(lang)
    try:
        for answer, status in ((None, ex.BLANK), (["enabler"], ex.WRONG), (ex.answer_key("roles-shared"), ex.PASS)):
            assert ex.check_roles_shared(answer) is None
            lines = capsys.readouterr().out.strip().splitlines()
            assert len(lines) == 1 and _verdicts(lines[0], lang) == [status], lines
    finally:
        kesos.setup("id")


def test_named_checks_refuse_a_task_of_another_kind(capsys):
    """A cell that calls the wrong kind of check gets a message for the lecturer, not a traceback."""
    ex.check_classification("roles-shared", {"a": "b"})
    ex.check_set("no-such-task", {"a"})
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and all(_verdicts(line, "id") == [ex.WRONG] for line in lines)


def test_hints_point_at_the_problem():
    """Hints name an extra id, the first wrong position, and the misconception to watch for."""
    extra = ex.evaluate("roles-shared", ["enabler", "broker", "advocate", "mediator"], "en").message
    assert "mediator" in extra
    order = ex.evaluate("stage-order", ["engagement", "planning", "assessment", "implementation",
                                        "evaluation", "termination"], "en").message
    assert "position 2" in order
    belief = ex._course().misconceptions["m11-stage-order"].text.en
    assert belief in order
    shape = ex.evaluate("stage-order", {"engagement"}, "en").message
    assert "list" in shape and "set" in shape


# Keys computed from content: each must equal what the raw YAML says, so no key is hard-coded.


def test_keys_agree_with_the_raw_content():
    roles = _load_yaml("content/roles.yaml")["role_lists"]
    role_sets = [{e["role"] for e in rl["entries"]} for rl in roles]
    assert ex.answer_key("roles-shared") == set.intersection(*role_sets)
    lists = {lst["id"]: lst for lst in _load_yaml("content/lists.yaml")["lists"]}
    assert ex.answer_key("stage-order") == [e["id"] for e in lists["list-siporin-stages"]["entries"]]
    scope = {e["id"] for e in lists["list-sainsbury-scope"]["entries"]}
    ideal = {e["id"] for e in lists["list-services-ideal"]["entries"]}
    assert ex.answer_key("services-shared") == scope & ideal
    assert ex.answer_key("services-only-ideal") == ideal - scope
    defs = _load_yaml("content/definitions.yaml")["definitions"]
    views = [d["view"] for d in defs if d.get("view")]
    assert ex.answer_key("view-counts") == {v: views.count(v) for v in set(views)}
    assert sum(ex.answer_key("lists-per-chapter").values()) == len(lists)


def test_keys_follow_the_content(monkeypatch):
    """Change the content and the key changes with it."""
    course = ex._course()
    huda = course.role_lists["huda2009"]
    changed = dataclasses.replace(
        course,
        role_lists={**course.role_lists, "huda2009": huda.model_copy(
            update={"entries": [e for e in huda.entries if e.role != "advocate"]})},
    )
    monkeypatch.setattr(ex, "_course", lambda: changed)
    assert ex.answer_key("roles-shared") == {"enabler", "broker"}
    assert ex.evaluate("roles-shared", ["enabler", "broker"], "en").status == ex.PASS


def test_broken_content_gives_one_line_not_a_traceback(monkeypatch, capsys):
    from kesos.content import ContentError, Problem

    def broken():
        raise ContentError([Problem("content/roles.yaml", "huda2009", "entries", "must not be empty")])

    monkeypatch.setattr(ex, "_course", broken)
    ex.check_roles_shared(["enabler"])
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "content/roles.yaml" in out[0]
    assert ex.evaluate("roles-shared", None, "en").status == ex.BLANK  # blank needs no content


@pytest.mark.parametrize("task_id", [k for k, v in sorted(ex.TASKS.items()) if v.kind in ("classification", "matching", "order")])
def test_show_task_lists_items_and_choices(task_id, capsys):
    """The tables a learner copies ids from: every key id is listed, in both languages."""
    for lang in LANGUAGES:
        key = ex.answer_key(task_id)
        choice_ids = {c for c, _ in ex.choices(task_id, lang)}
        if isinstance(key, dict):
            assert {i for i, _ in ex.items(task_id, lang)} == set(key)
            assert set(key.values()) <= choice_ids
        else:
            assert set(key) == choice_ids
        assert all(text.strip() for _, text in ex.items(task_id, lang) + ex.choices(task_id, lang))
