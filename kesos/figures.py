"""Tables and diagrams built from the content data, in the notebook's language.

One call each in a notebook (``kesos.figures.views_table()``). Tables are pandas DataFrames (shown
as HTML, escaped by pandas); diagrams are returned as :class:`SVGFigure` objects with real text,
so they scale, print and can be searched. pandas and matplotlib are imported here only.

When the content is broken (or an id is unknown), every function returns the one-line problems
(:func:`kesos.content.problems_view`) instead of raising, so a notebook never shows a traceback.
Every text from the content is escaped wherever it reaches HTML (cells, index, caption).
"""
from __future__ import annotations

import functools
import html
import inspect
import io
import math

from kesos.content import ContentError, UnknownItemError, load_course, problems_view
from kesos.i18n import get_language, t

VIEWS = ("condition", "system", "discipline")


class SVGFigure:
    """A rendered diagram; Jupyter shows it through ``_repr_svg_``."""

    def __init__(self, svg: str, title: str):
        self.svg = svg
        self.title = title

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:  # what nbval and plain consoles see
        return f"<figure: {self.title}>"


_TABLE_CLASS = []


def _table(df, caption: str | None = None):
    """The DataFrame, displayed left-aligned (easier to read for text) and with a caption.

    It stays a DataFrame for code (exercises use these tables as data); only its HTML differs.
    Every cell and header is HTML-escaped.
    """
    if not _TABLE_CLASS:
        import pandas as pd

        class Table(pd.DataFrame):
            _metadata = ["caption"]

            @property
            def _constructor(self):
                return Table

            def _repr_html_(self):
                styler = (
                    pd.DataFrame(self).style.format(escape="html")
                    .format_index(escape="html", axis=0).format_index(escape="html", axis=1)
                    # table-wide styles, not set_properties: that fails on a repeated row label
                    .set_table_styles([{"selector": "td", "props": [("text-align", "left"),
                                                                    ("vertical-align", "top")]},
                                       {"selector": "th", "props": [("text-align", "left")]},
                                       {"selector": "caption", "props": [("caption-side", "top"),
                                                                         ("font-weight", "bold"),
                                                                         ("text-align", "left")]}])
                )
                if getattr(self, "caption", None):
                    styler = styler.set_caption(html.escape(str(self.caption), quote=True))
                return styler.to_html()

        _TABLE_CLASS.append(Table)
    out = _TABLE_CLASS[0](df)
    out.caption = caption
    return out


def _lang(lang: str | None) -> str:
    return lang or get_language()


def _shows_problems(fn):
    """Broken content or an unknown id: return the one-line problems in the notebook's language
    (an object with ``_repr_html_``) instead of raising into the notebook cell."""
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (ContentError, UnknownItemError) as e:
            try:
                lang = sig.bind(*args, **kwargs).arguments.get("lang")
            except TypeError:
                lang = None
            lang = lang if lang in ("id", "en") else None
            return problems_view(e if isinstance(e, ContentError) else [str(e)], _lang(lang))

    return wrapper


def _item(course, table: str, item_id: str, kind: str):
    """``course.<table>[item_id]``, or UnknownItemError naming the nearest ids."""
    import difflib

    items = getattr(course, table)
    if item_id not in items:
        raise UnknownItemError(kind, str(item_id), difflib.get_close_matches(str(item_id), list(items), n=3, cutoff=0.5))
    return items[item_id]


@_shows_problems
def views_table(lang: str | None = None):
    """The three views of social welfare, with the definitions that take each view."""
    import pandas as pd

    lang = _lang(lang)
    course = load_course()
    rows = []
    for view in VIEWS:
        for d in course.definitions.values():
            if d.view == view:
                rows.append(
                    {
                        t("col_view", lang): t(f"view_{view}", lang),
                        t("col_source", lang): course.cite(d.cite, lang),
                        t("col_summary", lang): d.summary.get(lang),
                    }
                )
    return _table(pd.DataFrame(rows).set_index([t("col_view", lang), t("col_source", lang)]))


