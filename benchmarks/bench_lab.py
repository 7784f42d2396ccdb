"""JupyterLab in headless Chromium (issue 9): "Run All → every activity answerable" for every
chapter, against a blank notebook with one widget — same server, same browser, same run.

For each notebook, timed from opening its URL (Lab loads, the kernel starts) through the Run All
menu until every activity shows an enabled Check button (the blank notebook: until its one
slider is shown) — the measure of issue 9 (blank notebook 4-5 s there). Also printed: the part
after the Run All click alone. Prints each chapter's median over --runs and its ratio to the
blank notebook (goal <= 1.3x).

JupyterLab runs with its default settings, as a learner's does: notebook windowing mode
"contentVisibility" (every cell is in the page; the browser skips painting the ones off screen).
The browser tests use "none" instead (every cell painted, so screenshots and clicks never meet
a skipped cell); ``--windowing none`` measures that too.

Usage: PYTHONPATH=. KESOS_CHROMIUM=/usr/bin/chromium python benchmarks/bench_lab.py [--runs N] [--lang en]
       [--windowing contentVisibility|none|defer|full]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.installed import python_as_installed  # noqa: E402
from tests.browser import harness  # noqa: E402
from tests.browser.test_chapters import expected_activities, shut_down_everything  # noqa: E402

BLANK = REPO / "tests" / "browser" / "_tmp" / "bench_blank.ipynb"


def run_all_timed(page, server, rel: str, selector: str, count: int) -> tuple[float, float]:
    start = time.perf_counter()
    harness.open_notebook(page, server, rel)
    page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current").first.click()
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    item = page.locator(".lm-Menu-item:not(.lm-mod-disabled)", has_text="Run All Cells").first
    t = time.perf_counter()
    item.click()
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length >= n", arg=[selector, count],
        timeout=harness.NOTEBOOK_RUN_TIMEOUT_MS, polling=50)
    end = time.perf_counter()
    return end - start, end - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lang", default="en")
    ap.add_argument("--windowing", default="contentVisibility", choices=["contentVisibility", "none", "defer", "full"],
                    help="JupyterLab's notebook windowing mode (default: Lab's own default)")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    python_as_installed()
    harness.LAB_TEST_SETTINGS = {**harness.LAB_TEST_SETTINGS,
                                 "@jupyterlab/notebook-extension:tracker": {"windowingMode": args.windowing}}

    harness.write_notebook(BLANK, [("code", "import ipywidgets\nipywidgets.IntSlider()")])
    server = harness.start_lab_server(Path(tempfile.mkdtemp()))
    chapters = [p for p in sorted((REPO / "notebooks" / args.lang).glob("*.ipynb")) if expected_activities(p)]
    times: dict[str, list[tuple[float, float]]] = {"blank": []}
    try:
        with sync_playwright() as pw:
            browser = harness.launch_chromium(pw)
            for _ in range(args.runs):  # interleaved: blank, then every chapter, each run
                for name, path, sel, n in [("blank", BLANK, ".widget-slider", 1)] + [
                    (p.stem, p, f"{harness.CURRENT_NOTEBOOK} .kesos-activity button.kesos-check:enabled",
                     expected_activities(p)) for p in chapters
                ]:
                    shut_down_everything(server)
                    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                    try:
                        times.setdefault(name, []).append(
                            run_all_timed(page, server, path.relative_to(REPO).as_posix(), sel, n))
                    finally:
                        page.context.close()
            browser.close()
    finally:
        shut_down_everything(server)
        server.stop()
        BLANK.unlink(missing_ok=True)
    b = times.pop("blank")
    blank, blank_run = statistics.median(t for t, _ in b), statistics.median(r for _, r in b)
    print(f"JupyterLab: open -> Run All -> every activity answerable (median of {args.runs}, one server, one run; "
          f"windowing mode {args.windowing})")
    print(f"  {'notebook':<31} {'open+run':>8}  {'ratio':>6}   {'after Run All':>13}")
    print(f"  {'blank notebook, one widget':<31} {blank:7.2f} s  {1:5.2f} x   {blank_run:11.2f} s")
    worst = 0.0
    for name, ts in times.items():
        m, r = statistics.median(t for t, _ in ts), statistics.median(r for _, r in ts)
        worst = max(worst, m / blank)
        print(f"  {args.lang + '/' + name:<31} {m:7.2f} s  {m / blank:5.2f} x   {r:11.2f} s")
    print(f"  worst chapter ratio              {worst:6.2f} x   (goal <= 1.3x: {'OK' if worst <= 1.3 else 'OVER'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
