"""The on-disk cache of parsed and validated content (kesos.content): a new kernel reads the course
back instead of parsing all the YAML again, and never gets a stale or broken course from it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kesos import content
from kesos.content import ContentError, load_course

REPO = Path(__file__).resolve().parent.parent
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
PROMPT = 'prompt: {id: "Midgley memandang kesejahteraan sebagai ...", en: "Midgley sees welfare as ..."}'


def _forget() -> None:
    """What a new kernel starts with: nothing in memory."""
    content._cache.clear()
    content._FILE_CACHE.clear()
    content._dirs_seen.clear()


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("KESOS_CACHE_DIR", str(folder))
    _forget()
    yield folder
    _forget()


@pytest.fixture()
def root(tmp_path):
    r = tmp_path / "course"
    shutil.copytree(MINIMAL, r)
    return r


def _activities(course) -> dict:
    return {i: a.model_dump() for i, a in course.activities.items()}


def test_a_new_process_reads_the_course_from_the_cache_without_parsing(tmp_path):
    """A second process with the same content gets an equal course while YAML parsing and
    validation are made to fail: it came from the cache."""
    env = {**os.environ, "KESOS_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(REPO)}
    dump = ("import json, kesos.content as C\nc = C.load_course()\n"
            "print(json.dumps({i: a.model_dump(mode='json') for i, a in c.activities.items()}, sort_keys=True))")
    first = subprocess.run([sys.executable, "-c", dump], env=env, capture_output=True, text=True, check=True)
    assert list((tmp_path / "cache").glob("course-*.pickle"))
    blocked = ("import kesos.content as C\n"
               "def no(*a, **k):\n    raise AssertionError('parsed again')\n"
               "C.parse = no\nC._yaml_from_bytes = no\n" + dump.split("\n", 1)[1])
    blocked = "import json\n" + blocked
    second = subprocess.run([sys.executable, "-c", blocked], env=env, capture_output=True, text=True)
    assert second.returncode == 0, second.stderr[-2000:]
    assert second.stdout == first.stdout
    assert len(second.stdout) > 10_000  # the whole course, not an empty one


def test_an_edit_is_seen_and_the_old_content_comes_back_from_the_cache(cache, root):
    """Edit a prompt: the next load (in a fresh process's state) shows the new text; undo the
    edit: the old text again, now read from the cache."""
    before = load_course(root).activity("q-view-midgley").prompt.get("en")
    acts = root / "content" / "activities" / "ch01.yaml"
    text = acts.read_text(encoding="utf-8")
    assert PROMPT in text
    acts.write_text(text.replace("Midgley sees welfare as ...", "Midgley sees welfare as a state"), encoding="utf-8")
    _forget()
    assert load_course(root).activity("q-view-midgley").prompt.get("en") == "Midgley sees welfare as a state"
    acts.write_text(text, encoding="utf-8")
    _forget()
    assert load_course(root).activity("q-view-midgley").prompt.get("en") == before
    assert len(list(cache.glob("course-*.pickle"))) == 2


def test_an_edit_in_the_same_kernel_is_seen_at_once(cache, root):
    """No fresh process: the in-memory copy notices the changed file, and a new file too."""
    assert "q-extra" not in load_course(root).activities
    extra = root / "content" / "activities" / "extra.yaml"
    text = (root / "content" / "activities" / "ch01.yaml").read_text(encoding="utf-8")
    first = text.index("  - id: q-view-midgley")
    end = text.index("\n  - id:", first + 1)
    extra.write_text("schema_version: 1\nactivities:\n" + text[first:end].replace("q-view-midgley", "q-extra") + "\n",
                     encoding="utf-8")
    assert "q-extra" in load_course(root).activities


def test_broken_content_is_never_cached(cache, root):
    """Content with an error raises every time and leaves no course in the cache."""
    acts = root / "content" / "activities" / "ch01.yaml"
    acts.write_text(acts.read_text(encoding="utf-8").replace("q-view-midgley", "q-view-midgley\n    colour: red", 1),
                    encoding="utf-8")
    for _ in range(2):
        _forget()
        with pytest.raises(ContentError) as e:
            load_course(root)
        assert any("colour" in str(p) for p in e.value.problems)
    assert not list(cache.glob("course-*.pickle"))


def test_a_corrupt_cache_is_read_past(cache, root):
    """Every cache file overwritten with garbage (or cut short): the course is parsed again."""
    good = _activities(load_course(root))
    files = list(cache.iterdir())
    assert any(f.suffix == ".json" for f in files) and any(f.suffix == ".pickle" for f in files)
    for i, f in enumerate(files):
        f.write_bytes(b"\x80\x05garbage" if i % 2 else f.read_bytes()[: len(f.read_bytes()) // 2])
    _forget()
    assert _activities(load_course(root)) == good


def test_the_cache_can_be_turned_off_or_be_unwritable(tmp_path, monkeypatch, root):
    """KESOS_CACHE_DIR=off writes nothing; a cache path that cannot be a folder only costs time."""
    monkeypatch.setenv("KESOS_CACHE_DIR", "off")
    _forget()
    assert load_course(root).activities
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("KESOS_CACHE_DIR", str(blocker))
    _forget()
    assert load_course(root).activities
    assert blocker.read_text() == "x"
    assert not [p for p in tmp_path.rglob("*.pickle")]
    _forget()


def test_old_entries_are_pruned(cache, root):
    """Many edits keep only the newest four courses."""
    acts = root / "content" / "activities" / "ch01.yaml"
    text = acts.read_text(encoding="utf-8")
    for n in range(7):
        acts.write_text(text.replace("Midgley sees welfare as ...", f"Midgley sees welfare as ({n})"), encoding="utf-8")
        _forget()
        assert load_course(root).activity("q-view-midgley").prompt.get("en").endswith(f"({n})")
    assert len(list(cache.glob("course-*.pickle"))) == 4
