"""A simulated student for the study tools' tests: works through chapters 01 and 02 over a few
days, mixes up Friedlander and Zastrow in every who-said-what item, is sure of a wrong vignette
reading, and gets everything else right (some items only at the second try)."""
from __future__ import annotations

import datetime as dt

from kesos import checking

START = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone.utc)


def _swap_friedlander_zastrow(activity, course, answer):
    keys = {p.definition: checking.author_key(course.definitions[p.definition].cite) for p in activity.pairs}
    out = dict(answer)
    for d, k in keys.items():
        if k == "friedlander":
            out[d] = "zastrow"
        elif k == "zastrow":
            out[d] = "friedlander"
    return out


def plan(course, chapters=("ch01", "ch02"), start: dt.datetime = START):
    """(time, item id, answer) for every answer the student gives, oldest first."""
    steps = []
    when = start
    for day, ch in enumerate(chapters):
        when = start + dt.timedelta(days=2 * day)
        for i, activity in enumerate(course.activities_in(ch)):
            key = checking.keyed_answer(activity, course, "en")
            if activity.type == "matching":
                steps.append((when, activity.id, _swap_friedlander_zastrow(activity, course, key)))
            elif activity.type == "vignette":
                steps.append((when, activity.id, checking.wrong_answer(activity, course, "en")))
            elif i % 3 == 1:  # wrong first, right a minute later
                steps.append((when, activity.id, checking.wrong_answer(activity, course, "en")))
                steps.append((when + dt.timedelta(minutes=1), activity.id, key))
            else:
                steps.append((when, activity.id, key))
            when += dt.timedelta(minutes=3)
    return steps


def record_plan(store, course, steps, monkeypatch, lang: str = "en"):
    """Record ``steps`` in ``store`` with their own timestamps (the store stamps records with
    ``kesos.progress._utc_now``, which is pointed at each step's time)."""
    import kesos.progress as P

    with monkeypatch.context() as m:
        for when, item_id, answer in steps:
            activity = course.activity(item_id)
            if activity.type == "vignette" and isinstance(answer, dict):
                answer = {**answer, "confidence": "sure"}
            result = checking.check(activity, answer, lang, course)
            m.setattr(P, "_utc_now", lambda when=when: when.isoformat(timespec="microseconds"))
            store.record(item_id, activity.type, answer, score=result.score, max_score=result.max_score,
                         correct=result.correct, language=lang)
