"""Mock exam in the style of an Indonesian UTS/UAS.

A paper is a seeded draw from the item bank following a blueprint (chapters and their weights):
multiple-choice items with options lettered A–E, written recall ("Tuliskan pengertian … menurut
…") and essay prompts ("Jelaskan … dan bandingkan …"). The same seed and blueprint always give
the same paper; another seed gives another paper. Nothing is scored until the learner submits;
then every answer is scored by ``kesos.checking`` (the one scorer), essays are self-assessed
against their rubric with the model answer beside them, and the result is saved in the progress
store (item ``exam:<seed>``) and can be written as a printable HTML report.
"""
from __future__ import annotations

import datetime as dt
import html
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kesos import checking
from kesos.i18n import get_language, t
from kesos.study.history import EXAM_PREFIX, chapter_order

if TYPE_CHECKING:  # pragma: no cover
    from kesos.content import Course

LETTERS = "ABCDE"
POINTS = {"choice": 1, "recall": 3, "open": 5}  # marks per question, by kind
KINDS = ("choice", "recall", "open")


@dataclass(frozen=True)
class Blueprint:
    """Which chapters an exam covers and how much each weighs, and how many questions of each kind."""

    weights: dict[str, float]
    choice: int = 20
    recall: int = 2
    essay: int = 1
    minutes: int | None = None

    @classmethod
    def default(cls, course: "Course", chapters: list[str] | None = None, **kw) -> "Blueprint":
        """Every teaching chapter (01–06, or ``chapters``) weighted by its study time."""
        chosen = chapters or [c for c in chapter_order(course) if c not in ("ch00", "ch07")]
        unknown = [c for c in chosen if c not in course.chapters]
        if unknown:
            raise ValueError(f"unknown chapter {unknown[0]!r}; chapters are {', '.join(course.chapters)}")
        return cls({c: float(course.chapters[c].minutes or 1) for c in chosen}, **kw)


@dataclass(frozen=True)
class Question:
    number: int
    item_id: str
    kind: str  # "choice" | "recall" | "open"
    chapter: str
    options: tuple[str, ...] = ()  # option ids in the paper's order (A, B, C, …)

    @property
    def points(self) -> int:
        return POINTS[self.kind]


@dataclass(frozen=True)
class Paper:
    seed: int
    blueprint: Blueprint
    questions: tuple[Question, ...]

    @property
    def total_points(self) -> int:
        return sum(q.points for q in self.questions)


def _allocate(n: int, weights: dict[str, float], available: dict[str, int]) -> dict[str, int]:
    """Split ``n`` questions over chapters by weight (largest remainder), never more than a
    chapter has; what a small chapter cannot take goes to the others."""
    alloc = {c: 0 for c in weights}
    remaining = min(n, sum(available.get(c, 0) for c in weights))
    while remaining > 0:
        open_ = {c: w for c, w in weights.items() if alloc[c] < available.get(c, 0) and w > 0}
        if not open_:
            break
        total = sum(open_.values())
        quotas = {c: remaining * w / total for c, w in open_.items()}
        step = {c: min(int(q), available[c] - alloc[c]) for c, q in quotas.items()}
        if sum(step.values()) == 0:  # hand out single questions by largest remainder
            c = max(open_, key=lambda c: (quotas[c] - int(quotas[c]), open_[c], c))
            step = {c: 1}
        for c, k in step.items():
            alloc[c] += k
            remaining -= k
    return alloc


def _pool(course: "Course", kind: str, chapters) -> dict[str, list]:
    pool: dict[str, list] = {c: [] for c in chapters}
    for a in course.activities.values():
        if a.chapter not in pool:
            continue
        if kind == "choice" and a.type == "choice" and not a.multiple and len(a.options) <= len(LETTERS):
            pool[a.chapter].append(a)
        elif kind in ("recall", "open") and a.type == kind:
            pool[a.chapter].append(a)
    return {c: sorted(items, key=lambda a: a.id) for c, items in pool.items()}


