"""The course glossary: search, flashcards and the printable pages.

Terms live in ``glossary/terms.yaml`` (schema :class:`kesos.schema.GlossaryTerm`) and reach this
module through :func:`kesos.content.load_course` as ``course.glossary``.

Pure functions (no ipywidgets)::

    normalise("Asesmén")               # 'asesmen' - casefold, accents stripped
    search("PEMUNGKIN")                # [GlossaryTerm(id='enabler', ...)]
    render_markdown(course)            # glossary/glossary.md
    render_html(course)                # glossary/glossary.html (self-contained, printable)
    build(root)                        # writes both files

Widgets (ipywidgets is imported only when one is built, so ``import kesos`` stays fast)::

    from kesos import glossary
    glossary.search_widget()           # a search box; results update as you type
    glossary.flashcards()              # flashcards; results go to the progress store

CLI: ``kesos glossary`` rebuilds the pages; ``kesos glossary --check`` exits 1 when the pages on
disk differ from a fresh render (CI and the tests use it).
"""
from __future__ import annotations

import html
import os
import re
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from kesos.i18n import get_language, t

if TYPE_CHECKING:  # pragma: no cover
    from kesos.content import Course
    from kesos.schema import GlossaryTerm

__all__ = [
    "normalise",
    "names",
    "lookup",
    "search",
    "sorted_terms",
    "deck_order",
    "render_markdown",
    "render_html",
    "build",
    "main",
    "search_widget",
    "flashcards",
]

OUTPUTS = ("glossary/glossary.md", "glossary/glossary.html")
ITEM_PREFIX = "glossary:"  # progress item id of a term's flashcard: "glossary:<term id>"
ACTIVITY_TYPE = "flashcard"
MAX_RESULTS = 30  # the search box lists at most this many terms


# --------------------------------------------------------------------------- text helpers


