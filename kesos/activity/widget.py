"""The notebook component: one anywidget model per activity (a quiz: one model for all its items).

The kernel sends the public view(s) once as a trait; the browser (``static/activity.js``) sends
``{"kind": "check" | "hint" | "reveal" | "retry", "id": ..., "answer": ...}``; :meth:`handle`
checks with :mod:`kesos.checking`, records through the progress store, applies the feedback
policy and replies with result JSON (``self.send``). Every reply goes through :meth:`reply`.
"""
from __future__ import annotations

import pathlib
import weakref
from dataclasses import dataclass, field
from typing import Any

import anywidget
import traitlets as T

from kesos.activity import feedback
from kesos.activity.view import check_answer, public_view, result_json, to_front
from kesos.i18n import t

STATIC = pathlib.Path(__file__).parent / "static"


def number(x: float, lang: str) -> str:
    """0.5 → '0.5' (en) / '0,5' (id); whole numbers without decimals."""
    s = f"{round(x, 2):g}"
    return s.replace(".", ",") if lang == "id" else s


@dataclass
class _State:
    """What the kernel remembers about one activity of a component."""

    activity: Any
    wrong_in_row: int = 0
    hints_used: int = 0
    asked: bool = False  # the key has been shown (asked for, or after two wrong answers)
    answer: Any = None  # the last recorded answer (front-end shape), None after Try again
    result: Any = None  # its Result
    reply: dict | None = None  # the reply sent for it (a repeated Check sends it again)
    saved: bool | None = None
    pending: set = field(default_factory=set)  # uids of attempts not yet in the database
    attempts: int | None = None  # attempts stored for this item (read once, then counted)


_LAYOUT: list = []


def _shared_layout():
    """One ``Layout`` model for every activity in the kernel: a DOMWidget makes a layout model of
    its own otherwise, which nearly doubles the widget models of a chapter (and the front end's work)."""
    from ipywidgets import Layout

    if not _LAYOUT or getattr(_LAYOUT[0], "comm", None) is None:  # first time, or closed (close_all)
        _LAYOUT[:] = [Layout()]
    return _LAYOUT[0]


