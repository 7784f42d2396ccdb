"""The glossary notebooks in real JupyterLab: the search box filters as you type (across both
languages, accent-insensitive, escaping what was typed) and the flashcards flip and move on."""
from __future__ import annotations

import pytest

from . import harness
from .test_chapters import shut_down_everything

pytestmark = pytest.mark.browser

NB = harness.CURRENT_NOTEBOOK


@pytest.mark.parametrize("lang", ["id", "en"])
def test_glossary_search_and_flashcards(lab_server, page, lang):
    """Typing filters the glossary live; Flip shows the other language; "Not yet" moves on."""
    shut_down_everything(lab_server)
    try:
        harness.open_notebook(page, lab_server, f"glossary/glossary_{lang}.ipynb")
        harness.run_all_cells(page)
        search = page.locator(f"{NB} .kesos-glossary-search input[type=text]").first
        search.wait_for(timeout=60_000)
        results = page.locator(f"{NB} .kesos-g-results").first

        search.click()
        search.press_sequentially("PEMUNGKIN", delay=20)  # upper case, Indonesian term
        page.wait_for_function(
            "(sel) => /enabler/i.test(document.querySelector(sel)?.innerText || '')",
            arg=f"{NB} .kesos-g-results", timeout=20_000,
        )
        search.fill("")
        search.press_sequentially("<b>x</b>", delay=20)  # what the learner types is shown escaped
        page.wait_for_function(
            "(sel) => (document.querySelector(sel)?.innerText || '').includes('<b>x</b>')",
            arg=f"{NB} .kesos-g-results", timeout=20_000,
        )
        assert results.locator("b", has_text="x").count() == 0

        cards = page.locator(f"{NB} .kesos-glossary-flashcards").first
        front = cards.inner_text()
        cards.get_by_role("button", name=harness_label(lang, "flip")).click()
        page.wait_for_function(
            "([sel, before]) => document.querySelector(sel).innerText !== before",
            arg=[f"{NB} .kesos-glossary-flashcards", front], timeout=20_000,
        )
        flipped = cards.inner_text()
        cards.get_by_role("button", name=harness_label(lang, "not_yet")).click()
        page.wait_for_function(
            "([sel, before]) => document.querySelector(sel).innerText !== before",
            arg=[f"{NB} .kesos-glossary-flashcards", flipped], timeout=20_000,
        )
        assert [e for e in harness.error_outputs(page) if "Traceback" in e] == []
        harness.screenshot(page, f"glossary-{lang}")
        assert page.console_errors == []
    finally:
        shut_down_everything(lab_server)


def harness_label(lang: str, key: str) -> str:
    """A flashcard button's label, from the same catalogue the widget uses."""
    from kesos.i18n import t

    return t({"flip": "glossary_flip", "not_yet": "glossary_not_yet"}[key], lang)
