"""An Anki deck of the items a student keeps missing (genanki).

An item is *weak* when the learner's latest answer to it is not right, or when they missed it
at least twice. Each becomes a note: the question (with its options, if any) on the front, the
key, the explanation and the source on the back. Note GUIDs come from the item id, so a deck
exported again updates the notes already in Anki instead of adding copies.
"""
from __future__ import annotations

import html
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from kesos import checking
from kesos.i18n import t
from kesos.study.history import Event

if TYPE_CHECKING:  # pragma: no cover
    from kesos.content import Course

DECK_NAME = {"id": "kesos — butir yang masih sering salah", "en": "kesos — items I keep missing"}


def weak_items(evs: list[Event]) -> list[str]:
    """Item ids whose latest answer is not right or that were missed at least twice (most
    missed first)."""
    misses: Counter = Counter()
    latest: dict[str, Event] = {}
    for e in evs:
        if e.kind != "activity":
            continue
        latest[e.item_id] = e
        misses[e.item_id] += not e.correct
    weak = [i for i, e in latest.items() if not e.correct or misses[i] >= 2]
    return sorted(weak, key=lambda i: (-misses[i], i))


def _front(activity, lang: str) -> str:
    e = html.escape
    parts = [f"<b>{e(activity.title.get(lang))}</b>", f"<p>{e(activity.prompt.get(lang))}</p>"]
    case = getattr(activity, "case", None)
    if case is not None:
        parts.append(f"<blockquote>{e(case.get(lang))}</blockquote>")
    if activity.type == "choice":
        parts.append("<ul>" + "".join(f"<li>{e(o.text.get(lang))}</li>" for o in activity.options) + "</ul>")
    return "".join(parts)


def _back(activity, course: "Course", lang: str) -> str:
    """The key as the one scorer gives it: the result of checking the keyed answer."""
    result = checking.check(activity, checking.keyed_answer(activity, course, lang), lang, course)
    e = html.escape
    items = "".join(
        f"<li>{e(p.label)} — {e(t('verdict_' + p.verdict, lang))}{(': ' + e(p.feedback)) if p.feedback else ''}</li>"
        for p in result.parts if p.verdict in ("right", "best")
    )
    out = f"<ul>{items}</ul>" if items else ""
    if result.explanation:
        out += f"<p>{e(result.explanation)}</p>"
    if result.citations:
        out += f"<p><i>{e('; '.join(result.citations))}</i></p>"
    return out


def write_weak_deck(course: "Course", evs: list[Event], lang: str, path: str | Path | None = None) -> tuple[Path, int]:
    """Write the deck to ``path`` (default ``kesos-weak-items-<lang>.apkg`` in the current folder)
    with the lecturer's toolkit's Anki writer. Returns (path, number of notes); nothing is
    written when there are no weak items."""
    from kesos.exports.anki import Card, write_deck

    path = Path(path or f"kesos-weak-items-{lang}.apkg")
    ids = [i for i in weak_items(evs) if i in course.activities]
    if not ids:
        return path, 0
    cards = []
    for item_id in ids:
        activity = course.activities[item_id]
        cards.append(Card(id=f"weak:{lang}:{item_id}", front=_front(activity, lang),
                          back=_back(activity, course, lang), tags=[activity.chapter, activity.type]))
    write_deck(cards, path, DECK_NAME[lang])
    return path, len(ids)