@_shows_problems
def list_table(list_id: str, lang: str | None = None):
    """The entries of one enumerated list from the chapter, numbered, with their explanation."""
    import pandas as pd

    lang = _lang(lang)
    course = load_course()
    lst = _item(course, "lists", list_id, "list")
    rows = [
        {
            t("col_item", lang): e.label.get(lang),
            t("col_detail", lang): e.detail.get(lang) if e.detail else "",
        }
        for e in lst.entries
    ]
    caption = f"{lst.title.get(lang)} ({course.cite(lst.cite, lang)})" if lst.cite else lst.title.get(lang)
    df = pd.DataFrame(rows, index=pd.RangeIndex(1, len(rows) + 1, name="No."))
    if not any(r[t("col_detail", lang)] for r in rows):
        df = df.drop(columns=[t("col_detail", lang)])
    return _table(df, caption)


@_shows_problems
def definitions_table(ids: list[str], lang: str | None = None):
    """Several definitions side by side: who, cited through what, and what it says."""
    import pandas as pd

    lang = _lang(lang)
    course = load_course()
    rows = []
    for def_id in ids:
        d = _item(course, "definitions", def_id, "definition")
        rows.append(
            {
                t("col_source", lang): course.cite(d.cite, lang),
                t("col_topic", lang): d.topic.get(lang),
                t("col_summary", lang): d.summary.get(lang),
            }
        )
    return _table(pd.DataFrame(rows).set_index(t("col_source", lang)))


@_shows_problems
def roles_matrix(lang: str | None = None):
    """Which roles each of the three role lists names; the last column counts them."""
    import pandas as pd

    lang = _lang(lang)
    course = load_course()
    role_ids: list[str] = []
    for rl in course.role_lists.values():
        for e in rl.entries:
            if e.role not in role_ids:
                role_ids.append(e.role)
    columns = {rl.id: course.cite(rl.cite, lang) for rl in course.role_lists.values()}
    yes, no = "✓", "—"
    rows = []
    for rid in role_ids:
        row = {t("col_role", lang): course.roles[rid].name.get(lang)}
        n = 0
        for rl in course.role_lists.values():
            inside = any(e.role == rid for e in rl.entries)
            n += inside
            row[columns[rl.id]] = yes if inside else no
        row[t("col_lists", lang)] = n
        rows.append(row)
    df = pd.DataFrame(rows).set_index(t("col_role", lang))
    return _table(df.sort_values(t("col_lists", lang), ascending=False, kind="stable"))


@_shows_problems
def stages_cycle(lang: str | None = None) -> SVGFigure:
    """Siporin's six stages of intervention drawn as a cycle (termination may lead to a new intake)."""
    import matplotlib

    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch

    lang = _lang(lang)
    course = load_course()
    stages = _item(course, "lists", "list-siporin-stages", "list")
    labels = [e.label.get(lang) for e in stages.entries]
    n = len(labels)
    fig = Figure(figsize=(7.5, 7.5))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.6, 1.6)
    ax.set_aspect("equal")
    ax.axis("off")
    pts = []
    for i, label in enumerate(labels):
        angle = math.pi / 2 - 2 * math.pi * i / n
        x, y = math.cos(angle), math.sin(angle)
        pts.append((x, y))
        ax.text(
            x, y, f"{i + 1}\n" + _wrap(label, 18), ha="center", va="center", fontsize=11, parse_math=False,
            bbox=dict(boxstyle="round,pad=0.5", facecolor="#e8f0fe", edgecolor="#1a4fa0", linewidth=1.5),
            color="#111111",
        )
    for i in range(n):
        (x1, y1), (x2, y2) = pts[i], pts[(i + 1) % n]
        ax.add_patch(
            FancyArrowPatch(
                (x1 * 0.78 + x2 * 0.22, y1 * 0.78 + y2 * 0.22),
                (x1 * 0.22 + x2 * 0.78, y1 * 0.22 + y2 * 0.78),
                arrowstyle="-|>", mutation_scale=18, color="#1a4fa0" if i < n - 1 else "#888888",
                linestyle="-" if i < n - 1 else "--", connectionstyle="arc3,rad=-0.25",
            )
        )
    title = f"{stages.title.get(lang)} — {course.cite(stages.cite, lang)}"
    ax.text(0, 0, _wrap(title, 26), ha="center", va="center", fontsize=10, color="#333333", parse_math=False)
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", bbox_inches="tight")
    return SVGFigure(buf.getvalue(), title)


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text
