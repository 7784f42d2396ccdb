"""The item bank as the exporters see it: a selection of activities, turned into keyed questions.

Every exporter reads the same :class:`Question` objects, built here once from the content and
from :mod:`kesos.checking` — never from a scoring rule of its own:

* the key is :func:`kesos.checking.keyed_answer` (vignettes: the best roles of each role list);
* the credit of each option is what :func:`kesos.checking.check` gives for choosing it
  (``credit_single`` / ``credit_multiple``), snapped to the grades Moodle accepts;
* an activity type no exporter knows (a new type on another branch) becomes a
  :class:`Skipped` entry with its reason, never an exception.

Texts are kept in both languages (``{"id": ..., "en": ...}``) so that each format decides how to
show ``--lang id|en|both``.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from kesos import checking as C
from kesos.i18n import t

if TYPE_CHECKING:  # pragma: no cover
    from kesos.content import Course

LANGS = ("id", "en")
LANG_CHOICES = ("id", "en", "both")

# The grades Moodle accepts for an answer (question_bank::fraction_options_full), in percent.
MOODLE_GRADES = (
    100.0, 90.0, 83.33333, 80.0, 75.0, 70.0, 66.66667, 60.0, 50.0, 40.0, 33.33333, 30.0, 25.0,
    20.0, 16.66667, 14.28571, 12.5, 11.11111, 10.0, 5.0, 0.0,
)
MOODLE_GRADES_SIGNED = tuple(sorted({*MOODLE_GRADES, *(-g for g in MOODLE_GRADES)}, reverse=True))


class SelectionError(ValueError):
    """A chapter or activity id in --chapters / --ids that the course does not have."""


# --------------------------------------------------------------------------- texts


def both(text) -> dict[str, str]:
    """A schema ``Text`` (or a plain string) as ``{"id": ..., "en": ...}``."""
    if text is None:
        return {"id": "", "en": ""}
    if isinstance(text, dict):
        return {lang: str(text.get(lang, "")) for lang in LANGS}
    if isinstance(text, str):
        return {"id": text, "en": text}
    return {lang: text.get(lang) for lang in LANGS}


def per_lang(fn: Callable[[str], str]) -> dict[str, str]:
    return {lang: fn(lang) for lang in LANGS}


def langs_of(lang: str) -> tuple[str, ...]:
    if lang not in LANG_CHOICES:
        raise ValueError(f"--lang must be one of {', '.join(LANG_CHOICES)}, not {lang!r}")
    return LANGS if lang == "both" else (lang,)


def plain(text: dict[str, str], lang: str, sep: str = " / ") -> str:
    """One language's text, or both joined by ``sep`` (for formats without a multilang feature)."""
    if lang == "both":
        a, b = text.get("id", ""), text.get("en", "")
        return a if a == b or not b else (b if not a else f"{a}{sep}{b}")
    return text.get(lang, "")


def snap_grade(percent: float) -> float:
    """The nearest grade Moodle accepts (percent, signed)."""
    return min(MOODLE_GRADES_SIGNED, key=lambda g: abs(g - percent))


# --------------------------------------------------------------------------- answers


def choice_ids(answer) -> list[str]:
    """Option ids from a keyed choice answer, bare list or ``{"choice": [...]}``."""
    if isinstance(answer, dict):
        answer = answer.get("choice", [])
    if isinstance(answer, str):
        return [answer]
    return [a for a in answer or [] if isinstance(a, str)]


def pair_map(answer) -> dict[str, str]:
    """A mapping from a keyed matching/classification answer, bare or ``{"pairs": {...}}``."""
    if isinstance(answer, dict) and isinstance(answer.get("pairs"), dict):
        answer = answer["pairs"]
    return dict(answer) if isinstance(answer, dict) else {}


def order_ids(answer) -> list[str]:
    if isinstance(answer, dict):
        answer = answer.get("order", [])
    return [a for a in answer or [] if isinstance(a, str)]


