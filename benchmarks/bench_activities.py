"""Timing of the activities, in a warm process (content loaded and cached, modules imported).

Prints medians for:
  * rendering one activity (``make_widget``)                       target <= 50 ms
  * checking one answer (``kesos.checking.check``)                 target <= 1 ms
  * ten multiple-choice questions: jupyterquiz ``display_quiz`` vs ``make_quiz`` (ratio)

Both sides of the comparison do their Python-side work only: jupyterquiz serialises the
questions and reads its JavaScript/CSS templates (the quiz itself is built in the browser);
kesos builds the widget models and their display bundle. IPython's ``display`` is stubbed.

Usage: PYTHONPATH=. python benchmarks/bench_activities.py [--root COURSE] [--repeat N]
(the real course when it validates, else the fixture course in tests/fixtures/minimal).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kesos import checking  # noqa: E402
from kesos.content import ContentError, load_course  # noqa: E402
from kesos.progress import ProgressStore  # noqa: E402


def median_ms(fn, repeat: int, inner: int = 1) -> float:
    fn()  # warm
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t) / inner * 1000)
    return statistics.median(samples)


def to_jupyterquiz(activity, lang: str) -> dict:
    """One of our choice items in jupyterquiz's JSON question format."""
    return {
        "question": activity.prompt.get(lang),
        "type": "many_choice" if activity.multiple else "multiple_choice",
        "answers": [
            {"answer": o.text.get(lang), "correct": o.correct, "feedback": o.feedback.get(lang)}
            for o in activity.options
        ],
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=None, help="course folder (default: this checkout, else the fixture)")
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args(argv)
    try:
        course = load_course(args.root or REPO)
        where = args.root or "real course"
    except ContentError as e:
        print(f"(real course does not validate: {len(e.problems)} problem(s); using the fixture course)")
        course = load_course(REPO / "tests" / "fixtures" / "minimal")
        where = "fixture course"

    from kesos.widgets import make_quiz, make_widget  # imports ipywidgets (warm from here on)

    store = ProgressStore(":memory:")
    acts = list(course.activities.values())
    print(f"{where}: {len(acts)} activities; median of {args.repeat} runs each\n")

    print("render one activity (make_widget), by type:")
    render = {}
    for kind in ("choice", "matching", "ordering", "classification", "vignette", "open"):
        sample = [a for a in acts if a.type == kind][:5]
        if not sample:
            continue
        ms = statistics.median(
            median_ms(lambda a=a: make_widget(a.id, lang="id", store=store, course=course), args.repeat)
            for a in sample
        )
        render[kind] = ms
        print(f"  {kind:<15} {ms:7.2f} ms")
    worst = max(render.values())
    print(f"  worst type      {worst:7.2f} ms   (target <= 50 ms: {'OK' if worst <= 50 else 'OVER'})\n")

    print("check one answer (kesos.checking.check), keyed and wrong answers:")
    answers = [(a, checking.keyed_answer(a, course, "id")) for a in acts]
    answers += [(a, checking.wrong_answer(a, course, "id")) for a in acts]
    per = median_ms(lambda: [checking.check(a, ans, "id", course) for a, ans in answers], args.repeat)
    per_check = per / len(answers)
    print(f"  per check       {per_check * 1000:7.1f} µs   (target <= 1 ms: {'OK' if per_check <= 1 else 'OVER'})\n")

    choice = [a for a in acts if a.type == "choice"]
    ten = (choice * 10)[:10]
    try:
        import jupyterquiz.dynamic.display as jqd
    except ImportError:
        print("jupyterquiz is not installed: skipping the comparison (pip install jupyterquiz)")
        return 0
    captured = []
    jqd.display = lambda *objs, **kw: captured.extend(objs)  # stub IPython display
    questions = [to_jupyterquiz(a, "id") for a in ten]
    jq = median_ms(lambda: jqd.display_quiz(questions), args.repeat)
    ours = median_ms(
        lambda: make_quiz([a.id for a in ten], lang="id", store=store, course=course)._repr_mimebundle_(),
        args.repeat,
    )
    print("ten multiple-choice questions, Python-side display work:")
    print(f"  jupyterquiz display_quiz   {jq:7.2f} ms")
    print(f"  kesos make_quiz            {ours:7.2f} ms")
    print(f"  ratio kesos / jupyterquiz  {ours / jq:7.1f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
