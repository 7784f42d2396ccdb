"""kesos export: every format is opened by a tool we did not write, and every key it holds is the
key of kesos.checking — read back from the exported file, turned into an answer and scored by
``checking.check`` it gets full marks.

Peers: GIFT by ``pygiftparser``; .apkg by the ``anki`` library (imported into a real collection,
twice: GUIDs keep it free of duplicates); Moodle XML and the QTI package by ``xml.etree`` (no QTI
1.2 schema ships in any installed package, so well-formedness, structure and keys are checked);
CSV by ``pandas``. The exports are written once per module.
"""
from __future__ import annotations

import html
import json
import random
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import pandas as pd
import pytest

from kesos import checking as C
from kesos import schema as S
from kesos.content import load_course
from kesos.exports import anki as xanki
from kesos.exports import bank as B
from kesos.exports import csv as xcsv
from kesos.exports import gift as xgift
from kesos.exports import main as export_main
from kesos.exports import moodle as xmoodle
from kesos.exports import qti as xqti

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"


@pytest.fixture(scope="module")
def course():
    return load_course()


@pytest.fixture(scope="module")
def bank(course):
    return B.select(course)


@pytest.fixture(scope="module")
def questions(bank):
    qs, skipped = bank.questions()
    assert not skipped, skipped
    return {q.qid: q for q in qs}


@pytest.fixture(scope="module")
def out(tmp_path_factory, bank):
    d = tmp_path_factory.mktemp("exports")
    sums = {}
    for fmt, mod in (("moodle", xmoodle), ("gift", xgift), ("qti", xqti), ("csv", xcsv), ("anki", xanki)):
        for lang in ("id", "both"):
            sums[fmt, lang] = mod.write(bank, d, lang)
    sums["moodle-matching", "en"] = xmoodle.write(bank, d / "m2", "en", ordering="matching")
    return SimpleNamespace(dir=d, sums=sums)


# --------------------------------------------------------------------------- reading texts back


def unhtml(s: str) -> str:
    """Exported HTML back to the content's plain text (one language)."""
    s = re.sub(r'<span lang="en" class="multilang">.*?</span>', "", s, flags=re.S)
    s = re.sub(r"<br\s*/?>", "\n", s)
    s = re.sub(r"<[^>]+>", "", s)
    return html.unescape(s).strip()


def ungift(s: str) -> str:
    return unhtml(re.sub(r"\\(.)", r"\1", s))


def option_id(course, activity, role_list, text: str) -> str:
    """The content id whose Indonesian text is ``text`` (choice option or vignette role)."""
    if activity.type == "vignette":
        for e in course.role_lists[role_list].entries:
            if C.role_label(course, role_list, e.role, "id") == text:
                return e.role
        if text == B.t("export_none_fits", "id"):
            return B.C_NONE
    else:
        for o in activity.options:
            if o.text.id == text:
                return o.id
    raise AssertionError(f"{activity.id}: no option with text {text!r}")


def left_id(course, activity, text: str) -> str:
    if activity.type == "matching":
        for p in activity.pairs:
            if C.display_text(course.definitions[p.definition], p.show, "id") == text:
                return p.definition
    else:
        for e in getattr(activity, "entries", []):
            if e.text.id == text:
                return e.id
    raise AssertionError(f"{activity.id}: no left-hand text {text!r}")


def right_id(course, activity, text: str) -> str:
    if activity.type == "matching":
        for key in C.matching_choices(activity, course):
            if C.author_name(course, key, "id") == text:
                return key
    elif activity.type == "classification":
        for c in activity.categories:
            if c.label.id == text:
                return c.id
    raise AssertionError(f"{activity.id}: no right-hand text {text!r}")


def full_marks(course, activity, answer) -> None:
    r = C.check(activity, answer, "id", course)
    assert not r.empty and r.score == r.max_score and r.correct, (activity.id, answer, r.summary)


def choice_answer(course, activity, role_list, ids):
    if activity.type == "vignette":
        return B.vignette_answer(role_list, ids)
    return B._shape_like(C.keyed_answer(activity, course, "id"), ids, "choice")


def pairs_answer(course, activity, mapping):
    return B._shape_like(C.keyed_answer(activity, course, "id"), mapping, "pairs")