def _shape_like(keyed, inner, wrapper: str):
    """Build an answer in the same shape as the keyed answer (bare, or wrapped under ``wrapper``)."""
    if isinstance(keyed, dict) and wrapper in keyed:
        return {**keyed, wrapper: inner}
    return inner


# --------------------------------------------------------------------------- questions


@dataclass
class Option:
    id: str
    text: dict[str, str]
    fraction: float  # percent, signed, a Moodle grade
    feedback: dict[str, str] = field(default_factory=lambda: both(""))
    exact: float = 0.0  # the credit kesos.checking gives, before snapping

    @property
    def correct(self) -> bool:
        return self.fraction >= 100 - 1e-6


@dataclass
class Pair:
    left_id: str
    left: dict[str, str]
    right_id: str
    right: dict[str, str]
    feedback: dict[str, str] = field(default_factory=lambda: both(""))


@dataclass
class Question:
    """One exportable question. ``kind``: single | multiple | matching | ordering | essay."""

    qid: str  # stable: the activity id, plus "@<role list>" for a vignette's question per list
    activity: Any
    kind: str
    chapter: str
    title: dict[str, str]
    prompt: dict[str, str]  # plain text, may contain newlines
    source_type: str  # the activity's type (choice, vignette, classification, recall, ...)
    options: list[Option] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    distractors: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # extra right-hand choices
    order: list[Option] = field(default_factory=list)  # entries in the keyed order (feedback = why)
    model_answer: dict[str, str] = field(default_factory=lambda: both(""))
    rubric: list[dict[str, str]] = field(default_factory=list)
    elements: list[dict[str, str]] = field(default_factory=list)  # recall: key elements
    explanation: dict[str, str] = field(default_factory=lambda: both(""))
    role_list: str | None = None
    notes: list[str] = field(default_factory=list)  # where a format cannot score exactly as kesos does

    def key(self, course: "Course") -> Any:
        """The answer this question's export keys, in kesos.checking's own answer shape."""
        if self.kind in ("single", "multiple") and self.source_type == "vignette":
            roles = [o.id for o in self.options if o.fraction > 0 and o.id != C_NONE]
            if self.kind == "single":
                best = [o for o in self.options if o.correct]
                return vignette_answer(self.role_list, [best[0].id])
            return vignette_answer(self.role_list, roles)
        try:
            keyed = C.keyed_answer(self.activity, course, "id")
        except ValueError:  # a type kesos.checking does not score (yet): the model answer is the key
            if self.kind == "essay":
                return {"text": self.model_answer["id"]}
            raise
        if self.kind in ("single", "multiple"):
            return _shape_like(keyed, [o.id for o in self.options if o.fraction > 0], "choice")
        if self.kind == "matching":
            return _shape_like(keyed, {p.left_id: p.right_id for p in self.pairs}, "pairs")
        if self.kind == "ordering":
            return _shape_like(keyed, [o.id for o in self.order], "order")
        return keyed


@dataclass
class Skipped:
    qid: str
    type: str
    reason: str


C_NONE = getattr(C, "NONE_FITS", "none_fits")  # the "none of these roles fits" option id


def vignette_answer(role_list: str | None, roles: list[str]) -> dict:
    if roles == [C_NONE]:
        return {"role_list": role_list, "roles": [], "none_fits": True, "confidence": "sure", "justification": ""}
    return {"role_list": role_list, "roles": list(roles), "confidence": "sure", "justification": ""}


def credit(activity, answer, course: "Course") -> float | None:
    """kesos.checking's score for ``answer`` (0..1), or None when checking treats it as no answer."""
    r = C.check(activity, answer, "id", course)
    return None if r.empty else r.score / (r.max_score or 1.0)


# --------------------------------------------------------------------------- builders per type

BUILDERS: dict[str, Callable[["Course", Any], list[Question]]] = {}


