"""The study tools (kesos.study): dashboard tables and charts, FSRS spaced review, mock exam,
weak-items Anki deck — computed from a real progress store seeded by a simulated student."""
from __future__ import annotations

import datetime as dt
import html
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kesos import checking
from kesos.content import load_course
from kesos.progress import Attempt, ProgressStore, set_store
from kesos.study import dashboard as D
from kesos.study import paper as X
from kesos.study import spaced as S
from kesos.study.history import events, learner_attempts

sys.path.insert(0, str(Path(__file__).parent))
from helpers.simulated_student import START, plan, record_plan  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
UTC = dt.timezone.utc
LATER = START + dt.timedelta(days=5)  # "today" for the simulated student


@pytest.fixture(scope="module")
def course():
    return load_course()


@pytest.fixture(scope="module")
def seeded(course, tmp_path_factory):
    """A progress file in which the simulated student worked through chapters 01 and 04."""
    path = tmp_path_factory.mktemp("study") / "progress.sqlite3"
    store = ProgressStore(path)
    mp = pytest.MonkeyPatch()
    record_plan(store, course, plan(course, ("ch01", "ch04")), mp)
    mp.undo()
    return store


@pytest.fixture(scope="module")
def evs(course, seeded):
    return events(learner_attempts(seeded), course)


def _att(item_id, when, *, correct, score=None, answer=None, learner="me", i=[0]):
    i[0] += 1
    return Attempt(i[0], learner, item_id, None, answer, 1.0 if correct else 0.0 if score is None else score,
                   1.0, correct, "en", when.isoformat(), None, f"u{i[0]}")


# --------------------------------------------------------------------------- spaced review


def test_rating_follows_result_and_confidence():
    """Wrong → Again, nearly right → Hard, right but unsure → Hard, right and sure → Good."""
    from fsrs import Rating

    assert S.rating_for(0.0, False, None) == Rating.Again
    assert S.rating_for(0.6, False, "sure") == Rating.Again
    assert S.rating_for(0.9, False, None) == Rating.Hard
    assert S.rating_for(1.0, True, "guessing") == Rating.Hard
    assert S.rating_for(1.0, True, "sure") == Rating.Good
    assert S.rating_for(1.0, True, None) == Rating.Good


def test_due_dates_move_after_right_and_wrong_answers(course):
    """A right answer pushes the next review out (days, growing); a wrong one brings it back
    the next day; answers in one sitting count once (the first one)."""
    item = "c01-midgley-view"
    t0 = dt.datetime(2026, 11, 1, 9, tzinfo=UTC)
    ev = lambda atts: events(atts, course)  # noqa: E731
    right1 = S.schedule(course, ev([_att(item, t0, correct=True)]), now=t0)[item]
    assert right1.due - t0 >= dt.timedelta(days=2)
    t1 = right1.due
    right2 = S.schedule(course, ev([_att(item, t0, correct=True), _att(item, t1, correct=True)]), now=t1)[item]
    assert right2.due - t1 > right1.due - t0  # the interval grows
    wrong = S.schedule(course, ev([_att(item, t0, correct=True), _att(item, t1, correct=False)]), now=t1)[item]
    assert wrong.due - t1 <= dt.timedelta(days=1) and wrong.lapses == 1
    # wrong, then right a minute later: one review, rated by the first answer
    same = S.schedule(course, ev([_att(item, t0, correct=False), _att(item, t0 + dt.timedelta(minutes=1), correct=True)]), now=t0)[item]
    assert same.reviews == 1 and same.lapses == 1


def test_schedule_survives_a_restart(course, seeded, tmp_path):
    """The schedule is computed from the stored answers: a new store on the same file (a kernel
    restart) gives the same cards and due dates."""
    again = ProgressStore(seeded.path)
    a = S.schedule(course, events(learner_attempts(seeded), course), now=LATER)
    b = S.schedule(course, events(learner_attempts(again), course), now=LATER)
    assert {k: v.due for k, v in a.items()} == {k: v.due for k, v in b.items()}
    again.close()


