"""Exam preparation for self-studying students: progress dashboard, spaced review, mock exam.

The notebooks in ``notebooks/<lang>/study/`` make one call per chart or tool::

    kesos.study.mastery()        # mastery per chapter
    kesos.study.authors()        # mastery per source author
    kesos.study.confusion()      # who-said-what mix-ups
    kesos.study.calibration()    # confidence against results (vignettes)
    kesos.study.activity()       # answers per day
    kesos.study.next_items()     # the five items to do next
    kesos.study.continue_here()  # "continue where you left off" (start page)
    kesos.study.review()         # today's due items (FSRS), interleaved across chapters
    kesos.study.exam()           # a mock UTS/UAS
    kesos.study.weak_deck()      # an Anki deck of the items you keep missing

Everything is computed from the learner's own attempts in the progress store.
"""
from __future__ import annotations

import html
from typing import Any

from kesos.i18n import get_language, t


def _course():
    from kesos.content import load_course

    return load_course()


def _events(course=None, store=None):
    from kesos.study.history import events, learner_attempts

    return events(learner_attempts(store), course or _course())


def _lang(lang):
    return lang or get_language()


def mastery(lang: str | None = None):
    from kesos.study.dashboard import chart_mastery

    course = _course()
    return chart_mastery(course, _events(course), _lang(lang))


def authors(lang: str | None = None):
    from kesos.study.dashboard import chart_authors

    course = _course()
    return chart_authors(course, _events(course), _lang(lang))


def confusion(lang: str | None = None):
    from kesos.study.dashboard import chart_confusion

    course = _course()
    return chart_confusion(course, _events(course), _lang(lang))


def calibration(lang: str | None = None):
    from kesos.study.dashboard import chart_calibration

    return chart_calibration(_events(), _lang(lang))


def activity(lang: str | None = None):
    from kesos.study.dashboard import chart_activity

    return chart_activity(_events(), _lang(lang))


class HTMLBlock:
    """Escaped HTML for the notebook, with the same text for plain consoles and nbval."""

    def __init__(self, html_text: str, text: str):
        self.html, self.text = html_text, text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def _link(course, chapter: str, base: str) -> str:
    return f"{base}{course.chapters[chapter].slug}.ipynb"


def next_items(n: int = 5, lang: str | None = None, *, base: str = "../"):
    """The ``n`` items to do next, each with why and a link to its chapter notebook."""
    from kesos.study.dashboard import next_items as compute

    lang, course = _lang(lang), _course()
    items = compute(course, _events(course), n=n)
    if not items:
        return HTMLBlock(f"<p>{html.escape(t('study_next_none', lang))}</p>", t("study_next_none", lang))
    rows, lines = [], []
    for it in items:
        a = course.activities[it.item_id]
        ch = course.chapters[it.chapter]
        why = t(f"study_reason_{it.reason}", lang)
        rows.append(
            f"<li><a href='{html.escape(_link(course, it.chapter, base))}'>{ch.number:02d}. {html.escape(ch.title.get(lang))}</a>"
            f" — <b>{html.escape(a.title.get(lang))}</b> <code>{html.escape(a.id)}</code> ({html.escape(why)})</li>"
        )
        lines.append(f"{ch.number:02d} {a.title.get(lang)} [{a.id}] ({why})")
    head = t("study_next_heading", lang)
    return HTMLBlock(f"<p><b>{html.escape(head)}</b></p><ol>{''.join(rows)}</ol>", head + "\n" + "\n".join(lines))


def continue_here(lang: str | None = None, *, base: str = ""):
    """ "Continue where you left off": the chapter and activity to go on with."""
    from kesos.study.dashboard import continue_point

    lang, course = _lang(lang), _course()
    point = continue_point(course, _events(course))
    if point is None:
        first = sorted(course.chapters.values(), key=lambda c: c.number)[1]
        text = t("study_start_fresh", lang, chapter=f"{first.number:02d}. {first.title.get(lang)}")
        href = _link(course, first.id, base)
    else:
        ch = course.chapters[point[0]]
        name = f"{ch.number:02d}. {ch.title.get(lang)}"
        if point[1]:
            text = t("study_continue", lang, chapter=name, activity=course.activities[point[1]].title.get(lang))
        else:
            text = t("study_continue_done", lang, chapter=name)
        href = _link(course, ch.id, base)
    return HTMLBlock(f"<p>▶ <a href='{html.escape(href)}'>{html.escape(text)}</a></p>", text)


def due_summary(lang: str | None = None) -> str:
    """One line: how many review cards are due now, per chapter."""
    from kesos.study.spaced import due_counts

    lang, course = _lang(lang), _course()
    counts = due_counts(course, _events(course))
    total = sum(counts.values())
    if not total:
        return t("review_none_due", lang)
    per = ", ".join(f"{course.chapters[c].number:02d}: {n}" for c, n in counts.items())
    return t("review_due", lang, n=total, per=per)


def review(limit: int = 15, lang: str | None = None):
    """Today's due activities as one quiz, interleaved across chapters (most overdue first per
    chapter). Glossary cards due today are in :func:`review_glossary`."""
    from IPython.display import display

    import kesos
    from kesos.study.spaced import due

    lang, course = _lang(lang), _course()
    cards = [c for c in due(course, _events(course)) if c.kind == "activity"][:limit]
    display(HTMLBlock(f"<p>{html.escape(due_summary(lang))}</p>", due_summary(lang)))
    if not cards:
        return None
    return kesos.quiz([c.item_id for c in cards], title=t("review_quiz_title", lang))


def review_glossary(lang: str | None = None):
    """Flashcards of the glossary terms due for review today (or a note that none are)."""
    from kesos.glossary import ITEM_PREFIX, flashcards
    from kesos.study.spaced import due

    lang, course = _lang(lang), _course()
    terms = [c.item_id[len(ITEM_PREFIX):] for c in due(course, _events(course)) if c.kind == "glossary"]
    if not terms:
        return HTMLBlock(f"<p>{html.escape(t('review_no_terms', lang))}</p>", t("review_no_terms", lang))
    return flashcards(terms=terms, lang=lang)


def exam(seed: int | None = None, chapters: list[str] | None = None, minutes: int | None = None,
         choice: int = 20, recall: int = 2, essay: int = 1, lang: str | None = None):
    """A mock UTS/UAS: a seeded paper, no feedback until you submit, then the score report."""
    from kesos.study.paper import Blueprint, draw
    from kesos.study.paper_view import ExamView

    course = _course()
    blueprint = Blueprint.default(course, chapters, choice=choice, recall=recall, essay=essay, minutes=minutes)
    return ExamView(course, draw(course, blueprint, seed), _lang(lang)).widget


def weak_deck(path: str | None = None, lang: str | None = None, *, write: bool = False) -> Any:
    """A button that writes an Anki deck (.apkg) of the items you keep missing and says where it
    is; ``write=True`` writes it at once instead."""
    from kesos.study.weak import write_weak_deck

    lang = _lang(lang)

    def run() -> HTMLBlock:
        course = _course()
        out, n = write_weak_deck(course, _events(course), lang, path)
        text = t("weak_written", lang, n=n, path=str(out.resolve())) if n else t("weak_none", lang)
        return HTMLBlock(f"<p>{html.escape(text)}</p>", text)

    if write:
        return run()
    import ipywidgets as W

    button = W.Button(description=t("weak_button", lang), icon="download", layout=W.Layout(width="auto"))
    note = W.HTML()

    def clicked(_b):
        note.value = run().html

    button.on_click(clicked)
    box = W.VBox([button, note])
    box.write = clicked  # what a click does (tests drive it)
    return box
