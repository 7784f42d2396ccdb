"""CSV of every item with its key, for spreadsheets (UTF-8 with a byte-order mark, so Excel
reads the Indonesian and English text correctly).

One row per question and language: a vignette gives one row per role list. Columns:

``id`` (activity id), ``part`` (the role list of a vignette), ``chapter``, ``type`` (the activity
type), ``kind`` (single, multiple, matching, ordering, essay), ``language``, ``title``, ``prompt``,
``options`` (one per line, ``option id: text``), ``key`` (the key as text), ``key_json`` (the key
in kesos.checking's answer shape: ``kesos.checking.check`` gives it full marks), ``feedback``
(one per line) and ``credit`` (the grade of each option in percent, for choices).

A cell starting with ``= + - @``, a tab or a carriage return gets a leading apostrophe, so that
a spreadsheet never runs content as a formula (CSV injection).
"""
from __future__ import annotations

import csv as _csv
import json
from pathlib import Path

from kesos.exports.bank import Bank, Question, Summary, langs_of
from kesos.i18n import t

FORMAT = "csv"
COLUMNS = ["id", "part", "chapter", "type", "kind", "language", "title", "prompt", "options", "key",
           "key_json", "feedback", "credit"]
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell a spreadsheet will show as text: formula-like starts get a leading apostrophe."""
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(_FORMULA) else s


def _lines(items) -> str:
    return "\n".join(s for s in items if s)


def row(q: Question, bank: Bank, lang: str) -> dict[str, str]:
    key = q.key(bank.course)
    options = key_text = feedback = credit = ""
    if q.kind in ("single", "multiple"):
        options = _lines(f"{o.id}: {o.text[lang]}" for o in q.options)
        key_text = _lines(o.text[lang] for o in q.options if o.fraction > 0 and (q.kind == "multiple" or o.correct))
        feedback = _lines(f"{o.id}: {o.feedback[lang]}" for o in q.options if o.feedback[lang])
        credit = _lines(f"{o.id}: {o.fraction:g}" for o in q.options)
    elif q.kind == "matching":
        lefts = [f"{p.left_id}: {p.left[lang]}" for p in q.pairs]
        rights = list(dict.fromkeys([f"{p.right_id}: {p.right[lang]}" for p in q.pairs]
                                    + [f"{i}: {d[lang]}" for i, d in q.distractors]))
        options = _lines(lefts + ["—"] + rights)
        key_text = _lines(f"{p.left[lang]} → {p.right[lang]}" for p in q.pairs)
        feedback = _lines(f"{p.left_id}: {p.feedback[lang]}" for p in q.pairs if p.feedback[lang])
    elif q.kind == "ordering":
        options = _lines(f"{o.id}: {o.text[lang]}" for o in q.order)
        key_text = _lines(f"{i}. {o.text[lang]}" for i, o in enumerate(q.order, 1))
        feedback = _lines(f"{o.id}: {o.feedback[lang]}" for o in q.order)
    elif q.kind == "essay":
        key_text = q.model_answer[lang]
        criteria = q.rubric or q.elements
        head = t("export_rubric" if q.rubric else "export_elements", lang)
        feedback = _lines([f"{head}:"] + [f"- {c[lang]}" for c in criteria]) if criteria else ""
    return {
        "id": q.activity.id, "part": q.role_list or "", "chapter": q.chapter, "type": q.source_type,
        "kind": q.kind, "language": lang, "title": q.title[lang], "prompt": q.prompt[lang], "options": options,
        "key": key_text, "key_json": json.dumps(key, ensure_ascii=False), "feedback": feedback, "credit": credit,
    }


def write(bank: Bank, out_dir, lang: str = "id") -> Summary:
    """Write ``kesos-items-<lang>.csv`` into ``out_dir``."""
    langs = langs_of(lang)
    questions, skipped = bank.questions()
    summary = Summary(FORMAT, skipped=list(skipped))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"kesos-items-{lang}.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = _csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        for q in questions:
            for lg in langs:
                w.writerow({k: safe_cell(v) for k, v in row(q, bank, lg).items()})
                summary.add(q.kind)
    summary.files.append(path)
    return summary
