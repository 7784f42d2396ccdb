"""The study notebooks in real JupyterLab, for a student who has worked through two chapters:
every chart of "My progress" renders, the review shows today's due items, and the mock exam can
be sat and submitted. Screenshots of each go to test-artifacts/screenshots/."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

from kesos.content import load_course
from kesos.progress import ProgressStore

from . import harness
from .test_chapters import shut_down_everything

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers.simulated_student import plan, record_plan  # noqa: E402

pytestmark = pytest.mark.browser
NB = harness.CURRENT_NOTEBOOK


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory):
    course = load_course()
    path = tmp_path_factory.mktemp("study-browser") / "progress.sqlite3"
    store = ProgressStore(path)
    mp = pytest.MonkeyPatch()
    record_plan(store, course, plan(course, ("ch01", "ch04")), mp)
    store.close()
    return path


def _copy_with_store(name: str, lang: str, store: Path) -> str:
    """A scratch copy of notebooks/<lang>/study/<name>.ipynb whose setup cell points at ``store``."""
    nb = nbformat.read(harness.REPO_ROOT / "notebooks" / lang / "study" / f"{name}.ipynb", as_version=4)
    cells = []
    for cell in nb.cells:
        source = cell.source
        if cell.cell_type == "code" and source.startswith("import kesos"):
            source = f"import kesos\nkesos.setup({json.dumps(lang)}, progress_path={json.dumps(str(store))})"
        cells.append((cell.cell_type, source))
    path = harness.write_notebook(harness.TMP_NOTEBOOK_DIR / f"study_{name}_{lang}.ipynb", cells)
    return str(path.relative_to(harness.REPO_ROOT))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_progress_charts(lab_server, page, seeded_store, lang):
    """All five charts render (SVG with a caption); the who-said-what caption names the mix-up."""
    shut_down_everything(lab_server)
    harness.open_notebook(page, lab_server, _copy_with_store("progress", lang, seeded_store))
    harness.run_all_cells(page)
    charts = page.locator(f"{NB} figure.kesos-chart")
    page.wait_for_function(f"() => document.querySelectorAll('{NB} figure.kesos-chart svg').length >= 5", timeout=60_000)
    assert charts.count() == 5
    captions = " ".join(charts.locator("figcaption").all_inner_texts())
    assert "Friedlander" in captions and "Zastrow" in captions
    assert not harness.error_outputs(page)
    for i in range(5):
        charts.nth(i).screenshot(path=str(harness.SCREENSHOT_DIR / f"study-chart-{i + 1}-{lang}.png"))
    harness.screenshot(page, f"study-progress-{lang}")


def test_review_and_exam(lab_server, page, seeded_store):
    """The review lists due items as a quiz; the exam shows A–E options, submits after a
    confirmation and shows the score report."""
    shut_down_everything(lab_server)
    harness.open_notebook(page, lab_server, _copy_with_store("review", "en", seeded_store))
    harness.run_all_cells(page)
    page.locator(f"{NB} .jp-OutputArea-output", has_text="Due today").first.wait_for(timeout=60_000)
    assert not harness.error_outputs(page)
    harness.screenshot(page, "study-review-en")

    shut_down_everything(lab_server)
    harness.open_notebook(page, lab_server, _copy_with_store("exam", "en", seeded_store))
    harness.run_all_cells(page)
    exam = page.locator(f"{NB} .kesos-exam").first
    exam.wait_for(timeout=60_000)
    exam.get_by_role("radio").first.check()
    submit = exam.get_by_role("button", name="Submit")
    submit.click()
    exam.get_by_text("unanswered", exact=False).first.wait_for(timeout=20_000)
    submit.click()
    exam.get_by_text("Score:").first.wait_for(timeout=30_000)
    assert not harness.error_outputs(page)
    harness.screenshot(page, "study-exam-en")