def normalise(text: str) -> str:
    """Casefold, strip accents and collapse whitespace: 'Asesmén  ' -> 'asesmen'."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(unicodedata.normalize("NFKC", bare).split())


_PAREN = re.compile(r"\(([^()]*)\)")


def names(term: "GlossaryTerm", langs: Iterable[str] = ("id", "en")) -> set[str]:
    """Every normalised name a term answers to, in both languages.

    A name with a parenthesis also answers to the name without it and to what is inside:
    'pialang sosial (broker)' -> {'pialang sosial (broker)', 'pialang sosial', 'broker'}.
    """
    out: set[str] = set()
    for lang in langs:
        n = normalise(term.term.get(lang))
        out.add(n)
        stripped = normalise(_PAREN.sub(" ", n))
        if stripped:
            out.add(stripped)
        out.update(normalise(m) for m in _PAREN.findall(n) if normalise(m))
    return out


def lookup(name: str, course: "Course | None" = None) -> "GlossaryTerm | None":
    """The term called ``name`` (either language, any case or accents), or None."""
    key = normalise(name)
    terms = _terms(course)
    # a full name wins over a shortened one: 'badan sosial' is the social agency, not
    # 'place (badan sosial)'
    for term in terms:
        if key in (normalise(term.term.id), normalise(term.term.en)):
            return term
    for term in terms:
        if key in names(term):
            return term
    return None


def _course(course: "Course | None") -> "Course":
    if course is not None:
        return course
    from kesos.content import load_course

    return load_course()


def _terms(course: "Course | None") -> list["GlossaryTerm"]:
    return list(_course(course).glossary.values())


def sorted_terms(course: "Course", lang: str = "id") -> list["GlossaryTerm"]:
    """All terms, alphabetical by their name in ``lang`` (accents and case ignored)."""
    return sorted(course.glossary.values(), key=lambda term: (normalise(term.term.get(lang)), term.id))


# --------------------------------------------------------------------------- search


def _at_word(query: str, text: str) -> bool:
    """``query`` occurs in ``text`` starting at a word boundary ('hak' in 'hak-hak', not in 'pihak')."""
    return re.search(r"(?<!\w)" + re.escape(query), text) is not None


def _rank(term: "GlossaryTerm", query: str, words: list[str], langs: tuple[str, ...]) -> int | None:
    """0 the query is a name of the term, 1 a name starts with it, 2 a word of a name does,
    3 a name contains it anywhere, 4 a word of a definition starts with it, 5 every word of the
    query starts a word somewhere. None: no match. Only the languages in ``langs`` are searched."""
    term_names = [normalise(term.term.get(lang)) for lang in langs]
    definitions = [normalise(term.definition.get(lang)) for lang in langs]
    if query in names(term, langs):
        return 0
    if any(n.startswith(query) for n in term_names):
        return 1
    if any(_at_word(query, n) for n in term_names):
        return 2
    if any(query in n for n in term_names):
        return 3
    if any(_at_word(query, d) for d in definitions):
        return 4
    if len(words) > 1:
        haystack = " ".join(term_names + definitions)
        if all(_at_word(w, haystack) for w in words):
            return 5
    return None


def search(query: str, lang: str | None = None, course: "Course | None" = None) -> list["GlossaryTerm"]:
    """Terms matching ``query``, best first: terms whose name matches before definition matches.

    Matching ignores case and accents. ``lang=None`` searches both languages' terms and
    definitions; ``"id"`` or ``"en"`` searches that language only. Within a rank, terms are
    alphabetical in ``lang`` (default: the notebook's language). An empty query finds nothing.
    """
    q = normalise(query)
    if not q:
        return []
    langs: tuple[str, ...] = (lang,) if lang in ("id", "en") else ("id", "en")
    order_lang = lang if lang in ("id", "en") else get_language()
    words = q.split()
    hits = []
    for term in _terms(course):
        rank = _rank(term, q, words, langs)
        if rank is not None:
            hits.append((rank, normalise(term.term.get(order_lang)), term.id, term))
    hits.sort(key=lambda h: h[:3])
    return [h[3] for h in hits]


# --------------------------------------------------------------------------- shared bits


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _both(key: str, sep: str = " · ", **fields) -> str:
    """An interface string in both languages: 'Sumber · Source'."""
    a, b = t(key, "id", **fields), t(key, "en", **fields)
    return a if a == b else f"{a}{sep}{b}"


def _chapter_line(course: "Course", term: "GlossaryTerm", lang: str) -> str:
    ch = course.chapters.get(term.chapter)
    if ch is None:  # pragma: no cover - validation guarantees the chapter exists
        return term.chapter
    return t("glossary_chapter", lang, number=ch.number, title=ch.title.get(lang))


def _page_chapter(course: "Course", term: "GlossaryTerm") -> tuple[str, str]:
    """For the bilingual pages: ('5 · Metode intervensi', 'Intervention methods')."""
    ch = course.chapters.get(term.chapter)
    if ch is None:  # pragma: no cover - validation guarantees the chapter exists
        return term.chapter, term.chapter
    return f"{ch.number}: {ch.title.id}", ch.title.en


def _cite_line(course: "Course", term: "GlossaryTerm", lang: str) -> str:
    return course.cite(term.cite, lang) if term.cite else t("glossary_no_source", lang)


def _anchor(term_id: str) -> str:
    return f"term-{term_id}"


def _letter(term: "GlossaryTerm") -> str:
    first = normalise(term.term.id)[:1].upper()
    return first if first.isalpha() else "#"


def _grouped(course: "Course") -> list[tuple[str, list["GlossaryTerm"]]]:
    groups: dict[str, list] = {}
    for term in sorted_terms(course, "id"):
        groups.setdefault(_letter(term), []).append(term)
    return list(groups.items())


# --------------------------------------------------------------------------- Markdown page

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _md(text: str) -> str:
    """Plain text made safe inside Markdown (no accidental emphasis, links or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def render_markdown(course: "Course") -> str:
    """The glossary as one Markdown page: alphabetical by Indonesian term, both languages."""
    groups = _grouped(course)
    out = [
        f"# {_md(_both('glossary_page_title'))}",
        "",
        f"**{_md(course.title.id)}**  ",
        f"*{_md(course.title.en)}*",
        "",
        _md(t("glossary_page_intro", "id")),
        "",
        _md(t("glossary_page_intro", "en")),
        "",
        f"*{_md(_both('glossary_term_count', n=len(course.glossary)))}*",
        "",
        f"{_md(_both('glossary_page_index'))}: "
        + " · ".join(f"[{_md(letter)}](#letter-{letter.lower()})" for letter, _ in groups),
        "",
    ]
    for letter, terms in groups:
        out += [f'<a id="letter-{letter.lower()}"></a>', "", f"## {_md(letter)}", ""]
        for term in terms:
            out += _md_term(course, term)
    out += ["---", "", f"*{_md(t('glossary_page_generated', 'id'))}*  ", f"*{_md(t('glossary_page_generated', 'en'))}*", ""]
    return "\n".join(out)


def _one_citation(course: "Course", term: "GlossaryTerm") -> tuple[str, str]:
    """The source line of the bilingual pages: a citation is printed ONCE, in the source chapter's
    own (Indonesian) style — its English form differs only by "in" for "dalam" and printed both
    made every citation appear twice. Only "no source" is worded in both languages."""
    if term.cite:
        return _cite_line(course, term, "id"), _cite_line(course, term, "id")
    return _cite_line(course, term, "id"), _cite_line(course, term, "en")


def _md_term(course: "Course", term: "GlossaryTerm") -> list[str]:
    cite_id, cite_en = _one_citation(course, term)
    lines = [
        f'<a id="{_anchor(term.id)}"></a>',
        "",
        f"### {_md(term.term.id)} · *{_md(term.term.en)}*",
        "",
        f"- **ID:** {_md(term.definition.id)}",
        f"- **EN:** {_md(term.definition.en)}",
        f"- **{_md(_both('glossary_source'))}:** {_md(cite_id)}"
        + ("" if cite_en == cite_id else f" · {_md(cite_en)}"),
        f"- **{_md(_both('glossary_chapter_label'))}:** "
        f"{_md(_page_chapter(course, term)[0])} · *{_md(_page_chapter(course, term)[1])}*",
    ]
    related = [course.glossary[r] for r in term.related if r in course.glossary]
    if related:
        links = ", ".join(f"[{_md(r.term.id)} · {_md(r.term.en)}](#{_anchor(r.id)})" for r in related)
        lines.append(f"- **{_md(_both('glossary_related'))}:** {links}")
    lines.append("")
    return lines


# --------------------------------------------------------------------------- HTML page

_PAGE_CSS = """
:root{--ink:#1b1b1b;--muted:#555;--rule:#d0d0d0;--accent:#0b5394;--paper:#fff}
*{box-sizing:border-box}
body{margin:0;background:var(--paper);color:var(--ink);font:16px/1.5 Georgia,'Times New Roman',serif}
main{max-width:46em;margin:0 auto;padding:1.5em 1.2em 3em}
h1{font-size:1.9em;margin:0 0 .2em}
.subtitle{margin:0;color:var(--muted)}
.intro{margin:.8em 0}
nav.letters{position:sticky;top:0;background:var(--paper);border-bottom:1px solid var(--rule);padding:.4em 0;margin:1em 0}
nav.letters a{display:inline-block;min-width:1.8em;text-align:center;padding:.1em .2em;color:var(--accent);text-decoration:none;font-family:system-ui,sans-serif;font-weight:600}
nav.letters a:hover,nav.letters a:focus-visible{text-decoration:underline}
h2.letter{font-family:system-ui,sans-serif;color:var(--accent);border-bottom:2px solid var(--accent);margin:1.6em 0 .4em}
article.term{border-bottom:1px solid var(--rule);padding:.6em 0 .8em;break-inside:avoid;page-break-inside:avoid}
article.term h3{margin:0 0 .3em;font-size:1.2em}
article.term h3 .en{font-weight:normal;font-style:italic;color:var(--muted)}
dl{margin:0;display:grid;grid-template-columns:max-content 1fr;column-gap:.8em;row-gap:.25em}
dt{font-family:system-ui,sans-serif;font-size:.8em;font-weight:600;color:var(--muted);padding-top:.2em;text-transform:uppercase;letter-spacing:.03em}
dd{margin:0}
dd.meta{font-size:.92em;color:var(--muted)}
a{color:var(--accent)}
a:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
footer{margin-top:2em;font-size:.85em;color:var(--muted)}
@media print{
  body{font-size:10.5pt;background:#fff;color:#000}
  main{max-width:none;padding:0}
  nav.letters{display:none}
  h2.letter{break-after:avoid;page-break-after:avoid;color:#000;border-color:#000}
  article.term{break-inside:avoid;page-break-inside:avoid}
  a{color:#000;text-decoration:none}
  dt,dd.meta,article.term h3 .en{color:#333}
}
@page{margin:1.8cm 1.6cm}
""".strip()


def render_html(course: "Course") -> str:
    """The glossary as one self-contained, printable HTML page. Every text is escaped."""
    groups = _grouped(course)
    title = _both("glossary_page_title")
    out = [
        "<!DOCTYPE html>",
        '<html lang="id">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)} — {esc(course.title.id)}</title>",
        f"<style>\n{_PAGE_CSS}\n</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f'<h1>{esc(t("glossary_page_title", "id"))} · <span lang="en">{esc(t("glossary_page_title", "en"))}</span></h1>',
        f'<p class="subtitle">{esc(course.title.id)}<br><span lang="en"><em>{esc(course.title.en)}</em></span></p>',
        f'<p class="intro">{esc(t("glossary_page_intro", "id"))}</p>',
        f'<p class="intro" lang="en">{esc(t("glossary_page_intro", "en"))}</p>',
        f'<p class="intro"><em>{esc(_both("glossary_term_count", n=len(course.glossary)))}</em></p>',
        "</header>",
        f'<nav class="letters" aria-label="{esc(_both("glossary_page_index"))}">'
        + " ".join(f'<a href="#letter-{esc(letter.lower())}">{esc(letter)}</a>' for letter, _ in groups)
        + "</nav>",
    ]
    for letter, terms in groups:
        out.append(f'<section aria-labelledby="letter-{esc(letter.lower())}">')
        out.append(f'<h2 class="letter" id="letter-{esc(letter.lower())}">{esc(letter)}</h2>')
        for term in terms:
            out.append(_html_term(course, term))
        out.append("</section>")
    out += [
        "<footer>",
        f'<p>{esc(t("glossary_page_generated", "id"))}<br><span lang="en">{esc(t("glossary_page_generated", "en"))}</span></p>',
        "</footer>",
        "</main>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(out)


def _html_term(course: "Course", term: "GlossaryTerm") -> str:
    cite_id, cite_en = _one_citation(course, term)
    cite = esc(cite_id) if cite_id == cite_en else f'{esc(cite_id)} · <span lang="en">{esc(cite_en)}</span>'
    rows = [
        f'<dt>ID</dt><dd>{esc(term.definition.id)}</dd>',
        f'<dt>EN</dt><dd lang="en">{esc(term.definition.en)}</dd>',
        f'<dt>{esc(_both("glossary_source"))}</dt><dd class="meta">{cite}</dd>',
        f'<dt>{esc(_both("glossary_chapter_label"))}</dt><dd class="meta">{esc(_page_chapter(course, term)[0])} · '
        f'<span lang="en"><em>{esc(_page_chapter(course, term)[1])}</em></span></dd>',
    ]
    related = [course.glossary[r] for r in term.related if r in course.glossary]
    if related:
        links = ", ".join(
            f'<a href="#{_anchor(r.id)}">{esc(r.term.id)} · <span lang="en">{esc(r.term.en)}</span></a>' for r in related
        )
        rows.append(f'<dt>{esc(_both("glossary_related"))}</dt><dd class="meta">{links}</dd>')
    return (
        f'<article class="term" id="{_anchor(term.id)}">'
        f'<h3>{esc(term.term.id)} · <span class="en" lang="en">{esc(term.term.en)}</span></h3>'
        f"<dl>{''.join(rows)}</dl></article>"
    )


# --------------------------------------------------------------------------- build and CLI


def _renders(course: "Course") -> dict[str, str]:
    return {OUTPUTS[0]: render_markdown(course), OUTPUTS[1]: render_html(course)}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def build(root: Path | str | None = None) -> list[Path]:
    """Write glossary/glossary.md and glossary/glossary.html under ``root``. Returns their paths."""
    from kesos.content import ROOT, load_course

    root = Path(root) if root else ROOT
    course = load_course(root)
    written = []
    for rel, text in _renders(course).items():
        path = root / rel
        _write(path, text)
        written.append(path)
    return written


def stale(root: Path | str | None = None) -> list[str]:
    """The generated pages under ``root`` that differ from a fresh render (relative paths)."""
    from kesos.content import ROOT, load_course

    root = Path(root) if root else ROOT
    course = load_course(root)
    out = []
    for rel, text in _renders(course).items():
        path = root / rel
        try:
            on_disk = path.read_text(encoding="utf-8")  # universal newlines: CRLF checkouts pass
        except OSError:
            on_disk = None
        if on_disk != text:
            out.append(rel)
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    from kesos.content import ContentError

    ap = argparse.ArgumentParser(
        prog="kesos glossary",
        description="Rebuild glossary/glossary.md and glossary/glossary.html from glossary/terms.yaml.",
    )
    ap.add_argument("--check", action="store_true", help="only report; exit 1 if the pages are out of date")
    ap.add_argument("--root", default=os.environ.get("KESOS_ROOT"), help="course folder (default: this checkout)")
    args = ap.parse_args(argv)
    try:
        if args.check:
            bad = stale(args.root)
            for rel in bad:
                print(f"{rel}: out of date with glossary/terms.yaml — run `python -m kesos glossary`")
            if bad:
                return 1
            print("OK: the glossary pages are up to date.")
            return 0
        for path in build(args.root):
            print(f"wrote {path}")
        return 0
    except ContentError as e:
        print(e, file=sys.stderr)
        print("\nFix the content first (`python -m kesos validate`).", file=sys.stderr)
        return 1


# --------------------------------------------------------------------------- widgets

_WIDGET_CSS = """<style>
.kesos-glossary{max-width:56em;color:var(--jp-ui-font-color1)}
.kesos-glossary .kesos-g-results{line-height:1.45}
.kesos-glossary .kesos-g-results ul{list-style:none;padding-left:0;margin:4px 0}
.kesos-glossary .kesos-g-results li{margin:8px 0;padding-left:10px;border-left:3px solid var(--jp-border-color1)}
.kesos-glossary .kesos-g-other{color:var(--jp-ui-font-color2);font-style:italic}
.kesos-glossary .kesos-g-meta{color:var(--jp-ui-font-color2);font-size:0.92em}
.kesos-glossary .kesos-g-card{border:1px solid var(--jp-border-color1);border-radius:6px;padding:14px 18px;min-height:9em;background:var(--jp-layout-color1)}
.kesos-glossary .kesos-g-card .kesos-g-term{font-size:1.45em;font-weight:bold;margin:4px 0}
.kesos-glossary .kesos-g-progress{color:var(--jp-ui-font-color2)}
.kesos-glossary button:focus-visible,.kesos-glossary input:focus-visible{outline:2px solid var(--jp-brand-color1);outline-offset:1px}
</style>"""


def _result_html(course: "Course", term: "GlossaryTerm", lang: str) -> str:
    other = "en" if lang == "id" else "id"
    return (
        f'<li data-term="{esc(term.id)}"><strong>{esc(term.term.get(lang))}</strong> · '
        f'<span class="kesos-g-other" lang="{other}">{esc(term.term.get(other))}</span><br>'
        f"{esc(term.definition.get(lang))}<br>"
        f'<span class="kesos-g-meta">{esc(t("glossary_source", lang))}: {esc(_cite_line(course, term, lang))} · '
        f"{esc(_chapter_line(course, term, lang))}</span></li>"
    )


def results_html(query: str, lang: str | None = None, course: "Course | None" = None) -> str:
    """The search results for ``query`` as HTML (what the search widget shows). All text escaped."""
    lang = lang or get_language()
    course = _course(course)
    if not normalise(query):
        return f'<p class="kesos-g-hint">{esc(t("glossary_search_hint", lang))}</p>'
    hits = search(query, course=course)
    shown = query.strip()
    if not hits:
        return f'<p role="status">{esc(t("glossary_no_results", lang, query=shown))}</p>'
    out = [f'<p role="status">{esc(t("glossary_results_count", lang, n=len(hits), query=shown))}</p><ul>']
    out += [_result_html(course, term, lang) for term in hits[:MAX_RESULTS]]
    out.append("</ul>")
    if len(hits) > MAX_RESULTS:
        out.append(f"<p>{esc(t('glossary_more_results', lang, n=len(hits) - MAX_RESULTS))}</p>")
    return "".join(out)


def search_widget(lang: str | None = None, course: "Course | None" = None):
    """A search box over the glossary; the results update as the learner types.

    Returns an ``ipywidgets.VBox`` with attributes ``query`` (the Text box) and ``results``
    (an HTML widget). What the learner types is escaped wherever it is shown.
    """
    import ipywidgets as W

    lang = lang or get_language()
    course = _course(course)
    query = W.Text(
        value="",
        placeholder=t("glossary_search_placeholder", lang),
        description=t("glossary_search_label", lang),
        continuous_update=True,
        style={"description_width": "initial"},
        layout=W.Layout(width="100%", max_width="36em"),
    )
    results = W.HTML(value=results_html("", lang, course))
    results.add_class("kesos-g-results")

    def update(change: dict) -> None:
        results.value = results_html(change["new"], lang, course)

    query.observe(update, names="value")
    box = W.VBox([W.HTML(_WIDGET_CSS), query, results])
    box.add_class("kesos-glossary")
    box.add_class("kesos-glossary-search")
    box.query, box.results, box.lang = query, results, lang
    return box


def deck_order(terms: Iterable["GlossaryTerm"], attempts: Iterable[Any]) -> list["GlossaryTerm"]:
    """Order flashcards: terms last marked "not yet" first, then unseen ones, then known ones.

    ``attempts`` are :class:`kesos.progress.Attempt` rows; only the latest flashcard attempt
    per term counts. Within each group the given order of ``terms`` is kept.
    """
    latest: dict[str, Any] = {}
    for a in attempts:
        if a.item_id.startswith(ITEM_PREFIX) and a.activity_type == ACTIVITY_TYPE:
            latest[a.item_id[len(ITEM_PREFIX):]] = a
    terms = list(terms)

    def key(pair: tuple[int, "GlossaryTerm"]) -> tuple[int, int]:
        index, term = pair
        a = latest.get(term.id)
        group = 1 if a is None else (2 if a.correct else 0)
        return group, index

    return [term for _, term in sorted(enumerate(terms), key=key)]


class Flashcards:
    """A deck of glossary flashcards (see :func:`flashcards`).

    ``widget`` is the ``ipywidgets.VBox`` to display; ``card`` (HTML), ``progress`` (HTML),
    ``flip_button``, ``knew_button``, ``not_yet_button`` and ``restart_button`` are its parts.
    ``deck`` is the current order of terms, ``index`` the card shown, ``flipped`` whether its
    back is shown.
    """

    def __init__(self, chapter: str | None = None, *, lang: str | None = None, course: "Course | None" = None,
                 terms: list[str] | None = None):
        import ipywidgets as W

        self.lang = lang or get_language()
        self.other = "en" if self.lang == "id" else "id"
        self.course = _course(course)
        if chapter is not None and chapter not in self.course.chapters:
            import difflib

            near = difflib.get_close_matches(chapter, list(self.course.chapters), n=2)
            hint = f" — did you mean {', '.join(repr(n) for n in near)}?" if near else ""
            raise ValueError(f"unknown chapter {chapter!r}{hint}")
        self.chapter = chapter
        self.terms = [
            term for term in self.course.glossary.values()
            if (chapter is None or term.chapter == chapter) and (terms is None or term.id in terms)
        ]
        self.known_this_round = 0

        lang = self.lang
        self.card = W.HTML()
        self.card.add_class("kesos-g-card-box")
        self.progress = W.HTML()
        self.flip_button = W.Button(description=t("glossary_flip", lang), tooltip=t("glossary_flip_tooltip", lang), icon="refresh")
        # No success/warning button colours: white on JupyterLab's green or orange is below WCAG AA
        # contrast; the icons and labels carry the meaning.
        self.knew_button = W.Button(
            description=t("glossary_knew", lang), tooltip=t("glossary_knew_tooltip", lang), icon="check"
        )
        self.not_yet_button = W.Button(
            description=t("glossary_not_yet", lang), tooltip=t("glossary_not_yet_tooltip", lang), icon="repeat"
        )
        self.restart_button = W.Button(description=t("glossary_restart", lang), icon="undo")
        for button in (self.flip_button, self.knew_button, self.not_yet_button, self.restart_button):
            button.layout = W.Layout(width="auto")
        self.flip_button.on_click(lambda _b: self.flip())
        self.knew_button.on_click(lambda _b: self.answer(True))
        self.not_yet_button.on_click(lambda _b: self.answer(False))
        self.restart_button.on_click(lambda _b: self.restart())
        buttons = W.HBox([self.flip_button, self.knew_button, self.not_yet_button, self.restart_button])
        self.widget = W.VBox([W.HTML(_WIDGET_CSS), self.progress, self.card, buttons])
        self.widget.add_class("kesos-glossary")
        self.widget.add_class("kesos-glossary-flashcards")
        for name in ("card", "progress", "flip_button", "knew_button", "not_yet_button", "restart_button"):
            setattr(self.widget, name, getattr(self, name))
        self.widget.deck = self
        self.restart()

    # ---- state
    @property
    def store(self):
        from kesos.progress import get_store

        return get_store()

    @property
    def current(self) -> "GlossaryTerm | None":
        return self.deck[self.index] if self.index < len(self.deck) else None

    @property
    def done(self) -> bool:
        return self.index >= len(self.deck)

    # ---- actions
    def restart(self) -> None:
        """Reorder the deck from the stored attempts ("not yet" first) and show the first card."""
        self.deck = deck_order(self.terms, self.store.attempts())
        self.index = 0
        self.flipped = False
        self.known_this_round = 0
        self._render()

    def flip(self) -> None:
        if self.done:
            return
        self.flipped = not self.flipped
        self._render()

    def answer(self, knew: bool) -> None:
        """Record "I knew it" / "Not yet" for the current card and show the next one."""
        term = self.current
        if term is None:
            return
        self.store.record(
            f"{ITEM_PREFIX}{term.id}",
            ACTIVITY_TYPE,
            {"knew": bool(knew)},
            score=1.0 if knew else 0.0,
            max_score=1.0,
            correct=bool(knew),
            language=self.lang,
        )
        self.known_this_round += int(bool(knew))
        self.index += 1
        self.flipped = False
        self._render()

    # ---- display
    def _render(self) -> None:
        lang, total = self.lang, len(self.deck)
        if total == 0:
            self.progress.value = ""
            self.card.value = f'<div class="kesos-g-card"><p>{esc(t("glossary_empty_deck", lang))}</p></div>'
            self._enable(flip=False, answer=False, restart=False)
            return
        if self.done:
            self.progress.value = f'<p class="kesos-g-progress">{esc(t("glossary_progress", lang, n=total, total=total))}</p>'
            self.card.value = (
                f'<div class="kesos-g-card" role="status"><p>'
                f'{esc(t("glossary_done", lang, known=self.known_this_round, total=total))}</p></div>'
            )
            self._enable(flip=False, answer=False, restart=True)
            return
        term = self.current
        assert term is not None
        self.progress.value = (
            f'<p class="kesos-g-progress" aria-live="polite">'
            f'{esc(t("glossary_progress", lang, n=self.index + 1, total=total))}</p>'
        )
        front = (
            f'<div class="kesos-g-term" lang="{lang}">{esc(term.term.get(lang))}</div>'
            f'<div class="kesos-g-meta">{esc(_chapter_line(self.course, term, lang))}</div>'
        )
        if not self.flipped:
            body = front + f'<p class="kesos-g-meta"><em>{esc(t("glossary_card_front_hint", lang))}</em></p>'
        else:
            other = self.other
            body = (
                front
                + f'<div class="kesos-g-term kesos-g-other" lang="{other}">{esc(term.term.get(other))}</div>'
                + f"<p>{esc(term.definition.get(lang))}</p>"
                + f'<p class="kesos-g-other" lang="{other}">{esc(term.definition.get(other))}</p>'
                + f'<p class="kesos-g-meta">{esc(t("glossary_source", lang))}: {esc(_cite_line(self.course, term, lang))}</p>'
            )
        self.card.value = f'<div class="kesos-g-card" data-term="{esc(term.id)}" aria-live="polite">{body}</div>'
        self.flip_button.description = t("glossary_flip_back" if self.flipped else "glossary_flip", lang)
        self._enable(flip=True, answer=True, restart=True)

    def _enable(self, *, flip: bool, answer: bool, restart: bool) -> None:
        self.flip_button.disabled = not flip
        self.knew_button.disabled = not answer
        self.not_yet_button.disabled = not answer
        self.restart_button.disabled = not restart


def flashcards(chapter: str | None = None, *, lang: str | None = None, course: "Course | None" = None,
               terms: list[str] | None = None):
    """Glossary flashcards in the notebook's language, optionally for one chapter (e.g. "ch04")
    or for the given term ids (the spaced review's due terms).

    The card shows the term; "Flip" shows it in the other language with its definition;
    "I knew it" / "Not yet" record the answer in the progress store and move on. Terms the
    learner has not yet known come first. Returns the ``ipywidgets.VBox`` to display; its
    ``deck`` attribute is the :class:`Flashcards` controller.
    """
    return Flashcards(chapter, lang=lang, course=course, terms=terms).widget
