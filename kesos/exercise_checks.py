"""Helpers for the nbgrader tests of the exercise notebooks (``exercises/`` and ``solutions/``).

A letter question has an answer cell, where the learner writes letters as text
(``jawaban = "ACB"`` / ``answer = "ACB"``), and two nbgrader test cells under it: a visible test
that the answer is complete and well formed, and a hidden test that it is right. The tests are
plain ``assert``\\ s; their messages come from here, in the notebook's language.

**No key lives here.** This module only normalises what a learner wrote and words the feedback;
the right letters are written only inside the hidden tests of ``solutions/`` (nbgrader removes them
from the hand-out and puts them back when it autogrades). Nothing a student notebook can import
reveals an answer.
"""
from __future__ import annotations

import string
from typing import Any

from kesos import i18n
from kesos.i18n import t

__all__ = ["letters", "answered", "well_formed", "message"]

_LETTERS = frozenset(string.ascii_uppercase)


def letters(answer: Any) -> str:
    """The letters of an answer, upper case, in the order written.

    A learner writes ``"ACB"``, ``"a, c, b"``, ``"1A 2C 3B"`` or a list ``["A", "C", "B"]``: every
    character that is not a letter (spaces, commas, item numbers, quotes) is ignored. Anything
    else (``None``, a number, a dict) has no letters: ``""``.
    """
    if isinstance(answer, str):
        text = answer
    elif isinstance(answer, (list, tuple)) and all(isinstance(a, str) for a in answer):
        text = "".join(answer)
    else:
        return ""
    return "".join(ch for ch in text.upper() if ch in _LETTERS)


def answered(answer: Any) -> bool:
    """Whether the learner has written any letter at all."""
    return bool(letters(answer))


def well_formed(answer: Any, choices: str, count: int | None = None) -> bool:
    """Whether every letter is one of ``choices`` and, when ``count`` is given, there are exactly
    ``count`` of them (one per item)."""
    got = letters(answer)
    if not got or any(ch not in choices for ch in got):
        return False
    return count is None or len(got) == count


def message(name: str, **fields: Any) -> str:
    """The feedback line ``exercise_<name>`` in the notebook's language (``kesos.setup``)."""
    return t(f"exercise_{name}", i18n.get_language(), **fields)
