"""Tables and diagrams of kesos.figures, built from the course content in both languages."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from kesos import figures
from kesos.content import load_course
from kesos.i18n import t
from kesos.schema import LANGUAGES

VIEWS = ("condition", "system", "discipline")


@pytest.fixture(scope="module")
def course():
    return load_course()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_views_table_groups_welfare_definitions_under_the_three_views(course, lang):
    """views_table() shows every welfare definition that has a view under that view's label, in the
    notebook's language, with the three views in the chapter's order (condition, system,
    discipline) and each view's rows together."""
    df = figures.views_table(lang).to_pandas()
    welfare = [d for d in course.definitions.values() if d.view]
    assert len(df) == len(welfare)
    expected = {(t(f"view_{d.view}", lang), course.cite(d.cite, lang)) for d in welfare}
    assert set(df.index) == expected
    views_in_order = list(dict.fromkeys(df.index.get_level_values(0)))
    assert views_in_order == [t(f"view_{v}", lang) for v in VIEWS]
    # grouped: once a view's rows end, that view does not come back
    level = list(df.index.get_level_values(0))
    assert level == sorted(level, key=views_in_order.index)
    # the chapter's key placements
    by_view = {v: set(df.loc[t(f"view_{v}", lang)].index) for v in VIEWS}
    cite = lambda def_id: course.cite(course.definitions[def_id].cite, lang)  # noqa: E731
    assert {cite("def-midgley-welfare"), cite("def-uu11-welfare")} <= by_view["condition"]
    assert cite("def-friedlander-welfare") in by_view["system"]
    assert cite("def-zastrow-welfare") in by_view["discipline"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_roles_matrix_marks_shared_roles(course, lang):
    """roles_matrix() marks enabler, broker and advocate as named in all three role lists, and the
    activist in two (Huda and Zastrow, not Parsons et al.)."""
    df = figures.roles_matrix(lang).to_pandas()
    name = lambda role: course.roles[role].name.get(lang)  # noqa: E731
    columns = {rl_id: course.cite(rl.cite, lang) for rl_id, rl in course.role_lists.items()}
    count = t("col_lists", lang)
    for role in ("enabler", "broker", "advocate"):
        assert df.loc[name(role), count] == 3, role
        assert all(df.loc[name(role), col] == "✓" for col in columns.values()), role
    assert df.loc[name("activist"), count] == 2
    assert df.loc[name("activist"), columns["huda2009"]] == "✓"
    assert df.loc[name("activist"), columns["zastrow2008"]] == "✓"
    assert df.loc[name("activist"), columns["parsons2010"]] == "—"
    # sorted: the most widely named roles first
    assert list(df[count]) == sorted(df[count], reverse=True)


def _svg_text(svg: str) -> str:
    root = ET.fromstring(svg)
    texts = [" ".join(el.itertext()) for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "text"]
    return re.sub(r"\s+", " ", " ".join(texts))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_stages_cycle_is_svg_with_all_six_stage_labels(course, lang):
    """stages_cycle() returns an SVG figure whose text (real text, not paths) contains the six
    stage labels of Siporin's list, numbered 1–6, in the notebook's language."""
    fig = figures.stages_cycle(lang)
    svg = fig._repr_svg_()
    assert ET.fromstring(svg).tag.endswith("svg")
    text = _svg_text(svg)
    labels = [e.label.get(lang) for e in course.lists["list-siporin-stages"].entries]
    assert len(labels) == 6
    for number, label in enumerate(labels, start=1):
        wanted = f"{number} " + re.sub(r"\s+", " ", label)
        assert wanted in text, (wanted, text)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("list_id", ["list-welfare-functions", "list-siporin-stages", "list-methods-auxiliary"])
def test_list_table_numbers_entries_from_one(course, lang, list_id):
    """list_table() numbers a list's entries 1, 2, 3, ... in the list's order, with their labels."""
    df = figures.list_table(list_id, lang).to_pandas()
    entries = course.lists[list_id].entries
    assert list(df.index) == list(range(1, len(entries) + 1))
    assert list(df[t("col_item", lang)]) == [e.label.get(lang) for e in entries]


# --------------------------------------------------------------------------- broken content, escaping

import html as _html  # noqa: E402
import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402

import kesos  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(1)>"
RAW_FRAGMENTS = ("<script>alert", "<img src=x")  # the payload arriving unescaped


def _figures(course_lists, definitions):
    """Every figure function, called with ids that exist in the course (or in the minimal one)."""
    return {
        "views_table": lambda lang=None: figures.views_table(lang),
        "roles_matrix": lambda lang=None: figures.roles_matrix(lang),
        "stages_cycle": lambda lang=None: figures.stages_cycle(lang),
        "definitions_table": lambda lang=None: figures.definitions_table(definitions, lang),
        **{f"list_table[{i}]": (lambda lang=None, i=i: figures.list_table(i, lang)) for i in course_lists},
    }


def _html_of(obj) -> str:
    """Everything an object puts into a notebook page as HTML: ``_repr_html_``, ``_repr_svg_``,
    the text/html and image/svg+xml parts of ``_repr_mimebundle_``, and, for ipywidgets, the HTML
    values of the widget tree. Works for any front end (the widgets or a newer component)."""
    out = []
    for name in ("_repr_html_", "_repr_svg_"):
        fn = getattr(obj, name, None)
        if callable(fn):
            out.append(str(fn() or ""))
    fn = getattr(obj, "_repr_mimebundle_", None)
    if callable(fn):
        bundle = fn()
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        for mime in ("text/html", "image/svg+xml"):
            if isinstance(bundle, dict) and isinstance(bundle.get(mime), str):
                out.append(bundle[mime])
    stack = [obj]
    while stack:  # an ipywidgets tree: HTML widgets and HTML-enabled descriptions
        w = stack.pop()
        if type(w).__name__ in ("HTML", "HTMLMath") and isinstance(getattr(w, "value", None), str):
            out.append(w.value)
        if getattr(w, "description_allow_html", False):
            out.append(str(w.description))
        stack.extend(getattr(w, "children", ()) or ())
    return "\n".join(out)


def _broken_copy(tmp_path: Path) -> Path:
    """The minimal course with broken activity files: a problem line holding HTML, an impossible
    date and a number past Python's 4300-digit limit (both once a ValueError in the notebook)."""
    root = tmp_path / "course"
    shutil.copytree(MINIMAL, root)
    head = "schema_version: 1\nactivities:\n  - id: q-broken\n    type: open\n    chapter: ch01\n"
    acts = root / "content" / "activities"
    (acts / "broken.yaml").write_text(head + '    "<b>bold</b>": 1\n', encoding="utf-8")
    (acts / "date.yaml").write_text(head.replace("q-broken", "q-date") + "    tags: [2026-13-45]\n", encoding="utf-8")
    (acts / "int.yaml").write_text(head.replace("q-broken", "q-int") + f"    minutes: {'9' * 5000}\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("lang", LANGUAGES)
def test_broken_content_shows_problem_lines_not_tracebacks(tmp_path, monkeypatch, lang):
    """With broken content (KESOS_ROOT pointing at a broken copy), kesos.show, kesos.quiz and every
    figure return an object whose HTML lists the one-line problems (escaped) under a heading in the
    notebook's language, and whose plain text lists them too — no exception reaches the cell."""
    from kesos.content import parse

    root = _broken_copy(tmp_path)
    monkeypatch.setenv("KESOS_ROOT", str(root))
    _, problems = parse(root)
    lines = [str(p) for p in problems if p.is_error]
    assert any("<b>bold</b>" in line for line in lines)
    assert any("'2026-13-45' is not a real date" in line for line in lines)
    assert any("int.yaml:6:14: this number is far too long" in line for line in lines), lines
    kesos.setup(lang)
    try:
        objects = {
            "show": kesos.show("q-view-midgley"),
            "quiz": kesos.quiz(["q-view-midgley", "q-open"]),
            **{name: fn() for name, fn in _figures(["list-functions"], ["def-midgley"]).items()},
        }
    finally:
        kesos.setup("id")
    heading = _html.escape(t("content_error_title", lang))
    for name, obj in objects.items():
        page = _html_of(obj)
        assert heading in page, name
        for line in lines:
            assert _html.escape(line) in page, (name, line)
        assert "<b>bold</b>" not in page, name
        assert all(line in repr(obj) for line in lines), name


def test_unknown_list_in_a_figure_names_the_nearest(monkeypatch):
    """An unknown list id in list_table() gives one line with the nearest ids, not a KeyError."""
    out = figures.list_table("list-welfare-functionz", "en")
    text = repr(out)
    assert "unknown list id 'list-welfare-functionz'" in text and "list-welfare-functions" in text


def _poison(node):
    """Every learner-facing text (both languages) and every free-text field becomes PAYLOAD."""
    if isinstance(node, list):
        return [_poison(v) for v in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"id", "en"} and all(isinstance(v, str) for v in node.values()):
        return {"id": PAYLOAD, "en": PAYLOAD}
    out = {}
    for k, v in node.items():
        if k in ("short", "reference", "full_name", "seed_section") and isinstance(v, str):
            out[k] = PAYLOAD
        elif k == "page" and isinstance(v, (str, int)):
            out[k] = PAYLOAD
        elif k == "text" and "lang" in node and isinstance(v, str):
            out[k] = PAYLOAD
        else:
            out[k] = _poison(v)
    return out


@pytest.fixture(scope="module")
def poisoned_root(tmp_path_factory):
    """A copy of the real content in which every text field holds HTML and script."""
    root = tmp_path_factory.mktemp("poisoned")
    for folder in ("content", "glossary"):
        shutil.copytree(REPO / folder, root / folder)
    for path in [*root.joinpath("content").rglob("*.yaml"), root / "glossary" / "terms.yaml"]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(_poison(data), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def _assert_escaped(page: str, what: str) -> None:
    for raw in RAW_FRAGMENTS:
        assert raw not in page, f"{what}: unescaped {raw!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_content_text_is_escaped_in_figures_and_activities(poisoned_root, monkeypatch, tmp_path, lang):
    """Built from content whose every text field is `<script>…<img onerror=…>`, every figure and
    every activity (its HTML, and for the widgets also after a hint and a checked answer) shows the
    text escaped: the script and the onerror image never arrive as markup."""
    from kesos import checking
    from kesos.content import load_course, parse

    course, problems = parse(poisoned_root)
    assert course is not None, [str(p) for p in problems if p.is_error][:5]
    monkeypatch.setenv("KESOS_ROOT", str(poisoned_root))
    monkeypatch.setenv("KESOS_PROGRESS_DB", str(tmp_path / "p.sqlite3"))
    course = load_course()
    seen_payload = 0
    for name, fn in _figures(list(course.lists), list(course.definitions)).items():
        page = _html_of(fn(lang=lang))
        _assert_escaped(page, name)
        seen_payload += "alert(1)" in page
    assert seen_payload >= len(course.lists)  # the texts did reach the figures (escaped)
    kesos.setup(lang)
    try:
        for item_id, activity in course.activities.items():
            w = kesos.show(item_id)
            page = _html_of(w)
            assert "alert(1)" in page or hasattr(w, "_repr_mimebundle_"), item_id
            if callable(getattr(w, "next_hint", None)):
                for _ in activity.hints:
                    w.next_hint()
            if callable(getattr(w, "set_answer", None)) and callable(getattr(w, "submit", None)):
                w.set_answer(checking.keyed_answer(activity, course, lang))
                w.submit()
            _assert_escaped(page + _html_of(w), item_id)
    finally:
        kesos.setup("id")


def test_tables_render_accessible_html_without_pandas():
    """A chapter's tables cost no pandas import (half a second per notebook): the HTML has one
    header row with column scopes, row headers, a group header spanning its rows, and the caption;
    to_pandas() gives the same table for code."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom kesos import figures\n"
        "h = figures.views_table('en')._repr_html_() + figures.roles_matrix('en')._repr_html_()"
        " + figures.list_table('list-mediator-activities', 'en')._repr_html_()\n"
        "assert '<th scope=\"col\">' in h and '<th scope=\"row\">' in h and 'rowspan=' in h, h[:300]\n"
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "False", out.stderr
    table = figures.list_table("list-mediator-activities", "en")
    assert "<caption>The mediator&#x27;s activities (Suharto 2010:101)</caption>" in table._repr_html_()
    df = table.to_pandas()
    assert list(df.index) == [1, 2, 3, 4] and df.index.name == "No."
    assert list(df[t("col_item", "en")]) == table.column(t("col_item", "en"))
    grouped = figures.views_table("en")
    page = grouped._repr_html_()
    first = grouped.index[0][0]
    assert page.count(f">{_html.escape(first, quote=True)}</th>") == 1  # shown once, spanning its rows
    assert f"rowspan={sum(1 for i in grouped.index if i[0] == first)}>" in page
