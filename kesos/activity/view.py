"""The two JSON shapes every front end shares (docs/architecture.md, ``"v": 1``).

* :func:`public_view` — everything needed to show an activity in one language and nothing that
  gives the answer away: no key, no feedback, no verdicts, no model answer. Options come in the
  learner's seeded order (:func:`kesos.checking.seeded_order`).
* :func:`result_json` — a :class:`kesos.checking.Result` as JSON, after the feedback policy
  (:mod:`kesos.activity.feedback`) has withheld what this stage may not show.

A type adds its fields with ``@view("type")`` (like ``@checker`` in :mod:`kesos.checking`)::

    @view("choice")
    def _choice(activity, course, lang, learner_id) -> dict: ...

Every text is plain text (the front end puts it into the page as text, never as HTML).
"""
from __future__ import annotations

from typing import Any, Callable

from kesos import checking
from kesos.checking import CONFIDENCE, author_name, display_text, matching_choices, role_label, seeded_order
from kesos.i18n import t

__all__ = ["VERSION", "VIEWS", "UI_KEYS", "view", "public_view", "result_json", "text_view", "headline", "ui_strings"]

VERSION = 1
VIEWS: dict[str, Callable[..., dict]] = {}

# Interface strings the component needs (kesos/ui.yaml), sent once per view in its language.
UI_KEYS = (
    "check", "save", "hint", "hint_progress", "hint_line", "try_again", "move_up", "move_down",
    "show_model_answer", "model_answer_title", "rubric_title", "open_placeholder", "open_label",
    "recall_placeholder", "choose_placeholder", "choose_all", "choice_label", "definition_n", "entry_n",
    "order_label", "order_instructions", "order_grabbed", "order_moved", "order_dropped", "order_position",
    "match_instructions", "choices_label", "role_list_label", "roles_title", "none_fits", "earlier_title",
    "case_label", "confidence_label", "confidence_sure", "confidence_unsure", "confidence_guessing",
    "justification_label", "justification_placeholder", "answer_changed", "restored_note",
    "show_answer", "hint_offer", "reveal_offer", "not_saved_note", "saved_now_note", "sources_line",
    "static_note", "quiz_title",
)

# Headline and part verdicts: the symbol the front end shows next to the word (never colour alone).
SYMBOLS = {
    "right": "✓", "best": "✓", "wrong": "✗", "no_fit": "✗", "partial": "~", "acceptable": "~",
    "missing": "○", "discussion": "~", "saved": "✓",
}


def view(kind: str):
    """Register ``fn(activity, course, lang, learner_id) -> dict`` (the type's own fields)."""

    def register(fn):
        if kind in VIEWS:
            raise ValueError(f"a view for {kind!r} is registered twice")
        VIEWS[kind] = fn
        return fn

    return register


def ui_strings(lang: str) -> dict[str, str]:
    return {k: t(k, lang) for k in UI_KEYS}


def public_view(activity, course, lang: str, learner_id: str) -> dict:
    """The activity as JSON for a front end, in ``lang``, for ``learner_id`` (never the key)."""
    try:
        fn = VIEWS[activity.type]
    except KeyError:
        raise ValueError(f"no view registered for activity type {activity.type!r}") from None
    out = {
        "v": VERSION,
        "id": activity.id,
        "type": activity.type,
        "lang": lang,
        "title": activity.title.get(lang),
        "prompt": activity.prompt.get(lang),
        "hint_count": len(activity.hints),
        "ui": ui_strings(lang),
    }
    out.update(fn(activity, course, lang, learner_id))
    return out


# --------------------------------------------------------------------------- per type


@view("choice")
def _choice(activity, course, lang, learner_id):
    by_id = {o.id: o for o in activity.options}
    order = seeded_order(list(by_id), learner_id, activity.id)
    return {
        "multiple": bool(activity.multiple),
        "options": [{"id": i, "text": by_id[i].text.get(lang)} for i in order],
    }


@view("matching")
def _matching(activity, course, lang, learner_id):
    names = {k: author_name(course, k, lang) for k in matching_choices(activity, course)}
    items = [
        {"id": p.definition, "text": display_text(course.definitions[p.definition], p.show, lang)}
        for p in activity.pairs
    ]
    # alphabetical: the order of the names gives nothing away
    choices = sorted(({"id": k, "label": n} for k, n in names.items()), key=lambda c: c["label"].casefold())
    return {"items": items, "choices": choices}


def ordering_start(activity, learner_id: str) -> list[str]:
    """The learner's starting order: seeded, and never already right."""
    keyed = [e.id for e in sorted(activity.entries, key=lambda e: e.position)]
    start = seeded_order(keyed, learner_id, activity.id)
    if start == keyed:
        start = start[1:] + start[:1]
    return start


@view("ordering")
def _ordering(activity, course, lang, learner_id):
    texts = {e.id: e.text.get(lang) for e in activity.entries}
    return {"entries": [{"id": i, "text": texts[i]} for i in ordering_start(activity, learner_id)]}


@view("classification")
def _classification(activity, course, lang, learner_id):
    return {
        "categories": [
            {"id": c.id, "label": c.label.get(lang), "description": c.description.get(lang) if c.description else ""}
            for c in activity.categories
        ],
        "entries": [{"id": e.id, "text": e.text.get(lang)} for e in activity.entries],
    }


