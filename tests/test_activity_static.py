"""The static copy of the activities: a chapter executed and converted to HTML with nbconvert
shows every activity's title and prompt (escaped, in the text/html beside the widget view) and
none of the keys — as in GitHub's viewer, a Jupyter Book or an HTML export read offline."""
from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter
from nbconvert.preprocessors import ExecutePreprocessor

from kesos.content import load_course

REPO = Path(__file__).resolve().parent.parent
CHAPTER = REPO / "notebooks" / "en" / "04_roles.ipynb"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    import os

    os.environ.setdefault("KESOS_PROGRESS_DB", str(tmp_path_factory.mktemp("p") / "p.sqlite3"))
    nb = nbformat.read(CHAPTER, as_version=4)
    # As a notebook saved from JupyterLab (which does not save widget state by default) or
    # `jupyter nbconvert --execute --ExecutePreprocessor.store_widget_state=False`.
    ExecutePreprocessor(timeout=180, kernel_name="python3", store_widget_state=False).preprocess(
        nb, {"metadata": {"path": str(CHAPTER.parent)}})
    body, _ = HTMLExporter().from_notebook_node(nb)
    return body


def test_executed_chapter_as_html_shows_every_activity_without_the_key(exported):
    course = load_course()
    acts = [a for a in course.activities.values() if a.chapter == "ch04"]
    visible = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", exported)).split())
    shown = re.findall(r'<div class="kesos-static kesos-type-[a-z]+" data-kesos-id="([^"]+)"', exported)
    calls = re.findall(r'kesos\.(?:show|quiz)\(', CHAPTER.read_text())
    assert calls and len(shown) >= len(calls)
    for item_id in set(shown):
        a = course.activity(item_id)
        for text in (a.title.get("en"), a.prompt.get("en").split("\n\n")[0]):
            assert " ".join(text.split()) in visible, (item_id, text)
    for a in acts:  # no key: the right options' feedback, the vignettes' rationales
        if a.type == "choice":
            for o in a.options:
                if o.correct and len(o.feedback.get("en")) > 20:
                    assert " ".join(o.feedback.get("en").split()) not in visible, a.id
        if a.type == "vignette":
            for fit in a.fits.values():
                for why in fit.why.values():
                    assert " ".join(why.get("en").split()) not in visible, a.id
