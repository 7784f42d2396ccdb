"""kesos.lint: each item-writing measure on tiny synthetic items, then the thresholds enforced on
the real content (the bank must not be answerable from length, absolute words or duplicates, every
option/pair/entry explains itself, and every role of every list is keyed best somewhere)."""
from __future__ import annotations

import contextlib
import io

import pytest

from kesos import lint as L
from kesos import schema as S
from kesos.content import load_course


def T(s: str, en: str | None = None) -> S.Text:
    return S.Text(id=s, en=en if en is not None else s)


def choice(item_id, options, chapter="ch01", multiple=False, hints=(), prompt="Pilih satu.", review_of=None):
    """options: (text, correct, feedback) tuples."""
    return S.ChoiceActivity(
        id=item_id, type="choice", chapter=chapter, title=T("t"), prompt=T(prompt), multiple=multiple,
        hints=[T(h) for h in hints], review_of=review_of,
        options=[S.Option(id=f"o{i}", text=T(t), correct=c, feedback=T(f)) for i, (t, c, f) in enumerate(options)],
    )


FB = "Karena alasan yang jelas sekali."


# --------------------------------------------------------------------------- length cue


def test_length_cue_counts_strictly_longest_and_ratio():
    """A key strictly longer than every distractor is counted; a tie is not; the ratio is the
    key's length over the mean length of the others."""
    long_key = choice("a", [("abcdefghij", True, FB), ("abcde", False, FB), ("abcde", False, FB)])
    tie = choice("b", [("abcde", True, FB), ("abcde", False, FB), ("abc", False, FB)])
    multi = choice("c", [("x" * 50, True, FB), ("y", True, FB), ("z", False, FB)], multiple=True)
    lc = L.length_cue([long_key, tie, multi])
    assert lc.items == 2  # the multiple-answer item is not a single-answer item
    assert lc.longest == ["a"]
    assert lc.ratios["a"] == pytest.approx(2.0)
    assert lc.ratios["b"] == pytest.approx(5 / 4)
    assert lc.longest_share == pytest.approx(0.5)


# --------------------------------------------------------------------------- absolute words


def test_absolute_words_found_in_either_language_as_whole_words():
    """'hanya' / 'only' are found as words, not inside other words ('allow', 'semuanya' is its own)."""
    assert L.absolute_words_in(T("Hanya keluarga miskin", "Poor families")) == ["hanya"]
    assert L.absolute_words_in(T("Keluarga", "They always help")) == ["always"]
    assert L.absolute_words_in(T("Tidak pernah", "Never")) == ["tidak pernah", "never"]
    assert L.absolute_words_in(T("Mengizinkan", "It allows a small fee")) == []


def test_absolute_word_gap_in_percentage_points():
    """Wrong options with absolute words 1 of 2 (50%) against right 0 of 1 (0%): gap 50 points."""
    item = choice("a", [("Pemulihan", True, FB), ("Selalu gratis", False, FB), ("Penyediaan", False, FB)])
    aw = L.absolute_words([item])
    assert (aw.right, len(aw.right_hits), aw.wrong, len(aw.wrong_hits)) == (1, 0, 2, 1)
    assert aw.gap == pytest.approx(50.0)
    assert aw.wrong_hits == ["a/o1"]


# --------------------------------------------------------------------------- give-away hints


def test_hint_with_the_keys_distinctive_words_is_flagged():
    """A hint naming the key's own distinctive words is flagged; a hint that only guides is not."""
    tells = choice("a", [("Kondisi sejahtera", True, FB), ("Sistem pelayanan", False, FB)],
                   hints=["Jawabannya kondisi sejahtera."])
    guides = choice("b", [("Kondisi sejahtera", True, FB), ("Sistem pelayanan", False, FB)],
                    hints=["Tanyakan: kapan kesejahteraan itu ada?"])
    found = L.giveaway_hints([tells, guides])
    assert [(i, w) for i, w, _ in found] == [("a", "hints[0]")]


def test_vignette_case_naming_the_best_role_is_flagged():
    """A vignette whose case uses the best role's name is flagged."""
    fit = S.RoleFit(best=["broker"], why={"broker": T("Karena layanannya ada dan bersedia melayani.")})
    v = S.VignetteActivity(id="v", type="vignette", chapter="ch04", title=T("t"), prompt=T("Peran?"),
                           case=T("Pekerja sosial menjadi broker bagi Mbah Sainah."), fits={"l": fit})
    found = L.giveaway_hints([v], {"broker": T("Pialang (broker)", "Broker")})
    assert found and found[0][:2] == ("v", "case")


# --------------------------------------------------------------------------- near-duplicates


def test_near_duplicates_across_chapters_unless_marked_review():
    """The same item in two chapters clashes; in one chapter, or marked review_of, it does not."""
    opts = [("Pemulihan kapasitas yang terganggu", True, FB), ("Penyediaan sumber daya", False, FB),
            ("Pencegahan disfungsi sosial", False, FB)]
    a = choice("c03-a", opts, chapter="ch03", prompt="Fungsi pekerjaan sosial menurut CSWE")
    b = choice("c07-a", opts, chapter="ch07", prompt="Fungsi pekerjaan sosial menurut CSWE")
    same = choice("c03-b", opts, chapter="ch03", prompt="Fungsi pekerjaan sosial menurut CSWE")
    marked = choice("c07-b", opts, chapter="ch07", prompt="Fungsi pekerjaan sosial menurut CSWE", review_of="c03-a")
    other = choice("c07-c", [("Kondisi", True, FB), ("Disiplin akademik", False, FB)], chapter="ch07",
                   prompt="Pandangan Midgley tentang kesejahteraan")
    pairs = {(x, y) for x, y, _ in L.near_duplicates([a, b, same, marked, other])}
    assert ("c03-a", "c07-a") in pairs
    assert ("c03-a", "c03-b") not in pairs
    assert ("c03-a", "c07-b") not in pairs
    assert not any("c07-c" in p for p in pairs)


