"""Class mode: every learner's attempts also go to a class store, under their JupyterHub user name.

Configured by ``KESOS_CLASS_DB`` (a folder for SQLite, or a ``postgresql://`` URL; ``same`` uses
the session store, ``$KESOS_SESSION_DB``). :func:`install` hooks :func:`forward` into the
learner's progress store (``ProgressStore.on_record``); the learner's own progress file stays the
primary record, and a class store that is unreachable never disturbs the learner (one warning line).
The lecturer's view is :mod:`kesos.session.lecturer`.
"""
from __future__ import annotations

import getpass
import os
import sys
import threading

from kesos.session.store import default_location, open_store

_state: dict = {"store": None, "installed": set(), "warned": False}
_lock = threading.Lock()


def class_location() -> str | None:
    loc = os.environ.get("KESOS_CLASS_DB", "").strip()
    if not loc:
        return None
    return default_location() if loc in ("same", "session") else loc


def hub_user() -> str:
    """The JupyterHub user name (``$JUPYTERHUB_USER``), else the system user."""
    return os.environ.get("JUPYTERHUB_USER") or getpass.getuser()


def class_store():
    with _lock:
        if _state["store"] is None:
            loc = class_location()
            if loc is None:
                return None
            _state["store"] = open_store(loc)
        return _state["store"]


def forward(attempt, store=None, user: str | None = None) -> None:
    """Copy one progress attempt to the class store (idempotent: the attempt's uid is the key)."""
    store = store or class_store()
    if store is None:
        return
    try:
        store.record_class(attempt.uid, user or hub_user(), attempt.item_id, attempt.activity_type, attempt.answer,
                           attempt.score, attempt.max_score, attempt.correct, attempt.language, attempt.created_at)
    except Exception as exc:  # the class store is a copy: never fail the learner's answer
        if not _state["warned"]:
            _state["warned"] = True
            print(f"kesos: the class store could not take an answer ({type(exc).__name__}); "
                  "your own progress is saved", file=sys.stderr)


def install(progress_store=None) -> bool:
    """Forward the progress store's attempts to the class store, if one is configured."""
    if class_location() is None:
        return False
    if progress_store is None:
        from kesos.progress import get_store

        progress_store = get_store()
    if id(progress_store) in _state["installed"]:
        return True
    progress_store.on_record(forward)
    _state["installed"].add(id(progress_store))
    return True