def builder(kind: str):
    def register(fn):
        BUILDERS[kind] = fn
        return fn

    return register


def _base(course: "Course", a, kind: str, **kw) -> Question:
    return Question(
        qid=kw.pop("qid", a.id), activity=a, kind=kind, chapter=a.chapter, title=both(a.title),
        prompt=kw.pop("prompt", both(a.prompt)), source_type=a.type, **kw,
    )


@builder("choice")
def _choice(course: "Course", a) -> list[Question]:
    keyed = C.keyed_answer(a, course, "id")
    key = choice_ids(keyed)
    wrap = lambda ids: _shape_like(keyed, ids, "choice")  # noqa: E731
    q = _base(course, a, "multiple" if a.multiple else "single",
              explanation=both(a.explanation) if a.explanation else both(""))
    for o in a.options:
        if a.multiple:
            exact = credit(a, wrap([o.id]), course) if o.id in key else (credit(a, wrap(key + [o.id]), course) or 0) - 1
        else:
            exact = credit(a, wrap([o.id]), course)
        fb = both(o.feedback)
        m = course.misconceptions.get(o.misconception) if o.misconception else None
        if m:
            fb = per_lang(lambda lg: " ".join(
                s for s in (o.feedback.get(lg), t("misconception_note", lg, correction=m.correction.get(lg))) if s))
        q.options.append(_option(q, o.id, both(o.text), exact or 0.0, fb))
    return [q]


def _option(q: Question, oid: str, text, exact: float, feedback) -> Option:
    grade = snap_grade(exact * 100)
    if abs(grade - exact * 100) > 1e-3:
        q.notes.append(f"{oid}: kesos gives {exact:.4g}, Moodle grade {grade:g}%")
    return Option(oid, text, grade, feedback, exact)


@builder("matching")
def _matching(course: "Course", a) -> list[Question]:
    key = pair_map(C.keyed_answer(a, course, "id"))
    q = _base(course, a, "matching")
    for p in a.pairs:
        defn = course.definitions[p.definition]
        right = key[p.definition]
        q.pairs.append(Pair(
            p.definition, per_lang(lambda lg: C.display_text(defn, p.show, lg)),
            right, per_lang(lambda lg: C.author_name(course, right, lg)),
            both(p.feedback) if p.feedback else per_lang(lambda lg: course.cite(defn.cite, lg)),
        ))
    used = {p.right_id for p in q.pairs}
    for d in C.matching_choices(a, course):
        if d not in used:
            q.distractors.append((d, per_lang(lambda lg: C.author_name(course, d, lg))))
    return [q]


@builder("classification")
def _classification(course: "Course", a) -> list[Question]:
    key = pair_map(C.keyed_answer(a, course, "id"))
    cats = {c.id: both(c.label) for c in a.categories}
    q = _base(course, a, "matching")
    for e in a.entries:
        q.pairs.append(Pair(e.id, both(e.text), key[e.id], cats[key[e.id]], both(e.feedback)))
    used = {p.right_id for p in q.pairs}
    q.distractors = [(cid, label) for cid, label in cats.items() if cid not in used]
    return [q]


@builder("ordering")
def _ordering(course: "Course", a) -> list[Question]:
    key = order_ids(C.keyed_answer(a, course, "id"))
    by_id = {e.id: e for e in a.entries}
    q = _base(course, a, "ordering")
    q.order = [Option(i, both(by_id[i].text), 100.0, both(by_id[i].why), 1.0) for i in key]
    return [q]