def test_confused_items_come_due_first(course, evs):
    """The who-said-what items the student got wrong come due before any item answered right
    the first time, and due items alternate between chapters."""
    due = S.due(course, evs, now=LATER)
    ids = [c.item_id for c in due]
    matching = [a.id for a in course.activities.values() if a.type == "matching" and a.chapter in ("ch01", "ch04")]
    confused = [i for i in matching if i in ids and S.schedule(course, evs, now=LATER)[i].lapses]
    assert confused, "the simulated student's mix-ups must lapse"
    right_first = [c.item_id for c in due if c.kind == "activity" and c.lapses == 0]
    assert max(ids.index(i) for i in confused) < min(ids.index(i) for i in right_first)
    chapters = [c.chapter for c in due[:6]]
    assert chapters[0] != chapters[1] and set(chapters) == {"ch01", "ch04"}


def test_new_student_starts_with_finished_chapters(course, evs):
    """Glossary cards come (new, due now) for the chapters the student finished, not others."""
    cards = S.schedule(course, evs, now=LATER)
    finished = S.finished_chapters(course, evs)
    assert finished == ["ch01", "ch04"]
    glossary_chapters = {c.chapter for c in cards.values() if c.kind == "glossary"}
    assert glossary_chapters and glossary_chapters <= set(finished)
    assert not [c for c in cards.values() if c.kind == "activity" and c.chapter not in finished]


def test_reads_only_this_learner(course, tmp_path, monkeypatch):
    """Another learner's answers in the same file never reach the dashboard or the schedule."""
    monkeypatch.setenv("KESOS_LEARNER", "ani")
    store = ProgressStore(tmp_path / "shared.sqlite3")
    store.record("c01-midgley-view", "choice", ["x"], score=0.0, max_score=1.0, correct=False, language="en")
    monkeypatch.setenv("KESOS_LEARNER", "budi")
    assert events(learner_attempts(store), course) == []
    store.close()


# --------------------------------------------------------------------------- dashboard


def test_confusion_matrix_lights_up_friedlander_and_zastrow(course, evs):
    """The simulated student's Friedlander/Zastrow mix-up shows in both off-diagonal cells and
    nowhere else."""
    m = D.author_confusion(course, evs)
    assert m.loc["friedlander", "zastrow"] >= 1 and m.loc["zastrow", "friedlander"] >= 1
    off = [(a, b) for a in m.index for b in m.columns if a != b and m.loc[a, b]]
    assert set(off) == {("friedlander", "zastrow"), ("zastrow", "friedlander")}
    top = D.confusions(course, evs, "en")
    assert {(a, b) for a, b, _ in top} == {("Friedlander", "Zastrow"), ("Zastrow", "Friedlander")}


def test_mastery_calibration_and_next_items(course, evs):
    """Mastery counts every activity of a chapter; the sure-but-wrong vignettes show in the
    calibration table; the next items start with due reviews."""
    m = D.mastery_by_chapter(course, evs).set_index("chapter")
    assert m.loc["ch01", "answered"] == len(course.activities_in("ch01"))
    assert m.loc["ch02", "answered"] == 0 and m.loc["ch02", "mastery"] == 0
    assert 0 < m.loc["ch01", "mastery"] < 1
    cal = D.calibration(evs).set_index("confidence")
    vignettes = [a for a in course.activities_in("ch04") if a.type == "vignette"]
    assert cal.loc["sure", "answers"] == len(vignettes) and cal.loc["sure", "right"] == 0
    authors = D.mastery_by_author(course, evs).set_index("author")
    assert authors.loc["friedlander", "mastery"] < 1 and authors.loc["midgley", "mastery"] == 1
    nxt = D.next_items(course, evs, now=LATER)
    assert len(nxt) == 5 and nxt[0].reason == "due"
    # the last chapter worked in (04) is done: continue with the next chapter that is not
    assert D.continue_point(course, evs) == ("ch05", course.activities_in("ch05")[0].id)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_charts_render_with_words(course, evs, lang):
    """Every chart renders as SVG with a caption saying in words what it shows (escaped)."""
    charts = [D.chart_mastery(course, evs, lang), D.chart_authors(course, evs, lang),
              D.chart_confusion(course, evs, lang), D.chart_calibration(evs, lang), D.chart_activity(evs, lang)]
    for chart in charts:
        out = chart._repr_html_()
        assert "<svg" in out and "<figcaption>" in out and chart.caption
    assert "Friedlander" in charts[2].caption and "Zastrow" in charts[2].caption
    empty = D.chart_mastery(course, [], lang)
    assert "<svg" in empty._repr_html_()


