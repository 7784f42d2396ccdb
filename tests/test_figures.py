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
    df = figures.views_table(lang)
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
    df = figures.roles_matrix(lang)
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
    df = figures.list_table(list_id, lang)
    entries = course.lists[list_id].entries
    assert list(df.index) == list(range(1, len(entries) + 1))
    assert list(df[t("col_item", lang)]) == [e.label.get(lang) for e in entries]