def split_qid(title: str) -> tuple[str, str | None]:
    m = re.match(r"(\S+) .*?(?: \[(\S+)\])?$", title)
    return m.group(1), m.group(2)


# --------------------------------------------------------------------------- the bank


def test_every_activity_becomes_a_question_keyed_by_checking(course, questions):
    """Each activity gives questions (a vignette one per role list), and each question's key
    scores full marks with kesos.checking."""
    ids = {q.activity.id for q in questions.values()}
    assert ids == set(course.activities)
    for q in questions.values():
        if q.kind != "essay":
            full_marks(course, q.activity, q.key(course))


def test_choice_grades_reproduce_kesos_scores(course, questions):
    """Moodle scores a multichoice by adding the grades of the ticked options (clamped to 0..100 %);
    for every subset of options that equals kesos.checking's score."""
    rng = random.Random(3)
    for q in questions.values():
        if q.kind not in ("single", "multiple") or q.notes:
            continue
        assert all(o.fraction in B.MOODLE_GRADES_SIGNED for o in q.options)
        if q.kind == "single":
            assert max(o.fraction for o in q.options) == 100
            subsets = [[o] for o in q.options]
        else:
            assert abs(sum(o.fraction for o in q.options if o.fraction > 0) - 100) < 1e-3
            subsets = [rng.sample(q.options, rng.randint(1, len(q.options))) for _ in range(12)]
        for chosen in subsets:
            moodle = min(max(sum(o.fraction for o in chosen) / 100, 0), 1)
            answer = choice_answer(course, q.activity, q.role_list, [o.id for o in chosen])
            assert abs(moodle - C.check(q.activity, answer, "id", course).score) < 1e-3, (q.qid, [o.id for o in chosen])


def test_selection_by_chapter_and_id(course):
    """--chapters accepts 04, 4, ch04 and 04_roles; --ids keeps content order; unknown names are one
    clear error that suggests the nearest id."""
    for token in ("04", "4", "ch04", "04_roles"):
        assert {a.chapter for a in B.select(course, [token]).activities} == {"ch04"}
    some = list(course.activities)[:3]
    assert [a.id for a in B.select(course, ids=some[::-1]).activities] == some
    with pytest.raises(B.SelectionError, match="did you mean c01-midgley-view"):
        B.select(course, ids=["c01-midgly-view"])
    with pytest.raises(B.SelectionError, match="unknown chapter '42'"):
        B.select(course, ["42"])


# --------------------------------------------------------------------------- GIFT


def _gift(path: Path):
    from pygiftparser import parser as giftparser

    with path.open(encoding="utf-8") as f:
        return giftparser.parseFile(f)


def test_gift_parses_with_pygiftparser_and_keys_agree(course, out, questions):
    """pygiftparser reads every question as valid, of the right kind; each correct answer maps
    back to the content and scores full marks; the summary names the ordering items it skipped."""
    for lang in ("id", "both"):
        summary = out.sums["gift", lang]
        parsed = _gift(summary.files[0])
        assert len(parsed) == summary.written
        assert [q.title for q in parsed if not q.valid] == []
        kinds = {"single": "SelectSet", "multiple": "MultipleChoicesSet", "matching": "MatchingSet", "essay": "Essay"}
        seen = set()
        for p in parsed:
            act_id, role_list = split_qid(ungift(p.title))
            q = questions[f"{act_id}@{role_list}" if role_list else act_id]
            seen.add(q.qid)
            assert type(p.answers).__name__ == kinds[q.kind], q.qid
            a = q.activity
            if q.kind in ("single", "multiple"):
                picked = [option_id(course, a, role_list, ungift(x.answer)) for x in p.answers.answers
                          if (x.fraction == 100 if q.kind == "single" else x.fraction > 0)]
                full_marks(course, a, choice_answer(course, a, role_list, picked[:1] if q.kind == "single" else picked))
                if q.kind == "multiple":
                    assert 99 <= sum(x.fraction for x in p.answers.answers if x.fraction > 0) <= 100
            elif q.kind == "matching":
                mapping = {left_id(course, a, ungift(x.question)): right_id(course, a, ungift(x.answer))
                           for x in p.answers.answers if ungift(x.question)}
                assert mapping == B.pair_map(C.keyed_answer(a, course, "id"))
                full_marks(course, a, pairs_answer(course, a, mapping))
        ordering = {q.qid for q in questions.values() if q.kind == "ordering"}
        assert seen == set(questions) - ordering
        assert {s.qid for s in summary.skipped} == ordering
        assert "GIFT has no ordering question" in "\n".join(summary.lines())


