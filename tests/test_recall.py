"""Written recall (issue 10): normalisation and matching of a learner's text against the key
elements (no AI: case, accents, punctuation, Indonesian and English word forms), the Result it
gives, and that every recall item of the real course scores its model answer full, a blank or
off-topic answer less, and recognises paraphrases in both languages."""
from __future__ import annotations

from pathlib import Path

import pytest

from kesos import checking as C
from kesos.content import load_course

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "minimal"


@pytest.fixture(scope="module")
def course():
    return load_course(REPO)


@pytest.fixture(scope="module")
def fixture_course():
    return load_course(FIXTURE)


def test_normalise_case_accents_punctuation():
    assert C.normalise("  Kondisi, “Sejahtera”!  État—Café ") == "kondisi sejahtera etat cafe"
    assert C.normalise("UU No. 11/2009") == "uu no 11 2009"


@pytest.mark.parametrize(
    "a,b",
    [
        ("kesejahteraan", "sejahtera"), ("kebutuhan", "membutuhkan"), ("terpenuhi", "pemenuhan"),
        ("pencegahan", "mencegah"), ("pemberdayaan", "memberdayakan"), ("pelayanan", "melayani"),
        ("keberfungsian", "berfungsi"), ("needs", "needed"), ("prevention", "preventive"),
        ("functioning", "functions"),
    ],
)
def test_word_forms_match(a, b):
    """Indonesian affixes and English suffixes are stripped, so word forms of one stem match."""
    assert C.word_forms(a) & C.word_forms(b)


def test_unrelated_words_do_not_match():
    assert not C.word_forms("kondisi") & C.word_forms("sistem")
    assert not C.phrase_present("organised system", C.stem_tokens("a condition in which needs are met"))


def test_phrase_words_must_be_near_each_other_in_any_order():
    text = C.stem_tokens("Kondisi ketika kebutuhan masyarakat sudah terpenuhi dengan baik.")
    assert C.phrase_present("kebutuhan terpenuhi", text)
    assert C.phrase_present("terpenuhinya kebutuhan", text)
    far = C.stem_tokens("kebutuhan " + "lain " * 12 + "terpenuhi")
    assert not C.phrase_present("kebutuhan terpenuhi", far)


def test_recall_result_parts_score_and_model_answer(fixture_course):
    """Each element is a part, right (present) or missing; score = share present; the model
    answer is the explanation; blank text is empty, not wrong."""
    a = fixture_course.activity("q-recall")
    r = C.check(a, {"text": "Menurut Midgley: suatu KEADAAN."}, "en", fixture_course)
    assert [(p.id, p.verdict) for p in r.parts] == [("condition", "right"), ("needs", "missing")]
    assert r.score == 0.5 and not r.correct and r.explanation == a.model_answer.en
    assert r.citations
    full = C.check(a, {"text": "A state where people's needs are met."}, "id", fixture_course)
    assert full.correct and full.score == 1.0
    assert C.check(a, {"text": "   "}, "en", fixture_course).empty
    assert C.check(a, ["text"], "en", fixture_course).empty


def _recalls(course):
    return [a for a in course.activities.values() if a.type == "recall"]


def test_at_least_sixteen_recall_items_cover_the_named_facts(course):
    """Issue 10: at least 16 recall items, practising Midgley, UU 11/2009, Friedlander, Zastrow,
    NASW, IFSW, CSWE, Siporin, Sukoco, Huda's and Zastrow's roles, Siporin's stages and Aipassa."""
    items = _recalls(course)
    assert len(items) >= 16, len(items)
    practised = {p for a in items for p in a.practises}
    wanted = {
        "def-midgley-welfare", "def-uu11-welfare", "def-friedlander-welfare", "def-zastrow-welfare",
        "def-nasw-socialwork", "def-ifsw-socialwork", "def-cswe-socialwork", "def-siporin-functioning",
        "list-sukoco-functioning", "huda2009", "zastrow2008", "list-siporin-stages", "list-casework-components",
    }
    assert not wanted - practised, sorted(wanted - practised)


def test_every_recall_item_model_answers_score_full_and_blanks_do_not(course):
    """In both languages the model answer contains every element; an off-topic text does not."""
    for a in _recalls(course):
        for lang in ("id", "en"):
            r = C.check(a, {"text": a.model_answer.get(lang)}, lang, course)
            assert r.correct, (a.id, lang, [p.id for p in r.parts if p.verdict == "missing"])
            off = C.check(a, {"text": "Saya lupa semuanya. I forgot everything."}, lang, course)
            assert not off.correct and off.score < 1, a.id


PARAPHRASES = {
    # other word forms and orders than the model answers, in each language
    "c01-recall-midgley": [
        "Kesejahteraan menurut Midgley adalah keadaan di mana masalah sosial dikelola dengan baik, "
        "kebutuhan-kebutuhan masyarakat dipenuhi, dan terbukanya kesempatan sosial.",
        "Midgley: a state in which social problems are managed, people's needs get met and "
        "opportunities for advancement are provided.",
    ],
    "c04-recall-huda-roles": [
        "Menurut Huda perannya: pemungkin, penghubung sumber (broker), membela (advokasi), mendidik, "
        "memberdayakan, dan aktivis.",
        "Huda lists enabling, brokering, advocacy, educating, empowering and activism.",
    ],
}


@pytest.mark.parametrize("item_id", sorted(PARAPHRASES))
def test_paraphrases_with_other_word_forms_are_matched(course, item_id):
    a = course.activity(item_id)
    for text in PARAPHRASES[item_id]:
        r = C.check(a, {"text": text}, "en", course)
        assert r.correct, (text, [p.id for p in r.parts if p.verdict == "missing"])


def test_exact_words_avoid_common_stems():
    """"=word" in a phrasing matches only that word: "sumber daya" is not "pemberdaya"."""
    text = C.stem_tokens("Broker menghubungkan klien dengan sumber daya.")
    assert C.phrase_present("memberdayakan", text)  # its stem "daya" is too common ...
    assert not C.phrase_present("=memberdayakan", text)  # ... so the items use the exact word
    assert C.phrase_present("=memberdayakan", C.stem_tokens("Huda: memberdayakan klien."))


def test_a_neighbouring_definition_does_not_score_full(course):
    """Writing Friedlander's definition for Midgley (and the like) is not a full answer."""
    for item, other in [("c01-recall-midgley", "c01-recall-friedlander"), ("c03-recall-ifsw", "c03-recall-nasw"),
                        ("c04-recall-huda-roles", "c04-recall-zastrow-roles"), ("c03-recall-cswe", "c03-recall-nasw")]:
        for lang in ("id", "en"):
            r = C.check(course.activity(item), {"text": course.activity(other).model_answer.get(lang)}, lang, course)
            assert r.score <= 0.67, (item, lang, r.score)
