"""The item bank overview for lecturers: one self-contained, printable HTML page listing every
activity with its chapter, type, what it practises, its key and its feedback, filterable by
chapter — what a lecturer reads before choosing what to export.

Keys and grades come from the same keyed questions the exports write
(:mod:`kesos.exports.bank`, hence from :mod:`kesos.checking`). Every content text is escaped.

CLI: ``kesos itembank --lang id|en --out FILE.html``.
"""
from __future__ import annotations

import html
import sys
from pathlib import Path

from kesos.exports.bank import Bank, Question, Skipped, select
from kesos.i18n import t

__all__ = ["render", "write", "main"]

_CSS = """
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #fff; --muted: #555; --line: #ccc; --ok: #0a6b2c; --part: #7a4f00; }
@media (prefers-color-scheme: dark) { :root { --fg: #eee; --bg: #1e1e1e; --muted: #bbb; --line: #555; --ok: #7fd99a; --part: #f0c060; } }
body { font-family: system-ui, sans-serif; color: var(--fg); background: var(--bg); max-width: 60em; margin: 1em auto; padding: 0 1em; line-height: 1.45; }
header p { color: var(--muted); }
.filter { position: sticky; top: 0; background: var(--bg); padding: .5em 0; border-bottom: 1px solid var(--line); }
article { border-bottom: 1px solid var(--line); padding: .75em 0; break-inside: avoid; }
article h3 { margin: 0 0 .25em; font-size: 1.05em; }
article h3 code { font-weight: normal; color: var(--muted); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1em 1em; margin: .25em 0; font-size: .9em; }
dl.meta dt { color: var(--muted); }
.prompt, .case { margin: .4em 0; }
.key { font-weight: 600; color: var(--ok); }
.partial { color: var(--part); }
.fb { color: var(--muted); font-size: .92em; }
.grade { white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-size: .92em; }
td, th { border: 1px solid var(--line); padding: .25em .4em; vertical-align: top; text-align: left; }
[hidden] { display: none !important; }
@media print { .filter { display: none; } article[hidden] { display: block !important; } body { max-width: none; } a { color: inherit; } }
"""

# Filters by the data-chapter attribute; the page works (everything shown) without it.
_SCRIPT = """
(function () {
  var select = document.getElementById("chapter-filter");
  var count = document.getElementById("shown-count");
  function apply() {
    var want = select.value, shown = 0;
    document.querySelectorAll("article.item").forEach(function (el) {
      var hide = want !== "" && el.getAttribute("data-chapter") !== want;
      el.hidden = hide;
      if (!hide) shown += 1;
    });
    count.textContent = String(shown);
  }
  select.addEventListener("change", apply);
  apply();
})();
"""


