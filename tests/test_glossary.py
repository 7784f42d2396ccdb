"""The glossary: content coverage, search, the widgets, and the generated pages."""
from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from kesos import glossary
from kesos.content import ROOT, load_course
from kesos.i18n import set_language
from kesos.progress import ProgressStore, set_store


@pytest.fixture(scope="module")
def course():
    return load_course()


@pytest.fixture(autouse=True)
def _language():
    """Every test starts in Indonesian and leaves the language as it found it."""
    set_language("id")
    yield
    set_language("id")


@pytest.fixture
def store(tmp_path):
    """A fresh progress file installed as the process-wide store (the old one restored after)."""
    fresh = ProgressStore(tmp_path / "progress.sqlite3")
    old = set_store(fresh)
    yield fresh
    fresh.close()
    set_store(old)


def _all_names(course) -> set[str]:
    return set().union(*(glossary.names(term) for term in course.glossary.values()))


# --------------------------------------------------------------------------- content


def test_at_least_sixty_terms_each_in_both_languages(course):
    """The glossary has ≥60 terms, each with term and definition in Indonesian and English."""
    assert len(course.glossary) >= 60
    for term in course.glossary.values():
        for text in (term.term, term.definition):
            assert text.id.strip() and text.en.strip(), term.id
        assert term.definition.id != term.definition.en, f"{term.id}: definition not translated"


def test_terms_cover_every_chapter(course):
    """Every teaching chapter (ch01–ch06) has glossary terms."""
    chapters = {term.chapter for term in course.glossary.values()}
    assert {"ch01", "ch02", "ch03", "ch04", "ch05", "ch06"} <= chapters


# (Indonesian name, English name) of the terms the brief requires; either name must resolve.
REQUIRED = [
    ("kesejahteraan sosial", "social welfare"),
    ("keberfungsian sosial", "social functioning"),
    ("pelayanan sosial", "social services"),
    ("pekerjaan sosial", "social work"),
    ("pekerja sosial", "social worker"),
    ("relawan sosial", "social volunteer"),
    ("pemungkin", "enabler"),
    ("fasilitator", "facilitator"),
    ("pialang sosial", "broker"),
    ("pembela", "advocate"),
    ("pelindung", "protector"),
    ("mediator", "mediator"),
    ("pendidik", "educator"),
    ("pemberdaya", "empowerer"),
    ("aktivis", "activist"),
    ("ahli", "expert"),
    ("perencana sosial", "social planner"),
    ("pengembangan masyarakat", "community development"),
    ("pengorganisasian masyarakat", "community organization"),
    ("terminasi", "termination"),
    ("asesmen", "assessment"),
    ("kontrak", "contract"),
    ("engagement", "engagement"),
    ("intake", "intake"),
    ("evaluasi", "evaluation"),
    ("rujukan", "referral"),
    ("social casework", "social casework"),
    ("social group work", "social group work"),
    ("administrasi pekerjaan sosial", "social work administration"),
    ("aksi sosial", "social action"),
    ("penelitian pekerjaan sosial", "social work research"),
    ("metode pokok", "primary methods"),
    ("metode pembantu", "auxiliary methods"),
    ("intervensi sosial", "social intervention"),
    ("fungsi pencegahan", "preventive function"),
    ("fungsi penyembuhan", "curative function"),
    ("fungsi pengembangan", "development function"),
    ("fungsi penunjang", "supportive function"),
    ("rehabilitasi", "rehabilitation"),
    ("ilmu kesejahteraan sosial", "social welfare science"),
    ("ilmu terapan", "applied science"),
    ("klien", "client"),
    ("badan sosial", "social agency"),
    ("person", "person"),
    ("problem", "problem"),
    ("place", "place"),
    ("process", "process"),
    ("psikososial", "psychosocial"),
    ("pendekatan mikro", "micro approach"),
    ("kode etik", "code of ethics"),
    ("kerangka pengetahuan", "body of knowledge"),
    ("kerangka keahlian", "body of skill"),
    ("kerangka nilai", "body of values"),
    ("tugas-tugas kehidupan", "life tasks"),
    ("coping", "coping"),
    ("keadilan sosial", "social justice"),
    ("pemberdayaan", "empowerment"),
    ("advokasi", "advocacy"),
    ("kebijakan sosial", "social policy"),
    ("sistem sumber", "resource system"),
    ("jaminan sosial", "social security"),
    ("pemeliharaan penghasilan", "income maintenance"),
    ("pelayanan sosial personal", "personal social services"),
    ("communal services", "communal services"),
]


