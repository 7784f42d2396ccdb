"""The activity component (issue 9): one anywidget per activity, with Python keeping content,
checking and recording.

* :mod:`kesos.activity.view` — the public view and result JSON (shared with every front end);
* :mod:`kesos.activity.feedback` — what a learner sees when (the feedback policy);
* :mod:`kesos.activity.widget` — the anywidget (imported only when an activity is shown);
* :mod:`kesos.activity.static_html` — the ``text/html`` copy for places without a kernel;
* ``static/activity.js`` + ``static/activity.css`` — the front end, also usable on a plain page.

``make_widget(item_id)`` / ``make_quiz(ids, title)`` are what ``kesos.show`` / ``kesos.quiz`` call.
The course is read from this checkout, or from the folder named by ``$KESOS_ROOT``.
"""
from __future__ import annotations

import os

from kesos.content import ContentError, UnknownItemError, load_course
from kesos.i18n import get_language, t

__all__ = ["make_widget", "make_quiz", "make_set", "current_course", "Message", "content_error", "unknown_item"]


def current_course(root=None):
    """The validated course (``root``, else ``$KESOS_ROOT``, else this checkout). Raises ContentError."""
    return load_course(root or os.environ.get("KESOS_ROOT") or None)


class Message:
    """A short message shown instead of an activity (broken content, an unknown id): one line per
    problem, never a traceback. Displays as HTML (escaped) and as plain text."""

    def __init__(self, title: str, lines: list[str], css_class: str):
        self.title, self.lines, self.css_class = title, list(lines), css_class

    def _repr_html_(self) -> str:
        from kesos.activity.static_html import esc

        items = "".join(f"<li><code>{esc(line)}</code></li>" for line in self.lines)
        return (f'<div class="kesos-message {esc(self.css_class)}" role="alert"><p><strong>✗ {esc(self.title)}'
                f"</strong></p>{'<ul>' + items + '</ul>' if items else ''}</div>")

    def __repr__(self) -> str:
        return "\n".join(["✗ " + self.title, *self.lines])

    def as_view(self) -> dict:
        """As an entry of a quiz's views (the component shows it and does not count it)."""
        return {"v": 1, "type": "notice", "id": None, "text": "✗ " + self.title, "lines": self.lines}


def content_error(error: ContentError, lang: str | None = None):
    """The content's problems, one line each, under a short title."""
    lang = lang or get_language()
    try:  # issue 8 (validator): the shared one-line problem view, when it exists
        from kesos.content import problems_view  # type: ignore[attr-defined]
    except ImportError:
        problems_view = None
    if problems_view is not None:
        return problems_view(error.problems, lang)
    lines = [str(p) for p in error.problems] or [str(error)]
    return Message(t("content_error_title", lang), lines, "kesos-content-error")


def unknown_item(error: UnknownItemError, lang: str | None = None) -> Message:
    lang = lang or get_language()
    lines = [t("did_you_mean", lang, names=", ".join(error.nearest))] if error.nearest else []
    return Message(t("unknown_item", lang, item_id=error.key), lines, "kesos-unknown-item")


def make_widget(item_id: str, *, lang: str | None = None, store=None, course=None, reveal: str = "after_two"):
    """The component for activity ``item_id`` in ``lang`` (default: the notebook's language)."""
    lang = lang or get_language()
    try:
        course = course or current_course()
        activity = course.activity(item_id)
    except ContentError as e:
        return content_error(e, lang)
    except UnknownItemError as e:
        return unknown_item(e, lang)
    from kesos.activity.widget import ActivityWidget

    return ActivityWidget([activity], course, lang=lang, store=store, reveal=reveal)


def make_quiz(item_ids: list[str], title: str | None = None, *, lang: str | None = None, store=None,
              course=None, reveal: str = "after_two"):
    """Several activities in ONE component, with a running score (sum of latest scores / maximum);
    an unknown id shows its message there and does not count."""
    lang = lang or get_language()
    return _several(item_ids, title or t("quiz_title", lang), lang=lang, store=store, course=course, reveal=reveal)


def make_set(item_ids: list[str], *, lang: str | None = None, store=None, course=None, reveal: str = "after_two"):
    """Several activities in ONE component without a score (``kesos.show(a, b, …)``): cases to
    discuss one after another, where a running score would suggest one right answer."""
    return _several(item_ids, None, lang=lang or get_language(), store=store, course=course, reveal=reveal)


def _several(item_ids, title, *, lang, store, course, reveal):
    if not item_ids:
        return Message(t("unknown_item", lang, item_id=""), [], "kesos-unknown-item")
    try:
        course = course or current_course()
    except ContentError as e:
        return content_error(e, lang)
    activities, notices = [], {}
    for i in item_ids:
        try:
            activities.append(course.activity(i))
        except UnknownItemError as e:
            notices[len(activities) + len(notices)] = unknown_item(e, lang).as_view()
    from kesos.activity.widget import ActivityWidget

    return ActivityWidget(activities, course, lang=lang, store=store, reveal=reveal,
                          quiz_title=title, notices=notices)
