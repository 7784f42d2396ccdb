"""JupyterLab in headless Chromium (issue 9): "Run All → every activity answerable" for every
chapter, against a blank notebook with one widget — same server, same browser, same run.

For each notebook: open it (kernel idle), then time from the Run All menu click until every
activity shows an enabled Check button (the blank notebook: until its one slider is shown).
Prints each chapter's median over --runs and its ratio to the blank notebook (goal <= 1.3x).

Usage: PYTHONPATH=. KESOS_CHROMIUM=/usr/bin/chromium python benchmarks/bench_lab.py [--runs N] [--lang en]
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

from tests.browser import harness  # noqa: E402
from tests.browser.test_chapters import expected_activities, shut_down_everything  # noqa: E402

BLANK = REPO / "tests" / "browser" / "_tmp" / "bench_blank.ipynb"


def run_all_timed(page, server, rel: str, selector: str, count: int) -> float:
    harness.open_notebook(page, server, rel)
    page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current").first.click()
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    item = page.locator(".lm-Menu-item:not(.lm-mod-disabled)", has_text="Run All Cells").first
    t = time.perf_counter()
    item.click()
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length >= n", arg=[selector, count],
        timeout=harness.NOTEBOOK_RUN_TIMEOUT_MS, polling=50)
    return time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lang", default="en")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    harness.write_notebook(BLANK, [("code", "import ipywidgets\nipywidgets.IntSlider()")])
    server = harness.start_lab_server(Path(tempfile.mkdtemp()))
    chapters = [p for p in sorted((REPO / "notebooks" / args.lang).glob("*.ipynb")) if expected_activities(p)]
    times: dict[str, list[float]] = {"blank": []}
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
    blank = statistics.median(times.pop("blank"))
    print(f"JupyterLab, Run All -> every activity answerable (median of {args.runs}, one server, one run)")
    print(f"  blank notebook, one widget       {blank:6.2f} s")
    worst = 0.0
    for name, ts in times.items():
        m = statistics.median(ts)
        worst = max(worst, m / blank)
        print(f"  {args.lang}/{name:<28} {m:6.2f} s   {m / blank:5.2f} x")
    print(f"  worst chapter ratio              {worst:6.2f} x   (goal <= 1.3x: {'OK' if worst <= 1.3 else 'OVER'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