@pytest.mark.parametrize("name_id,name_en", REQUIRED, ids=[r[1] for r in REQUIRED])
def test_required_term_is_present(course, name_id, name_en):
    """Each term the brief requires resolves, by its Indonesian and by its English name, to the same entry."""
    by_id = glossary.lookup(name_id, course)
    by_en = glossary.lookup(name_en, course)
    assert by_id is not None, f"no glossary term called {name_id!r}"
    assert by_en is not None, f"no glossary term called {name_en!r}"
    assert by_id.id == by_en.id


def _key_term_found(label, names: set[str]) -> bool:
    """A list label is in the glossary when one of its names is, or, for a compound label
    ('Engagement, intake and contract', 'CO/CD'), when every part of it is."""
    for text in (label.id, label.en):
        n = glossary.normalise(text)
        stripped = glossary.normalise(re.sub(r"\([^()]*\)", " ", n))
        inside = [glossary.normalise(m) for m in re.findall(r"\(([^()]*)\)", n)]
        if {n, stripped, *inside} & names:
            return True
        parts = [glossary.normalise(p) for p in re.split(r",|/| and | dan ", stripped) if p.strip()]
        if len(parts) > 1 and all(p in names for p in parts):
            return True
    return False


KEY_LISTS = [
    "list-siporin-stages",
    "list-methods-primary",
    "list-methods-auxiliary",
    "list-welfare-functions",
    "list-casework-components",
]


def test_every_role_is_in_the_glossary(course):
    """Every role in content/roles.yaml (under its name in either language) has a glossary term."""
    names = _all_names(course)
    missing = [role.id for role in course.roles.values() if not _key_term_found(role.name, names)]
    assert not missing, f"roles without a glossary term: {missing}"


def test_every_role_list_label_is_in_the_glossary(course):
    """Every label a role list uses for a role (e.g. 'Fasilitator (pemungkin)') has a glossary term."""
    names = _all_names(course)
    missing = [
        f"{rl.id}:{e.role}"
        for rl in course.role_lists.values()
        for e in rl.entries
        if e.label is not None and not _key_term_found(e.label, names)
    ]
    assert not missing, f"role labels without a glossary term: {missing}"


@pytest.mark.parametrize("list_id", KEY_LISTS)
def test_every_key_list_entry_is_in_the_glossary(course, list_id):
    """Every stage, method, welfare function and casework component has a glossary term."""
    names = _all_names(course)
    missing = [e.id for e in course.lists[list_id].entries if not _key_term_found(e.label, names)]
    assert not missing, f"{list_id}: entries without a glossary term: {missing}"


# The chapter's errors (../shared/CONTENT_NOTES.md §2) must never reach the glossary.
CHAPTER_ERRORS = [
    "friendlander", "barlett", "dubois dan milley", "grup work", "assesment", "advocat ",
    "menertawakan", "tradisional", "exsist", "agancies", "capaties", "enchance", "prefession",
    "funcioning", "meladjusment",
]


def test_no_chapter_errors_are_copied(course):
    """No typo, misspelt name or mistranslation from the source chapter appears in any term."""
    for term in course.glossary.values():
        text = glossary.normalise(
            " ".join([term.term.id, term.term.en, term.definition.id, term.definition.en]) + " "
        )
        for bad in CHAPTER_ERRORS:
            assert bad not in text, f"{term.id}: contains the chapter's error {bad.strip()!r}"


def test_related_terms_are_not_self_references(course):
    """A term never lists itself as related, and lists each related term once."""
    for term in course.glossary.values():
        assert term.id not in term.related, term.id
        assert len(term.related) == len(set(term.related)), term.id


# --------------------------------------------------------------------------- search


def test_normalise_folds_case_and_accents():
    """normalise() casefolds, strips accents and collapses whitespace."""
    assert glossary.normalise("  Asesmén   SOSIAL ") == "asesmen sosial"
    assert glossary.normalise("ÉLAN") == "elan"


@pytest.mark.parametrize(
    "query,expected",
    [
        ("PEMUNGKIN", "enabler"),
        ("enabler", "enabler"),
        ("Enabler", "enabler"),
        ("terminasi", "termination"),
        ("Termination", "termination"),
        ("TERMINASÍ", "termination"),
        ("keberfungsian", "social-functioning"),
        ("Keberfungsian Sosial", "social-functioning"),
        ("asesmén", "assessment"),
        ("social work", "social-work"),
        ("pialang", "broker"),
    ],
)
def test_search_is_case_and_accent_insensitive_across_languages(course, query, expected):
    """The term is found, first, whether the query is Indonesian or English, in any case, with or without accents."""
    hits = glossary.search(query, course=course)
    assert hits and hits[0].id == expected, [h.id for h in hits[:5]]