# --------------------------------------------------------------------------- feedback


@pytest.mark.parametrize("text,ok", [
    (T("Ya.", "Yes."), False),
    (T("Benar.", "Right."), False),
    (T("Ya, strategi keenam.", "Yes, the sixth strategy."), False),
    (T("Benar: kontrak memuat tujuan pertolongan.", "Right: the contract states the goals of the help."), True),
    (T("Ya, karena tujuan disepakati bersama.", "Correct."), False),  # every language must explain
])
def test_is_explanatory(text, ok):
    """A bare verdict, or a verdict plus a label, is not feedback; a reason is."""
    assert L.is_explanatory(text) is ok


def test_missing_feedback_in_options_pairs_and_entries():
    """Bare choice feedback, a matching pair without feedback and a bare classification entry are reported."""
    c = choice("a", [("Satu", True, "Ya."), ("Dua", False, FB)])
    m = S.MatchingActivity(id="m", type="matching", chapter="ch01", title=T("t"), prompt=T("p"),
                           pairs=[S.MatchPair(definition="d1"), S.MatchPair(definition="d2", feedback=T(FB))])
    k = S.ClassificationActivity(
        id="k", type="classification", chapter="ch01", title=T("t"), prompt=T("p"),
        categories=[S.Category(id="x", label=T("X")), S.Category(id="y", label=T("Y"))],
        entries=[S.ClassEntry(id="e1", text=T("e"), category="x", feedback=T("Benar.")),
                 S.ClassEntry(id="e2", text=T("f"), category="y", feedback=T(FB))],
    )
    assert L.missing_feedback([c, m, k]) == [("a", "options[0].feedback"), ("m", "pairs[0].feedback"),
                                             ("k", "entries[0].feedback")]


# --------------------------------------------------------------------------- role keys


def test_role_keys_count_best_per_list():
    """Each vignette's best roles are counted per role list; roles never keyed best show 0."""
    why = {"broker": T(FB), "advocate": T(FB)}
    v1 = S.VignetteActivity(id="v1", type="vignette", chapter="ch04", title=T("t"), prompt=T("p"), case=T("c"),
                            fits={"l": S.RoleFit(best=["broker"], why=why)})
    v2 = S.VignetteActivity(id="v2", type="vignette", chapter="ch04", title=T("t"), prompt=T("p"), case=T("c"),
                            fits={"l": S.RoleFit(best=["broker"], acceptable=["advocate"], why=why)})
    assert L.role_keys([v1, v2], {"l": ["broker", "advocate", "activist"]}) == {
        "l": {"broker": 2, "advocate": 0, "activist": 0}
    }


# --------------------------------------------------------------------------- the real content


@pytest.fixture(scope="module")
def course():
    return load_course()


@pytest.fixture(scope="module")
def items(course):
    return list(course.activities.values())


def test_correct_option_is_not_usually_the_longest(items):
    """In at most 30% of single-answer items is the correct option strictly the longest, and on
    average it is at most 1.3 times the mean length of the others."""
    lc = L.length_cue(items)
    assert lc.items >= 30
    assert lc.longest_share <= L.MAX_LONGEST_SHARE, f"{lc.longest_share:.0%}: {lc.longest}"
    assert lc.mean_ratio <= L.MAX_MEAN_RATIO, sorted(lc.ratios.items(), key=lambda kv: -kv[1])[:8]


def test_absolute_words_do_not_mark_wrong_options(items):
    """Absolute words (hanya, selalu, semua / only, always, all ...) are no more frequent in wrong
    options than in right ones by more than 5 percentage points."""
    aw = L.absolute_words(items)
    assert aw.gap <= L.MAX_ABSOLUTE_GAP, (aw.wrong_rate, aw.right_rate, aw.wrong_hits)


def test_every_option_pair_and_entry_explains(items):
    """Every option, matching pair and ordering/classification entry has explanatory feedback."""
    assert L.missing_feedback(items) == []


def test_no_unmarked_near_duplicates(items):
    """No two items of different chapters are near-duplicates unless one is marked review_of."""
    assert L.near_duplicates(items) == []


def test_review_of_points_to_an_item(course):
    """Every review_of names an existing activity of another chapter."""
    for a in course.activities.values():
        if a.review_of:
            assert a.review_of in course.activities, a.id
            assert course.activities[a.review_of].chapter != a.chapter, a.id


def test_every_role_is_keyed_best_somewhere(course, items):
    """Every role of every role list is the best answer of at least one vignette."""
    lists = {lid: [e.role for e in rl.entries] for lid, rl in course.role_lists.items()}
    never = {lst: [r for r, n in counts.items() if n == 0] for lst, counts in L.role_keys(items, lists).items()}
    assert not any(never.values()), never


def test_cli_prints_the_figures_and_exits_by_threshold(course):
    """`kesos lint` prints the per-chapter table and whole-bank figures and its exit code says
    whether every threshold passes."""
    from kesos import cli

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main(["lint"])
    text = out.getvalue()
    assert "longest" in text and "all " in text and "Vignettes" in text
    assert code == (0 if L.lint(course).ok else 1)
