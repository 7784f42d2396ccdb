"""Content loading and validation: the real course validates, and every kind of lecturer
mistake produces exactly the one-line message its fixture expects — never a traceback."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kesos import content as C
from kesos import schema as S

HERE = Path(__file__).parent
MINIMAL = HERE / "fixtures" / "minimal"
BROKEN = sorted((HERE / "fixtures" / "broken").glob("*.yaml"))
REPO = HERE.parent


def _header(path: Path, key: str) -> list[str]:
    """The fixture's ``# key: value`` header lines (the non-UTF-8 fixture is read leniently)."""
    return [
        line.split(":", 1)[1].strip()
        for line in path.read_bytes().decode("utf-8", errors="replace").split("\n")
        if line.startswith(f"# {key}:")
    ]


def _env() -> dict:
    """Subprocess environment that finds this checkout's kesos even when it is not installed."""
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def _course_with(tmp_path: Path, fixture: Path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(MINIMAL, root)
    (target,) = _header(fixture, "target") or ["content/activities/broken.yaml"]
    shutil.copy(fixture, root / target)
    for rel in _header(fixture, "delete"):
        (root / rel).unlink()
    return root


def test_real_content_validates():
    """The course as shipped has no content problems."""
    course, problems = C.parse(REPO)
    assert problems == [], "\n".join(map(str, problems))
    assert course is not None and course.activities


def test_minimal_fixture_validates():
    """The small example course used by other tests is itself valid."""
    course, problems = C.parse(MINIMAL)
    assert problems == []
    assert {a.type for a in course.activities.values()} == set(S.ACTIVITY_TYPES)


def test_there_are_at_least_twelve_broken_fixtures():
    """Issue 2 asks for at least 12 broken-content fixtures, each named after its defect."""
    assert len(BROKEN) >= 12


@pytest.mark.parametrize("fixture", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_fixture_gives_its_one_line_message(tmp_path, fixture):
    """Each defect yields exactly the expected one-line problems (file, item, field, fix) — no
    follow-on lines, no traceback; a fixture with several ``# expect:`` lines proves they are all
    reported in one pass. Warnings alone (``warning:``) keep the course usable."""
    root = _course_with(tmp_path, fixture)
    course, problems = C.parse(root)
    expected = _header(fixture, "expect")
    lines = [str(p) for p in problems]
    assert lines == expected
    assert all(len(line.splitlines()) == 1 for line in lines)
    only_warnings = all(": warning: " in line for line in expected)
    assert (course is not None) == only_warnings


def test_load_course_raises_content_error_with_all_lines(tmp_path):
    """load_course raises ContentError whose str is the problem lines."""
    root = _course_with(tmp_path, HERE / "fixtures" / "broken" / "no-correct-answer.yaml")
    with pytest.raises(C.ContentError) as exc:
        C.load_course(root)
    assert "no option is marked correct" in str(exc.value)
    assert len(exc.value.problems) == 1


def test_validate_lists_every_error_at_once_and_exits_nonzero(tmp_path):
    """`kesos validate` prints all problems from several files, no traceback, exit code 1."""
    root = tmp_path / "course"
    shutil.copytree(MINIMAL, root)
    for name in ("wrong-type.yaml", "unknown-key.yaml", "bad-yaml-syntax.yaml"):
        shutil.copy(HERE / "fixtures" / "broken" / name, root / "content" / "activities" / name)
    proc = subprocess.run(
        [sys.executable, "-m", "kesos", "validate", "--root", str(root)],
        capture_output=True, text=True, cwd=tmp_path, env=_env(),
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "wrong-type.yaml: item 'q-type'" in proc.stdout
    assert "unknown-key.yaml: item 'q-key'" in proc.stdout
    assert "bad-yaml-syntax.yaml:9:4: YAML syntax error" in proc.stdout
    assert "3 problems found" in proc.stderr


def test_validate_ok_exit_zero():
    """`kesos validate` on the real content exits 0 and says what it checked."""
    proc = subprocess.run(
        [sys.executable, "-m", "kesos", "validate"], capture_output=True, text=True, cwd=REPO, env=_env()
    )
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.startswith("OK:")


def test_cache_reloads_when_a_file_changes(tmp_path):
    """load_course is cached, but an edited file is picked up on the next call."""
    root = tmp_path / "course"
    shutil.copytree(MINIMAL, root)
    first = C.load_course(root)
    assert C.load_course(root) is first
    f = root / "content" / "activities" / "ch01.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("Midgley's view", "Midgley's view (edited)"), encoding="utf-8")
    import os
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))
    second = C.load_course(root)
    assert second is not first
    assert second.activity("q-view-midgley").title.en == "Midgley's view (edited)"


def test_unknown_activity_names_nearest_ids():
    """Asking for a mistyped id names the id and the nearest existing ids."""
    course = C.load_course(MINIMAL)
    with pytest.raises(C.UnknownItemError) as exc:
        course.activity("q-view-midgly")
    assert "q-view-midgley" in str(exc.value)


def test_citation_in_chapter_form():
    """Citations render as 'Friedlander (1980), in Fahrudin 2012:9' and with 'dalam' in Indonesian."""
    course = C.load_course(MINIMAL)
    d = course.definitions["def-friedlander"]
    assert course.cite(d.cite, "en") == "Friedlander (1980), in Fahrudin 2012:9"
    assert course.cite(d.cite, "id") == "Friedlander (1980), dalam Fahrudin 2012:9"
    assert course.citation_of("def-midgley", "en") == "Midgley, in Adi 2015:23"


def _texts(obj, path="$"):
    """Every Text (bilingual) value in a parsed model, with its path."""
    from pydantic import BaseModel

    if isinstance(obj, S.Text):
        yield path, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _texts(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from _texts(v, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _texts(v, f"{path}.{k}")


def test_every_learner_facing_text_has_both_languages():
    """No item in the real content lacks Indonesian or English (and they are not left identical by accident
    in long texts)."""
    course = C.load_course(REPO)
    tables = [course.chapters, course.definitions, course.lists, course.roles, course.role_lists,
              course.misconceptions, course.activities, course.glossary]
    n = 0
    for table in tables:
        for item in table.values():
            for path, text in _texts(item, item.id):
                n += 1
                assert text.id.strip() and text.en.strip(), path
                if len(text.en) > 60:
                    assert text.id != text.en, f"{path}: Indonesian text is a copy of the English"
    assert n > 100


def test_schema_rejects_missing_language_directly():
    """The Text model itself refuses a text with only one language."""
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        S.Text.model_validate({"id": "hanya"})


def test_find_root_env_checkout_and_working_directory(tmp_path, monkeypatch):
    """The course folder is $KESOS_ROOT, else this checkout, else the nearest folder above the
    working directory holding content/ (a plain `pip install .` on JupyterHub, kernel in notebooks/en)."""
    monkeypatch.delenv("KESOS_ROOT", raising=False)
    assert C.find_root() == REPO.resolve()
    site = tmp_path / "site-packages"  # an installed package has no content beside it
    site.mkdir()
    course = tmp_path / "home" / "kesos-course"
    shutil.copytree(MINIMAL, course)
    (course / "notebooks" / "en").mkdir(parents=True)
    assert C.find_root(package_parent=site, cwd=course / "notebooks" / "en") == course.resolve()
    assert C.find_root(package_parent=site, cwd=tmp_path) == site  # nothing found: errors name the files
    monkeypatch.setenv("KESOS_ROOT", str(course))
    assert C.find_root() == course.resolve()


# --------------------------------------------------------------------------- issue 8: one line per problem


def _validate(root: Path, *args: str) -> tuple[int, list[str], str]:
    """`kesos validate` in-process: exit code, stdout lines, stderr."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = C.main(["--root", str(root), *args])
    return code, out.getvalue().splitlines(), err.getvalue()


@pytest.fixture(scope="module")
def real_copy(tmp_path_factory):
    """A copy of the real content and glossary; each test restores what it changes."""
    root = tmp_path_factory.mktemp("real")
    for folder in ("content", "glossary"):
        shutil.copytree(REPO / folder, root / folder)
    return root


@pytest.fixture()
def edit(real_copy):
    """edit(rel, fn): replace a file's text by fn(text) for one test."""
    saved: dict[Path, bytes] = {}

    def apply(rel: str, fn) -> Path:
        path = real_copy / rel
        saved.setdefault(path, path.read_bytes())
        path.write_text(fn(path.read_text(encoding="utf-8")), encoding="utf-8")
        return real_copy

    yield apply
    for path, data in saved.items():
        path.write_bytes(data)


def test_one_broken_file_gives_no_follow_on_unknown_ids(edit):
    """A tab in the real definitions.yaml is one line — not 200 'unknown definition' lines from
    the activities and glossary that refer to definitions."""
    root = edit("content/definitions.yaml", lambda s: s.replace("\n    chapter:", "\n\tchapter:", 1))
    code, lines, _ = _validate(root)
    assert code == 1
    assert len(lines) == 1 and "content/definitions.yaml:" in lines[0] and "tab" in lines[0], lines


def test_a_broken_item_hides_neither_other_items_nor_references(edit):
    """Eleven mistakes in one file — schema errors in six items, unknown references in five
    others — are all listed at once (the valid items' references are checked in the same run)."""
    def mutate(text: str) -> str:
        text = text.replace("title: {id:", "title: {xx: 1, id:", 6)
        head, *rest = text.split("practises: [")
        rest[-5:] = ["def-nope, " + part for part in rest[-5:]]
        return "practises: [".join([head, *rest])

    root = edit("content/activities/ch01.yaml", mutate)
    code, lines, _ = _validate(root)
    assert code == 1
    assert sum("unknown definition or list id 'def-nope'" in ln for ln in lines) == 5, lines
    assert sum("field title.xx: unknown field" in ln for ln in lines) == 6, lines


def test_at_most_twenty_lines_per_file_then_how_many_more(edit):
    """A file with dozens of problems prints 20 of them and one line '… and N more problems'."""
    import re

    root = edit("content/activities/ch07.yaml", lambda s: re.sub(r', en: "(?:[^"\\]|\\.)*"', "", s))
    code, lines, _ = _validate(root)
    mine = [ln for ln in lines if ln.startswith("content/activities/ch07.yaml")]
    assert code == 1 and len(mine) == 21
    assert re.search(r"… and \d+ more problems in this file", mine[-1])


def test_a_far_off_id_gets_the_nearest_existing_ids(edit):
    """An unknown id with no close match still names the nearest existing ids and where ids are
    declared (never just 'add it to the file')."""
    root = edit("content/activities/ch01.yaml", lambda s: s.replace("practises: [", "practises: [zzzz, ", 1))
    _, lines, _ = _validate(root)
    (line,) = [ln for ln in lines if "'zzzz'" in ln]
    assert "the nearest existing ids are '" in line and "content/definitions.yaml" in line


def test_a_one_megabyte_id_is_never_echoed_whole(tmp_path):
    """A 1 MB id gives short lines that say how long it was."""
    root = tmp_path / "course"
    shutil.copytree(MINIMAL, root)
    big = "a" * 1_000_000
    (root / "content" / "activities" / "big.yaml").write_text(
        f"schema_version: 1\nactivities:\n  - id: {big}\n    type: open\n    chapter: {big}\n", encoding="utf-8"
    )
    code, lines, _ = _validate(root)
    assert code == 1 and lines
    assert all(len(ln) < 700 for ln in lines), max(map(len, lines))
    assert any("1000000 characters" in ln for ln in lines)


def test_values_that_break_python_never_raise():
    """The short form of any value never raises: ints past the 4300-digit limit, deep nesting,
    a huge dict; and it is always one line."""
    deep: list = []
    for _ in range(2000):
        deep = [deep]
    for value in (10 ** 5000, deep, {str(i): i for i in range(100_000)}, "a\nb\u2028c\x85d", object()):
        s = C._short(value)
        assert len(s) <= 120 and len(s.splitlines()) == 1


def test_warnings_are_printed_but_fail_only_with_strict(tmp_path):
    """Content the engine would ignore is a warning line: `kesos validate` prints it and exits 0
    (the course still loads), `kesos validate --strict` exits 1."""
    root = _course_with(tmp_path, HERE / "fixtures" / "broken" / "readings-without-discussion.yaml")
    code, lines, err = _validate(root)
    assert code == 0
    assert any(": warning: readings are only shown for discussion cases" in ln for ln in lines)
    assert lines[-1].startswith("OK:") and "1 warning" in err
    assert _validate(root, "--strict")[0] == 1
    assert C.load_course(root).activity("v-read")


def test_a_role_list_naming_an_unknown_role_gives_no_follow_on_lines(edit):
    """A typo in a role list's entry is one line on the role list — the vignettes keyed on that
    list are not told that their role 'is not in the list'."""
    root = edit("content/roles.yaml", lambda s: s.replace("role: broker", "role: brokr", 1))
    code, lines, _ = _validate(root)
    assert code == 1
    assert len(lines) == 1 and "unknown role id 'brokr' — did you mean 'broker'?" in lines[0], lines
