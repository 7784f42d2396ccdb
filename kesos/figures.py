"""Tables and diagrams built from the content data, in the notebook's language.

One call each in a notebook (``kesos.figures.views_table()``). Tables are :class:`Table` objects
(accessible HTML without pandas; ``.to_pandas()`` gives a DataFrame for code); diagrams are
returned as :class:`SVGFigure` objects with real text, so they scale, print and can be searched.

When the content is broken (or an id is unknown), every function returns the one-line problems
(:func:`kesos.content.problems_view`) instead of raising, so a notebook never shows a traceback.
Every text from the content is escaped wherever it reaches HTML (cells, index, caption).
"""
from __future__ import annotations

import functools
import html
import inspect
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


class Table:
    """A table of texts built from the content: shown as accessible HTML (one header row, row
    headers with ``scope``, every cell escaped) without importing pandas, which costs a notebook
    half a second. For code, :meth:`to_pandas` gives the same table as a DataFrame.

    ``index`` holds one label per row, or a tuple of labels when ``index_names`` has several
    (consecutive equal first labels are shown once, spanning their rows)."""

    def __init__(self, index_names: list[str], columns: list[str], index: list, rows: list[list],
                 caption: str | None = None):
        self.index_names, self.columns, self.caption = list(index_names), list(columns), caption
        self.index = [tuple(i) if isinstance(i, (list, tuple)) else (i,) for i in index]
        self.rows = [list(r) for r in rows]

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list:
        """The values of one column, top to bottom."""
        return [r[self.columns.index(name)] for r in self.rows]

    def to_pandas(self):
        """The table as a pandas DataFrame (index and columns as shown)."""
        import pandas as pd

        if len(self.index_names) > 1:
            index = pd.MultiIndex.from_tuples(self.index, names=self.index_names)
        else:
            index = pd.Index([i[0] for i in self.index], name=self.index_names[0])
        return pd.DataFrame(self.rows, index=index, columns=self.columns)

    def _repr_html_(self) -> str:
        e = lambda v: html.escape(str(v), quote=True)  # noqa: E731
        head = "".join(f'<th scope="col">{e(n)}</th>' for n in self.index_names + self.columns)
        body = []
        for r, (labels, values) in enumerate(zip(self.index, self.rows)):
            cells = []
            for level, label in enumerate(labels):
                if level == 0 and len(labels) > 1:
                    if r and self.index[r - 1][0] == label:
                        continue  # shown once, above, spanning its rows
                    span = 1
                    while r + span < len(self.index) and self.index[r + span][0] == label:
                        span += 1
                    cells.append(f'<th scope="rowgroup"{f" rowspan={span}" if span > 1 else ""}>{e(label)}</th>')
                else:
                    cells.append(f'<th scope="row">{e(label)}</th>')
            cells += [f"<td>{e(v)}</td>" for v in values]
            body.append(f"<tr>{''.join(cells)}</tr>")
        caption = f"<caption>{e(self.caption)}</caption>" if self.caption else ""
        return (f"<style>{_TABLE_CSS}</style><table class=\"kesos-table\">{caption}"
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")

    def __repr__(self) -> str:  # plain text: what nbval and consoles see
        lines = [self.caption] if self.caption else []
        lines.append(" | ".join(self.index_names + self.columns))
        lines += [" | ".join(str(v) for v in (*labels, *values)) for labels, values in zip(self.index, self.rows)]
        return "\n".join(lines)


_TABLE_CSS = (".kesos-table{border-collapse:collapse}"
              ".kesos-table td,.kesos-table th{text-align:left;vertical-align:top;padding:4px 8px}"
              ".kesos-table thead th{border-bottom:1px solid currentColor}"
              ".kesos-table caption{caption-side:top;font-weight:bold;text-align:left}")


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
def views_table(lang: str | None = None) -> Table:
    """The three views of social welfare, with the definitions that take each view."""
    lang = _lang(lang)
    course = load_course()
    index, rows = [], []
    for view in VIEWS:
        for d in course.definitions.values():
            if d.view == view:
                index.append((t(f"view_{view}", lang), course.cite(d.cite, lang)))
                rows.append([d.summary.get(lang)])
    return Table([t("col_view", lang), t("col_source", lang)], [t("col_summary", lang)], index, rows)


@_shows_problems
def list_table(list_id: str, lang: str | None = None) -> Table:
    """The entries of one enumerated list from the chapter, numbered, with their explanation."""
    lang = _lang(lang)
    course = load_course()
    lst = _item(course, "lists", list_id, "list")
    detail = any(e.detail for e in lst.entries)
    columns = [t("col_item", lang)] + ([t("col_detail", lang)] if detail else [])
    rows = [[e.label.get(lang)] + ([e.detail.get(lang) if e.detail else ""] if detail else []) for e in lst.entries]
    caption = f"{lst.title.get(lang)} ({course.cite(lst.cite, lang)})" if lst.cite else lst.title.get(lang)
    return Table(["No."], columns, list(range(1, len(rows) + 1)), rows, caption)


@_shows_problems
def definitions_table(ids: list[str], lang: str | None = None) -> Table:
    """Several definitions side by side: who, cited through what, and what it says."""
    lang = _lang(lang)
    course = load_course()
    index, rows = [], []
    for def_id in ids:
        d = _item(course, "definitions", def_id, "definition")
        index.append(course.cite(d.cite, lang))
        rows.append([d.topic.get(lang), d.summary.get(lang)])
    return Table([t("col_source", lang)], [t("col_topic", lang), t("col_summary", lang)], index, rows)


@_shows_problems
def roles_matrix(lang: str | None = None) -> Table:
    """Which roles each of the three role lists names; the last column counts them, most widely
    named roles first."""
    lang = _lang(lang)
    course = load_course()
    role_ids: list[str] = []
    for rl in course.role_lists.values():
        for e in rl.entries:
            if e.role not in role_ids:
                role_ids.append(e.role)
    yes, no = "✓", "—"
    found = []
    for rid in role_ids:
        marks = [any(e.role == rid for e in rl.entries) for rl in course.role_lists.values()]
        found.append((course.roles[rid].name.get(lang), [yes if m else no for m in marks] + [sum(marks)]))
    found.sort(key=lambda row: -row[1][-1])  # stable: equal counts keep the lists' order
    columns = [course.cite(rl.cite, lang) for rl in course.role_lists.values()] + [t("col_lists", lang)]
    return Table([t("col_role", lang)], columns, [name for name, _ in found], [row for _, row in found])


@_shows_problems
def stages_cycle(lang: str | None = None) -> SVGFigure:
    """Siporin's six stages of intervention drawn as a cycle (termination may lead to a new intake).

    Written as SVG directly (real text, every label escaped): drawing it with matplotlib cost a
    notebook about half a second of imports for six boxes and six arrows."""
    lang = _lang(lang)
    course = load_course()
    stages = _item(course, "lists", "list-siporin-stages", "list")
    labels = [e.label.get(lang) for e in stages.entries]
    title = f"{stages.title.get(lang)} — {course.cite(stages.cite, lang)}"
    return SVGFigure(_cycle_svg(labels, title), title)


def _cycle_svg(labels: list[str], title: str) -> str:
    e = lambda v: html.escape(str(v), quote=True)  # noqa: E731
    size, radius, line, box_w = 680, 235, 18, 176
    cx = cy = size / 2
    n = len(labels)
    boxes = []  # (x, y, half width, half height, lines)
    for i, label in enumerate(labels):
        angle = math.pi / 2 - 2 * math.pi * i / n
        lines = [str(i + 1)] + _wrap(label, 18).split("\n")
        half_h = (len(lines) * line + 16) / 2
        boxes.append((cx + radius * math.cos(angle), cy - radius * math.sin(angle), box_w / 2, half_h, lines))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
        f'role="img" aria-labelledby="kesos-cycle-title" font-family="DejaVu Sans, Arial, sans-serif">',
        f'<title id="kesos-cycle-title">{e(title)}: ' + e("; ".join(f"{i + 1} {lb}" for i, lb in enumerate(labels))) + "</title>",
        "<defs>" + "".join(f'<marker id="kesos-arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
                           f'markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
                           for name, colour in (("on", "#1a4fa0"), ("back", "#767676"))) + "</defs>",
        f'<rect width="{size}" height="{size}" fill="#ffffff"/>',
    ]
    def outside(px: float, py: float, box) -> bool:
        x, y, hw, hh, _ = box
        return abs(px - x) > hw + 6 or abs(py - y) > hh + 6

    for i in range(n):  # arrows along the circle, from the edge of one box to the edge of the next
        a1, a2 = math.pi / 2 - 2 * math.pi * i / n, math.pi / 2 - 2 * math.pi * (i + 1) / n
        steps = [a1 + (a2 - a1) * k / 200 for k in range(201)]
        on = [(cx + radius * math.cos(a), cy - radius * math.sin(a)) for a in steps]
        free = [p for p in on if outside(*p, boxes[i]) and outside(*p, boxes[(i + 1) % n])]
        if len(free) < 2:
            continue
        (sx, sy), (ex, ey) = free[0], free[-1]
        style = ('stroke="#767676" stroke-dasharray="7 5" marker-end="url(#kesos-arrow-back)"' if i == n - 1
                 else 'stroke="#1a4fa0" marker-end="url(#kesos-arrow-on)"')  # termination may lead to a new intake
        out.append(f'<path d="M{sx:.1f},{sy:.1f} A{radius},{radius} 0 0 1 {ex:.1f},{ey:.1f}" fill="none" '
                   f'{style} stroke-width="2"/>')
    for x, y, hw, hh, lines in boxes:
        out.append(f'<rect x="{x - hw:.1f}" y="{y - hh:.1f}" width="{2 * hw:.1f}" height="{2 * hh:.1f}" rx="10" '
                   'fill="#e8f0fe" stroke="#1a4fa0" stroke-width="1.5"/>')
        top = y - (len(lines) - 1) * line / 2
        bold = ' font-weight="bold"'
        spans = "".join(f'<tspan x="{x:.1f}" y="{top + k * line:.1f}"{bold if k == 0 else ""}>{e(text)}</tspan>'
                        for k, text in enumerate(lines))
        out.append(f'<text font-size="14" fill="#111111" text-anchor="middle" dominant-baseline="middle">{spans}</text>')
    title_lines = _wrap(title, 26).split("\n")
    top = cy - (len(title_lines) - 1) * line / 2
    spans = "".join(f'<tspan x="{cx:.1f}" y="{top + k * line:.1f}">{e(text)}</tspan>' for k, text in enumerate(title_lines))
    out.append(f'<text font-size="13" fill="#333333" text-anchor="middle" dominant-baseline="middle">{spans}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text
