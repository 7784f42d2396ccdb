"""Pure answer checking for the seven activity types: ``check(activity, answer, lang, course)``.

No IPython or ipywidgets here: the component (``kesos.activity``), tests and exports all call the
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
vignette        ``{"role_list": "huda2009", "roles": ["broker"], "none_fits": false,
                "confidence": "sure", "justification": "..."}`` (``none_fits: true``: "none of
                these roles fits"; the roles are then ignored)
open            ``{"text": "...", "rubric": [true, false], "revealed": true}``
recall          ``{"text": "..."}`` — a definition or list written from memory
==============  =====================================================================

An empty answer (nothing chosen, blank text) gives ``Result(empty=True)`` with a gentle prompt as
its summary; it is never scored as wrong. Answers read back from storage may be stale (content
changed since): unknown ids are ignored rather than raising.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache
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
    "vignette_score",
    "role_credit",
    "role_label",
    "normalise",
    "word_forms",
    "stem_tokens",
    "phrase_present",
    "recall_elements",
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

_DEFAULT_ACCEPTABLE = 0.5
NONE_FITS = "none_fits"  # the part id of the learner's "none of these roles fits"


def vignette_role_list(activity, answer, course: "Course") -> str | None:
    """The role list an answer is about: fixed by the vignette, else the learner's choice."""
    if activity.role_list:
        return activity.role_list
    chosen = answer.get("role_list") if isinstance(answer, dict) else None
    return chosen if chosen in activity.fits and chosen in course.role_lists else None


def role_credit(fit, role_id: str) -> float:
    """Credit for one chosen role under a key: best 1, acceptable its ``credit`` (default 0.5), else 0."""
    if role_id in fit.best:
        return 1.0
    if role_id in fit.acceptable:
        return float(fit.credit.get(role_id, _DEFAULT_ACCEPTABLE))
    return 0.0


def vignette_score(fit, roles: list[str], none_fits: bool) -> tuple[float, bool]:
    """(score, correct) of a vignette answer under one role list's key.

    * "none of these roles fits" (``none_fits``; the roles are then ignored): full marks when the
      key says no role fits, else 0.
    * ``any_of`` (default): the mean credit of the chosen roles; correct when every chosen role is
      a best role.
    * ``all_of``: the credits of the chosen roles divided by the larger of the number of best roles
      and the number chosen, so a missing best role or an extra role lowers the score; correct only
      for exactly the best roles.
    """
    if none_fits:
        return (1.0, True) if fit.none_fits else (0.0, False)
    if not roles:
        return 0.0, False
    credits = [role_credit(fit, r) for r in roles]
    if fit.mode == "all_of":
        return sum(credits) / max(len(fit.best), len(roles)), set(roles) == set(fit.best)
    return sum(credits) / len(credits), all(r in fit.best for r in roles)


def _vignette_answer(answer) -> tuple[list[str], bool]:
    if not isinstance(answer, dict):
        return [], False
    return _ids(answer.get("roles")), answer.get("none_fits") is True