def test_gift_escapes_special_characters(course):
    """GIFT's special characters, a blank line and HTML in content survive a round trip through
    pygiftparser, and nothing of the content becomes markup."""
    a = course.activities["c01-midgley-view"]
    nasty = "Pilih {satu}: a=b ~ c #1 \\ <b>&</b>\n\nbaris baru"
    opts = [o.model_copy(update={"text": S.Text(id=f"{o.text.id} ~=#{{}}: <i>", en=o.text.en)}) for o in a.options]
    a2 = a.model_copy(update={"prompt": S.Text(id=nasty, en=nasty), "options": opts})
    text, _ = xgift.render(B.Bank(course, [a2]), "id")
    assert "\n\n" not in text.split("\n\n", 1)[1]  # the question itself has no blank line
    (p,) = _gift_text(text)
    assert p.valid
    assert unhtml(re.sub(r"\\(.)", r"\1", p.text)).replace("\n", " ").startswith("Pilih {satu}: a=b ~ c #1 \\ <b>&</b>")
    right = [ungift(x.answer) for x in p.answers.answers if x.fraction == 100]
    assert right == [f"{o.text.id}" for o in opts if o.correct]
    assert "<i>" not in text and "&lt;i&gt;" in text


def _gift_text(text: str):
    from pygiftparser import parser as giftparser

    return giftparser.parseFile(text.splitlines(keepends=True))


# --------------------------------------------------------------------------- Moodle XML


def _cdata_text(el) -> str:
    return (el.findtext("text") or "") if el is not None else ""


def test_moodle_xml_categories_counts_and_keys(course, bank, out, questions):
    """The Moodle XML is well-formed, has one category per chapter, one question per kesos question
    (idnumber = the stable id), grades Moodle accepts, and keys that score full marks."""
    for lang in ("id", "both"):
        root = ET.parse(out.sums["moodle", lang].files[0]).getroot()
        cats = [q.findtext("category/text") for q in root if q.get("type") == "category"]
        assert len(cats) == len(bank.chapters) and all(c.startswith("$course$/top/kesos/") for c in cats)
        items = [q for q in root if q.get("type") != "category"]
        ids = [q.findtext("idnumber") for q in items]
        assert sorted(ids) == sorted(questions) and len(set(ids)) == len(ids)
        for el in items:
            q = questions[el.findtext("idnumber")]
            a, qtype = q.activity, el.get("type")
            assert unhtml(_cdata_text(el.find("questiontext")))
            if q.kind in ("single", "multiple"):
                assert qtype == "multichoice" and el.findtext("single") == ("true" if q.kind == "single" else "false")
                answers = el.findall("answer")
                grades = [float(x.get("fraction")) for x in answers]
                assert all(min(abs(g - m) for m in B.MOODLE_GRADES_SIGNED) < 1e-6 for g in grades)
                assert all(unhtml(_cdata_text(x.find("feedback"))) for x in answers)
                if q.kind == "single":
                    assert max(grades) == 100
                    picked = [option_id(course, a, q.role_list, unhtml(_cdata_text(x))) for x in answers
                              if float(x.get("fraction")) == 100][:1]
                else:
                    assert abs(sum(g for g in grades if g > 0) - 100) < 1e-3
                    picked = [option_id(course, a, q.role_list, unhtml(_cdata_text(x))) for x in answers
                              if float(x.get("fraction")) > 0]
                full_marks(course, a, choice_answer(course, a, q.role_list, picked))
            elif q.kind == "matching":
                assert qtype == "matching"
                mapping = {}
                for sub in el.findall("subquestion"):
                    right = unhtml(sub.findtext("answer/text"))
                    if unhtml(_cdata_text(sub)):
                        mapping[left_id(course, a, unhtml(_cdata_text(sub)))] = right_id(course, a, right)
                full_marks(course, a, pairs_answer(course, a, mapping))
            elif q.kind == "ordering":
                assert qtype == "ordering" and el.findtext("selecttype") == "ALL"
                texts = [unhtml(_cdata_text(x)) for x in el.findall("answer")]
                by_text = {e.text.id: e.id for e in a.entries}
                order = [by_text[x] for x in texts]
                full_marks(course, a, B._shape_like(C.keyed_answer(a, course, "id"), order, "order"))
            else:
                assert qtype == "essay"
                info = unhtml(_cdata_text(el.find("graderinfo")))
                assert a.model_answer.id.split("\n")[0][:60] in info
                assert all(r.id in info for r in getattr(a, "rubric", []))
                assert all(el.label.id in info for el in getattr(a, "elements", []))