# --------------------------------------------------------------------------- mock exam


def test_papers_are_reproducible_by_seed(course):
    """The same seed and blueprint give the same paper; another seed another paper."""
    bp = X.Blueprint.default(course)
    a, b, c = X.draw(course, bp, 11), X.draw(course, bp, 11), X.draw(course, bp, 12)
    assert a == b
    assert [q.item_id for q in a.questions] != [q.item_id for q in c.questions]
    assert len([q for q in a.questions if q.kind == "choice"]) == bp.choice
    assert all(len(q.options) <= 5 for q in a.questions)
    assert {q.kind for q in a.questions} == {"choice", "recall", "open"}


def test_blueprint_weights_chapters(course):
    """Choice questions are spread over the blueprint's chapters by weight."""
    bp = X.Blueprint({"ch04": 3.0, "ch05": 1.0}, choice=8, recall=0, essay=0)
    paper = X.draw(course, bp, 5)
    per = {ch: sum(q.chapter == ch for q in paper.questions) for ch in ("ch04", "ch05")}
    assert per == {"ch04": 6, "ch05": 2}
    with pytest.raises(ValueError, match="unknown chapter"):
        X.Blueprint.default(course, ["ch99"])


def _key_letters(course, paper):
    out = {}
    for q in paper.questions:
        if q.kind == "choice":
            key = next(o.id for o in course.activity(q.item_id).options if o.correct)
            out[q.number] = X.letter_of(q, key)
    return out


def test_marking_uses_the_one_scorer(course):
    """Keyed letters score full marks on every choice question; a wrong letter scores 0; the
    report groups by chapter and kind and reviews every question not fully right."""
    paper = X.draw(course, X.Blueprint.default(course), 3)
    keys = _key_letters(course, paper)
    result = X.mark(course, paper, keys, "en")
    choice = [m for m in result.marked if m.question.kind == "choice"]
    assert all(m.result.correct for m in choice)
    wrong = {n: ("B" if k == "A" else "A") for n, k in keys.items()}
    bad = X.mark(course, paper, wrong, "en")
    assert all(not m.result.correct for m in bad.marked)
    assert sum(p for _, _, p in result.by("chapter")) == paper.total_points
    page = X.report_html(course, bad)
    assert page.count("<section class='q'>") == len(paper.questions)


def test_report_escapes_learner_text(course, tmp_path):
    """What a learner writes in an essay reaches the printable report escaped."""
    paper = X.draw(course, X.Blueprint({"ch01": 1.0}, choice=1, recall=0, essay=1), 1)
    essay = next(q for q in paper.questions if q.kind == "open")
    result = X.mark(course, paper, {essay.number: "<script>alert(1)</script>"}, "id")
    page = X.report_html(course, result)
    assert "<script>alert(1)" not in page and html.escape("<script>alert(1)</script>") in page


def test_exam_view_no_feedback_until_submit(course, tmp_path):
    """Driven as a learner would: nothing is scored before Submit; an unanswered paper asks
    once more; the result is saved; essay self-assessment raises the score."""
    store = ProgressStore(tmp_path / "exam.sqlite3")
    from kesos.study.paper_view import ExamView

    paper = X.draw(course, X.Blueprint({"ch04": 1.0}, choice=4, recall=0, essay=1), 21)
    view = ExamView(course, paper, "en", store)
    assert view.report.children == () and view.result is None
    for number, letter in _key_letters(course, paper).items():
        view.inputs[number].value = letter
    assert view.submit() is None and "unanswered" in view.message.value  # the essay is empty
    essay = next(q for q in paper.questions if q.kind == "open")
    view.inputs[essay.number].value = "Broker menghubungkan klien dengan sumber; advokat membela haknya."
    result = view.submit()
    assert result is not None and all(f.disabled for f in view.inputs.values())
    assert result.earned == 4
    saved = store.last_attempt(f"exam:{paper.seed}")
    assert saved is not None and saved.score == 4
    view.assess(essay.number, [True] * len(course.activity(essay.item_id).rubric))
    assert view.result.earned == 4 + essay.points
    out = view.write_report(tmp_path / "r.html")
    assert "Mock exam result" in out.read_text(encoding="utf-8")
    store.close()