@view("vignette")
def _vignette(activity, course, lang, learner_id):
    lists = []
    for rl in course.role_lists.values():
        if rl.id not in activity.fits:
            continue
        lists.append({
            "id": rl.id,
            "label": course.citation_of(rl.id, lang),  # "Huda 2009:205"
            "roles": [
                {"id": e.role, "label": role_label(course, rl.id, e.role, lang), "description": e.description.get(lang)}
                for e in rl.entries
            ],
        })
    out = {
        "case": activity.case.get(lang),
        "role_lists": lists,
        "role_list": activity.role_list,  # fixed list, or None: the learner chooses
        "discussion": bool(activity.discussion),
        "confidence": [{"id": k, "label": t(f"confidence_{k}", lang)} for k in CONFIDENCE],
        "none_fits": True,  # "none of these roles fits" is always offered
    }
    follows = getattr(activity, "follows", None)
    if follows:
        earlier = []
        seen = set()
        while follows and follows not in seen:  # part 3 shows parts 1 and 2, oldest first
            seen.add(follows)
            try:
                prev = course.activity(follows)
            except Exception:
                break
            earlier.insert(0, {"title": prev.title.get(lang), "case": prev.case.get(lang)})
            follows = getattr(prev, "follows", None)
        out["earlier"] = earlier
    return out


def text_view(activity, course, lang, learner_id):
    """A written answer (``open``; also ``recall``: ``view("recall")(text_view)``)."""
    rubric = getattr(activity, "rubric", None) or []
    return {
        "rubric": [r.get(lang) for r in rubric],
        "self_assessed": activity.type == "open",  # Save + rubric + model answer; else Check
    }


view("open")(text_view)
view("recall")(text_view)  # written recall: prompt and a text box; never the key elements


# --------------------------------------------------------------------------- result JSON


def headline(activity, result) -> str | None:
    """The overall verdict shown for ``result`` (None: an empty answer, a gentle prompt)."""
    if result.empty:
        return None
    if activity is not None and activity.type == "open":
        return "saved"
    if activity is not None and getattr(activity, "discussion", False):
        return "discussion"
    if result.correct:
        return "right"
    return "wrong" if result.score <= 0 else "partial"


def _percent(fraction: float) -> str:
    return f"{round(fraction * 100)}%"


def _part_word(activity, verdict: str, lang: str) -> str:
    if verdict == "missing" and activity is not None and activity.type == "choice" and not activity.multiple:
        return t("verdict_right_answer", lang)  # in a single-answer question: "the right answer"
    return t(f"verdict_{verdict}", lang)


def result_json(
    result,
    stage=None,
    *,
    activity=None,
    lang: str = "id",
    answer: Any = None,
    saved: bool | None = None,
    restored: bool = False,
    course=None,
) -> dict:
    """``result`` as JSON after the feedback policy: ``stage`` (a
    :class:`kesos.activity.feedback.Stage`; None = everything shown) decides what is withheld."""
    from kesos.activity import feedback

    stage = stage or feedback.FULL
    shown = feedback.visible(result, stage, activity=activity, answer=answer, lang=lang, course=course)
    verdict = headline(activity, shown)
    extras = []
    if activity is not None and activity.type == "vignette" and isinstance(answer, dict) and not shown.empty:
        just = answer.get("justification")
        if isinstance(just, str) and just.strip():
            extras.append(t("your_reasoning", lang, text=just.strip()))
    out = {
        "v": VERSION,
        "kind": "result",
        "id": activity.id if activity is not None else None,
        "score": shown.score,
        "max_score": shown.max_score,
        "correct": shown.correct,
        "empty": shown.empty,
        "verdict": verdict,
        "verdict_word": t(f"verdict_{verdict}", lang) if verdict else "",
        "symbol": SYMBOLS.get(verdict, ""),
        "score_text": t("score_line", lang, score=_percent(shown.score / shown.max_score if shown.max_score else 0.0)),
        "summary": shown.summary,
        "parts": [
            {
                "id": p.id, "label": p.label, "verdict": p.verdict, "word": _part_word(activity, p.verdict, lang),
                "symbol": SYMBOLS[p.verdict], "feedback": p.feedback,
                # a citation already in the feedback text is not repeated
                "citation": p.citation if p.citation and p.citation not in p.feedback else "",
            }
            for p in shown.parts
        ],
        "citations": list(shown.citations),
        "sources": t("sources_line", lang, cites="; ".join(shown.citations)) if shown.citations else "",
        "explanation": shown.explanation,
        "extras": extras,
        "revealed": stage.revealed,
        "can_reveal": stage.can_reveal,
        "hint_offer": stage.hint_offer,
        "restored": restored,
        "saved": saved,
    }
    return out


def check_json(activity, answer, lang, course) -> dict:  # pragma: no cover - convenience
    """Check and return the fully revealed result JSON (exports, session reveal)."""
    return result_json(
        checking.check(activity, answer, lang, course), activity=activity, lang=lang, answer=answer, course=course
    )


# --------------------------------------------------------------------------- answer shapes

_WRAP = {"choice": "choice", "ordering": "order", "matching": "pairs", "classification": "pairs"}


def to_front(activity, answer: Any) -> Any:
    """A stored answer in the front end's shape (docs/architecture.md): older attempts hold the
    bare list / mapping, e.g. ``["b"]`` for ``{"choice": ["b"]}``."""
    key = _WRAP.get(activity.type)
    if key is None or (isinstance(answer, dict) and key in answer):
        return answer
    return {key: answer}


def check_answer(activity, answer: Any, lang: str, course):
    """``checking.check`` on a front end's answer: the documented shape first, the bare list /
    mapping inside it when the checker reads that one. Returns (result, the answer it scored)."""
    result = checking.check(activity, answer, lang, course)
    key = _WRAP.get(activity.type)
    if result.empty and key and isinstance(answer, dict) and key in answer:
        inner = answer[key]
        again = checking.check(activity, inner, lang, course)
        if not again.empty:
            return again, inner
    return result, answer
