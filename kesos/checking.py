"""Pure answer checking for the six activity types: ``check(activity, answer, lang, course)``.

No IPython or ipywidgets here: the activity component (``kesos.activity``), tests and exports all call the
same functions. Each activity type registers three small functions by its data ``type``:

* ``@checker(type)`` — ``fn(activity, answer, lang, course) -> Result``;
* ``@answer_key(type)`` — ``fn(activity, course, lang) -> answer`` that scores full marks;
* ``@wrong_key(type)`` — ``fn(activity, course, lang) -> answer`` that is deliberately wrong.

Every text in a :class:`Result` is plain text (never HTML), already in the learner's language,
taken from the content (option feedback, misconception corrections, citations, ordering ``why``,
classification feedback, vignette rationales) or from ``kesos/ui.yaml``. Display code escapes it.

Answer shapes (what the widgets produce and the progress store keeps, JSON-friendly):

==============  =====================================================================
choice          ``["b"]`` — chosen option ids (one for a single-answer question)
matching        ``{"def-friedlander-welfare": "friedlander", ...}`` — definition → author
ordering        ``["engagement", "assessment", ...]`` — entry ids in the learner's order
classification  ``{"e1": "condition", ...}`` — entry → category
vignette        ``{"role_list": "huda2009", "roles": ["broker"], "confidence": "sure",
                "justification": "..."}``
open            ``{"text": "...", "rubric": [true, false], "revealed": true}``
==============  =====================================================================

An empty answer (nothing chosen, blank text) gives ``Result(empty=True)`` with a gentle prompt as
its summary; it is never scored as wrong. Answers read back from storage may be stale (content
changed since): unknown ids are ignored rather than raising.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from kesos.i18n import t

if TYPE_CHECKING:  # pragma: no cover
    from kesos.content import Course

__all__ = [
    "VERDICTS",
    "Part",
    "Result",
    "CHECKERS",
    "KEYS",
    "WRONGS",
    "checker",
    "answer_key",
    "wrong_key",
    "check",
    "keyed_answer",
    "wrong_answer",
    "seeded_order",
    "display_text",
    "author_key",
    "author_name",
    "matching_choices",
    "vignette_role_list",
    "role_label",
]

VERDICTS = frozenset({"right", "wrong", "partial", "best", "acceptable", "no_fit", "missing"})
CONFIDENCE = ("sure", "unsure", "guessing")


@dataclass(frozen=True)
class Part:
    """Feedback on one part of an answer (an option, a pair, an entry, a role, a criterion)."""

    id: str
    label: str
    verdict: str
    feedback: str = ""
    citation: str = ""

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {sorted(VERDICTS)}, not {self.verdict!r}")


@dataclass(frozen=True)
class Result:
    """The outcome of checking one answer. ``score`` is in ``0..max_score`` (``max_score`` is 1)."""

    score: float
    max_score: float
    correct: bool
    empty: bool
    parts: tuple[Part, ...] = ()
    summary: str = ""
    citations: tuple[str, ...] = field(default=())  # sources of the activity's ``cites``
    explanation: str = ""  # the activity's general explanation / model answer, if any


Checker = Callable[[Any, Any, str, "Course"], Result]
KeyFn = Callable[[Any, "Course", str], Any]

CHECKERS: dict[str, Checker] = {}
KEYS: dict[str, KeyFn] = {}
WRONGS: dict[str, KeyFn] = {}


def _registrar(table: dict, kind: str):
    def register(fn):
        if kind in table:
            raise ValueError(f"{kind!r} is registered twice")
        table[kind] = fn
        return fn

    return register


def checker(kind: str):
    """Register ``fn(activity, answer, lang, course) -> Result`` for activities of ``type: kind``."""
    return _registrar(CHECKERS, kind)


def answer_key(kind: str):
    """Register ``fn(activity, course, lang) -> answer`` giving full marks for ``type: kind``."""
    return _registrar(KEYS, kind)


def wrong_key(kind: str):
    """Register ``fn(activity, course, lang) -> answer`` giving less than full marks."""
    return _registrar(WRONGS, kind)


def _lookup(table: dict, activity) -> Callable:
    try:
        return table[activity.type]
    except KeyError:
        raise ValueError(f"no checker registered for activity type {activity.type!r}") from None


def check(activity, answer, lang: str, course: "Course") -> Result:
    """Check ``answer`` to ``activity``; all feedback in ``lang``."""
    return _lookup(CHECKERS, activity)(activity, answer, lang, course)


def keyed_answer(activity, course: "Course", lang: str = "id"):
    """An answer that scores full marks (tests, solution exports)."""
    return _lookup(KEYS, activity)(activity, course, lang)


def wrong_answer(activity, course: "Course", lang: str = "id"):
    """A deliberately wrong answer that scores less than full marks (tests)."""
    return _lookup(WRONGS, activity)(activity, course, lang)


def seeded_order(ids, learner_id: str, item_id: str) -> list:
    """``ids`` shuffled the same way every time for this learner and item."""
    out = list(ids)
    random.Random(f"{learner_id}:{item_id}").shuffle(out)
    return out


# --------------------------------------------------------------------------- shared helpers


def _citations(activity, lang: str, course: "Course") -> tuple[str, ...]:
    out: list[str] = []
    for ref in activity.cites:
        c = course.citation_of(ref, lang)
        if c and c not in out:
            out.append(c)
    return tuple(out)


def _empty(activity, key: str, lang: str, course: "Course") -> Result:
    return Result(0.0, 1.0, False, True, (), t(key, lang), _citations(activity, lang, course))


def _summary(score: float, right: int, total: int, lang: str) -> str:
    if score >= 1:
        return t("result_right", lang)
    if score <= 0:
        return t("result_wrong", lang)
    return t("result_partial", lang, right=right, total=total)


def _ids(answer) -> list[str]:
    """A list of ids from a stored answer; anything else counts as no answer."""
    if isinstance(answer, str):
        return [answer]
    if isinstance(answer, (list, tuple)):
        return [a for a in answer if isinstance(a, str)]
    return []


def _mapping(answer) -> dict[str, str]:
    if not isinstance(answer, dict):
        return {}
    return {k: v for k, v in answer.items() if isinstance(k, str) and isinstance(v, str) and v}


def _join(*texts: str) -> str:
    return " ".join(s.strip() for s in texts if s and s.strip())


def display_text(defn, show: str, lang: str) -> str:
    """How a matching pair shows its definition: the quotation (plus a translation into ``lang``
    when the quotation is in the other language) or the course's summary."""
    if show == "quote" and defn.quote:
        text = f"“{defn.quote.text}”"
        if defn.quote.lang != lang and defn.translation and defn.translation.lang == lang:
            text += f" ({defn.translation.text})"
        return text
    return defn.summary.get(lang)