# --------------------------------------------------------------------------- Anki deck of weak items


def test_weak_deck_opens_in_anki(course, evs, tmp_path):
    """The deck of weak items imports into a real Anki collection; exporting again updates the
    same notes instead of duplicating them."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    from kesos.study.weak import weak_items, write_weak_deck

    weak = weak_items(evs)
    assert any(course.activities[i].type == "matching" for i in weak)
    path, n = write_weak_deck(course, evs, "en", tmp_path / "weak.apkg")
    assert n == len(weak)
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        for _ in range(2):
            col.import_anki_package(ImportAnkiPackageRequest(
                package_path=str(path), options=ImportAnkiPackageOptions(with_scheduling=False)))
        assert col.note_count() == n
        ids = {col.get_note(nid)["KesosId"] for nid in col.find_notes("")}
        assert ids == {f"weak:en:{i}" for i in weak}
    finally:
        col.close()


# --------------------------------------------------------------------------- notebooks and CLI


def _run_notebook(path: Path, db: Path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    env = {**os.environ, "KESOS_PROGRESS_DB": str(db), "PYTHONPATH": str(ROOT)}
    os.environ["KESOS_PROGRESS_DB"], old = str(db), os.environ.get("KESOS_PROGRESS_DB")
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute(env=env)
    finally:
        if old is not None:
            os.environ["KESOS_PROGRESS_DB"] = old
    return nb


def _outputs(cell) -> str:
    texts = []
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        texts.append(data.get("text/html", "") + data.get("text/plain", "") + out.get("text", ""))
    return "".join(texts)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_progress_notebook_shows_the_students_own_answers(seeded, lang):
    """The "My progress" notebook, run against the simulated student's store, lights up the
    Friedlander/Zastrow cell, lists due items first and says where to continue."""
    nb = _run_notebook(ROOT / "notebooks" / lang / "study" / "progress.ipynb", seeded.path)
    text = {c.source.strip(): _outputs(c) for c in nb.cells if c.cell_type == "code"}
    assert "Friedlander" in text["kesos.study.confusion()"] and "Zastrow" in text["kesos.study.confusion()"]
    assert "<svg" in text["kesos.study.mastery()"]
    assert "c0" in text["kesos.study.next_items()"]
    cont = text['kesos.study.continue_here(base="../")']
    assert "05_methods.ipynb" in cont


def test_review_notebook_and_cli_agree(seeded):
    """The review notebook shows today's due count, and ``kesos review`` prints the same line."""
    from kesos.study import due_summary

    set_store(ProgressStore(seeded.path))
    try:
        expected = due_summary("en")
    finally:
        set_store(None)
    nb = _run_notebook(ROOT / "notebooks" / "en" / "study" / "review.ipynb", seeded.path)
    shown = _outputs(next(c for c in nb.cells if c.cell_type == "code" and c.source.strip() == "kesos.study.review()"))
    assert html.escape(expected) in shown and "Due today" in expected
    out = subprocess.run([sys.executable, "-m", "kesos.cli", "review", "--lang", "en", "--progress", str(seeded.path)],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert out.stdout.splitlines()[0] == expected


def test_exam_cli_same_seed_same_paper():
    """``kesos exam --seed N`` prints the same paper twice, and another for another seed."""
    run = lambda seed: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "kesos.cli", "exam", "--seed", str(seed), "--lang", "id"],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True).stdout
    a, b, c = run(4), run(4), run(5)
    assert a == b and a != c and "A. " in a