def test_moodle_both_languages_use_multilang_spans(out, course):
    """--lang both: question texts carry adjacent id/en multilang spans, with the content escaped."""
    text = out.sums["moodle", "both"].files[0].read_text(encoding="utf-8")
    a = course.activities["c01-midgley-view"]
    assert (f'<span lang="id" class="multilang">{html.escape(a.prompt.id, quote=False)}</span>'
            f'<span lang="en" class="multilang">{html.escape(a.prompt.en, quote=False)}</span>') in text


def test_moodle_ordering_fallback_as_matching(course, out, questions):
    """With ordering="matching", an ordering activity becomes matching entry → position, keyed in
    checking's order."""
    root = ET.parse(out.sums["moodle-matching", "en"].files[0]).getroot()
    assert not [q for q in root if q.get("type") == "ordering"]
    for el in root:
        q = questions.get(el.findtext("idnumber") or "")
        if q and q.kind == "ordering":
            assert el.get("type") == "matching"
            subs = el.findall("subquestion")
            by_text = {e.text.en: e.id for e in q.activity.entries}
            order = [by_text[unhtml(_cdata_text(s))] for s in subs]
            assert [s.findtext("answer/text") for s in subs] == [f"Position {i}" for i in range(1, len(subs) + 1)]
            full_marks(course, q.activity, B._shape_like(C.keyed_answer(q.activity, course, "id"), order, "order"))


def test_moodle_escapes_content(course):
    """Markup, ampersands and a CDATA terminator in content arrive as text, and the file stays
    well-formed."""
    a = course.activities["c01-midgley-view"]
    nasty = "<script>alert(1)</script> & ]]> done"
    a2 = a.model_copy(update={"prompt": S.Text(id=nasty, en=nasty)})
    text, _ = xmoodle.render(B.Bank(course, [a2]), "both")
    root = ET.fromstring(text)
    qt = root.find("question[@type='multichoice']/questiontext/text").text
    assert "<script>" not in qt and "&lt;script&gt;" in qt and unhtml(qt) == nasty


# --------------------------------------------------------------------------- QTI