def author_key(citation) -> str:
    """Who a definition is attributed to, as a matching answer: its author id, else ``source:<id>``."""
    return citation.author or f"source:{citation.via}"


def author_name(course: "Course", key: str, lang: str) -> str:
    if key.startswith("source:"):
        src = course.sources.get(key[len("source:"):])
        return src.short if src else key
    author = course.authors.get(key)
    return author.name.get(lang) if author else key


def role_label(course: "Course", role_list_id: str, role_id: str, lang: str) -> str:
    """The name a role list gives a role (its own label if it has one, else the role's name)."""
    rl = course.role_lists.get(role_list_id)
    if rl:
        for e in rl.entries:
            if e.role == role_id and e.label:
                return e.label.get(lang)
    role = course.roles.get(role_id)
    return role.name.get(lang) if role else role_id


# --------------------------------------------------------------------------- choice


@checker("choice")
def _check_choice(activity, answer, lang, course) -> Result:
    by_id = {o.id: o for o in activity.options}
    chosen = [i for i in dict.fromkeys(_ids(answer)) if i in by_id]
    if not activity.multiple:
        chosen = chosen[:1]
    if not chosen:
        return _empty(activity, "empty_choice", lang, course)
    keyed = {o.id for o in activity.options if o.correct}
    right = [i for i in chosen if i in keyed]
    wrong = [i for i in chosen if i not in keyed]
    score = max(0, len(right) - len(wrong)) / len(keyed)
    correct = set(chosen) == keyed
    parts = []
    for o in activity.options:  # content order: stable, whatever order the learner saw
        if o.id in chosen and o.correct:
            parts.append(Part(o.id, o.text.get(lang), "right", o.feedback.get(lang)))
        elif o.id in chosen:
            fb = o.feedback.get(lang)
            m = course.misconceptions.get(o.misconception) if o.misconception else None
            if m:
                fb = _join(fb, t("misconception_note", lang, correction=m.correction.get(lang)))
            parts.append(Part(o.id, o.text.get(lang), "wrong", fb))
        elif o.correct and not correct:
            parts.append(Part(o.id, o.text.get(lang), "missing", o.feedback.get(lang)))
    # wrong picks first: the learner's own mistake is what they need to read first
    order = {"wrong": 0, "missing": 1, "right": 2}
    parts.sort(key=lambda p: order[p.verdict])
    return Result(
        score=float(score),
        max_score=1.0,
        correct=correct,
        empty=False,
        parts=tuple(parts),
        summary=_summary(score, len(right), len(keyed), lang),
        citations=_citations(activity, lang, course),
        explanation=activity.explanation.get(lang) if activity.explanation else "",
    )


