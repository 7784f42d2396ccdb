"""What the participant page gets: the activity component's public view and result JSON
(``kesos.activity.view``, docs/architecture.md). The key never leaves the server before reveal.
"""
from __future__ import annotations

from kesos.activity import view as component

SESSION_TYPES = ("choice", "classification", "vignette", "open", "recall")


def public_view(activity, course, lang: str, learner_id: str) -> dict:
    """The component's public view; hints are not offered in a group session (the room discusses)."""
    out = component.public_view(activity, course, lang, learner_id)
    out["hint_count"] = 0
    return out


def check(activity, answer, lang: str, course):
    """``kesos.checking.check`` on an answer in the front end's shape: ``(Result, scored answer)``."""
    return component.check_answer(activity, answer, lang, course)


def result_json(activity, answer, lang: str, course) -> dict:
    """The fully revealed result JSON of ``answer`` (shown after the facilitator's reveal)."""
    result, scored = check(activity, answer, lang, course)
    return component.result_json(result, activity=activity, lang=lang, answer=scored, course=course, saved=True)