def test_qti_package_for_canvas(course, bank, out, questions):
    """The zip holds imsmanifest.xml naming one assessment per chapter; every item has a Canvas
    question type and points; the correct responses map back to keys that score full marks."""
    for lang in ("id", "both"):
        z = zipfile.ZipFile(out.sums["qti", lang].files[0])
        man = ET.fromstring(z.read("imsmanifest.xml"))
        hrefs = [r.get("href") for r in man.iter(f"{CP}resource")]
        assert len(hrefs) == len(bank.chapters)
        assert all(r.get("type") == "imsqti_xmlv1p2" for r in man.iter(f"{CP}resource"))
        n = 0
        for href in hrefs:
            root = ET.fromstring(z.read(href))
            for item in root.iter(f"{QTI}item"):
                n += 1
                meta = {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry") for f in item.iter(f"{QTI}qtimetadatafield")}
                act_id, role_list = split_qid(item.get("title"))
                q = questions[f"{act_id}@{role_list}" if role_list else act_id]
                assert meta["question_type"] == xqti.QTYPE[q.kind] and meta["points_possible"] == "1.0"
                if lang == "both":
                    continue
                _check_qti_key(course, q, item)
        assert n == len(questions)


def _label_texts(lid) -> dict[str, str]:
    return {lab.get("ident"): lab.findtext(f"{QTI}material/{QTI}mattext") for lab in lid.iter(f"{QTI}response_label")}


def _check_qti_key(course, q, item) -> None:
    a = q.activity
    conds = [c for c in item.iter(f"{QTI}respcondition") if c.find(f"{QTI}setvar") is not None]
    if q.kind in ("single", "multiple"):
        labels = _label_texts(item.find(f".//{QTI}response_lid"))
        if q.kind == "single":
            right = [c.findtext(f"{QTI}conditionvar/{QTI}varequal") for c in conds]
            picked = [option_id(course, a, q.role_list, labels[right[0]])]
        else:
            (cond,) = conds
            picked = [option_id(course, a, q.role_list, labels[v.text])
                      for v in cond.find(f"{QTI}conditionvar/{QTI}and").findall(f"{QTI}varequal")]
        full_marks(course, a, choice_answer(course, a, q.role_list, picked))
    elif q.kind in ("matching", "ordering"):
        lids = {lid.get("ident"): lid for lid in item.iter(f"{QTI}response_lid")}
        mapping = {}
        for c in conds:
            v = c.find(f"{QTI}conditionvar/{QTI}varequal")
            lid = lids[v.get("respident")]
            mapping[lid.findtext(f"{QTI}material/{QTI}mattext")] = _label_texts(lid)[v.text]
        if q.kind == "ordering":
            by_text = {e.text.id: e.id for e in a.entries}
            order = [by_text[left] for left, pos in sorted(mapping.items(), key=lambda kv: int(kv[1].split("-")[-1]))]
            full_marks(course, a, B._shape_like(C.keyed_answer(a, course, "id"), order, "order"))
        else:
            ans = {left_id(course, a, k): right_id(course, a, v) for k, v in mapping.items()}
            full_marks(course, a, pairs_answer(course, a, ans))
    else:
        assert item.find(f".//{QTI}response_str") is not None
        assert a.model_answer.id[:40] in unhtml(item.findtext(f".//{QTI}itemfeedback//{QTI}mattext"))


# --------------------------------------------------------------------------- Anki


def _import(apkg: Path, col):
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    return col.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(apkg), options=ImportAnkiPackageOptions(merge_notetypes=True, with_scheduling=False)))


def test_anki_package_opens_in_anki_without_duplicates(course, bank, out, tmp_path):
    """The anki library imports the .apkg into a fresh collection: one note per glossary term,
    definition and list, two cards per glossary note; fields hold the escaped content; exporting
    again and importing twice adds no note (GUIDs come from stable ids)."""
    from anki.collection import Collection

    summary = out.sums["anki", "id"]
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        _import(summary.files[0], col)
        n_terms, n_defs, n_lists = len(course.glossary), len(course.definitions), len(course.lists)
        assert col.note_count() == n_terms + n_defs + n_lists
        assert col.card_count() == 2 * n_terms + n_defs + n_lists
        names = {d.name for d in col.decks.all_names_and_ids()}
        assert {"kesos::Glosarium", "kesos::Siapa mengatakan apa", "kesos::Daftar dalam bab"} <= names
        term = course.glossary["social-welfare"]
        (nid,) = col.find_notes('"KesosId:id:glossary:social-welfare"')
        note = col.get_note(nid)
        assert html.escape(term.term.id, quote=False) in note["Front"]
        assert html.escape(term.definition.id, quote=False) in note["Back"]
        d = course.definitions["def-midgley-welfare"]
        (nid,) = col.find_notes('"KesosId:id:who:def-midgley-welfare"')
        assert course.cite(d.cite, "id") in col.get_note(nid)["Back"]
        before = col.note_count()
        again = xanki.write(bank, tmp_path / "again", "id").files[0]
        _import(again, col)
        _import(summary.files[0], col)
        assert col.note_count() == before
        _import(out.sums["anki", "both"].files[0], col)  # the bilingual deck is its own set of notes
        assert col.note_count() == 2 * before
    finally:
        col.close()


def test_write_deck_is_reusable(tmp_path):
    """write_deck makes a one-deck package from any cards (used for a student's weak items)."""
    from anki.collection import Collection

    cards = [xanki.Card("weak:c01-midgley-view", "Front &amp; <b>x</b>", "Back"),
             xanki.Card("weak:term", "A", "B", both_ways=True)]
    path = xanki.write_deck(cards, tmp_path / "weak.apkg", "kesos::Latihan")
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        _import(path, col)
        assert (col.note_count(), col.card_count()) == (2, 3)
    finally:
        col.close()