@answer_key("choice")
def _key_choice(activity, course, lang):
    return [o.id for o in activity.options if o.correct]


@wrong_key("choice")
def _wrong_choice(activity, course, lang):
    wrong = [o.id for o in activity.options if not o.correct]
    if not wrong:
        raise ValueError(f"choice {activity.id!r}: every option is correct — nothing can be wrong")
    return wrong[:1]


# --------------------------------------------------------------------------- matching


def matching_choices(activity, course: "Course") -> list[str]:
    """Author keys offered in a matching activity: the pairs' authors, then the distractors."""
    keys = [author_key(course.definitions[p.definition].cite) for p in activity.pairs]
    return list(dict.fromkeys(keys + list(activity.distractors)))


@checker("matching")
def _check_matching(activity, answer, lang, course) -> Result:
    given = _mapping(answer)
    if not any(p.definition in given for p in activity.pairs):
        return _empty(activity, "empty_matching", lang, course)
    parts, right = [], 0
    for p in activity.pairs:
        defn = course.definitions[p.definition]
        key = author_key(defn.cite)
        cite = course.cite(defn.cite, lang)
        extra = p.feedback.get(lang) if p.feedback else ""
        label = display_text(defn, p.show, lang)
        chosen = given.get(p.definition)
        if chosen == key:
            right += 1
            parts.append(Part(p.definition, label, "right", _join(t("pair_right", lang, cite=cite), extra), cite))
        elif chosen:
            who = author_name(course, chosen, lang)
            parts.append(
                Part(p.definition, label, "wrong", _join(t("pair_wrong", lang, chosen=who, cite=cite), extra), cite)
            )
        else:
            parts.append(Part(p.definition, label, "missing", _join(t("pair_missing", lang, cite=cite), extra), cite))
    n = len(activity.pairs)
    score = right / n
    return Result(
        float(score), 1.0, right == n, False, tuple(parts), _summary(score, right, n, lang),
        _citations(activity, lang, course),
    )


@answer_key("matching")
def _key_matching(activity, course, lang):
    return {p.definition: author_key(course.definitions[p.definition].cite) for p in activity.pairs}


@wrong_key("matching")
def _wrong_matching(activity, course, lang):
    key = _key_matching(activity, course, lang)
    defs = list(key)
    choices = matching_choices(activity, course)
    out = {}
    for i, d in enumerate(defs):
        # the next pair's author ("shifted"); if that happens to be right, any other choice
        shifted = [key[defs[(i + k) % len(defs)]] for k in range(1, len(defs))] + choices
        out[d] = next((a for a in shifted if a != key[d]), key[d])
    return out


# --------------------------------------------------------------------------- ordering


