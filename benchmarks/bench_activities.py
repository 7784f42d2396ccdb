"""Figures of the activity component (issue 9), measured in one run and printed with their goals:

  * render one activity, kernel side (``make_widget``: public view + model)   goal <= 5 ms
  * check + record + reply (``ActivityWidget.handle`` on a real progress file)   goal <= 10 ms
  * the ES module and stylesheet together                                       goal <= 60 KB
  * widget models per activity, per chapter (headless run, nbclient's state)     goal <= 3 on average
  * chapter 04 headless execution / an empty notebook (same machine, same run)  goal <= 1.5x
  * ten multiple-choice questions: jupyterquiz ``display_quiz`` vs ``kesos.quiz`` (Python side)

Usage: PYTHONPATH=. python benchmarks/bench_activities.py [--repeat N] [--runs N] [--quick]
(--quick skips the notebook executions). The JupyterLab figure is benchmarks/bench_lab.py.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("KESOS_PROGRESS_DB", str(Path(tempfile.mkdtemp()) / "bench.sqlite3"))

from benchmarks.installed import python_as_installed  # noqa: E402
from kesos import checking  # noqa: E402
from kesos.activity import make_quiz, make_widget  # noqa: E402
from kesos.activity.view import to_front  # noqa: E402
from kesos.activity.widget import STATIC  # noqa: E402
from kesos.content import load_course  # noqa: E402
from kesos.handout import shown_ids  # noqa: E402
from kesos.progress import ProgressStore  # noqa: E402


def median_ms(fn, repeat: int) -> float:
    fn()  # warm
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def verdict(ok: bool) -> str:
    return "OK" if ok else "OVER"


def kernel_side(course, repeat: int) -> None:
    acts = list(course.activities.values())
    tmp = Path(tempfile.mkdtemp())
    store = ProgressStore(tmp / "p.sqlite3")
    print(f"real course: {len(acts)} activities; medians of {repeat} runs\n")
    print("render one activity, kernel side (make_widget), by type:")
    worst = 0.0
    for kind in sorted({a.type for a in acts}):
        sample = [a for a in acts if a.type == kind][:5]
        ms = statistics.median(
            median_ms(lambda a=a: make_widget(a.id, lang="id", store=store, course=course).close(), repeat)
            for a in sample
        )
        worst = max(worst, ms)
        print(f"  {kind:<15} {ms:7.2f} ms")
    print(f"  worst type      {worst:7.2f} ms   (goal <= 5 ms: {verdict(worst <= 5)})\n")

    print("check + record + reply (the browser's Check, handled in the kernel), by type:")
    worst = 0.0
    for kind in sorted({a.type for a in acts}):
        a = next(x for x in acts if x.type == kind)
        w = make_widget(a.id, lang="id", store=store, course=course)
        w.send = lambda m: None
        answers = [to_front(a, checking.wrong_answer(a, course, "id")), to_front(a, checking.keyed_answer(a, course, "id"))]
        k = [0]

        def one(w=w, answers=answers):
            k[0] += 1
            w.handle({"kind": "retry"})
            w.handle({"kind": "check", "answer": answers[k[0] % 2]})

        ms = median_ms(one, repeat)
        worst = max(worst, ms)
        print(f"  {kind:<15} {ms:7.2f} ms")
        w.close()
    print(f"  worst type      {worst:7.2f} ms   (goal <= 10 ms: {verdict(worst <= 10)})\n")
    store.close()

    size = sum((STATIC / f).stat().st_size for f in ("activity.js", "activity.css"))
    print(f"activity.js + activity.css: {size / 1000:.1f} KB unminified   (goal <= 60 KB: {verdict(size <= 60_000)})\n")

    choice = [a for a in acts if a.type == "choice"]
    ten = (choice * 10)[:10]
    try:
        import jupyterquiz.dynamic.display as jqd
    except ImportError:
        print("jupyterquiz is not installed: skipping that comparison")
        return
    jqd.display = lambda *objs, **kw: None  # stub IPython display
    questions = [
        {"question": a.prompt.get("id"), "type": "many_choice" if a.multiple else "multiple_choice",
         "answers": [{"answer": o.text.get("id"), "correct": o.correct, "feedback": o.feedback.get("id")}
                     for o in a.options]}
        for a in ten
    ]
    jq = median_ms(lambda: jqd.display_quiz(questions), repeat)
    store = ProgressStore(":memory:")
    ours = median_ms(lambda: make_quiz([a.id for a in ten], lang="id", store=store, course=course)._repr_mimebundle_(), repeat)
    print("ten multiple-choice questions, Python-side display work:")
    print(f"  jupyterquiz display_quiz   {jq:7.2f} ms")
    print(f"  kesos.quiz (one component) {ours:7.2f} ms")
    print(f"  ratio kesos / jupyterquiz  {ours / jq:7.2f} x\n")


def execute(path: Path | None, store_state: bool = True, phases: list | None = None):
    """Run a notebook headless, as ``NotebookClient.execute()`` does (fresh kernel, every cell, the
    widget state, shutdown); returns (seconds, widget models created). ``phases`` gets
    (kernel start, cells, shutdown) in seconds."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4) if path else nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    t = time.perf_counter()
    client = NotebookClient(nb, timeout=300, kernel_name="python3", store_widget_state=store_state,
                            resources={"metadata": {"path": str(path.parent if path else REPO)}})
    with client.setup_kernel():
        started = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        client.set_widgets_metadata()
        ran = time.perf_counter()
    seconds = time.perf_counter() - t
    if phases is not None:
        phases.append((started - t, ran - started, t + seconds - ran))
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    return seconds, len(state)