def draw(course: "Course", blueprint: Blueprint | None = None, seed: int | None = None) -> Paper:
    """A paper for ``blueprint`` (default: :meth:`Blueprint.default`) drawn with ``seed``
    (default: a random one, kept in the paper so it can be drawn again)."""
    blueprint = blueprint or Blueprint.default(course)
    if seed is None:
        seed = random.SystemRandom().randrange(1, 10**6)
    rng = random.Random(f"kesos-exam:{seed}")
    questions: list[Question] = []
    for kind, n in (("choice", blueprint.choice), ("recall", blueprint.recall), ("open", blueprint.essay)):
        pool = _pool(course, kind, blueprint.weights)
        alloc = _allocate(n, blueprint.weights, {c: len(v) for c, v in pool.items()})
        picked = []
        for ch in sorted(alloc, key=lambda c: chapter_order(course).index(c)):
            picked += rng.sample(pool[ch], alloc[ch])
        rng.shuffle(picked)  # interleave chapters
        for a in picked:
            options = ()
            if kind == "choice":
                options = tuple(o.id for o in a.options)
                options = tuple(rng.sample(options, len(options)))
            questions.append(Question(len(questions) + 1, a.id, kind, a.chapter, options))
    return Paper(int(seed), blueprint, tuple(questions))


# --------------------------------------------------------------------------- scoring


@dataclass
class Marked:
    question: Question
    answer: Any
    result: checking.Result

    @property
    def earned(self) -> float:
        return self.question.points * (self.result.score / (self.result.max_score or 1.0))


@dataclass
class ExamResult:
    paper: Paper
    lang: str
    marked: list[Marked]
    started: dt.datetime | None = None
    submitted: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))

    @property
    def earned(self) -> float:
        return sum(m.earned for m in self.marked)

    @property
    def percent(self) -> float:
        total = self.paper.total_points
        return 100.0 * self.earned / total if total else 0.0

    def by(self, key: str) -> list[tuple[str, float, int]]:
        """(group, points earned, points possible) per chapter (``key="chapter"``) or kind."""
        groups: dict[str, list[float]] = {}
        for m in self.marked:
            g = groups.setdefault(getattr(m.question, key), [0.0, 0])
            g[0] += m.earned
            g[1] += m.question.points
        return [(k, v[0], v[1]) for k, v in groups.items()]

    def wrong(self) -> list[Marked]:
        """Questions not fully right (essays and recall: below full marks), in paper order."""
        return [m for m in self.marked if not m.result.correct]


def to_answer(question: Question, given: Any) -> Any:
    """The checker's answer from what the learner gave on the paper: a letter for choice items,
    ``{"text": …}`` (recall) or ``{"text": …, "rubric": [...]}`` (essay)."""
    if question.kind == "choice":
        if isinstance(given, str) and len(given) == 1 and given.upper() in LETTERS[: len(question.options)]:
            return [question.options[LETTERS.index(given.upper())]]
        return []
    if isinstance(given, dict):
        return given
    return {"text": given if isinstance(given, str) else ""}


def mark(course: "Course", paper: Paper, answers: dict[int, Any], lang: str | None = None,
         *, started: dt.datetime | None = None) -> ExamResult:
    """Score every question with ``kesos.checking``; ``answers`` maps question number → answer."""
    lang = lang or get_language()
    marked = []
    for q in paper.questions:
        activity = course.activity(q.item_id)
        answer = to_answer(q, answers.get(q.number))
        marked.append(Marked(q, answer, checking.check(activity, answer, lang, course)))
    return ExamResult(paper, lang, marked, started)


def save(result: ExamResult, store=None):
    """Record the result in the progress store as one attempt ``exam:<seed>``."""
    if store is None:
        from kesos.progress import get_store

        store = get_store()
    return store.record(
        f"{EXAM_PREFIX}{result.paper.seed}", "exam",
        {str(m.question.number): m.answer for m in result.marked},
        score=round(result.earned, 3), max_score=float(result.paper.total_points),
        correct=not result.wrong(), language=result.lang,
        context={
            "blueprint": dict(result.paper.blueprint.weights),
            "questions": [[m.question.item_id, m.question.kind, round(m.earned, 3), m.question.points]
                          for m in result.marked],
            "started": result.started.isoformat() if result.started else None,
        },
    )


