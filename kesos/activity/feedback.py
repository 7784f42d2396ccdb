"""The feedback policy: how much of a :class:`~kesos.checking.Result` a learner sees, and when.

Pure functions, no widgets (issue 10, item 8):

* after a first wrong answer: why the CHOSEN parts are wrong (their own feedback) and the offer
  of the next hint — never the key: parts the learner missed (verdict ``missing``) and the
  explanation / model answer are withheld, and feedback texts that would name the right answer
  (a matching pair's real author, a classification's right category, an entry's right position)
  are replaced by a key-free line;
* the key after a second wrong answer in a row, or when the learner asks ("Show answer");
* ``reveal="immediate"`` (review notebooks): everything at once, as before;
* a right answer, an open question (self-assessed against its model answer) and a discussion
  case (no single key) are always shown in full.

``stage(...)`` decides; ``visible(result, stage, ...)`` applies the decision;
``kesos.activity.view.result_json`` calls both.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable

from kesos.checking import Result, author_name
from kesos.i18n import t

__all__ = ["Stage", "FULL", "REVEAL_MODES", "stage", "visible", "concealer"]

REVEAL_MODES = ("after_two", "immediate")


@dataclass(frozen=True)
class Stage:
    revealed: bool  # the key (missed parts, explanation, model answer) may be shown
    can_reveal: bool = False  # offer "Show answer"
    hint_offer: bool = False  # offer the next hint


FULL = Stage(revealed=True)


def stage(
    result: Result,
    activity=None,
    *,
    wrong_before: int = 0,
    asked: bool = False,
    reveal: str = "after_two",
    hints_left: int = 0,
) -> Stage:
    """What this result may show. ``wrong_before``: wrong answers in a row before this one;
    ``asked``: the learner pressed "Show answer" (or the key was shown before)."""
    if reveal not in REVEAL_MODES:
        raise ValueError(f"reveal must be one of {REVEAL_MODES}, not {reveal!r}")
    kind = getattr(activity, "type", None)
    if result.empty:
        return Stage(revealed=asked or reveal == "immediate")
    if asked or reveal == "immediate" or result.correct or kind == "open" or getattr(activity, "discussion", False):
        return FULL
    if wrong_before + 1 >= 2:  # the second wrong answer in a row
        return FULL
    return Stage(revealed=False, can_reveal=True, hint_offer=hints_left > 0)


# --------------------------------------------------------------------------- concealing

Concealer = Callable[[Any, Any, Any, str], "tuple[str, str] | None"]
CONCEALERS: dict[str, Concealer] = {}


def concealer(kind: str):
    """Register ``fn(activity, part, answer, lang) -> (feedback, citation)`` giving a key-free
    text for a WRONG part of a ``kind`` answer (default: the part's own feedback, which explains
    the learner's choice)."""

    def register(fn):
        CONCEALERS[kind] = fn
        return fn

    return register


@concealer("matching")
def _matching(activity, part, answer, lang, course=None):
    chosen = answer.get(part.id) if isinstance(answer, dict) else None
    name = author_name(course, chosen, lang) if (course is not None and chosen) else (chosen or "")
    return t("pair_wrong_hidden", lang, chosen=name), ""


@concealer("classification")
def _classification(activity, part, answer, lang, course=None):
    cats = {c.id: c.label.get(lang) for c in activity.categories}
    chosen = answer.get(part.id) if isinstance(answer, dict) else None
    return t("class_wrong_hidden", lang, chosen=cats.get(chosen, chosen or "")), part.citation


@concealer("ordering")
def _ordering(activity, part, answer, lang, course=None):
    if not part.feedback:
        return "", ""
    order = [i for i in dict.fromkeys(answer if isinstance(answer, list) else []) if isinstance(i, str)]
    given = order.index(part.id) + 1 if part.id in order else 0
    return t("order_misplaced_hidden", lang, entry=part.label, given=given), ""


def visible(result: Result, st: Stage, *, activity=None, answer: Any = None, lang: str = "id", course=None) -> Result:
    """``result`` with what ``st`` may not show removed (unchanged when revealed)."""
    if st.revealed or result.empty:
        return result
    kind = getattr(activity, "type", None)
    if isinstance(answer, dict) and kind in ("ordering", "choice"):
        answer = answer.get("order", answer.get("choice", answer))
    if isinstance(answer, dict) and kind in ("matching", "classification") and isinstance(answer.get("pairs"), dict):
        answer = answer["pairs"]
    conceal = CONCEALERS.get(kind)
    parts = []
    for p in result.parts:
        if p.verdict == "missing":
            continue  # the key: withheld until reveal
        if p.verdict == "wrong" and conceal is not None:
            fb, cite = conceal(activity, p, answer, lang, course)
            p = dataclasses.replace(p, feedback=fb, citation=cite)
        parts.append(p)
    return dataclasses.replace(result, parts=tuple(parts), explanation="")