@checker("ordering")
def _check_ordering(activity, answer, lang, course) -> Result:
    by_id = {e.id: e for e in activity.entries}
    order = [i for i in dict.fromkeys(_ids(answer)) if i in by_id]
    if not order:
        return _empty(activity, "empty_ordering", lang, course)
    n = len(activity.entries)
    placed = [i for k, i in enumerate(order) if by_id[i].position == k + 1]
    keyed_pairs = {(a.id, b.id) for a in activity.entries for b in activity.entries if b.position == a.position + 1}
    good_pairs = sum((a, b) in keyed_pairs for a, b in zip(order, order[1:]))
    score = (len(placed) / n + good_pairs / (n - 1)) / 2
    correct = len(placed) == n
    parts, named = [], False
    for k, i in enumerate(order):
        e = by_id[i]
        if e.position == k + 1:
            parts.append(Part(i, e.text.get(lang), "right", e.why.get(lang)))
        elif not named:  # name only the FIRST misplaced entry: one thing to fix at a time
            named = True
            fb = t("order_misplaced", lang, entry=e.text.get(lang), position=e.position, given=k + 1, why=e.why.get(lang))
            parts.append(Part(i, e.text.get(lang), "wrong", fb))
        else:
            parts.append(Part(i, e.text.get(lang), "wrong"))
    summary = t("result_right", lang) if correct else t(
        "order_summary", lang, placed=len(placed), total=n, pairs=good_pairs, npairs=n - 1
    )
    return Result(float(score), 1.0, correct, False, tuple(parts), summary, _citations(activity, lang, course))


@answer_key("ordering")
def _key_ordering(activity, course, lang):
    return [e.id for e in sorted(activity.entries, key=lambda e: e.position)]


@wrong_key("ordering")
def _wrong_ordering(activity, course, lang):
    return _key_ordering(activity, course, lang)[::-1]


# --------------------------------------------------------------------------- classification


@checker("classification")
def _check_classification(activity, answer, lang, course) -> Result:
    cats = {c.id: c.label.get(lang) for c in activity.categories}
    given = {k: v for k, v in _mapping(answer).items() if v in cats}
    if not any(e.id in given for e in activity.entries):
        return _empty(activity, "empty_classification", lang, course)
    parts, right = [], 0
    for e in activity.entries:
        chosen, fb, text = given.get(e.id), e.feedback.get(lang), e.text.get(lang)
        if chosen == e.category:
            right += 1
            parts.append(Part(e.id, text, "right", fb))
        elif chosen:
            parts.append(Part(e.id, text, "wrong", t("class_wrong", lang, chosen=cats[chosen], right=cats[e.category], feedback=fb)))
        else:
            parts.append(Part(e.id, text, "missing", t("class_missing", lang, right=cats[e.category], feedback=fb)))
    n = len(activity.entries)
    score = right / n
    return Result(
        float(score), 1.0, right == n, False, tuple(parts), _summary(score, right, n, lang),
        _citations(activity, lang, course),
    )


@answer_key("classification")
def _key_classification(activity, course, lang):
    return {e.id: e.category for e in activity.entries}


@wrong_key("classification")
def _wrong_classification(activity, course, lang):
    cats = [c.id for c in activity.categories]
    return {e.id: cats[(cats.index(e.category) + 1) % len(cats)] for e in activity.entries}


# --------------------------------------------------------------------------- vignette

_CREDIT = {"best": 1.0, "acceptable": 0.5, "no_fit": 0.0}


def vignette_role_list(activity, answer, course: "Course") -> str | None:
    """The role list an answer is about: fixed by the vignette, else the learner's choice."""
    if activity.role_list:
        return activity.role_list
    chosen = answer.get("role_list") if isinstance(answer, dict) else None
    return chosen if chosen in activity.fits and chosen in course.role_lists else None


