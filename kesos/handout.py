"""Printable chapters and answer keys: ``kesos handout CHAPTER --lang id|en --format html|pdf [--key] --out DIR``.

A handout is one self-contained HTML page (A4 print CSS, no script, figures as data-URI images)
rendered from the chapter notebook and the Course model:

* the notebook's Markdown cells give the prose (navigation cells are left out);
* ``kesos.figures.*(…)`` cells give their table (HTML) or figure (SVG as an ``<img>`` data URI);
* ``kesos.show("id")`` / ``kesos.quiz([...])`` cells give each activity as a printed question
  with answer space: boxes for options, blanks for an order, a letter per statement for matching,
  a tick table for classification, a case card with the role list for vignettes, lines for essays;
* the end lists the references (content/sources.yaml) the page cites.

Nothing in a handout gives an answer away. The answer key (``--key``) is a separate page: for
every activity the key from :func:`kesos.checking.keyed_answer`, with the content's feedback,
explanations, model answers and rubrics. Options are printed in a fixed shuffled order
(``checking.seeded_order`` with the learner id ``"handout"``), the same in handout and key.

PDF goes through Chromium (``--format pdf``): the system Chromium found as the browser tests find
it (``KESOS_CHROMIUM``, ``/usr/bin/chromium``, ``chromium``/``google-chrome`` on PATH), else
Playwright's own; one browser prints every page of a run. Every text from the content is escaped.
"""
from __future__ import annotations

import argparse
import ast
import base64
import html
import os
import re
import shutil
import string
import sys
from pathlib import Path

import nbformat

from kesos import checking
from kesos.i18n import LANGUAGES, t

esc = html.escape
SEED = "handout"  # the fixed "learner" whose seeded order every handout and key prints
LETTERS = string.ascii_uppercase

CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Serif", Georgia, serif; font-size: 10.5pt; line-height: 1.45; color: #111; }
body { margin: 0; }
main { max-width: 180mm; margin: 0 auto; }
h1 { font-size: 18pt; margin: 0 0 4mm; }
h2 { font-size: 13.5pt; margin: 6mm 0 2mm; break-after: avoid; }
h3, h4 { font-size: 11.5pt; margin: 4mm 0 1.5mm; break-after: avoid; }
p, li { orphans: 3; widows: 3; }
table { border-collapse: collapse; margin: 2mm 0; width: 100%; font-size: 9.5pt; }
th, td { border: 0.3mm solid #777; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
thead, tr { break-inside: avoid; }
img.figure { display: block; max-width: 100%; max-height: 120mm; margin: 2mm auto; }
.learner { display: flex; gap: 6mm; font-size: 9.5pt; margin-bottom: 4mm; }
.learner span { flex: 1; border-bottom: 0.3mm solid #555; padding-bottom: 1mm; }
.activity { border: 0.4mm solid #333; border-radius: 2mm; padding: 2.5mm 3.5mm; margin: 3mm 0;
            break-inside: avoid; page-break-inside: avoid; }
.activity h3 { margin-top: 0; }
.activity .how { font-style: italic; font-size: 9.5pt; margin: 1mm 0; }
.box { display: inline-block; width: 4mm; height: 4mm; border: 0.3mm solid #111; vertical-align: -0.6mm;
       margin-right: 2mm; }
.blank { display: inline-block; min-width: 12mm; border-bottom: 0.3mm solid #111; margin-right: 2mm; }
ul.options { list-style: none; padding-left: 1mm; margin: 1mm 0; }
ul.options li { margin: 1mm 0; }
.lines { margin-top: 2mm; }
.lines div { border-bottom: 0.25mm solid #888; height: 7mm; }
.case { border: 0.5mm dashed #333; background: #f4f4f4; padding: 2.5mm 3.5mm; margin: 2mm 0;
        border-radius: 1.5mm; }
.case .label { font-weight: bold; text-transform: uppercase; font-size: 8.5pt; letter-spacing: 0.05em; }
.roles { font-size: 9.5pt; }
.sources { font-size: 8.5pt; color: #333; margin-top: 1.5mm; }
.key .answer { font-weight: bold; }
.key .feedback { font-size: 9.5pt; }
.meta { font-size: 8.5pt; color: #444; }
.refs li { margin: 1mm 0; }
footer { margin-top: 6mm; font-size: 8pt; color: #555; }
@media screen { main { padding: 10mm; } }
"""


# --------------------------------------------------------------------------- chapters


def resolve_chapters(course, spec: str) -> list:
    """``04``, ``4``, ``ch04``, ``04_roles`` or ``all`` → chapters. Raises ValueError (one line)."""
    chapters = sorted(course.chapters.values(), key=lambda c: c.number)
    if spec == "all":
        return [c for c in chapters if course.activities_in(c.id)]
    for c in chapters:
        if spec in (c.id, c.slug, f"{c.number:02d}", str(c.number)):
            return [c]
    known = ", ".join(f"{c.number:02d}" for c in chapters)
    raise ValueError(f"no chapter {spec!r}: give a number ({known}), an id like ch04, a slug like 04_roles, or all")


def notebook_path(course, chapter, lang: str) -> Path:
    return Path(course.root) / "notebooks" / lang / f"{chapter.slug}.ipynb"


# --------------------------------------------------------------------------- markdown and figures


_SAFE_TAGS = re.compile(r"&lt;(/?)(kbd|sub|sup|br)&gt;")  # harmless inline tags the notebooks use


def _markdown():
    import mistune

    # escape=True: raw HTML written in a Markdown cell is printed as text, never injected —
    # except a few inline tags without attributes (e.g. <kbd>Shift</kbd>), restored after escaping
    md = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
    return lambda text: _SAFE_TAGS.sub(r"<\1\2>", md(text))


def _figure_html(obj) -> str:
    svg = getattr(obj, "_repr_svg_", None)
    if callable(svg):
        data = base64.b64encode(svg().encode("utf-8")).decode("ascii")
        title = esc(getattr(obj, "title", "") or "")
        return f'<img class="figure" alt="{title}" src="data:image/svg+xml;base64,{data}">'
    png = getattr(obj, "_repr_png_", None)
    if callable(png):
        return f'<img class="figure" alt="" src="data:image/png;base64,{base64.b64encode(png()).decode()}">'
    rich = getattr(obj, "_repr_html_", None)
    if callable(rich):
        return rich()  # kesos.figures tables: every cell and header already HTML-escaped
    return f"<pre>{esc(repr(obj))}</pre>"


def _calls(source: str) -> list[tuple[str, list, dict]]:
    """The ``kesos.*`` calls of a thin notebook cell, as (dotted name, args, kwargs) literals."""
    out = []
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return out
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            call = node.value
            name = ast.unparse(call.func)
            try:
                args = [ast.literal_eval(a) for a in call.args]
                kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
            except ValueError:
                continue
            out.append((name, args, kwargs))
    return out


# --------------------------------------------------------------------------- activities (learner side)


def _lines(n: int) -> str:
    return '<div class="lines">' + "<div></div>" * n + "</div>"


def _sources(course, activity, lang: str) -> str:
    cites = [course.citation_of(ref, lang) for ref in activity.cites]
    cites = [c for c in dict.fromkeys(cites) if c]
    if not cites:
        return ""
    return f'<p class="sources">{esc(t("handout_sources", lang))}: {esc("; ".join(cites))}</p>'


def _choice_options(activity):
    ids = checking.seeded_order([o.id for o in activity.options], SEED, activity.id)
    by_id = {o.id: o for o in activity.options}
    return [by_id[i] for i in ids]


def _matching_parts(activity, course, lang):
    pairs = [activity.pairs[i] for i in
             checking.seeded_order(range(len(activity.pairs)), SEED, activity.id)]
    keys = sorted(checking.matching_choices(activity, course), key=lambda k: checking.author_name(course, k, lang))
    return pairs, keys


def _ordering_entries(activity):
    ids = checking.seeded_order([e.id for e in activity.entries], SEED, activity.id)
    by_id = {e.id: e for e in activity.entries}
    return [by_id[i] for i in ids]


def _classification_entries(activity):
    ids = checking.seeded_order([e.id for e in activity.entries], SEED, activity.id)
    by_id = {e.id: e for e in activity.entries}
    return [by_id[i] for i in ids]


def _vignette_lists(activity, course) -> list[str]:
    if activity.role_list:
        return [activity.role_list]
    return [rl for rl in activity.fits if rl in course.role_lists]


def _roles_of(course, rl_id: str, lang: str) -> list[tuple[str, str]]:
    rl = course.role_lists[rl_id]
    return [(e.role, checking.role_label(course, rl_id, e.role, lang)) for e in rl.entries]


def activity_html(course, activity, lang: str, number: str) -> str:
    """One activity as a printed question with answer space (no key, no feedback)."""
    kind = activity.type
    head = (f'<section class="activity {kind}" id="a-{esc(activity.id)}">'
            f'<h3>{esc(t("handout_activity", lang))} {esc(number)}. {esc(activity.title.get(lang))}</h3>'
            + _markdown()(activity.prompt.get(lang)))
    body = []
    if kind == "choice":
        how = "handout_choose_many" if activity.multiple else "handout_choose_one"
        body.append(f'<p class="how">{esc(t(how, lang))}</p><ul class="options">')
        for n, o in enumerate(_choice_options(activity)):
            body.append(f'<li><span class="box"></span><b>{LETTERS[n]}.</b> {esc(o.text.get(lang))}</li>')
        body.append("</ul>")
    elif kind == "matching":
        pairs, keys = _matching_parts(activity, course, lang)
        body.append(f'<p class="how">{esc(t("handout_matching_how", lang))}</p>')
        body.append(f'<table><thead><tr><th></th><th>{esc(t("handout_statement", lang))}</th>'
                    f'<th>{esc(t("handout_answer", lang))}</th></tr></thead><tbody>')
        for n, p in enumerate(pairs, 1):
            text = checking.display_text(course.definitions[p.definition], p.show, lang)
            body.append(f'<tr><td>{n}</td><td>{esc(text)}</td><td style="width:18mm"></td></tr>')
        body.append("</tbody></table>")
        body.append(f'<p><b>{esc(t("handout_authors", lang))}:</b> '
                    + " · ".join(f"<b>{LETTERS[n]}.</b> {esc(checking.author_name(course, k, lang))}"
                                 for n, k in enumerate(keys)) + "</p>")
    elif kind == "ordering":
        body.append(f'<p class="how">{esc(t("handout_ordering_how", lang))}</p><ul class="options">')
        for e in _ordering_entries(activity):
            body.append(f'<li><span class="blank"></span>{esc(e.text.get(lang))}</li>')
        body.append("</ul>")
    elif kind == "classification":
        cats = activity.categories
        body.append(f'<p class="how">{esc(t("handout_classification_how", lang))}</p>')
        body.append(f'<table><thead><tr><th>{esc(t("handout_item", lang))}</th>'
                    + "".join(f"<th>{esc(c.label.get(lang))}</th>" for c in cats) + "</tr></thead><tbody>")
        for e in _classification_entries(activity):
            body.append(f"<tr><td>{esc(e.text.get(lang))}</td>"
                        + '<td style="text-align:center"><span class="box"></span></td>' * len(cats) + "</tr>")
        body.append("</tbody></table>")
    elif kind == "vignette":
        body.append(f'<div class="case"><div class="label">{esc(t("handout_case", lang))}</div>'
                    + _markdown()(activity.case.get(lang)) + "</div>")
        body.append(f'<p class="how">{esc(t("handout_vignette_how", lang))}</p><div class="roles">')
        for rl_id in _vignette_lists(activity, course):
            rl = course.role_lists[rl_id]
            body.append(f'<p><span class="box"></span><b>{esc(t("handout_role_list", lang))}: '
                        f'{esc(course.cite(rl.cite, lang))}</b> — '
                        + ", ".join(esc(label) for _, label in _roles_of(course, rl_id, lang)) + "</p>")
        body.append(f'<p><span class="box"></span>{esc(t("handout_none_fits", lang))}</p></div>')
        body.append(f'<p>{esc(t("handout_roles_chosen", lang))}: <span class="blank" style="min-width:90mm"></span></p>')
        body.append(f'<p>{esc(t("handout_confidence", lang))} '
                    + " ".join(f'<span class="box"></span>{esc(t(k, lang))} '
                               for k in ("handout_sure", "handout_unsure", "handout_guessing")) + "</p>")
        body.append(f"<p>{esc(t('handout_why', lang))}:</p>" + _lines(4))
    elif kind == "open":
        body.append(_lines(max(6, 2 * len(activity.rubric))))
    elif kind == "recall":
        body.append(_lines(max(5, len(activity.elements) + 2)))
    body.append(_sources(course, activity, lang))
    return head + "".join(body) + "</section>"


# --------------------------------------------------------------------------- activities (key side)


def key_html(course, activity, lang: str, number: str) -> str:
    """The key of one activity (from ``checking.keyed_answer``) with the content's feedback."""
    key = checking.keyed_answer(activity, course, lang)
    kind = activity.type
    out = [f'<section class="activity key {kind}" id="k-{esc(activity.id)}">'
           f'<h3>{esc(t("handout_activity", lang))} {esc(number)}. {esc(activity.title.get(lang))}</h3>']
    if kind == "choice":
        right = set(key if isinstance(key, list) else key.get("choice", []))
        out.append('<ul class="options">')
        for n, o in enumerate(_choice_options(activity)):
            mark = f' <span class="answer">✓ {esc(t("handout_key_correct", lang))}</span>' if o.id in right else ""
            out.append(f"<li><b>{LETTERS[n]}.</b> {esc(o.text.get(lang))}{mark}"
                       f'<div class="feedback">{esc(o.feedback.get(lang))}</div></li>')
        out.append("</ul>")
        if activity.explanation:
            out.append(f'<p class="feedback">{esc(activity.explanation.get(lang))}</p>')
    elif kind == "matching":
        pairs, keys = _matching_parts(activity, course, lang)
        letter = {k: LETTERS[n] for n, k in enumerate(keys)}
        out.append("<table><tbody>")
        for n, p in enumerate(pairs, 1):
            author = key[p.definition]
            fb = f'<div class="feedback">{esc(p.feedback.get(lang))}</div>' if p.feedback else ""
            out.append(f'<tr><td>{n}</td><td class="answer">{letter[author]}. '
                       f'{esc(checking.author_name(course, author, lang))}</td>'
                       f"<td>{esc(course.cite(course.definitions[p.definition].cite, lang))}{fb}</td></tr>")
        out.append("</tbody></table>")
    elif kind == "ordering":
        order = key if isinstance(key, list) else key.get("order", [])
        by_id = {e.id: e for e in activity.entries}
        out.append("<ol>")
        for i in order:
            out.append(f'<li><span class="answer">{esc(by_id[i].text.get(lang))}</span>'
                       f'<div class="feedback">{esc(by_id[i].why.get(lang))}</div></li>')
        out.append("</ol>")
    elif kind == "classification":
        pairs = key if not isinstance(key, dict) or "pairs" not in key else key["pairs"]
        cats = {c.id: c.label.get(lang) for c in activity.categories}
        out.append("<table><tbody>")
        for e in _classification_entries(activity):
            out.append(f'<tr><td>{esc(e.text.get(lang))}</td><td class="answer">{esc(cats[pairs[e.id]])}</td>'
                       f'<td class="feedback">{esc(e.feedback.get(lang))}</td></tr>')
        out.append("</tbody></table>")
    elif kind == "vignette":
        keyed_list, keyed_roles = key.get("role_list"), key.get("roles", [])
        # every role list the content rates, the learner's fixed list first
        lists = _vignette_lists(activity, course)
        lists += [rl for rl in activity.fits if rl in course.role_lists and rl not in lists]
        for rl_id in lists:
            fit = activity.fits[rl_id]
            out.append(f'<p><b>{esc(t("handout_role_list", lang))}: {esc(course.cite(course.role_lists[rl_id].cite, lang))}</b></p><ul>')
            if fit.none_fits:
                why_none = f'<div class="feedback">{esc(fit.why_none.get(lang))}</div>' if fit.why_none else ""
                out.append(f'<li><span class="answer">{esc(t("handout_key_best", lang))}: '
                           f'{esc(t("handout_none_fits", lang))}</span>{why_none}</li>')
            for label_key, roles in (("handout_key_best", fit.best), ("handout_key_acceptable", fit.acceptable)):
                for r in roles:
                    cls = ' class="answer"' if (rl_id == keyed_list and r in keyed_roles) or label_key == "handout_key_best" else ""
                    out.append(f"<li><span{cls}>{esc(t(label_key, lang))}: {esc(checking.role_label(course, rl_id, r, lang))}</span>"
                               f'<div class="feedback">{esc(fit.why[r].get(lang))}</div></li>')
            for r, why_not in fit.why_not.items():
                out.append(f"<li>{esc(t('handout_key_why_not', lang))}: {esc(checking.role_label(course, rl_id, r, lang))}"
                           f'<div class="feedback">{esc(why_not.get(lang))}</div></li>')
            if fit.mode == "all_of":
                out.append(f"<li>{esc(t('handout_key_all_of', lang))}</li>")
            out.append("</ul>")
        if activity.readings:
            out.append(f"<p><b>{esc(t('handout_key_readings', lang))}</b></p><ul>")
            for rd in activity.readings:
                out.append(f"<li>{esc(', '.join(course.roles[r].name.get(lang) for r in rd.roles))}: "
                           f'<span class="feedback">{esc(rd.argument.get(lang))}</span></li>')
            out.append("</ul>")
    elif kind == "open":
        out.append(f"<p><b>{esc(t('handout_key_model', lang))}</b></p>" + _markdown()(key.get("text", "")))
        out.append(f"<p><b>{esc(t('handout_key_rubric', lang))}</b></p><ul>"
                   + "".join(f"<li>{esc(r.get(lang))}</li>" for r in activity.rubric) + "</ul>")
    elif kind == "recall":
        out.append(f"<p><b>{esc(t('handout_key_model', lang))}</b></p>" + _markdown()(activity.model_answer.get(lang)))
        out.append(f"<p><b>{esc(t('handout_key_elements', lang))}</b></p><ul>"
                   + "".join(f"<li>{esc(e.label.get(lang))}</li>" for e in activity.elements) + "</ul>")
    out.append(_sources(course, activity, lang))
    return "".join(out) + "</section>"


# --------------------------------------------------------------------------- pages


def _page(title: str, lang: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")


def _references(course, text: str, lang: str) -> str:
    cited = [s for s in course.sources.values() if s.short in text]
    if not cited:
        return ""
    items = []
    for s in sorted(cited, key=lambda s: s.reference):
        note = f" {esc(t('handout_reference_unconfirmed', lang))}" if s.status != "checked" else ""
        items.append(f"<li>{esc(s.reference)}{note}</li>")
    return f'<h2>{esc(t("handout_references", lang))}</h2><ul class="refs">' + "".join(items) + "</ul>"


def _shown_in_call(name: str, args: list) -> list:
    """The activity ids of one ``kesos.show(id, …)`` / ``kesos.quiz([ids], …)`` call."""
    if name == "kesos.quiz" and args and isinstance(args[0], (list, tuple)):
        return list(args[0])
    return list(args) if name == "kesos.show" else []


def shown_ids(path: Path) -> list[str]:
    """The activity ids a notebook shows, in order, one per id of every kesos.show / kesos.quiz
    call (also used by the benchmarks and the browser tests to know what a chapter shows)."""
    out: list[str] = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            for name, args, _ in _calls(cell.source):
                out += _shown_in_call(name, args)
    return out


def chapter_activities(course, chapter, lang: str) -> list:
    """The activities in the order the chapter notebook shows them (then any it does not show)."""
    out: list = []
    path = notebook_path(course, chapter, lang)
    if path.exists():
        for i in shown_ids(path):
            if i in course.activities and course.activities[i] not in out:
                out.append(course.activities[i])
    return out + [a for a in course.activities_in(chapter.id) if a not in out]


def render_html(course, chapter, lang: str, key: bool = False) -> str:
    """The handout (or, with ``key``, the answer key) of one chapter as one HTML page."""
    from kesos import figures

    title = f"{chapter.number}. {chapter.title.get(lang)}"
    numbers = {a.id: f"{chapter.number}.{n}" for n, a in enumerate(chapter_activities(course, chapter, lang), 1)}
    if key:
        body = [f"<h1>{esc(t('handout_key_title', lang))} — {esc(title)}</h1>",
                f'<p class="meta">{esc(t("handout_key_note", lang))}</p>']
        body += [key_html(course, course.activities[i], lang, n) for i, n in numbers.items()]
        return _page(f"{t('handout_key_title', lang)} — {title}", lang, "\n".join(body))

    md = _markdown()
    body = [f'<div class="learner"><span>{esc(t("handout_name", lang))}:</span>'
            f'<span>{esc(t("handout_student_id", lang))}:</span><span>{esc(t("handout_date", lang))}:</span></div>']
    shown: set[str] = set()
    path = notebook_path(course, chapter, lang)
    cells = nbformat.read(path, as_version=4).cells if path.exists() else []
    if not any(c.cell_type == "markdown" and c.source.lstrip().startswith("# ") for c in cells):
        body.append(f"<h1>{esc(title)}</h1>")
    for cell in cells:
        if "kesos-nav" in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "markdown":
            body.append(md(cell.source))
            continue
        if cell.cell_type != "code":
            continue
        for name, args, kwargs in _calls(cell.source):
            if name in ("kesos.show", "kesos.quiz") and args:
                ids = _shown_in_call(name, args)
                if name == "kesos.quiz" and kwargs.get("title"):
                    body.append(f"<h3>{esc(str(kwargs['title']))}</h3>")
                for i in ids:
                    if i in course.activities and i not in shown:
                        shown.add(i)
                        body.append(activity_html(course, course.activities[i], lang, numbers[i]))
            elif name.startswith("kesos.figures."):
                fn = getattr(figures, name.rsplit(".", 1)[1], None)
                if callable(fn):
                    body.append(_figure_html(fn(*args, **{**kwargs, "lang": lang})))
    for i, n in numbers.items():  # activities of the chapter that the notebook does not show
        if i not in shown:
            body.append(activity_html(course, course.activities[i], lang, n))
    text = "\n".join(body)
    body.append(_references(course, html.unescape(re.sub(r"<[^>]+>", " ", text)), lang))
    body.append(f'<footer>{esc(t("handout_generated", lang))}</footer>')
    return _page(title, lang, "\n".join(body))


# --------------------------------------------------------------------------- PDF


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


def find_chromium() -> str | None:
    """The system Chromium, found as bootstrap.py and the browser tests find it: ``KESOS_CHROMIUM``,
    ``/usr/bin/chromium``, then ``chromium``/``chromium-browser``/``google-chrome`` on PATH."""
    env = os.environ.get("KESOS_CHROMIUM")
    candidates = ([env] if env else []) + ["/usr/bin/chromium"]
    candidates += [shutil.which(c) for c in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def use_system_chromium() -> str | None:
    """Make Playwright launch the system Chromium when no ``executable_path`` is given.

    nbconvert's ``--to webpdf`` (WebPDFExporter) calls ``playwright.chromium.launch()`` without an
    executable and offers no setting for one, so it fails with "No suitable chromium" unless
    Playwright's own browser was downloaded. ``etc/jupyter/jupyter_nbconvert_config.py`` calls this
    function; it changes nothing when no system Chromium is found. Returns the path used.
    """
    path = find_chromium()
    if not path:
        return None
    from playwright.async_api import BrowserType

    if getattr(BrowserType.launch, "_kesos_chromium", None) == path:
        return path
    original = getattr(BrowserType.launch, "_kesos_original", BrowserType.launch)

    async def launch(self, *args, **kwargs):
        if self.name == "chromium" and not kwargs.get("executable_path"):
            kwargs["executable_path"] = path
        return await original(self, *args, **kwargs)

    launch._kesos_chromium = path
    launch._kesos_original = original
    BrowserType.launch = launch
    return path


class PdfPrinter:
    """One headless Chromium (Playwright) that prints many HTML pages to A4 PDF.

    Playwright's sync API refuses to run where an asyncio loop is running (a Jupyter kernel,
    or a process that ran notebooks), so every Playwright call happens in one worker thread of
    its own (its objects must stay in the thread that made them)."""

    def __enter__(self):
        from concurrent.futures import ThreadPoolExecutor

        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kesos-pdf")
        try:
            self._worker.submit(self._start).result()
        except BaseException:
            self._worker.shutdown()
            raise
        return self

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        system = find_chromium()
        try:
            if system:
                self._browser = self._pw.chromium.launch(executable_path=system, headless=True, args=CHROMIUM_ARGS)
            else:
                self._browser = self._pw.chromium.launch(headless=True, args=CHROMIUM_ARGS)
        except Exception:
            self._pw.stop()
            raise
        self._page = self._browser.new_page()

    def print(self, page_html: str, out: Path) -> Path:
        return self._worker.submit(self._print, page_html, out).result()

    def _print(self, page_html: str, out: Path) -> Path:
        self._page.set_content(page_html, wait_until="load")
        self._page.pdf(path=str(out), format="A4", print_background=True, prefer_css_page_size=True,
                       display_header_footer=True, header_template="<span></span>",
                       footer_template='<div style="font-size:8px;width:100%;text-align:center">'
                                       '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')
        return out

    def _stop(self) -> None:
        self._browser.close()
        self._pw.stop()

    def __exit__(self, *exc):
        try:
            self._worker.submit(self._stop).result()
        finally:
            self._worker.shutdown()


# --------------------------------------------------------------------------- command line


def build(course, chapters, lang: str, fmt: str, out_dir: Path, key: bool = False) -> list[Path]:
    """Write the handouts (and keys) of ``chapters``; return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = []
    for ch in chapters:
        pages.append((render_html(course, ch, lang), out_dir / f"{ch.slug}_{lang}"))
        if key:
            pages.append((render_html(course, ch, lang, key=True), out_dir / f"{ch.slug}_{lang}_key"))
    written = []
    if fmt == "html":
        for text, stem in pages:
            p = stem.with_suffix(".html")
            p.write_text(text, encoding="utf-8")
            written.append(p)
        return written
    with PdfPrinter() as printer:
        for text, stem in pages:
            written.append(printer.print(text, stem.with_suffix(".pdf")))
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="kesos handout", description="Printable chapter handouts and answer keys.")
    ap.add_argument("chapter", help="04, ch04, 04_roles, or all")
    ap.add_argument("--lang", choices=list(LANGUAGES), default="id")
    ap.add_argument("--format", choices=["html", "pdf"], default="html", dest="fmt")
    ap.add_argument("--key", action="store_true", help="also write the answer key (a separate file)")
    ap.add_argument("--out", default="handouts", help="output folder (default: handouts/)")
    args = ap.parse_args(argv)
    from kesos.content import ContentError, load_course

    try:
        course = load_course()
        chapters = resolve_chapters(course, args.chapter)
    except ContentError as exc:
        print(f"kesos handout: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"kesos handout: {exc}", file=sys.stderr)
        return 2
    try:
        written = build(course, chapters, args.lang, args.fmt, Path(args.out), key=args.key)
    except Exception as exc:  # no Chromium, no Playwright: one line, nothing half-written matters
        if args.fmt == "pdf":
            print(f"kesos handout: cannot print PDF with Chromium ({str(exc).splitlines()[0]}); install "
                  "chromium or set KESOS_CHROMIUM, or use --format html and print from a browser", file=sys.stderr)
            return 1
        raise
    for p in written:
        print(f"wrote {p}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