@checker("vignette")
def _check_vignette(activity, answer, lang, course) -> Result:
    list_id = vignette_role_list(activity, answer, course)
    if list_id is None:
        return _empty(activity, "empty_vignette", lang, course)
    in_list = [e.role for e in course.role_lists[list_id].entries]
    given, none_fits = _vignette_answer(answer)
    roles = [] if none_fits else [r for r in dict.fromkeys(given) if r in in_list]
    if not roles and not none_fits:
        return _empty(activity, "empty_vignette", lang, course)
    fit = activity.fits[list_id]
    cite = course.citation_of(list_id, lang)
    score, correct = vignette_score(fit, roles, none_fits)
    parts: list[Part] = []
    none_label = t("vignette_none_fits", lang)
    if none_fits:
        if fit.none_fits:
            parts.append(Part(NONE_FITS, none_label, "best", fit.why_none.get(lang), cite))
        else:
            names = ", ".join(role_label(course, list_id, r, lang) for r in fit.best)
            parts.append(Part(NONE_FITS, none_label, "no_fit", t("vignette_none_fits_wrong", lang, roles=names), cite))
    for r in in_list:  # the list's own order
        label = role_label(course, list_id, r, lang)
        if r in roles:
            verdict = "best" if r in fit.best else "acceptable" if r in fit.acceptable else "no_fit"
            if verdict != "no_fit":
                fb = fit.why[r].get(lang)
            elif r in fit.why_not:
                fb = fit.why_not[r].get(lang)
            else:
                role = course.roles[r]
                fb = t("role_no_fit", lang, role=label, summary=role.summary.get(lang), cue=role.cue.get(lang))
            parts.append(Part(r, label, verdict, fb, cite))
        elif r in fit.best and (not correct or fit.mode == "all_of"):
            fb = fit.why[r].get(lang)
            if fit.mode == "all_of":
                fb = _join(t("vignette_all_of_missing", lang), fb)
            parts.append(Part(r, label, "missing", fb, cite))
    if fit.none_fits and not none_fits:
        parts.append(Part(NONE_FITS, none_label, "missing", fit.why_none.get(lang), cite))
    order = {"no_fit": 0, "acceptable": 1, "missing": 2, "best": 3}
    parts.sort(key=lambda p: order[p.verdict])
    lines = []
    if activity.discussion:
        lines.append(t("vignette_discussion", lang))
        for rd in activity.readings:
            names = ", ".join(_any_role_name(course, r, lang) for r in rd.roles)
            lines.append(t("reading_line", lang, roles=names, argument=rd.argument.get(lang)))
    elif correct:
        lines.append(t("result_right", lang))
    elif fit.mode == "all_of" and score > 0:
        hit = sum(r in fit.best for r in roles)
        lines.append(t("result_partial", lang, right=hit, total=len(fit.best)))
    else:
        n = max(len(roles), 1)
        lines.append(_summary(score, sum(r in fit.best for r in roles), n, lang))
    confidence = answer.get("confidence") if isinstance(answer, dict) else None
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
    fit = activity.fits[list_id]
    if fit.none_fits:
        return {"role_list": list_id, "roles": [], "none_fits": True, "confidence": "sure",
                "justification": fit.why_none.get(lang)}
    return {
        "role_list": list_id,
        "roles": list(fit.best),
        "none_fits": False,
        "confidence": "sure",
        "justification": fit.why[fit.best[0]].get(lang),
    }


@wrong_key("vignette")
def _wrong_vignette(activity, course, lang):
    list_id = _key_list(activity, course)
    fit = activity.fits[list_id]
    in_list = [e.role for e in course.role_lists[list_id].entries]
    misfit = [r for r in in_list if r not in fit.best and r not in fit.acceptable]
    if fit.mode == "all_of":  # one best role alone is only partly right
        return {"role_list": list_id, "roles": [fit.best[0]], "none_fits": False, "confidence": "sure",
                "justification": ""}
    # a role that does not fit; if every role in the list is keyed, an acceptable one (part credit)
    role = (misfit or list(fit.acceptable) or [None])[0]
    if role is None:
        if fit.none_fits:
            raise ValueError(f"vignette {activity.id!r}: none_fits with every role acceptable — nothing can be wrong")
        return {"role_list": list_id, "roles": [], "none_fits": True, "confidence": "sure", "justification": ""}
    return {"role_list": list_id, "roles": [role], "none_fits": False, "confidence": "sure", "justification": ""}


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


# --------------------------------------------------------------------------- recall (written recall)
#
# The learner writes a definition or a list from memory; each key element is present when one of
# its accepted phrasings (in either language) occurs in the text after normalisation. No AI: the
# text is case-folded, accents are stripped, punctuation removed, and each word is reduced to its
# Indonesian and its English stem (Snowball stemmers), so "kesejahteraan" matches "sejahtera" and
# "needs" matches "needed". A phrasing of several words matches when all its content words occur
# close together, in any order.