@builder("vignette")
def _vignette(course: "Course", a) -> list[Question]:
    lists = [a.role_list] if a.role_list else [rl for rl in course.role_lists if rl in a.fits]
    out = []
    for list_id in lists:
        rl = course.role_lists[list_id]
        fit = a.fits[list_id]
        prompt = per_lang(lambda lg: f"{a.case.get(lg)}\n\n{a.prompt.get(lg)}\n\n"
                          + t("export_role_list", lg, title=rl.title.get(lg), cite=course.citation_of(list_id, lg)))
        q = _base(course, a, "single", qid=f"{a.id}@{list_id}", prompt=prompt, role_list=list_id)
        roles = [e.role for e in rl.entries]
        singles = {r: credit(a, vignette_answer(list_id, [r]), course) or 0.0 for r in roles}
        none_credit = credit(a, vignette_answer(list_id, [C_NONE]), course)  # None: checking has no "none fits"
        if none_credit is not None:
            singles[C_NONE] = none_credit
        if max(singles.values()) < 1 - 1e-9:  # only a combination of roles scores full marks (all_of)
            q.kind = "multiple"
            best = [r for r in roles if r in fit.best]
            for r in singles:
                if r == C_NONE:  # "none fits" with any roles scores 0: it cancels the whole answer
                    singles[r] = (none_credit or 0.0) - 1.0
                elif r not in best:  # what adding this role to the full answer costs
                    singles[r] = (credit(a, vignette_answer(list_id, best + [r]), course) or 0.0) - 1.0
            q.notes.append("all_of: Moodle adds the grades of the ticked roles; kesos divides by the number ticked")
        why = getattr(fit, "why", {}) or {}
        why_not = getattr(fit, "why_not", {}) or {}
        for r, exact in singles.items():
            if r == C_NONE:
                text = per_lang(lambda lg: t("export_none_fits", lg))
                if getattr(fit, "why_none", None):
                    fb = both(fit.why_none)
                else:  # a role of this list does fit: name the best ones
                    fb = per_lang(lambda lg: t("export_none_fits_wrong", lg, roles=", ".join(
                        C.role_label(course, list_id, r, lg) for r in fit.best)))
            else:
                text = per_lang(lambda lg: C.role_label(course, list_id, r, lg))
                if r in why:
                    fb = both(why[r])
                elif r in why_not and not isinstance(why_not[r], dict):
                    fb = both(why_not[r])
                else:
                    role = course.roles[r]
                    fb = per_lang(lambda lg: role.cue.get(lg))
            q.options.append(_option(q, r, text, exact, fb))
        out.append(q)
    return out


@builder("open")
def _open(course: "Course", a) -> list[Question]:
    return [_base(course, a, "essay", model_answer=both(a.model_answer), rubric=[both(r) for r in a.rubric])]


@builder("recall")
def _recall(course: "Course", a) -> list[Question]:
    model = getattr(a, "model_answer", None)
    if model is None:
        raise _Skip("a recall item without model_answer")
    elements = []
    for el in getattr(a, "elements", None) or []:
        label = getattr(el, "label", None) or getattr(el, "text", None)
        if label is None and hasattr(el, "phrases"):
            label = getattr(el, "phrases")
        elements.append(_element_text(label if label is not None else el))
    prompt = getattr(a, "prompt", None)
    return [_base(course, a, "essay", prompt=both(prompt) if prompt else both(a.title),
                  model_answer=both(model), elements=elements)]