def esc(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _para(text: str) -> str:
    return "<br>".join(esc(line) for line in (text or "").split("\n"))


def _ref_title(course, ref: str, lang: str) -> str:
    if ref in course.definitions:
        d = course.definitions[ref]
        return f"{d.topic.get(lang)} — {course.cite(d.cite, lang)}"
    for table in (course.lists, course.role_lists):
        if ref in table:
            return table[ref].title.get(lang)
    return ref


def _refs(course, refs: list[str], lang: str) -> str:
    return "; ".join(f"{esc(_ref_title(course, r, lang))} <code>{esc(r)}</code>" for r in refs) or "—"


def _grade(f: float) -> str:
    return f"{f:.4g} %"


def _key_html(q: Question, course, lang: str) -> str:
    if q.kind in ("single", "multiple"):
        head = ""
        if q.role_list:
            head = f"<p><strong>{esc(course.role_lists[q.role_list].title.get(lang))}</strong></p>"
        rows = []
        for o in q.options:
            keyed = o.correct or (q.kind == "multiple" and o.fraction > 0)
            cls = "key" if keyed else "partial" if o.fraction > 0 else ""
            rows.append(f'<tr><td class="{cls}">{esc(o.text[lang])}</td><td class="{cls} grade">{esc(_grade(o.fraction))}</td>'
                        f'<td class="fb">{_para(o.feedback[lang])}</td></tr>')
        return head + "<table>" + "".join(rows) + "</table>"
    if q.kind == "matching":
        rows = [f'<tr><td>{esc(p.left[lang])}</td><td class="key">{esc(p.right[lang])}</td>'
                f'<td class="fb">{_para(p.feedback[lang])}</td></tr>' for p in q.pairs]
        extra = ", ".join(esc(d[lang]) for _, d in q.distractors)
        return "<table>" + "".join(rows) + "</table>" + (f'<p class="fb">+ {extra}</p>' if extra else "")
    if q.kind == "ordering":
        return "<ol>" + "".join(f'<li><span class="key">{esc(o.text[lang])}</span> <span class="fb">{_para(o.feedback[lang])}</span></li>'
                                for o in q.order) + "</ol>"
    out = f"<p><strong>{esc(t('export_model_answer', lang))}:</strong> {_para(q.model_answer[lang])}</p>"
    for key, items in (("export_rubric", q.rubric), ("export_elements", q.elements)):
        if items:
            out += f"<p><strong>{esc(t(key, lang))}:</strong></p><ol>" + "".join(f"<li>{esc(i[lang])}</li>" for i in items) + "</ol>"
    return out


def _article(activity, qs: list[Question], skipped: Skipped | None, course, lang: str) -> str:
    ch = course.chapters.get(activity.chapter)
    ch_label = f"{ch.number:02d} {ch.title.get(lang)}" if ch else activity.chapter
    title = activity.title.get(lang) if hasattr(activity.title, "get") else str(activity.title)
    parts = [f'<article class="item" id="item-{esc(activity.id)}" data-chapter="{esc(activity.chapter)}" '
             f'data-type="{esc(activity.type)}">',
             f"<h3>{esc(title)} <code>{esc(activity.id)}</code></h3>",
             '<dl class="meta">',
             f"<dt>{esc(t('itembank_filter', lang))}</dt><dd>{esc(ch_label)}</dd>",
             f"<dt>{esc(t('itembank_type', lang))}</dt><dd>{esc(activity.type)}"
             + (f" ({esc(qs[0].kind)})" if qs and qs[0].kind != activity.type else "") + "</dd>",
             f"<dt>{esc(t('itembank_practises', lang))}</dt><dd>{_refs(course, list(getattr(activity, 'practises', [])), lang)}</dd>",
             f"<dt>{esc(t('itembank_cites', lang))}</dt><dd>{_refs(course, list(getattr(activity, 'cites', [])), lang)}</dd>",
             "</dl>"]
    case = getattr(activity, "case", None)
    if case is not None:
        parts.append(f'<p class="case">{_para(case.get(lang))}</p>')
    prompt = getattr(activity, "prompt", None)
    if prompt is not None:
        parts.append(f'<p class="prompt"><strong>{esc(t("itembank_prompt", lang))}:</strong> {_para(prompt.get(lang))}</p>')
    if skipped:
        parts.append(f'<p class="fb">{esc(t("itembank_skipped", lang))} ({esc(skipped.reason)})</p>')
    else:
        parts.append(f"<h4>{esc(t('itembank_key', lang))} · {esc(t('itembank_feedback', lang))}</h4>")
        parts += [_key_html(q, course, lang) for q in qs]
        expl = qs[0].explanation.get(lang) if qs else ""
        if expl:
            parts.append(f'<p class="fb">{_para(expl)}</p>')
    parts.append("</article>")
    return "\n".join(parts)


def render(bank: Bank, lang: str = "id") -> str:
    """The page for the activities of ``bank``, in ``lang``."""
    if lang not in ("id", "en"):
        raise ValueError(f"--lang must be id or en, not {lang!r}")
    course = bank.course
    questions, skipped = bank.questions()
    by_act: dict[str, list[Question]] = {}
    for q in questions:
        by_act.setdefault(q.activity.id, []).append(q)
    skip = {s.qid: s for s in skipped}
    options = "".join(f'<option value="{esc(c.id)}">{c.number:02d} {esc(c.title.get(lang))}</option>' for c in bank.chapters)
    articles = "\n".join(_article(a, by_act.get(a.id, []), skip.get(a.id), course, lang) for a in bank.activities)
    n = len(bank.activities)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="kesos itembank">
<title>{esc(t('itembank_title', lang))}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{esc(t('itembank_title', lang))}</h1>
<p>{esc(t('itembank_intro', lang))}</p>
<p><small>{esc(t('itembank_generated', lang))}</small></p>
</header>
<div class="filter">
<label for="chapter-filter">{esc(t('itembank_filter', lang))}</label>
<select id="chapter-filter"><option value="">{esc(t('itembank_all', lang))}</option>{options}</select>
<span aria-live="polite"><span id="shown-count">{n}</span> / {esc(t('itembank_count', lang, n=n))}</span>
</div>
<main>
{articles}
</main>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def write(path, lang: str = "id", course=None, chapters=None, ids=None) -> Path:
    from kesos.content import load_course

    course = course or load_course()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(select(course, chapters, ids), lang), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    import argparse

    from kesos.content import ContentError
    from kesos.exports.bank import SelectionError, split_list

    ap = argparse.ArgumentParser(prog="kesos itembank", description="Write the item bank overview (one HTML page).")
    ap.add_argument("--lang", default="id", choices=("id", "en"))
    ap.add_argument("--out", required=True, help="the HTML file to write, e.g. itembank.html")
    ap.add_argument("--chapters", help="only these chapters, e.g. 01,04 (default: all)")
    args = ap.parse_args(argv)
    try:
        path = write(args.out, args.lang, chapters=split_list(args.chapters))
    except ContentError as e:
        print(e, file=sys.stderr)
        return 1
    except SelectionError as e:
        print(f"kesos itembank: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"kesos itembank: cannot write {args.out}: {e.strerror or e}", file=sys.stderr)
        return 1
    print(f"itembank: wrote {path}")
    return 0

