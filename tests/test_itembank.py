"""kesos itembank: the lecturer's overview page lists every activity with chapter, type, what it
practises, key and feedback; content is escaped; the chapter filter is on the page."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest

from kesos import schema as S
from kesos.content import load_course
from kesos.exports.bank import Bank, select
from kesos.itembank import render


@pytest.fixture(scope="module")
def course():
    return load_course()


@pytest.fixture(scope="module")
def page(course):
    return render(select(course), "en")


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.items, self.options, self.scripts = [], [], 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article" and "item" in a.get("class", ""):
            self.items.append(a)
        if tag == "option":
            self.options.append(a.get("value"))
        if tag == "script":
            self.scripts += 1


def test_every_activity_is_listed_with_chapter_type_and_key(course, page):
    """One article per activity (id, chapter and type as attributes), each with a key section;
    what it practises is named by title."""
    tags = _Tags()
    tags.feed(page)
    assert [a["id"] for a in tags.items] == [f"item-{a.id}" for a in select(course).activities]
    assert {a["id"].removeprefix("item-") for a in tags.items} == set(course.activities)
    for a in tags.items:
        act = course.activities[a["id"].removeprefix("item-")]
        assert a["data-chapter"] == act.chapter and a["data-type"] == act.type
    assert page.count("<h4>Key · Feedback</h4>") == len(course.activities)
    d = course.definitions["def-midgley-welfare"]
    assert html.escape(f"{d.topic.en} — {course.cite(d.cite, 'en')}") in page


def test_chapter_filter_markup(course, page):
    """A select with every chapter that has activities, and the small inline filter script."""
    tags = _Tags()
    tags.feed(page)
    chapters = sorted({a.chapter for a in course.activities.values()})
    assert tags.options == [""] + sorted(chapters, key=lambda c: course.chapters[c].number)
    assert 'id="chapter-filter"' in page and tags.scripts == 1 and "data-chapter" in page
    assert "@media print" in page


def test_content_is_escaped(course):
    """Markup in content text reaches the page as text, never as markup; the only script is ours."""
    a = course.activities["c01-midgley-view"]
    nasty = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    a2 = a.model_copy(update={"prompt": S.Text(id=nasty, en=nasty), "title": S.Text(id=nasty, en=nasty)})
    out = render(Bank(course, [a2]), "en")
    assert "<img" not in out and out.count("<script>") == 1
    assert html.escape(nasty) in out


def test_unknown_type_is_listed_not_fatal(course):
    """An activity type the exports do not know yet is listed with the reason instead of a key."""
    new = SimpleNamespace(id="x-new", type="hotspot", chapter="ch01", title=S.Text(id="Baru", en="New"),
                          prompt=S.Text(id="p", en="p"), practises=[], cites=[])
    out = render(Bank(course, [new]), "en")
    assert 'id="item-x-new"' in out and "cannot be shown here yet" in out


def test_cli_writes_the_page(tmp_path, capsys):
    """`kesos itembank --lang id --out FILE` writes a self-contained page (no external links)."""
    from kesos.cli import main as cli

    path = tmp_path / "bank.html"
    assert cli(["itembank", "--lang", "id", "--out", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="id">' in text
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert "wrote" in capsys.readouterr().out
