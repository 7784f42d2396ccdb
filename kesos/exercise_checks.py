"""Checks used inside the exercise notebooks (``exercises/`` and ``solutions/``).

A code exercise ends with one call, e.g. ``ex.check_roles_shared(answer)``. Every check prints
exactly ONE line in the notebook's language (``kesos.setup("id")`` / ``kesos.setup("en")``):

* **not attempted** — the answer is ``None``, ``...``, empty, or still a placeholder;
* **not yet** + a hint — the answer is wrong, or has the wrong type or shape;
* **pass** — the answer is right.

A check never raises and never shows a traceback, whatever the learner passes. The right answer
is never written here: each task computes it from the course content (``content/*.yaml``) through
:func:`kesos.content.load_course`, so an edit to the content changes the key with it.

Checking is pure and separate from display (STYLE.md §5): :func:`evaluate` returns a
:class:`Verdict` and imports nothing from IPython; the ``check_*`` functions only print it.

Task types, one class each (STYLE.md §4), registered by id in :data:`TASKS`:

==============  ===========================================  ===========================
kind            answer shape                                  example task
==============  ===========================================  ===========================
set             a collection of ids (set, list, Series, ...)  ``roles-shared``
counts          ``{category: int}`` or a pandas Series        ``view-counts``
mapping         ``{item id: choice id}``                      ``welfare-views``
order           a list of ids, first to last                  ``stage-order``
==============  ===========================================  ===========================

Lecturers add a task by registering one more instance below; ``tests/test_exercises.py`` runs
every registered task through blank, wrong, right and junk answers.
"""
from __future__ import annotations

import hashlib
import numbers
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from kesos import i18n
from kesos.i18n import t

if TYPE_CHECKING:  # pragma: no cover
    from kesos.content import Course

__all__ = [
    "BLANK",
    "WRONG",
    "PASS",
    "Verdict",
    "TASKS",
    "evaluate",
    "answer_key",
    "items",
    "choices",
    "is_blank",
    "check",
    "check_set",
    "check_counts",
    "check_classification",
    "check_matching",
    "check_order",
    "check_roles_shared",
    "check_role_counts",
    "check_view_counts",
    "check_lists_per_chapter",
    "check_stage_order",
    "show_task",
]

BLANK, WRONG, PASS = "blank", "wrong", "pass"
STATUS_KEYS = {BLANK: "exercise_not_attempted", WRONG: "exercise_not_yet", PASS: "exercise_pass"}