_STOPWORDS = frozenset(
    "yang dan atau di ke dari untuk dengan dalam pada oleh itu ini adalah ialah sebagai suatu "
    "sebuah para the a an of and or to in on for by with as is are be that this its their".split()
)


def normalise(text: str) -> str:
    """Case-folded text without accents or punctuation, words separated by single spaces."""
    import unicodedata

    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        out.append(ch if cat[0] in "LN" else " ")  # letters and digits stay; the rest separates words
    return " ".join("".join(out).split())


_STEMMERS: list = []


def _stemmers() -> list:
    if not _STEMMERS:
        import snowballstemmer  # imported on first use: `import kesos.checking` stays cheap

        _STEMMERS.extend([snowballstemmer.stemmer("indonesian"), snowballstemmer.stemmer("english")])
    return _STEMMERS


@lru_cache(maxsize=8192)
def word_forms(word: str) -> frozenset[str]:
    """The stems of one normalised word: its Indonesian stem, its English stem and the word itself."""
    forms = {word}
    for st in _stemmers():
        stem = st.stemWord(word)
        if len(stem) >= 3:
            forms.add(stem)
    return frozenset(forms)


def stem_tokens(text: str, *, drop_stopwords: bool = False) -> list[frozenset[str]]:
    """The words of ``text`` after :func:`normalise`, each as its set of word forms."""
    words = normalise(text).split()
    if drop_stopwords:
        kept = [w for w in words if w not in _STOPWORDS]
        words = kept or words
    return [word_forms(w) for w in words]


def phrase_present(phrase: str, tokens: list[frozenset[str]]) -> bool:
    """Whether ``phrase`` occurs in a text already split by :func:`stem_tokens`: every content word
    of the phrase shares a word form with some word of the text, all within a window a few words
    wider than the phrase (in any order). A word written ``=word`` matches only itself (use it
    for a word whose stem is too common, e.g. "=memberdayakan", whose stem "daya" is in "sumber daya")."""
    want = []
    for word in phrase.split():
        if word.startswith("="):  # "=word": this exact word only, no other word forms
            want += [frozenset(normalise(word).split())]
        else:
            want += stem_tokens(word, drop_stopwords=True) if normalise(word) not in _STOPWORDS else []
    want = [w for w in want if w]
    if not want or not tokens:
        return False
    width = 2 * len(want) + 2
    hits = [[i for i, tok in enumerate(tokens) if w & tok] for w in want]
    if any(not h for h in hits):
        return False
    if len(want) == 1:
        return True
    for start in hits[0]:  # a window around one occurrence of the first word
        lo, hi = start - width, start + width
        if all(any(lo <= i <= hi for i in h) for h in hits[1:]):
            return True
    return False


def recall_elements(activity, text: str) -> list[tuple[object, bool]]:
    """Each key element of a recall activity with whether ``text`` contains it."""
    tokens = stem_tokens(text)
    return [
        (el, any(phrase_present(p, tokens) for p in [*el.accept.id, *el.accept.en]))
        for el in activity.elements
    ]


@checker("recall")
def _check_recall(activity, answer, lang, course) -> Result:
    text = answer.get("text") if isinstance(answer, dict) else answer if isinstance(answer, str) else None
    if not isinstance(text, str) or not text.strip():
        return _empty(activity, "recall_empty", lang, course)
    found = recall_elements(activity, text)
    parts = tuple(
        Part(el.id, el.label.get(lang), "right" if ok else "missing",
             t("recall_present", lang) if ok else t("recall_missing", lang))
        for el, ok in found
    )
    n, present = len(found), sum(ok for _, ok in found)
    score = present / n
    summary = t("result_right", lang) if present == n else t("recall_summary", lang, present=present, total=n)
    return Result(
        float(score), 1.0, present == n, False, parts, summary,
        _citations(activity, lang, course), activity.model_answer.get(lang),
    )


@answer_key("recall")
def _key_recall(activity, course, lang):
    return {"text": activity.model_answer.get(lang)}


@wrong_key("recall")
def _wrong_recall(activity, course, lang):
    return {"text": "Saya tidak ingat. I do not remember."}
