"""A learner's answer history, in the shape the dashboard, the review schedule and the exam use.

Everything here is computed from the attempts in the progress store (``kesos.progress``); nothing
is stored twice. Attempts of other learners in the same file are never read.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from kesos.checking import author_key

if TYPE_CHECKING:  # pragma: no cover
    from kesos.content import Course
    from kesos.progress import Attempt, ProgressStore

GLOSSARY_PREFIX = "glossary:"
EXAM_PREFIX = "exam:"
CONFIDENCE_LEVELS = ("sure", "unsure", "guessing")


@dataclass(frozen=True)
class Event:
    """One answer of the learner: what, when, how well (``score`` in 0..1) and how sure."""

    item_id: str
    kind: str  # "activity" | "glossary"
    type: str | None
    chapter: str | None
    score: float
    correct: bool
    confidence: str | None
    when: dt.datetime
    answer: Any
    context: Any = None


def _when(text: str) -> dt.datetime:
    try:
        stamp = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime.fromtimestamp(0, dt.timezone.utc)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)


def _score(att: "Attempt") -> float:
    if att.score is None:
        return 1.0 if att.correct else 0.0
    top = att.max_score or 1.0
    return max(0.0, min(1.0, float(att.score) / float(top)))


def learner_attempts(store: "ProgressStore | None" = None) -> list["Attempt"]:
    """The current learner's attempts (oldest first)."""
    if store is None:
        from kesos.progress import get_store

        store = get_store()
    me = store.learner_id
    mine = [a for a in store.attempts() if a.learner in (None, me)]
    return sorted(mine, key=lambda a: (_when(a.created_at), a.id if a.id is not None else 1 << 62))


def events(attempts: Iterable["Attempt"], course: "Course") -> list[Event]:
    """Attempts at the course's activities and glossary cards, as :class:`Event` (oldest first).

    Attempts at ids the course no longer has (a retired item) and exam records are left out.
    Empty answers (nothing chosen) are not answers and are left out too.
    """
    out = []
    for a in attempts:
        if a.item_id.startswith(GLOSSARY_PREFIX):
            term = course.glossary.get(a.item_id[len(GLOSSARY_PREFIX):])
            if term is None:
                continue
            out.append(Event(a.item_id, "glossary", "flashcard", term.chapter, _score(a), bool(a.correct),
                             None, _when(a.created_at), a.answer, a.context))
            continue
        activity = course.activities.get(a.item_id)
        if activity is None or (isinstance(a.context, dict) and a.context.get("empty")):
            continue
        confidence = a.answer.get("confidence") if isinstance(a.answer, dict) else None
        out.append(Event(a.item_id, "activity", activity.type, activity.chapter, _score(a), bool(a.correct),
                         confidence if confidence in CONFIDENCE_LEVELS else None, _when(a.created_at),
                         a.answer, a.context))
    out.sort(key=lambda e: e.when)
    return out


def activity_authors(activity, course: "Course") -> list[str]:
    """Author keys (as in matching answers) of the facts an activity practises or cites."""
    keys = []
    for ref in list(activity.cites) + list(activity.practises):
        fact = course.definitions.get(ref) or course.lists.get(ref) or course.role_lists.get(ref)
        cite = getattr(fact, "cite", None)
        if cite is not None and (cite.author or cite.via):
            keys.append(author_key(cite))
    return list(dict.fromkeys(keys))


def chapter_order(course: "Course") -> list[str]:
    """Chapter ids in course order."""
    return [c.id for c in sorted(course.chapters.values(), key=lambda c: c.number)]
