"""The item bank page in real Chromium: choosing a chapter shows only that chapter's activities,
"all chapters" shows every one again, the page raises no console error, and axe-core finds no
serious or critical accessibility violation."""
from __future__ import annotations

import pytest

from kesos.content import load_course
from kesos.itembank import write

from . import harness

pytestmark = pytest.mark.browser


def test_itembank_chapter_filter(page, tmp_path):
    """Filter to chapter 04 and back; counts follow the content (chapters 01 and 04 keep it quick)."""
    course = load_course()
    path = write(tmp_path / "itembank.html", "en", course=course, chapters=["01", "04"])
    page.goto(path.as_uri())
    total = len(course.activities_in("ch01")) + len(course.activities_in("ch04"))
    ch04 = len(course.activities_in("ch04"))
    assert page.locator("article.item:visible").count() == total
    page.select_option("#chapter-filter", "ch04")
    assert page.locator("article.item:visible").count() == ch04
    assert page.locator("#shown-count").inner_text() == str(ch04)
    page.select_option("#chapter-filter", "")
    assert page.locator("article.item:visible").count() == total
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [v["id"] for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert serious == []
    harness.screenshot(page, "itembank-en", full_page=False)
    assert page.console_errors == []