def test_name_matches_rank_before_definition_matches(course):
    """Terms whose name matches come before terms that match only in their definition."""
    hits = [h.id for h in glossary.search("broker", course=course)]
    assert hits[0] == "broker"
    # 'sistem sumber' mentions the broker only in its definition
    assert "resource-system" in hits and hits.index("resource-system") > hits.index("broker")
    for term_id in hits[1:]:
        assert "broker" not in glossary.names(course.glossary[term_id])


def test_search_language_filter(course):
    """lang='en' searches English only, lang='id' Indonesian only; None searches both."""
    assert glossary.search("evaluasi", lang="en", course=course) == []
    assert glossary.search("evaluasi", lang="id", course=course)[0].id == "evaluation"
    assert glossary.search("evaluation", course=course)[0].id == "evaluation"


def test_search_matches_definitions_at_word_starts(course):
    """A definition matches where a word starts with the query ('hak' finds 'hak', not 'pihak')."""
    hits = {h.id for h in glossary.search("hak", course=course)}
    assert "human-rights" in hits
    assert "third-force" not in hits  # its definition says 'pihak' only


def test_empty_query_finds_nothing(course):
    assert glossary.search("", course=course) == []
    assert glossary.search("   ", course=course) == []


# --------------------------------------------------------------------------- widgets


def test_search_widget_updates_as_you_type_and_escapes_the_query(course):
    """Typing updates the results at once (continuous_update); an HTML query is shown escaped."""
    w = glossary.search_widget(course=course)
    assert w.query.continuous_update is True
    w.query.value = "pemungkin"
    assert 'data-term="enabler"' in w.results.value
    w.query.value = "<script>alert(1)</script>"
    assert "<script>" not in w.results.value
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in w.results.value


def test_search_widget_shows_results_in_the_notebook_language(course):
    """The English notebook shows the English term and definition first."""
    set_language("en")
    w = glossary.search_widget(course=course)
    w.query.value = "terminasi"
    assert "<strong>termination</strong>" in w.results.value
    assert "match" in w.results.value


def test_flashcard_flip_shows_other_language_and_definition(course, store):
    """The card shows the term in the notebook's language; Flip adds the other language and the definition."""
    w = glossary.flashcards(course=course)
    deck = w.deck
    term = deck.current
    assert glossary.esc(term.term.id) in w.card.value
    assert glossary.esc(term.definition.id) not in w.card.value
    assert w.progress.value.count(f"1 / {len(course.glossary)}") == 1
    w.flip_button.click()
    assert glossary.esc(term.term.en) in w.card.value
    assert glossary.esc(term.definition.id) in w.card.value
    w.flip_button.click()
    assert glossary.esc(term.definition.id) not in w.card.value


def test_flashcard_answers_are_recorded_and_not_yet_comes_first(course, store):
    """'I knew it' / 'Not yet' record attempts and move on; next time the 'not yet' cards come first."""
    w = glossary.flashcards("ch04", course=course)
    first, second, third = w.deck.deck[:3]
    w.knew_button.click()
    assert w.deck.current.id == second.id
    assert f"2 / {len(w.deck.deck)}" in w.progress.value
    w.not_yet_button.click()
    w.not_yet_button.click()

    knew = store.last_attempt(f"glossary:{first.id}")
    assert knew.activity_type == "flashcard" and knew.answer == {"knew": True}
    assert knew.correct is True and knew.score == 1.0 and knew.max_score == 1.0 and knew.language == "id"
    not_yet = store.last_attempt(f"glossary:{second.id}")
    assert not_yet.correct is False and not_yet.score == 0.0 and not_yet.answer == {"knew": False}

    again = glossary.flashcards("ch04", course=course).deck.deck
    assert [t.id for t in again[:2]] == [second.id, third.id]
    assert again[-1].id == first.id  # known cards go last


def test_flashcards_finish_and_restart(course, store):
    """After the last card the deck says how many were known; Start again reorders from the store."""
    w = glossary.flashcards("ch02", course=course)
    n = len(w.deck.deck)
    for _ in range(n):
        w.knew_button.click()
    assert w.deck.done and w.knew_button.disabled and w.flip_button.disabled
    assert f"{n} / {n}" in w.progress.value and str(n) in w.card.value
    w.restart_button.click()
    assert not w.deck.done and f"1 / {n}" in w.progress.value


