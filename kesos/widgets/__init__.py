"""The activity widgets. Importing this package imports ipywidgets (``import kesos`` does not).

``make_widget(item_id)`` shows one activity; ``make_quiz(ids, title)`` several with a running
score. A new activity type is one :class:`ActivityWidget` subclass in ``kesos/widgets/<type>.py``,
registered with ``@register("<type>")``, plus its checker in :mod:`kesos.checking`.

The course is read from this checkout, or from the folder named by ``$KESOS_ROOT`` (the same
variable ``kesos validate`` uses), e.g. a lecturer's own course or the test fixture course.
"""
from __future__ import annotations

import importlib
import os

from kesos.content import ContentError, UnknownItemError, load_course, problems_view
from kesos.i18n import get_language, t
from kesos.schema import ACTIVITY_TYPES
from kesos.widgets.base import WIDGETS, ActivityWidget, esc, message_widget, register, render_result
from kesos.widgets.quiz import QuizWidget

# One module per activity type, named after it; importing it registers its class.
for _kind in ACTIVITY_TYPES:
    importlib.import_module(f"kesos.widgets.{_kind}")

__all__ = [
    "WIDGETS", "ActivityWidget", "QuizWidget", "register", "render_result",
    "make_widget", "make_quiz", "content_error_widget", "unknown_item_widget", "current_course",
]


def current_course(root=None):
    """The validated course (``root``, else ``$KESOS_ROOT``, else this checkout). Raises ContentError."""
    return load_course(root or os.environ.get("KESOS_ROOT") or None)


def content_error_widget(error: ContentError, lang: str | None = None):
    """The content's problems, one line each, under a short title — never a traceback.

    The shared broken-content display (:func:`kesos.content.problems_view`, also used by figures):
    an object with ``_repr_html_`` (escaped) and a plain-text ``repr``.
    """
    return problems_view(error, lang or get_language())


def unknown_item_widget(error: UnknownItemError, lang: str | None = None):
    lang = lang or get_language()
    text = f"<p><strong>✗ {esc(t('unknown_item', lang, item_id=error.key))}</strong></p>"
    if error.nearest:
        text += f"<p>{esc(t('did_you_mean', lang, names=', '.join(error.nearest)))}</p>"
    return message_widget(f'<div role="alert">{text}</div>', "kesos-unknown-item")


def make_widget(item_id: str, *, lang: str | None = None, store=None, course=None):
    """The widget for activity ``item_id`` in ``lang`` (default: the notebook's language)."""
    lang = lang or get_language()
    try:
        course = course or current_course()
        activity = course.activity(item_id)
    except ContentError as e:
        return content_error_widget(e, lang)
    except UnknownItemError as e:
        return unknown_item_widget(e, lang)
    return WIDGETS[activity.type](activity, course, lang=lang, store=store)


def make_quiz(item_ids: list[str], title: str | None = None, *, lang: str | None = None, store=None, course=None):
    """Several activities stacked, with a running score (sum of latest scores / maximum)."""
    lang = lang or get_language()
    try:
        course = course or current_course()
    except ContentError as e:
        return content_error_widget(e, lang)
    return QuizWidget(
        [make_widget(i, lang=lang, store=store, course=course) for i in item_ids], title, lang=lang
    )