def _element_text(el) -> dict[str, str]:
    """A recall key element as text: a Text, a {lang: [phrases]} mapping, or a list of phrasings."""
    if hasattr(el, "get") and hasattr(el, "en") and hasattr(el, "id"):
        val = {lg: el.get(lg) for lg in LANGS}
    elif isinstance(el, dict):
        val = {lg: el.get(lg, "") for lg in LANGS}
    else:
        val = {lg: el for lg in LANGS}
    return {lg: (" / ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)) for lg, v in val.items()}


class _Skip(Exception):
    pass


# --------------------------------------------------------------------------- the bank


@dataclass
class Bank:
    """A selection of the course's activities, in chapter and file order."""

    course: "Course"
    activities: list = field(default_factory=list)

    @property
    def chapters(self) -> list:
        seen = []
        for a in self.activities:
            if a.chapter not in seen:
                seen.append(a.chapter)
        return [self.course.chapters[c] for c in sorted(seen, key=lambda c: self.course.chapters[c].number)]

    def questions(self) -> tuple[list[Question], list[Skipped]]:
        """Every activity as keyed questions, and the activities no builder can export."""
        out: list[Question] = []
        skipped: list[Skipped] = []
        for a in self.activities:
            kind = getattr(a, "type", "?")
            fn = BUILDERS.get(kind)
            if fn is None:
                skipped.append(Skipped(a.id, kind, f"activity type {kind!r} has no export yet"))
                continue
            try:
                out.extend(fn(self.course, a))
            except _Skip as e:
                skipped.append(Skipped(a.id, kind, str(e)))
        return out, skipped


def chapter_id(course: "Course", token: str) -> str:
    """A chapter from '04', '4', 'ch04' or '04_roles'."""
    tok = token.strip().lower()
    for c in course.chapters.values():
        if tok in (c.id, c.slug) or (tok.isdigit() and int(tok) == c.number):
            return c.id
    near = difflib.get_close_matches(tok, [c.id for c in course.chapters.values()], n=3, cutoff=0.5)
    hint = f" — did you mean {', '.join(near)}?" if near else ""
    known = ", ".join(f"{c.number:02d}" for c in course.chapters.values())
    raise SelectionError(f"--chapters: unknown chapter {token!r}{hint} (chapters: {known})")


def select(course: "Course", chapters: list[str] | None = None, ids: list[str] | None = None) -> Bank:
    """The activities of ``chapters`` (any form :func:`chapter_id` reads) or with ``ids``; all when
    neither is given. Unknown chapters or ids raise :class:`SelectionError` naming the culprit."""
    acts = list(course.activities.values())
    order = {c: course.chapters[c].number for c in course.chapters}
    acts.sort(key=lambda a: order.get(a.chapter, 99))  # stable: file order within a chapter
    if ids:
        wanted = []
        for i in ids:
            i = i.strip()
            if i not in course.activities:
                near = difflib.get_close_matches(i, list(course.activities), n=3, cutoff=0.5)
                hint = f" — did you mean {', '.join(near)}?" if near else ""
                raise SelectionError(f"--ids: unknown activity id {i!r}{hint}")
            wanted.append(i)
        acts = [a for a in acts if a.id in set(wanted)]
    if chapters:
        chs = {chapter_id(course, c) for c in chapters}
        acts = [a for a in acts if a.chapter in chs]
    return Bank(course, acts)


def split_list(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [v for v in re.split(r"[,\s]+", value) if v]


# --------------------------------------------------------------------------- summaries


@dataclass
class Summary:
    """What one exporter wrote: files, counts per question kind, and what it skipped and why."""

    format: str
    files: list = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n

    @property
    def written(self) -> int:
        return sum(self.counts.values())

    def lines(self) -> list[str]:
        out = [f"{self.format}: wrote {self.written} item(s)"
               + (f" ({', '.join(f'{k} {v}' for k, v in sorted(self.counts.items()))})" if self.counts else "")]
        out += [f"  {f}" for f in self.files]
        if self.skipped:
            reasons: dict[str, list[str]] = {}
            for s in self.skipped:
                reasons.setdefault(s.reason, []).append(s.qid)
            out.append(f"  skipped {len(self.skipped)}:")
            for reason, qids in reasons.items():
                shown = ", ".join(qids[:6]) + (f", … (+{len(qids) - 6})" if len(qids) > 6 else "")
                out.append(f"    {len(qids)} × {reason}: {shown}")
        out += [f"  note: {n}" for n in self.notes]
        return out

    def as_json(self) -> str:
        return json.dumps({
            "format": self.format, "files": [str(f) for f in self.files], "counts": self.counts,
            "skipped": [s.__dict__ for s in self.skipped], "notes": self.notes,
        }, ensure_ascii=False, indent=1)
