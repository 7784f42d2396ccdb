"""GIFT (Moodle's plain-text question format) for what GIFT can hold.

=================  ===========================================================================
kesos              GIFT
=================  ===========================================================================
choice (single)    ``{=key#feedback ~other#feedback}``
choice (multiple)  ``{~%50%right#… ~%-50%wrong#…}`` (grades from kesos.checking, as in Moodle XML)
matching           ``{=definition -> author …}``; unused authors as ``= -> author`` distractors
classification     matching: ``=entry -> category``
vignette           one multiple choice per role list, ``~%50%`` for an acceptable role
open / recall      essay ``{}`` (GIFT has no grader information: the model answer and rubric
                   are only in the Moodle XML export)
ordering           skipped: GIFT has no ordering type (use Moodle XML)
=================  ===========================================================================

Every content text is HTML-escaped (``[html]`` markup; braces as ``&#123;``/``&#125;``) and then
GIFT-escaped (``~ = # { } :`` and the backslash get a backslash); newlines become ``<br>`` so no
question has a blank line.
GIFT matching has no per-pair feedback. With ``lang="both"`` texts carry Moodle's multilang spans.
"""
from __future__ import annotations

import html
import math
import re
from pathlib import Path

from kesos.exports.bank import Bank, Question, Skipped, Summary, langs_of, plain
from kesos.exports.moodle import category_path
from kesos.exports.text import html_lang

FORMAT = "gift"
_SPECIAL = re.compile(r"([~=#{}:\\])")


def escape(s: str) -> str:
    """GIFT-escape: a backslash before each of ``~ = # { } :`` and the backslash itself; line
    breaks become spaces (a blank line would end the question)."""
    return _SPECIAL.sub(r"\\\1", re.sub(r"\s*\n\s*", " ", s))


def _h(text: dict[str, str], lang: str) -> str:
    # braces in HTML text become character references: some GIFT readers (pygiftparser) end the
    # answer block at an escaped "\}"; Moodle renders "&#123;" as "{" all the same
    return escape(html_lang(text, lang).replace("{", "&#123;").replace("}", "&#125;"))


def _plain(text: dict[str, str], lang: str) -> str:
    """A matching answer: plain text in Moodle (a drop-down), so no HTML escaping."""
    if lang == "both" and text.get("id") != text.get("en"):
        return escape("".join(f'<span lang="{lg}" class="multilang">{html.escape(text[lg], quote=False)}</span>'
                              for lg in ("id", "en")))
    return escape(plain(text, "id" if lang == "both" else lang))


def _grade(g: float) -> str:
    """A GIFT weight: the Moodle grade cut (not rounded) to 4 decimals, so that six answers of
    16.6666 % add up to no more than 100 % (GIFT readers reject a sum above 100)."""
    cut = math.trunc(round(g * 1e4, 3)) / 1e4
    return f"{cut:.4f}".rstrip("0").rstrip(".")


def _head(q: Question, lang: str) -> str:
    title = plain(q.title, "id" if lang == "both" else lang)
    suffix = f" [{q.role_list}]" if q.role_list else ""
    return f"// {q.qid}\n::{escape(f'{q.activity.id} {title}{suffix}')}::[html]{_h(q.prompt, lang)}"


def _general(q: Question, lang: str) -> str:
    return f" ####{_h(q.explanation, lang)}" if any(q.explanation.values()) else ""


def _choice(q: Question, lang: str) -> str:
    parts = []
    for o in q.options:
        fb = f"#{_h(o.feedback, lang)}" if any(o.feedback.values()) else ""
        if q.kind == "single" and o.correct:
            mark = "="
        elif o.fraction == 0:
            mark = "~"
        else:
            mark = f"~%{_grade(o.fraction)}%"
        parts.append(f"\t{mark}{_h(o.text, lang)}{fb}")
    return _head(q, lang) + " {\n" + "\n".join(parts) + _general(q, lang) + "\n}"


def _matching(q: Question, lang: str) -> str:
    parts = [f"\t={_h(p.left, lang)} -> {_plain(p.right, lang)}" for p in q.pairs]
    parts += [f"\t= -> {_plain(d, lang)}" for _, d in q.distractors]
    return _head(q, lang) + " {\n" + "\n".join(parts) + "\n}"


def _essay(q: Question, lang: str) -> str:
    return _head(q, lang) + " {}"


def render(bank: Bank, lang: str) -> tuple[str, Summary]:
    langs_of(lang)
    questions, skipped = bank.questions()
    summary = Summary(FORMAT, skipped=list(skipped))
    blocks = []
    for chapter in bank.chapters:
        blocks.append(f"$CATEGORY: {category_path(bank, chapter, lang)}")
        for q in (q for q in questions if q.chapter == chapter.id):
            if q.kind in ("single", "multiple"):
                blocks.append(_choice(q, lang))
                summary.add(f"multichoice-{q.kind}")
                summary.notes += [f"{q.qid}: {n}" for n in q.notes]
            elif q.kind == "matching":
                blocks.append(_matching(q, lang))
                summary.add("matching")
            elif q.kind == "essay":
                blocks.append(_essay(q, lang))
                summary.add("essay")
            else:
                summary.skipped.append(Skipped(q.qid, q.source_type, "GIFT has no ordering question (use --format moodle)"))
    if summary.counts.get("essay"):
        summary.notes.append("GIFT essays carry no model answer or rubric: they are in the Moodle XML export (graderinfo)")
    return "\n\n".join(blocks) + "\n", summary


def write(bank: Bank, out_dir, lang: str = "id") -> Summary:
    """Write ``kesos-<lang>.gift.txt`` into ``out_dir``."""
    text, summary = render(bank, lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"kesos-{lang}.gift.txt"
    path.write_text(text, encoding="utf-8")
    summary.files.append(path)
    return summary