def letter_of(question: Question, option_id: str) -> str:
    return LETTERS[question.options.index(option_id)] if option_id in question.options else "?"


# --------------------------------------------------------------------------- printable report


def report_html(course: "Course", result: ExamResult) -> str:
    """A self-contained, printable HTML report: scores by chapter and by kind, then every
    question not fully right with the learner's answer, the key, the feedback and the citation."""
    lang = result.lang
    e = html.escape
    chapter_title = {c.id: c.title.get(lang) for c in course.chapters.values()}
    kind_name = {k: t(f"exam_kind_{k}", lang) for k in KINDS}

    def table(rows, head):
        body = "".join(
            f"<tr><td>{e(name)}</td><td>{earned:.1f} / {possible}</td><td>{(100 * earned / possible if possible else 0):.0f}%</td></tr>"
            for name, earned, possible in rows
        )
        return f"<table><thead><tr><th>{e(head)}</th><th>{e(t('exam_points', lang))}</th><th>%</th></tr></thead><tbody>{body}</tbody></table>"

    parts = [
        f"<h1>{e(t('exam_report_title', lang))}</h1>",
        f"<p>{e(t('exam_report_summary', lang, earned=f'{result.earned:.1f}', total=result.paper.total_points, percent=f'{result.percent:.0f}', seed=result.paper.seed))}</p>",
        f"<h2>{e(t('exam_by_chapter', lang))}</h2>",
        table([(chapter_title.get(c, c), a, b) for c, a, b in result.by("chapter")], t("exam_chapter", lang)),
        f"<h2>{e(t('exam_by_kind', lang))}</h2>",
        table([(kind_name[k], a, b) for k, a, b in result.by("kind")], t("exam_kind", lang)),
        f"<h2>{e(t('exam_review_heading', lang))}</h2>",
    ]
    wrong = result.wrong()
    if not wrong:
        parts.append(f"<p>{e(t('exam_all_right', lang))}</p>")
    for m in wrong:
        a = course.activity(m.question.item_id)
        q = m.question
        parts.append(f"<section class='q'><h3>{q.number}. {e(a.title.get(lang))}</h3><p>{e(a.prompt.get(lang))}</p>")
        if q.kind == "choice":
            chosen = m.answer[0] if m.answer else None
            key = next(o.id for o in a.options if o.correct)
            opts = {o.id: o for o in a.options}
            parts.append(
                f"<p><b>{e(t('exam_your_answer', lang))}:</b> "
                + (f"{letter_of(q, chosen)}. {e(opts[chosen].text.get(lang))}" if chosen else e(t("exam_no_answer", lang)))
                + f"<br><b>{e(t('exam_key', lang))}:</b> {letter_of(q, key)}. {e(opts[key].text.get(lang))}</p>"
            )
        else:
            text = m.answer.get("text", "") if isinstance(m.answer, dict) else ""
            parts.append(f"<p><b>{e(t('exam_your_answer', lang))}:</b></p><blockquote>{e(text) or e(t('exam_no_answer', lang))}</blockquote>")
            if m.result.explanation:
                parts.append(f"<p><b>{e(t('exam_model_answer', lang))}:</b></p><blockquote>{e(m.result.explanation)}</blockquote>")
        items = "".join(
            f"<li>{e(p.label)} — {e(t('verdict_' + p.verdict, lang))}{(': ' + e(p.feedback)) if p.feedback else ''}</li>"
            for p in m.result.parts
        )
        if items:
            parts.append(f"<ul>{items}</ul>")
        if m.result.citations:
            parts.append(f"<p class='cite'>{e(t('exam_sources', lang))}: {e('; '.join(m.result.citations))}</p>")
        parts.append("</section>")
    style = (
        "body{font-family:system-ui,sans-serif;max-width:52em;margin:2em auto;line-height:1.45;color:#111}"
        "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #999;padding:.25em .6em;text-align:left}"
        "section.q{break-inside:avoid;border-top:1px solid #ccc;margin-top:1em}blockquote{border-left:3px solid #999;margin:.4em 0;padding-left:.8em}"
        ".cite{font-size:.9em;color:#333}@page{size:A4;margin:18mm}"
    )
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{e(t('exam_report_title', lang))}</title>"
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")