class ActivityWidget(anywidget.AnyWidget):
    """``kesos.show(id)`` / ``kesos.quiz(ids)``. Traits: ``views`` (public views, plus a learner's
    ``restored`` answer and result), ``quiz`` (title and running score, or empty), ``lang``."""

    _esm = STATIC / "activity.js"
    _css = STATIC / "activity.css"
    views = T.List(T.Dict()).tag(sync=True)
    quiz = T.Dict().tag(sync=True)
    lang = T.Unicode("id").tag(sync=True)

    def __init__(self, activities: list, course, *, lang: str, store=None, reveal: str = "after_two",
                 quiz_title: str | None = None, notices: dict[int, dict] | None = None):
        if reveal not in feedback.REVEAL_MODES:
            raise ValueError(f"reveal must be one of {feedback.REVEAL_MODES}, not {reveal!r}")
        if store is None:
            from kesos.progress import get_store

            store = get_store()
        self.course, self.store, self.reveal = course, store, reveal
        self.states: dict[str, _State] = {}
        self._unsubscribe = None
        self.is_quiz = quiz_title is not None
        learner = self.learner_id
        views = []
        for a in activities:
            st = self.states[a.id] = _State(a)
            v = public_view(a, course, lang, learner)
            restored = self._restore(st, lang)
            if restored:
                v["restored"] = restored
            views.append(v)
        for pos, notice in sorted((notices or {}).items()):  # unknown ids in a quiz: a message
            views.insert(pos, notice)
        super().__init__(views=views, lang=lang, layout=_shared_layout())
        if self.is_quiz:
            self.quiz = {"title": quiz_title, "score": self.quiz_score()}
        self.on_msg(self._on_msg)
        if any(st.pending for st in self.states.values()):
            self._subscribe()

    # ---- the store ----------------------------------------------------------------------------
    @property
    def learner_id(self) -> str:
        try:
            return self.store.learner_id
        except Exception:  # the store never shows tracebacks; neither do we
            return "anonymous"

    def _subscribe(self) -> None:
        sub = getattr(self.store, "subscribe", None)  # kesos.progress (issue 8)
        if sub is not None and self._unsubscribe is None:
            ref = weakref.WeakMethod(self._saved)  # a re-run cell's old component can be collected

            def saved(uids, ref=ref):
                method = ref()
                if method is not None:
                    method(uids)

            self._unsubscribe = sub(saved)

    def _saved(self, saved_uids) -> None:
        """The store wrote queued attempts: turn "not saved yet" into "saved"."""
        uids = set(saved_uids or ())
        for st in self.states.values():
            if st.pending & uids:
                st.pending -= uids
                if not st.pending:
                    st.saved = True
                    self.reply({"kind": "saved", "id": st.activity.id})

    def close(self):
        if self._unsubscribe is not None:
            try:
                self._unsubscribe()
            finally:
                self._unsubscribe = None
        super().close()

    def _restore(self, st: _State, lang: str) -> dict | None:
        """The learner's last answer and its result, re-checked in ``lang`` (records nothing)."""
        try:
            last = self.store.last_attempt(st.activity.id)
        except Exception:
            last = None
        if last is None or last.answer is None:
            return None
        answer = to_front(st.activity, last.answer)
        result, _ = check_answer(st.activity, answer, lang, self.course)
        if result.empty:  # stale answer (content changed): start fresh
            return None
        ctx = last.context if isinstance(last.context, dict) else {}
        st.asked = bool(ctx.get("revealed"))
        st.wrong_in_row = 0 if result.correct else 1
        stage = feedback.stage(result, st.activity, asked=st.asked, reveal=self.reveal,
                               hints_left=len(st.activity.hints))
        st.answer, st.result, st.saved = answer, result, last.saved
        if not last.saved and last.uid:
            st.pending.add(last.uid)
        st.reply = result_json(result, stage, activity=st.activity, lang=lang, answer=answer,
                               saved=last.saved, restored=True, course=self.course)
        return {"answer": answer, "result": st.reply}

    # ---- messages -----------------------------------------------------------------------------
    def _on_msg(self, _widget, content, _buffers) -> None:
        self.handle(content)

    def reply(self, msg: dict) -> dict:
        self.send(msg)
        return msg

    def _state(self, content) -> _State | None:
        key = content.get("id") if isinstance(content, dict) else None
        if key is None and len(self.states) == 1:
            return next(iter(self.states.values()))
        return self.states.get(key)

    def handle(self, content: Any) -> dict | None:
        """One message from the browser; returns the reply sent (None for an unknown message)."""
        st = self._state(content)
        if st is None:
            return None
        kind = content.get("kind")
        if kind == "check":
            return self.check(st, content.get("answer"))
        if kind == "hint":
            return self.hint(st)
        if kind == "reveal":
            return self.show_key(st)
        if kind == "retry":
            st.answer, st.result, st.reply = None, None, None
            return None
        return None

    def check(self, st: _State, answer: Any) -> dict:
        """Check, record once, reply. The same answer sent again (double click) is not recorded again."""
        a, lang = st.activity, self.lang
        if st.reply is not None and answer == st.answer:  # double click, or a restored answer again
            return self.reply({**st.reply, "restored": False})
        result, scored = check_answer(a, answer, lang, self.course)
        if result.empty:  # a gentle prompt; nothing recorded, never "wrong"
            return self.reply(result_json(result, activity=a, lang=lang, answer=answer, course=self.course))
        stage = feedback.stage(result, a, wrong_before=st.wrong_in_row, asked=st.asked, reveal=self.reveal,
                               hints_left=len(a.hints) - st.hints_used)
        shows_key = stage.revealed and not result.correct and not getattr(a, "discussion", False)
        st.asked = st.asked or shows_key
        if st.attempts is None:
            try:
                st.attempts = len(self.store.attempts(a.id))
            except Exception:
                st.attempts = 0
        st.attempts += 1
        context = {"attempt": st.attempts, "hints_used": st.hints_used, "revealed": st.asked, "reveal": self.reveal}
        saved = self._record(st, scored, result, context)
        st.wrong_in_row = 0 if result.correct else st.wrong_in_row + 1
        st.answer, st.result, st.saved = answer, result, saved
        msg = result_json(result, stage, activity=a, lang=lang, answer=answer, saved=saved, course=self.course)
        st.reply = msg
        if self.is_quiz:
            self.quiz = {**self.quiz, "score": self.quiz_score()}
            msg = {**msg, "quiz_score": self.quiz["score"]}
        return self.reply(msg)

    def _record(self, st: _State, answer: Any, result, context: dict) -> bool | None:
        try:
            attempt = self.store.record(
                st.activity.id, st.activity.type, answer,
                score=result.score, max_score=result.max_score, correct=result.correct,
                language=self.lang, context=context,
            )
        except Exception:  # pragma: no cover - the store reports its own problems
            return False
        saved = bool(getattr(attempt, "saved", True))
        if not saved and getattr(attempt, "uid", None):
            st.pending.add(attempt.uid)
            self._subscribe()
        return saved

    def hint(self, st: _State) -> dict | None:
        hints, lang = st.activity.hints, self.lang
        if st.hints_used >= len(hints):
            return None
        st.hints_used += 1
        n = st.hints_used
        return self.reply({
            "kind": "hint", "id": st.activity.id, "n": n, "label": t("hint_line", lang, n=n),
            "text": hints[n - 1].get(lang),
            "next_label": t("hint_progress", lang, n=n + 1, total=len(hints)) if n < len(hints) else None,
        })

    def show_key(self, st: _State) -> dict:
        """The learner asked: show the key (the attempt after this one records ``revealed``)."""
        a, lang = st.activity, self.lang
        st.asked = True
        if st.result is None:  # nothing checked yet (an open question's "Show model answer")
            model = getattr(a, "model_answer", None)
            return self.reply({"kind": "reveal", "id": a.id, "revealed": True,
                               "explanation": model.get(lang) if model is not None else ""})
        msg = result_json(st.result, feedback.FULL, activity=a, lang=lang, answer=st.answer,
                          saved=st.saved, course=self.course)
        st.reply = msg
        return self.reply(msg)

    # ---- quiz ---------------------------------------------------------------------------------
    def quiz_score(self) -> str:
        """Sum of the latest scores over the maximum (an unanswered item counts 1)."""
        results = [st.result for st in self.states.values() if st.result is not None and not st.result.empty]
        total = sum(r.score for r in results)
        maximum = sum(st.result.max_score if st.result else 1.0 for st in self.states.values())
        return t("quiz_score", self.lang, score=number(total, self.lang), total=number(maximum, self.lang),
                 answered=len(results), count=len(self.states))

    # ---- display ------------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        """The widget view AND a static ``text/html`` copy (nbconvert, GitHub, Jupyter Book)."""
        from kesos.activity.static_html import render

        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, meta = bundle
        data = {**data, "text/html": render(self.views, self.quiz)}
        return data, meta
