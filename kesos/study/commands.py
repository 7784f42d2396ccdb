"""Command-line entry points of the study tools: ``kesos review``, ``kesos exam``, ``kesos weak``."""
from __future__ import annotations

import argparse
import html
import os
from pathlib import Path

from kesos.i18n import LANGUAGES, t


def _lang(value: str | None) -> str:
    lang = value or os.environ.get("KESOS_LANG", "id")
    return lang if lang in LANGUAGES else "id"


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, default=None, help="language (default: $KESOS_LANG or id)")
    parser.add_argument("--progress", metavar="FILE", help="progress file (default: $KESOS_PROGRESS_DB or the user data folder)")


def _store(args):
    from kesos.progress import ProgressStore, get_store, set_store

    if args.progress:
        set_store(ProgressStore(args.progress))
    return get_store()


def review(argv: list[str]) -> int:
    """Print how many review cards are due now, per chapter, and the first few."""
    parser = argparse.ArgumentParser(prog="kesos review", description="How many review items are due today.")
    _common(parser)
    parser.add_argument("--list", type=int, default=5, metavar="N", help="also list the first N due items (default 5)")
    args = parser.parse_args(argv)
    lang = _lang(args.lang)
    from kesos.content import load_course
    from kesos.study import due_summary
    from kesos.study.history import events, learner_attempts
    from kesos.study.spaced import due

    store, course = _store(args), load_course()
    print(due_summary(lang))
    for card in due(course, events(learner_attempts(store), course))[: args.list]:
        title = course.activities[card.item_id].title.get(lang) if card.kind == "activity" else course.glossary[card.item_id.split(":", 1)[1]].term.get(lang)
        print(f"  {card.item_id:<32} {title}")
    return 0


def exam(argv: list[str]) -> int:
    """Draw a paper: print its questions (no keys), or write a printable HTML paper with --out."""
    parser = argparse.ArgumentParser(prog="kesos exam", description="Draw a mock exam paper.")
    _common(parser)
    parser.add_argument("--seed", type=int, default=None, help="paper number: the same number gives the same paper")
    parser.add_argument("--chapters", default=None, help="comma-separated chapter ids (default ch01..ch06)")
    parser.add_argument("--choice", type=int, default=20)
    parser.add_argument("--recall", type=int, default=2)
    parser.add_argument("--essay", type=int, default=1)
    parser.add_argument("--out", metavar="FILE", help="write the paper as HTML (printable) instead of printing it")
    args = parser.parse_args(argv)
    lang = _lang(args.lang)
    from kesos.content import load_course
    from kesos.study.paper import LETTERS, Blueprint, draw

    course = load_course()
    try:
        chapters = [c.strip() for c in args.chapters.split(",")] if args.chapters else None
        paper = draw(course, Blueprint.default(course, chapters, choice=args.choice, recall=args.recall, essay=args.essay), args.seed)
    except ValueError as exc:
        print(f"kesos exam: {exc}")
        return 1
    lines = [t("exam_title", lang), t("exam_intro", lang, n=len(paper.questions), points=paper.total_points,
             chapters=", ".join(paper.blueprint.weights), seed=paper.seed), ""]
    for q in paper.questions:
        a = course.activity(q.item_id)
        lines.append(f"{q.number}. [{t('exam_kind_' + q.kind, lang)}, {q.points}] {a.prompt.get(lang)}")
        case = getattr(a, "case", None)
        if case is not None:
            lines.append(f"   {case.get(lang)}")
        opts = {o.id: o for o in getattr(a, "options", [])}
        for i, oid in enumerate(q.options):
            lines.append(f"   {LETTERS[i]}. {opts[oid].text.get(lang)}")
        lines.append("")
    if args.out:
        body = "".join(f"<p>{html.escape(line)}</p>" if line else "" for line in lines)
        Path(args.out).write_text(f"<!DOCTYPE html><html lang='{lang}'><meta charset='utf-8'><title>{html.escape(lines[0])}</title><body style='font-family:sans-serif;max-width:50em;margin:auto'>{body}</body></html>", encoding="utf-8")
        print(args.out)
    else:
        print("\n".join(lines))
    return 0


def weak(argv: list[str]) -> int:
    """Write the Anki deck of weak items."""
    parser = argparse.ArgumentParser(prog="kesos weak", description="Anki deck of the items you keep missing.")
    _common(parser)
    parser.add_argument("--out", metavar="FILE.apkg", default=None)
    args = parser.parse_args(argv)
    lang = _lang(args.lang)
    from kesos.content import load_course
    from kesos.study.history import events, learner_attempts
    from kesos.study.weak import write_weak_deck

    store, course = _store(args), load_course()
    path, n = write_weak_deck(course, events(learner_attempts(store), course), lang, args.out)
    print(t("weak_written", lang, n=n, path=str(path)) if n else t("weak_none", lang))
    return 0