def count_activities(path: Path) -> int:
    return len(shown_ids(path))


def notebooks(runs: int) -> None:
    print("widget models per activity, per chapter (headless run; models in nbclient's widget state):")
    total_models = total_acts = 0
    for path in sorted((REPO / "notebooks" / "en").glob("*.ipynb")):
        n = count_activities(path)
        _, models = execute(path)
        total_models += models
        total_acts += n
        per = f"{models / n:5.2f}" if n else "    -"
        print(f"  {path.stem:<22} {n:3d} activities  {models:4d} models  {per} per activity")
    avg = total_models / total_acts
    print(f"  course (en)            {total_acts:3d} activities  {total_models:4d} models  {avg:5.2f} per activity"
          f"   (goal <= 3: {verdict(avg <= 3)})\n")

    import nbformat

    ch04 = REPO / "notebooks" / "en" / "04_roles.ipynb"
    base = Path(tempfile.mkdtemp()) / "imports.ipynb"  # what every chapter pays before its first activity
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import kesos\nkesos.setup('en')\nkesos.activity.current_course()\nimport kesos.activity.widget")]), base)
    only = Path(tempfile.mkdtemp()) / "activities.ipynb"  # the imports, then only ch04's activity cells
    cells = [c for c in nbformat.read(ch04, as_version=4).cells
             if c.cell_type == "code" and ("kesos.show(" in c.source or "kesos.quiz(" in c.source)]
    nbformat.write(nbformat.v4.new_notebook(cells=nbformat.read(base, as_version=4).cells + cells), only)
    empty, imports, acts, chapter = [], [], [], []
    empty_phases, chapter_phases = [], []
    execute(ch04)  # warm: the content cache and the OS's file cache, as on any second run
    for _ in range(runs):  # interleaved, so load on the machine hits all alike
        empty.append(execute(None, phases=empty_phases)[0])
        imports.append(execute(base)[0])
        acts.append(execute(only)[0])
        chapter.append(execute(ch04, phases=chapter_phases)[0])
    e, i, c = (statistics.median(x) for x in (empty, imports, chapter))
    a = statistics.median(acts)
    print(f"headless execution (nbclient, fresh kernel each; median of {runs}, interleaved):")
    print(f"  empty notebook                              {e:6.2f} s")
    print(f"  import kesos + load the course + component  {i:6.2f} s   ({i / e:4.2f} x empty)")
    print(f"  the same + chapter 04's {len(cells)} activity cells only    {a:6.2f} s   "
          f"(+{(a - i) * 1000 / max(count_activities(ch04), 1):.0f} ms per activity)")
    print(f"  chapter 04 ({count_activities(ch04)} activities, figures, tables)   {c:6.2f} s")
    for name, ph in (("empty notebook", empty_phases), ("chapter 04", chapter_phases)):
        start, cells, stop = (statistics.median(p[k] for p in ph) for k in range(3))
        print(f"    {name:<15} kernel start {start:5.2f} s   cells {cells:5.2f} s   shutdown {stop:5.2f} s")
    print(f"  ratio chapter 04 / empty                    {c / e:6.2f} x   (goal <= 1.5x: {verdict(c / e <= 1.5)})")
    print(f"  ratio chapter 04 / imports-and-course       {c / i:6.2f} x   (what the chapter's own cells add)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--runs", type=int, default=7, help="headless executions per notebook for the ratio")
    ap.add_argument("--quick", action="store_true", help="kernel-side figures only")
    args = ap.parse_args(argv)
    if not args.quick:
        python_as_installed()
    course = load_course(REPO)
    kernel_side(course, args.repeat)
    if not args.quick:
        notebooks(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