def test_flashcards_in_english_and_unknown_chapter(course, store):
    """An English notebook shows English on the front; an unknown chapter is a clear error."""
    set_language("en")
    w = glossary.flashcards("ch06", course=course)
    assert glossary.esc(w.deck.current.term.en) in w.card.value
    assert w.knew_button.description == "I knew it" and w.not_yet_button.description == "Not yet"
    with pytest.raises(ValueError, match="ch06"):
        glossary.flashcards("ch6", course=course)


def test_deck_order_is_pure():
    """deck_order: latest 'not yet' first, unseen next, known last; only the latest attempt counts."""
    from types import SimpleNamespace as NS

    terms = [NS(id=x) for x in "abcd"]
    attempts = [
        NS(item_id="glossary:a", activity_type="flashcard", correct=True),
        NS(item_id="glossary:c", activity_type="flashcard", correct=True),
        NS(item_id="glossary:c", activity_type="flashcard", correct=False),
        NS(item_id="glossary:d", activity_type="choice", correct=False),  # not a flashcard
    ]
    assert [t.id for t in glossary.deck_order(terms, attempts)] == ["c", "b", "d", "a"]


# --------------------------------------------------------------------------- generated pages


def test_pages_are_alphabetical_escaped_and_linked(course):
    """The pages list every term alphabetically by Indonesian name, with in-page related links."""
    md, page = glossary.render_markdown(course), glossary.render_html(course)
    order = [t.id for t in glossary.sorted_terms(course, "id")]
    positions = [page.index(f'id="term-{term_id}"') for term_id in order]
    assert positions == sorted(positions)
    for term in course.glossary.values():
        assert f'<a id="term-{term.id}"></a>' in md
        for r in term.related:
            assert f'href="#term-{r}"' in page and f"(#term-{r})" in md
    assert "@media print" in page and "<script" not in page
    # each citation is printed once (issue 11: it used to print twice, once per language)
    assert "Midgley, dalam Adi 2015:23" in page and "Midgley, in Adi 2015:23" not in page
    for term in course.glossary.values():
        if term.cite:
            block = page[page.index(f'id="term-{term.id}"'):].split("</article>")[0]
            assert block.count(html.escape(course.cite(term.cite, "id"))) == 1, term.id


def test_html_page_escapes_content(course):
    """Content text is escaped in the HTML page (no raw '<' or '&' from a term reaches the markup)."""
    term = next(iter(course.glossary.values()))
    evil = term.model_copy(update={"definition": term.definition.model_copy(update={"en": "<b>x</b> & y"})})
    fake = type(course)(root=course.root, title=course.title, chapters=course.chapters, sources=course.sources,
                        authors=course.authors, glossary={**course.glossary, term.id: evil})
    page = glossary.render_html(fake)
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in page and "<b>x</b>" not in page
    assert r"\<b\>x\</b\> & y" in glossary.render_markdown(fake)


def test_generated_pages_are_up_to_date():
    """`kesos glossary --check` passes on the repository: glossary.md/html match glossary/terms.yaml."""
    assert glossary.main(["--check"]) == 0


def _copy_course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "glossary", root / "glossary", ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
    return root


def test_check_fails_after_editing_terms_and_build_fixes_it(tmp_path, capsys):
    """In a copy: --check passes, fails once terms.yaml changes, and passes again after a rebuild."""
    root = _copy_course(tmp_path)
    assert glossary.main(["--check", "--root", str(root)]) == 0
    terms = root / "glossary" / "terms.yaml"
    terms.write_text(
        terms.read_text(encoding="utf-8").replace('en: "social welfare"}', 'en: "social welfare (edited)"}', 1),
        encoding="utf-8",
    )
    assert glossary.main(["--check", "--root", str(root)]) == 1
    assert "glossary/glossary.md" in capsys.readouterr().out
    written = glossary.build(root)
    assert sorted(p.name for p in written) == ["glossary.html", "glossary.md"]
    assert "social welfare (edited)" in (root / "glossary" / "glossary.md").read_text(encoding="utf-8")
    assert glossary.main(["--check", "--root", str(root)]) == 0


def test_cli_dispatches_to_glossary():
    """`kesos glossary --check` works through the main CLI."""
    from kesos.cli import main

    assert main(["glossary", "--check"]) == 0


def test_import_stays_light():
    """Importing kesos.glossary does not import ipywidgets."""
    import subprocess
    import sys

    code = "import sys, kesos.glossary; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"