@checker("vignette")
def _check_vignette(activity, answer, lang, course) -> Result:
    list_id = vignette_role_list(activity, answer, course)
    if list_id is None:
        return _empty(activity, "empty_vignette", lang, course)
    in_list = [e.role for e in course.role_lists[list_id].entries]
    roles = [r for r in dict.fromkeys(_ids(answer.get("roles"))) if r in in_list]
    if not roles:
        return _empty(activity, "empty_vignette", lang, course)
    fit = activity.fits[list_id]
    cite = course.citation_of(list_id, lang)
    parts, credits = [], []
    for r in in_list:  # the list's own order
        label = role_label(course, list_id, r, lang)
        if r in roles:
            verdict = "best" if r in fit.best else "acceptable" if r in fit.acceptable else "no_fit"
            credits.append(_CREDIT[verdict])
            if verdict == "no_fit":
                role = course.roles[r]
                fb = t("role_no_fit", lang, role=label, summary=role.summary.get(lang), cue=role.cue.get(lang))
            else:
                fb = fit.why[r].get(lang)
            parts.append(Part(r, label, verdict, fb, cite))
        elif r in fit.best:
            parts.append(Part(r, label, "missing", fit.why[r].get(lang), cite))
    order = {"no_fit": 0, "acceptable": 1, "missing": 2, "best": 3}
    parts.sort(key=lambda p: order[p.verdict])
    score = sum(credits) / len(credits)
    correct = all(c == 1.0 for c in credits)
    lines = []
    if activity.discussion:
        lines.append(t("vignette_discussion", lang))
        for rd in activity.readings:
            names = ", ".join(_any_role_name(course, r, lang) for r in rd.roles)
            lines.append(t("reading_line", lang, roles=names, argument=rd.argument.get(lang)))
    else:
        best = sum(c == 1.0 for c in credits)
        lines.append(_summary(score, best, len(credits), lang) if not correct else t("result_right", lang))
    confidence = answer.get("confidence")
    if confidence == "sure" and not correct and not activity.discussion:
        lines.append(t("calibration_sure_wrong", lang))
    elif confidence in ("unsure", "guessing") and correct and not activity.discussion:
        lines.append(t("calibration_unsure_right", lang))
    return Result(
        float(score), 1.0, correct, False, tuple(parts), "\n".join(lines), _citations(activity, lang, course)
    )


def _any_role_name(course: "Course", role_id: str, lang: str) -> str:
    role = course.roles.get(role_id)
    return role.name.get(lang) if role else role_id


def _key_list(activity, course) -> str:
    return activity.role_list or next(iter(course.role_lists))


@answer_key("vignette")
def _key_vignette(activity, course, lang):
    list_id = _key_list(activity, course)
    return {
        "role_list": list_id,
        "roles": list(activity.fits[list_id].best),
        "confidence": "sure",
        "justification": activity.fits[list_id].why[activity.fits[list_id].best[0]].get(lang),
    }


@wrong_key("vignette")
def _wrong_vignette(activity, course, lang):
    list_id = _key_list(activity, course)
    fit = activity.fits[list_id]
    in_list = [e.role for e in course.role_lists[list_id].entries]
    misfit = [r for r in in_list if r not in fit.best and r not in fit.acceptable]
    # a role that does not fit; if every role in the list is keyed, an acceptable one (half credit)
    role = (misfit or list(fit.acceptable) or [None])[0]
    if role is None:
        raise ValueError(f"vignette {activity.id!r}: every role of {list_id!r} is a best fit — nothing can be wrong")
    return {"role_list": list_id, "roles": [role], "confidence": "sure", "justification": ""}


# --------------------------------------------------------------------------- open


@checker("open")
def _check_open(activity, answer, lang, course) -> Result:
    answer = answer if isinstance(answer, dict) else {}
    text = answer.get("text")
    if not isinstance(text, str) or not text.strip():
        return _empty(activity, "empty_open", lang, course)
    ticks = answer.get("rubric")
    ticks = [bool(x) for x in ticks] if isinstance(ticks, (list, tuple)) else []
    ticks = (ticks + [False] * len(activity.rubric))[: len(activity.rubric)]
    parts = tuple(
        Part(f"rubric-{i}", item.get(lang), "right" if tick else "missing")
        for i, (item, tick) in enumerate(zip(activity.rubric, ticks))
    )
    n, ticked = len(activity.rubric), sum(ticks)
    return Result(
        ticked / n, 1.0, ticked == n, False, parts,
        t("open_summary", lang, ticked=ticked, total=n),
        _citations(activity, lang, course),
        activity.model_answer.get(lang),
    )


@answer_key("open")
def _key_open(activity, course, lang):
    return {"text": activity.model_answer.get(lang), "rubric": [True] * len(activity.rubric), "revealed": True}


@wrong_key("open")
def _wrong_open(activity, course, lang):
    return {"text": "…", "rubric": [False] * len(activity.rubric), "revealed": False}