# --------------------------------------------------------------------------- CSV


def test_csv_reads_back_with_pandas_and_keys_score_full_marks(course, out, questions):
    """pandas reads every question once per language; key_json is checking's key (full marks)."""
    for lang, langs in (("id", ["id"]), ("both", ["id", "en"])):
        df = pd.read_csv(out.sums["csv", lang].files[0], encoding="utf-8-sig", keep_default_na=False, dtype=str)
        assert list(df.columns) == xcsv.COLUMNS
        assert len(df) == len(questions) * len(langs)
        assert sorted(set(df["language"])) == sorted(langs)
        for _, r in df[df["language"] == "id"].iterrows():
            a = course.activities[r["id"]]
            answer = json.loads(r["key_json"].removeprefix("'"))
            if a.type != "open":
                full_marks(course, a, answer)
            assert r["chapter"] == a.chapter and r["type"] == a.type


def test_csv_cells_are_formula_safe(course):
    """A cell that starts with = + - @ (or tab/CR) gets a leading apostrophe; content is kept."""
    assert [xcsv.safe_cell(v) for v in ("=1+1", "+62", "-x", "@a", "\tx", "ok", None)] == [
        "'=1+1", "'+62", "'-x", "'@a", "'\tx", "ok", ""]
    a = course.activities["c01-midgley-view"]
    a2 = a.model_copy(update={"prompt": S.Text(id="=HYPERLINK(\"x\")", en="@SUM(A1)")})
    (q,) = B.BUILDERS["choice"](course, a2)
    row = {k: xcsv.safe_cell(v) for k, v in xcsv.row(q, B.Bank(course, [a2]), "en").items()}
    assert row["prompt"] == "'@SUM(A1)"


# --------------------------------------------------------------------------- new types, CLI


def _fake(course, **kw):
    base = dict(id="x-new", chapter="ch01", title=S.Text(id="Baru", en="New"), prompt=S.Text(id="Tulis", en="Write"),
                practises=[], cites=[], hints=[], tags=[])
    return SimpleNamespace(**{**base, **kw})


def test_unknown_types_are_skipped_and_recall_is_an_essay(course, tmp_path):
    """An activity type no exporter knows is skipped with its reason in every format; a written
    recall item is an essay whose grader information is the model answer and key elements."""
    model = S.Text(id="Kesejahteraan adalah kondisi <sejahtera>.", en="Welfare is a condition.")
    el = SimpleNamespace(id="e1", label=S.Text(id="kondisi", en="condition"))
    recall = _fake(course, id="x-recall", type="recall", elements=[el], model_answer=model)
    unknown = _fake(course, id="x-hotspot", type="hotspot")
    bank = B.Bank(course, [course.activities["c01-midgley-view"], recall, unknown])
    for mod in (xmoodle, xgift, xqti, xcsv):
        s = mod.write(bank, tmp_path, "id")
        assert [x.qid for x in s.skipped] == ["x-hotspot"]
        assert "activity type 'hotspot' has no export yet" in "\n".join(s.lines())
    root = ET.parse(tmp_path / "kesos-moodle-id.xml").getroot()
    (essay,) = [q for q in root if q.get("type") == "essay"]
    info = essay.find("graderinfo/text").text
    assert "&lt;sejahtera&gt;" in info and "kondisi" in info and "Unsur kunci" in info
    gift = _gift(tmp_path / "kesos-id.gift.txt")
    assert sorted(type(p.answers).__name__ for p in gift) == ["Essay", "SelectSet"]


def test_cli_export_prints_what_it_wrote_and_skipped(tmp_path, capsys):
    """`kesos export` writes the files, prints counts and GIFT's skipped items with the reason;
    a bad selection is one line and exit code 2."""
    from kesos.cli import main

    assert main(["export", "--format", "gift,csv", "--chapters", "01", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "gift: wrote" in printed and "skipped 1:" in printed and "c01-friedlander-order" in printed
    assert (tmp_path / "kesos-id.gift.txt").exists() and (tmp_path / "kesos-items-id.csv").exists()
    assert export_main(["--format", "gift", "--ids", "nope", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert export_main(["--format", "pdf", "--out", str(tmp_path)]) == 2