# Strings a learner may leave in place of an answer (compared stripped and lower-cased).
PLACEHOLDERS = frozenset(
    {"", "...", "…", "?", "??", "todo", "tbd", "none", "null", "jawaban", "answer",
     "jawaban anda", "your answer", "isi di sini", "fill in"}
)
_MAX_LISTED = 5  # ids named in one hint, so a hint stays one readable line


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: ``status`` is BLANK, WRONG or PASS; ``message`` is the one line
    shown to the learner, already in their language."""

    status: str
    message: str


class _Shape(Exception):
    """The answer has the wrong type or shape. ``args[0]`` is the localized hint."""


class _Content(Exception):
    """The content does not support this task (an authoring problem, not the learner's)."""


# --------------------------------------------------------------------------- answer shapes


def is_blank(answer: Any) -> bool:
    """True for None, ``...``, placeholder strings, empty containers (including empty pandas
    objects) and containers whose every element is blank (an untouched template)."""
    try:
        if answer is None or answer is Ellipsis:
            return True
        if isinstance(answer, str):
            return answer.strip().lower() in PLACEHOLDERS
        if getattr(answer, "empty", False) is True:  # pandas DataFrame / Series / Index
            return True
        if isinstance(answer, dict):
            return all(is_blank(v) for v in answer.values())
        if isinstance(answer, (list, tuple, set, frozenset)):
            return all(is_blank(v) for v in answer)
    except Exception:  # an exotic object whose comparison or iteration fails: not blank
        return False
    return False


def _norm(value: Any) -> str | None:
    """An id as the learner typed it, normalized for comparison; None when it is not text."""
    if isinstance(value, str):
        return value.strip().lower()
    if type(value).__name__ == "str_":  # numpy.str_
        return str(value).strip().lower()
    return None


def _pairs(answer: Any) -> list[tuple[Any, Any]]:
    """(key, value) pairs of a dict or pandas Series; anything else is a shape error."""
    if isinstance(answer, dict):
        return list(answer.items())
    if type(answer).__name__ == "DataFrame" and getattr(answer, "shape", (0, 0))[1] == 1:
        answer = answer.iloc[:, 0]  # a one-column table counts as a Series
    if type(answer).__name__ == "Series":
        return list(answer.items())
    raise _Shape(None)


def _sequence(answer: Any, *, ordered: bool) -> list[Any]:
    if isinstance(answer, (str, bytes, dict)) or not hasattr(answer, "__iter__"):
        raise _Shape(None)
    if ordered and isinstance(answer, (set, frozenset)):
        raise _Shape(None)
    if type(answer).__name__ == "DataFrame":
        raise _Shape(None)
    return list(answer)  # list, tuple, set, Series (values), Index, numpy array, generator


def _ids(values: list[Any]) -> list[str]:
    out = []
    for v in values:
        n = _norm(v)
        if n is None:
            raise _Shape(None)
        out.append(n)
    return out


def _listed(ids: list[str]) -> str:
    shown = [f"“{i}”" for i in ids[:_MAX_LISTED]]
    return ", ".join(shown) + (", …" if len(ids) > _MAX_LISTED else "")


def _hint(name: str, lang: str, **fields) -> str:
    return t(name, lang, **fields)


# --------------------------------------------------------------------------- task types


@dataclass(frozen=True)
class Task:
    """One checkable exercise. Subclasses say how the key is computed and how answers compare."""

    id: str
    kind: str = field(init=False, default="")
    misconception: str | None = None  # id from content/misconceptions.yaml, named in wrong hints

    def key(self, course: "Course") -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def judge(self, answer: Any, course: "Course", lang: str) -> Verdict:  # pragma: no cover
        raise NotImplementedError

    # helpers shared by the subclasses
    def _wrong(self, hint: str, course: "Course", lang: str) -> Verdict:
        if self.misconception and self.misconception in course.misconceptions:
            belief = course.misconceptions[self.misconception].text.get(lang)
            hint = f"{hint} {_hint('exercise_hint_beware', lang, belief=belief)}"
        return Verdict(WRONG, t("exercise_not_yet", lang, hint=hint.strip()))

    def _pass(self, detail: str, lang: str) -> Verdict:
        return Verdict(PASS, t("exercise_pass", lang, detail=detail).strip())

    def _shape_hint(self, course: "Course", lang: str) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class SetTask(Task):
    """The answer is a collection of ids; order and repetition do not matter."""

    compute: Callable[["Course"], set[str]] = field(default=lambda c: set())
    universe: Callable[["Course"], dict[str, Any]] = field(default=lambda c: {})  # id -> Text label

    def __post_init__(self):
        object.__setattr__(self, "kind", "set")

    def key(self, course):
        return set(self.compute(course))

    def _shape_hint(self, course, lang):
        return _hint("exercise_hint_shape_set", lang, example='{"…", "…"}')

    def judge(self, answer, course, lang):
        given = set(_ids(_sequence(answer, ordered=False)))
        known = {k.lower(): k for k in self.universe(course)}
        unknown = sorted(g for g in given if g not in known)
        if unknown:
            return self._wrong(
                _hint("exercise_hint_unknown", lang, ids=_listed(unknown), allowed=_listed(sorted(known.values()))),
                course, lang,
            )
        key = {k.lower() for k in self.key(course)}
        extra = sorted(known[g] for g in given - key)
        missing = key - given
        if not extra and not missing:
            labels = self.universe(course)
            names = ", ".join(_label(labels[known[k]], lang) for k in sorted(key))
            return self._pass(_hint("exercise_pass_items", lang, items=names), lang)
        parts = []
        if extra:
            parts.append(_hint("exercise_hint_extra", lang, ids=_listed(extra)))
        if missing:
            parts.append(_hint("exercise_hint_missing", lang, n=len(missing)))
        return self._wrong(" ".join(parts), course, lang)


@dataclass(frozen=True)
class CountTask(Task):
    """The answer maps each category to a whole number (a dict or a pandas Series)."""

    compute: Callable[["Course"], dict[str, int]] = field(default=lambda c: {})

    def __post_init__(self):
        object.__setattr__(self, "kind", "counts")

    def key(self, course):
        return dict(self.compute(course))

    def _shape_hint(self, course, lang):
        first = next(iter(self.key(course)), "…")
        return _hint("exercise_hint_shape_counts", lang, example=f'{{"{first}": 3, …}}')

    def judge(self, answer, course, lang):
        given: dict[str, int] = {}
        for k, v in _pairs(answer):
            nk = _norm(k)
            if nk is None or isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise _Shape(None)
            if isinstance(v, float) and not v.is_integer():
                raise _Shape(None)
            given[nk] = int(v)
        key = self.key(course)
        lower = {k.lower(): k for k in key}
        extra = sorted(k for k in given if k not in lower)
        missing = sorted(lower[k] for k in lower if k not in given)
        if extra:
            return self._wrong(
                _hint("exercise_hint_unknown", lang, ids=_listed(extra), allowed=_listed(list(key))), course, lang
            )
        if missing:
            return self._wrong(_hint("exercise_hint_missing_keys", lang, ids=_listed(missing)), course, lang)
        wrong = [lower[k] for k in lower if given[k] != key[lower[k]]]
        if wrong:
            return self._wrong(_hint("exercise_hint_count_wrong", lang, category=f"“{wrong[0]}”", n=len(wrong)), course, lang)
        return self._pass("", lang)


@dataclass(frozen=True)
class MappingTask(Task):
    """The answer maps every item to one choice: a classification (many items per choice) or a
    matching (one item per choice). ``entries`` lists (item id, Text or str shown, right choice id);
    ``options`` lists (choice id, Text or str label)."""

    entries: Callable[["Course"], list[tuple[str, Any, str]]] = field(default=lambda c: [])
    options: Callable[["Course"], list[tuple[str, Any]]] = field(default=lambda c: [])
    matching: bool = False

    def __post_init__(self):
        object.__setattr__(self, "kind", "matching" if self.matching else "classification")

    def key(self, course):
        return {item: right for item, _, right in self.entries(course)}

    def _shape_hint(self, course, lang):
        first = next(iter(self.key(course)), "…")
        return _hint("exercise_hint_shape_mapping", lang, example=f'{{"{first}": "…", …}}')

    def judge(self, answer, course, lang):
        key = self.key(course)
        items_ = {k.lower(): k for k in key}
        opts = {o.lower(): o for o, _ in self.options(course)}
        given: dict[str, str | None] = {}
        for k, v in _pairs(answer):
            nk = _norm(k)
            if nk is None:
                raise _Shape(None)
            if is_blank(v):
                given[nk] = None  # left open in a template: counts as unanswered
                continue
            nv = _norm(v)
            if nv is None:
                raise _Shape(None)
            given[nk] = nv
        unknown_items = sorted(k for k in given if k not in items_)
        if unknown_items:
            return self._wrong(
                _hint("exercise_hint_unknown", lang, ids=_listed(unknown_items), allowed=_listed(list(key))),
                course, lang,
            )
        unknown_opts = sorted({v for v in given.values() if v is not None and v not in opts})
        if unknown_opts:
            return self._wrong(
                _hint("exercise_hint_unknown", lang, ids=_listed(unknown_opts), allowed=_listed(list(opts.values()))),
                course, lang,
            )
        unanswered = [items_[k] for k in items_ if given.get(k) is None]
        if unanswered:
            return self._wrong(
                _hint("exercise_hint_unanswered", lang, n=len(unanswered), item=f"“{unanswered[0]}”"), course, lang
            )
        wrong = [items_[k] for k in items_ if given[k] != key[items_[k]].lower()]
        if wrong:
            return self._wrong(
                _hint("exercise_hint_misplaced", lang, n=len(wrong), total=len(key), item=f"“{wrong[0]}”"),
                course, lang,
            )
        return self._pass("", lang)


@dataclass(frozen=True)
class OrderTask(Task):
    """The answer lists ids from first to last."""

    compute: Callable[["Course"], list[str]] = field(default=lambda c: [])
    labels: Callable[["Course"], dict[str, Any]] = field(default=lambda c: {})

    def __post_init__(self):
        object.__setattr__(self, "kind", "order")

    def key(self, course):
        return list(self.compute(course))

    def _shape_hint(self, course, lang):
        return _hint("exercise_hint_shape_order", lang, example='["…", "…", …]')

    def judge(self, answer, course, lang):
        given = _ids(_sequence(answer, ordered=True))
        key = self.key(course)
        lower = [k.lower() for k in key]
        unknown = [g for g in given if g not in lower]
        if unknown:
            return self._wrong(
                _hint("exercise_hint_unknown", lang, ids=_listed(unknown), allowed=_listed(key)), course, lang
            )
        dup = sorted({g for g in given if given.count(g) > 1})
        if dup:
            return self._wrong(_hint("exercise_hint_duplicates", lang, ids=_listed(dup)), course, lang)
        if len(given) < len(key):
            return self._wrong(_hint("exercise_hint_missing", lang, n=len(key) - len(given)), course, lang)
        for pos, (g, k) in enumerate(zip(given, lower)):
            if g != k:
                hint = (_hint("exercise_hint_order", lang, ok=pos, pos=pos + 1) if pos
                        else _hint("exercise_hint_order_first", lang))
                return self._wrong(hint, course, lang)
        return self._pass("", lang)


# --------------------------------------------------------------------------- content helpers


def _label(text: Any, lang: str) -> str:
    return text.get(lang) if hasattr(text, "get") and not isinstance(text, (str, dict)) else str(text)


def _list(course: "Course", list_id: str):
    try:
        return course.lists[list_id]
    except KeyError:
        raise _Content(f"content/lists.yaml has no list {list_id!r}") from None


def _list_entries(course: "Course", *list_ids: str) -> list[tuple[str, Any, str]]:
    """Entries of several lists as (entry id, label, list id); entry ids must not repeat."""
    out, seen = [], set()
    for lid in list_ids:
        for e in _list(course, lid).entries:
            if e.id in seen:
                raise _Content(f"entry id {e.id!r} appears in more than one of {list_ids}")
            seen.add(e.id)
            out.append((e.id, e.label, lid))
    return out


def _anonymous(ids: list[str], prefix: str) -> list[tuple[str, str]]:
    """A fixed, content-independent shuffle: (prefix+n, id), ordered by a hash of the id, so the
    order gives nothing away and never changes between runs."""
    ordered = sorted(ids, key=lambda i: hashlib.sha1(i.encode("utf-8")).hexdigest())
    return [(f"{prefix}{n}", i) for n, i in enumerate(ordered, start=1)]


def _position_pairs(course: "Course", left: str, right: str) -> list[tuple[str, Any, str]]:
    """Two lists that say the same thing in the same order: pair their entries by position."""
    a, b = _list(course, left).entries, _list(course, right).entries
    if len(a) != len(b):
        raise _Content(f"lists {left!r} and {right!r} must have the same number of entries to be matched")
    return [(x.id, x.label, y.id) for x, y in zip(a, b)]


def _role_sets(course: "Course") -> dict[str, set[str]]:
    return {rl.id: {e.role for e in rl.entries} for rl in course.role_lists.values()}


def _functioning_definitions(course: "Course") -> list:
    return [d for d in course.definitions.values() if d.topic.en == "social functioning" and d.cite.author]


def _functioning_entries(course):
    defs = {d.id: d for d in _functioning_definitions(course)}
    return [(anon, defs[i].summary, defs[i].cite.author) for anon, i in _anonymous(sorted(defs), "D")]


def _functioning_options(course):
    authors = [d.cite.author for d in _functioning_definitions(course)]
    # distractor: the author of the other framework on the same topic (three views of functioning)
    sukoco = _list(course, "list-sukoco-functioning").cite
    if sukoco and sukoco.author and sukoco.author not in authors:
        authors.append(sukoco.author)
    return [(a, course.authors[a].name) for a in sorted(authors)]


def _components_entries(course):
    entries = {e.id: e for e in _list(course, "list-casework-components").entries}
    return [(anon, entries[i].detail or entries[i].label, i) for anon, i in _anonymous(sorted(entries), "K")]


# --------------------------------------------------------------------------- the tasks

TASKS: dict[str, Task] = {}


def register(task: Task) -> Task:
    if task.id in TASKS:
        raise ValueError(f"exercise task {task.id!r} is registered twice")
    TASKS[task.id] = task
    return task


# ch01: the three views of welfare
register(MappingTask(
    id="welfare-views",
    entries=lambda c: [(d.id, d.summary, d.view) for d in c.definitions.values() if d.view],
    options=lambda c: [(e.id, e.label) for e in _list(c, "list-welfare-views").entries],
    misconception="m01-welfare-views",
))
register(CountTask(
    id="view-counts",
    compute=lambda c: dict(Counter(d.view for d in c.definitions.values() if d.view)),
))

# ch02: Sainsbury's scope of social services and the "ideal" list
register(SetTask(
    id="services-shared",
    compute=lambda c: {e.id for e in _list(c, "list-sainsbury-scope").entries}
    & {e.id for e in _list(c, "list-services-ideal").entries},
    universe=lambda c: {e.id: e.label for lid in ("list-sainsbury-scope", "list-services-ideal")
                        for e in _list(c, lid).entries},
))
register(SetTask(
    id="services-only-ideal",
    compute=lambda c: {e.id for e in _list(c, "list-services-ideal").entries}
    - {e.id for e in _list(c, "list-sainsbury-scope").entries},
    universe=lambda c: {e.id: e.label for lid in ("list-sainsbury-scope", "list-services-ideal")
                        for e in _list(c, lid).entries},
))

# ch03: functions of welfare vs functions of social work; strategies vs practice goals;
# definitions of social functioning and their authors
register(MappingTask(
    id="functions",
    entries=lambda c: _list_entries(c, "list-welfare-functions", "list-cswe-functions"),
    options=lambda c: [(lid, _list(c, lid).title) for lid in ("list-welfare-functions", "list-cswe-functions")],
    misconception="m12-functions-confusion",
))
register(MappingTask(
    id="strategies-goals",
    entries=lambda c: _position_pairs(c, "list-dubois-miley-strategies", "list-nasw-practice-goals"),
    options=lambda c: [(e.id, e.label) for e in _list(c, "list-nasw-practice-goals").entries],
    matching=True,
))
register(MappingTask(
    id="functioning-authors",
    entries=_functioning_entries,
    options=_functioning_options,
    matching=True,
))

# ch04: the three role lists
register(SetTask(
    id="roles-shared",
    compute=lambda c: set.intersection(*_role_sets(c).values()) if c.role_lists else set(),
    universe=lambda c: {r.id: r.name for r in c.roles.values()},
))
register(CountTask(
    id="role-counts",
    compute=lambda c: dict(Counter(r for roles in _role_sets(c).values() for r in roles)),
))

# ch05: primary and auxiliary methods; casework components; lists per chapter
register(MappingTask(
    id="methods",
    entries=lambda c: _list_entries(c, "list-methods-primary", "list-methods-auxiliary"),
    options=lambda c: [(lid, _list(c, lid).title) for lid in ("list-methods-primary", "list-methods-auxiliary")],
    misconception="m10-social-action-auxiliary",
))
register(MappingTask(
    id="casework-components",
    entries=_components_entries,
    options=lambda c: [(e.id, e.label) for e in _list(c, "list-casework-components").entries],
    matching=True,
    misconception="m13-place-agency",
))
register(CountTask(
    id="lists-per-chapter",
    compute=lambda c: dict(Counter(lst.chapter for lst in c.lists.values())),
))

# ch06: Siporin's stages and what belongs to which stage
register(OrderTask(
    id="stage-order",
    compute=lambda c: [e.id for e in _list(c, "list-siporin-stages").entries],
    labels=lambda c: {e.id: e.label for e in _list(c, "list-siporin-stages").entries},
    misconception="m11-stage-order",
))
register(MappingTask(
    id="stage-contents",
    entries=lambda c: _list_entries(
        c, "list-contract-contents", "list-assessment-contents", "list-evaluation-aspects", "list-termination-triggers"
    ),
    options=lambda c: [(lid, _list(c, lid).title) for lid in (
        "list-contract-contents", "list-assessment-contents", "list-evaluation-aspects", "list-termination-triggers"
    )],
))


# --------------------------------------------------------------------------- pure API


def _course():
    from kesos.content import load_course

    return load_course()


def _lang(lang: str | None) -> str:
    return lang if lang in i18n.LANGUAGES else i18n.get_language()


def evaluate(task_id: str, answer: Any, lang: str | None = None, kind: str | None = None) -> Verdict:
    """Judge ``answer`` for task ``task_id``. Pure: returns a Verdict and never raises.

    ``kind`` (optional) is the kind the caller expects ("set", "counts", "classification",
    "matching", "order"); a mismatch is reported as an authoring problem in the message.
    """
    lang = _lang(lang)
    task = TASKS.get(task_id) if isinstance(task_id, str) else None
    if task is None or (kind and task.kind != kind):
        hint = t("exercise_hint_unknown_task", lang, task=str(task_id))
        return Verdict(WRONG, t("exercise_not_yet", lang, hint=hint))
    if is_blank(answer):
        return Verdict(BLANK, t("exercise_not_attempted", lang))
    try:
        course = _course()
    except Exception as exc:  # ContentError: one line per problem; show the first
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return Verdict(WRONG, t("exercise_not_yet", lang, hint=t("exercise_content_error", lang, problem=first)))
    try:
        return task.judge(answer, course, lang)
    except _Content as exc:
        return Verdict(WRONG, t("exercise_not_yet", lang, hint=t("exercise_content_error", lang, problem=str(exc))))
    except _Shape:
        pass
    except Exception:  # a learner's object that misbehaves when compared or iterated
        pass
    try:
        hint = task._shape_hint(course, lang)
    except Exception:
        hint = ""
    got = type(answer).__name__
    return Verdict(WRONG, t("exercise_not_yet", lang, hint=f"{hint} {t('exercise_hint_got', lang, got=got)}".strip()))


def answer_key(task_id: str) -> Any:
    """The right answer of a task, computed from the content (for tests and lecturers)."""
    return TASKS[task_id].key(_course())


def items(task_id: str, lang: str | None = None) -> list[tuple[str, str]]:
    """(item id, text) of a classification or matching task, in the learner's language."""
    lang = _lang(lang)
    task = TASKS[task_id]
    if not isinstance(task, MappingTask):
        return []
    return [(i, _label(text, lang)) for i, text, _ in task.entries(_course())]


def choices(task_id: str, lang: str | None = None) -> list[tuple[str, str]]:
    """(choice id, label) of a classification or matching task, or the ids of an order task."""
    lang = _lang(lang)
    task = TASKS[task_id]
    course = _course()
    if isinstance(task, MappingTask):
        return [(o, _label(label, lang)) for o, label in task.options(course)]
    if isinstance(task, OrderTask):
        labels = task.labels(course)
        return sorted((i, _label(labels.get(i, i), lang)) for i in task.key(course))
    return []


# --------------------------------------------------------------------------- notebook API


def check(task_id: str, answer: Any, *, kind: str | None = None) -> None:
    """Print the verdict on ``answer`` as exactly one line. Never raises."""
    try:
        verdict = evaluate(task_id, answer, kind=kind)
        message = verdict.message
    except Exception as exc:  # pragma: no cover - evaluate() already catches everything
        message = f"{type(exc).__name__}: {exc}"
    print(" ".join(message.split("\n")))


def check_set(task_id: str, answer: Any) -> None:
    check(task_id, answer, kind="set")


def check_counts(task_id: str, answer: Any) -> None:
    check(task_id, answer, kind="counts")


def check_classification(task_id: str, answer: Any) -> None:
    check(task_id, answer, kind="classification")


def check_matching(task_id: str, answer: Any) -> None:
    check(task_id, answer, kind="matching")


def check_order(task_id: str, answer: Any) -> None:
    check(task_id, answer, kind="order")


def check_roles_shared(answer: Any) -> None:
    """The roles that all three role lists name (content/roles.yaml)."""
    check("roles-shared", answer, kind="set")


def check_role_counts(answer: Any) -> None:
    """For every role, in how many of the three role lists it appears."""
    check("role-counts", answer, kind="counts")


def check_view_counts(answer: Any) -> None:
    """How many definitions take each view of welfare (content/definitions.yaml)."""
    check("view-counts", answer, kind="counts")


def check_lists_per_chapter(answer: Any) -> None:
    """How many enumerated lists each chapter has (content/lists.yaml)."""
    check("lists-per-chapter", answer, kind="counts")


def check_stage_order(answer: Any) -> None:
    """Siporin's six stages, first to last (content/lists.yaml, list-siporin-stages)."""
    check("stage-order", answer, kind="order")


def show_task(task_id: str) -> None:
    """Show the items and the choices of a task as two tables (ids to copy into the answer)."""
    try:
        import pandas as pd
        from IPython.display import Markdown, display

        lang = _lang(None)
        rows = items(task_id, lang)
        opts = choices(task_id, lang)
        if rows:
            display(Markdown(f"**{t('exercise_items_heading', lang)}**"))
            display(pd.DataFrame(rows, columns=["id", t("exercise_col_item", lang)]).set_index("id"))
        if opts:
            display(Markdown(f"**{t('exercise_choices_heading', lang)}**"))
            display(pd.DataFrame(opts, columns=["id", t("exercise_col_choice", lang)]).set_index("id"))
    except Exception as exc:  # never a traceback in a learner's notebook
        lang = _lang(None)
        print(t("exercise_content_error", lang, problem=f"{type(exc).__name__}: {exc}"))
