"""Spaced review with FSRS (the ``fsrs`` package, the scheduler Anki uses).

Every activity and every glossary term has a card. A card's schedule is not stored separately:
it is the result of replaying the learner's own answers (from the progress store) through the
FSRS scheduler, so it survives restarts, moves with the progress file and can never disagree
with what the learner actually answered.

* Answers to the same item within one sitting (``SITTING``) count as one review, rated by the
  first answer of the sitting — the retrieval that counts; what follows is practice.
* The rating comes from the result and the learner's stated confidence (:func:`rating_for`).
* A new student starts with the chapters they finished: cards are made for every item they
  answered and, as new cards due now, for the glossary terms of every chapter in which they
  answered every activity.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from kesos.study.history import GLOSSARY_PREFIX, Event, chapter_order, events, learner_attempts

if TYPE_CHECKING:  # pragma: no cover
    from kesos.content import Course

SITTING = dt.timedelta(minutes=30)
LAPSE_BELOW = 0.8  # a wrong answer scoring less than this is rated Again


def _fsrs():
    import fsrs  # lazy: only the review needs it

    return fsrs


def scheduler():
    """The FSRS scheduler with its published default parameters, without the minute-long
    learning steps of a flashcard app (answers within one sitting already count as one review)
    and without fuzzing, so due dates are reproducible (a learner and a test see the same)."""
    return _fsrs().Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def rating_for(score: float, correct: bool, confidence: str | None):
    """FSRS rating of one review.

    not right with less than 80% (one mixed-up pair of five is a lapse) → Again; nearly right
    → Hard; right but unsure or guessing → Hard;
    right and sure (or no confidence asked) → Good. Easy is never given automatically: a learner
    who is right is not yet a learner who finds it easy.
    """
    R = _fsrs().Rating
    if not correct:
        return R.Again if score < LAPSE_BELOW else R.Hard
    if confidence in ("unsure", "guessing"):
        return R.Hard
    return R.Good


def _card_id(item_id: str) -> int:
    """A stable card id from the item id (fsrs otherwise makes one from the clock and sleeps 1 ms)."""
    import zlib

    return zlib.crc32(item_id.encode("utf-8")) + 1


@dataclass(frozen=True)
class CardState:
    item_id: str
    kind: str  # "activity" | "glossary"
    chapter: str | None
    due: dt.datetime
    reviews: int
    lapses: int  # reviews rated Again
    stability: float | None
    card: object  # fsrs.Card
    retrievability: float = 0.0  # FSRS's estimate that the learner still knows it, now


def _sittings(evs: list[Event]) -> list[Event]:
    """The first answer of each sitting (answers closer than SITTING to the previous one merge)."""
    firsts, last = [], None
    for e in evs:
        if last is None or e.when - last > SITTING:
            firsts.append(e)
        last = e.when
    return firsts


def finished_chapters(course: "Course", evs: Iterable[Event]) -> list[str]:
    """Chapters (with activities) in which the learner answered every activity at least once."""
    answered = {e.item_id for e in evs if e.kind == "activity"}
    out = []
    for ch in chapter_order(course):
        ids = [a.id for a in course.activities_in(ch)]
        if ids and all(i in answered for i in ids):
            out.append(ch)
    return out


def schedule(course: "Course", evs: list[Event] | None = None, *, now: dt.datetime | None = None) -> dict[str, CardState]:
    """Every card of this learner, keyed by item id (``glossary:<term>`` for glossary cards).
    ``evs``: the learner's answers (:func:`kesos.study.history.events`); default: the store's."""
    fsrs = _fsrs()
    now = now or dt.datetime.now(dt.timezone.utc)
    evs = events(learner_attempts(), course) if evs is None else evs
    by_item: dict[str, list[Event]] = defaultdict(list)
    for e in evs:
        by_item[e.item_id].append(e)
    sched = scheduler()
    cards: dict[str, CardState] = {}
    for item_id, item_evs in by_item.items():
        card = fsrs.Card(card_id=_card_id(item_id))
        lapses = 0
        reviews = _sittings(item_evs)
        for e in reviews:
            rating = rating_for(e.score, e.correct, e.confidence)
            lapses += rating == fsrs.Rating.Again
            card, _log = sched.review_card(card, rating, review_datetime=e.when)
        first = item_evs[0]
        cards[item_id] = CardState(item_id, first.kind, first.chapter, card.due, len(reviews), lapses,
                                   card.stability, card, sched.get_card_retrievability(card, now))
    for ch in finished_chapters(course, evs):
        for term in course.glossary.values():
            key = f"{GLOSSARY_PREFIX}{term.id}"
            if term.chapter == ch and key not in cards:
                cards[key] = CardState(key, "glossary", ch, now, 0, 0, None, fsrs.Card(card_id=_card_id(key), due=now))
    return cards


def due(course: "Course", evs: list[Event] | None = None, *, now: dt.datetime | None = None, limit: int | None = None) -> list[CardState]:
    """Cards due now, most at risk first and interleaved across chapters: each chapter's cards
    are ordered by retrievability (lowest first: what the learner is most likely to have
    forgotten, so what they got wrong comes first), and the chapters take turns, so one sitting
    mixes chapters instead of blocking them. New glossary cards come after reviewed cards."""
    now = now or dt.datetime.now(dt.timezone.utc)
    cards = [c for c in schedule(course, evs, now=now).values() if c.due <= now]
    order = {ch: i for i, ch in enumerate(chapter_order(course))}
    queues: dict[str, list[CardState]] = defaultdict(list)
    for c in sorted(cards, key=lambda c: (c.reviews == 0, c.retrievability, c.due, c.item_id)):
        queues[c.chapter].append(c)
    out: list[CardState] = []
    chapters = sorted(queues, key=lambda ch: (queues[ch][0].reviews == 0, queues[ch][0].retrievability, order.get(ch, 99)))
    while any(queues[ch] for ch in chapters):
        for ch in chapters:
            if queues[ch]:
                out.append(queues[ch].pop(0))
    return out[:limit] if limit is not None else out


def due_counts(course: "Course", evs: list[Event] | None = None, *, now: dt.datetime | None = None) -> dict[str, int]:
    """How many cards are due now, per chapter (course order)."""
    counts: dict[str, int] = {}
    for c in due(course, evs, now=now):
        counts[c.chapter] = counts.get(c.chapter, 0) + 1
    order = {ch: i for i, ch in enumerate(chapter_order(course))}
    return dict(sorted(counts.items(), key=lambda kv: order.get(kv[0], 99)))
