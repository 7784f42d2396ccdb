"""kesos — an interactive, bilingual course on social welfare and social work theory.

Notebooks use three calls::

    import kesos
    kesos.setup("en")            # once, in the setup cell: the notebook's language
    kesos.show("q-welfare-views")  # one call per activity

Heavy libraries (anywidget/ipywidgets, pandas, matplotlib) are imported only when an activity, table or
chart is shown, so ``import kesos`` stays fast.
"""
from __future__ import annotations

from kesos.i18n import get_language, set_language

__version__ = "0.1.0"
__all__ = ["setup", "show", "quiz", "join", "get_language", "set_language", "__version__"]


_LAZY_MODULES = ("figures", "glossary", "content", "progress", "checking", "activity", "exercise_checks", "study")


def __getattr__(name: str):
    """``kesos.figures`` etc. are imported on first use, so ``import kesos`` stays fast."""
    if name in _LAZY_MODULES:
        import importlib

        return importlib.import_module(f"kesos.{name}")
    raise AttributeError(f"module 'kesos' has no attribute {name!r}")


_EXIT_HOOK: list[bool] = []


def _freeze_at_exit() -> None:
    """Run last at interpreter exit (registered first): move every object still alive out of the
    cyclic collector's reach, so the kernel's final collections do not walk the whole course,
    pydantic and the widget libraries once more (0.1–0.2 s on every kernel shutdown or restart).
    Nothing is lost: the progress store has closed by then (its exit hook runs before this one),
    objects are still freed by reference counting, and Python does not promise ``__del__`` for
    objects alive at exit. Recorded in docs/decisions.md."""
    import gc

    gc.freeze()


def setup(lang: str = "id", *, progress_path: str | None = None) -> None:
    """Set the notebook's language (``"id"`` or ``"en"``) and, optionally, where progress is kept."""
    set_language(lang)
    if not _EXIT_HOOK:
        import atexit

        atexit.register(_freeze_at_exit)
        _EXIT_HOOK.append(True)
    if progress_path is not None:
        from kesos.progress import ProgressStore, set_store

        new = ProgressStore(progress_path)
        old = set_store(new)
        if old is not None and old is not new:
            old.hand_over(new)  # answers the old store could not save yet move along: none lost
    import os

    if os.environ.get("KESOS_CLASS_DB"):  # class mode (docs/sessions.md): attempts also go to the class store
        from kesos.session.classmode import install

        install()


def show(*item_ids: str, reveal: str = "after_two"):
    """Show an activity by its id (the component is the cell's output); several ids show several
    activities, one after another, in one component (no running score: see :func:`quiz`).

    ``reveal="immediate"`` shows the key with the first feedback (review notebooks); by default
    it is shown after a second wrong answer or when the learner asks."""
    from kesos.activity import make_set, make_widget

    if len(item_ids) == 1:
        return make_widget(item_ids[0], reveal=reveal)
    return make_set(list(item_ids), reveal=reveal)


def quiz(item_ids: list[str], title: str | None = None, *, reveal: str = "after_two"):
    """Show several activities as a section quiz with a running score (one component)."""
    from kesos.activity import make_quiz

    return make_quiz(item_ids, title=title, reveal=reveal)


def join(code: str, url: str | None = None, name: str | None = None):
    """Take part in a group session from this notebook: answers to the activity the facilitator
    has open are also sent to the session (server ``$KESOS_SESSION_URL``; docs/sessions.md)."""
    from kesos.session.client import join as _join

    return _join(code, url, name)
