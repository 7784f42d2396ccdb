"""Median time of loading and validating all course content (goal: at most 0.3 s).

- cold: every YAML file parsed and validated from scratch (the per-file cache cleared);
- one file edited: what `kesos validate` / `kesos.show` pay after a lecturer edits one file;
- broken file: validation when one file has many problems (per-item salvage, references,
  nearest-id suggestions);
- cached ``load_course()``.
Run: .venv/bin/python benchmarks/bench_content.py [repeats]
"""
import contextlib
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kesos import content  # noqa: E402


def _median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main(repeats: int = 15) -> None:
    course, problems = content.parse(REPO)
    assert course is not None and not problems, problems[:3]
    n = len(course.activities) + len(course.definitions) + len(course.lists) + len(course.glossary)

    def cold():
        content._FILE_CACHE.clear()
        content.parse(REPO)

    print(f"validate all content, cold ({n} items): median {_median_ms(cold, repeats):.1f} ms "
          f"over {repeats} runs (goal <= 300 ms)")

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for folder in ("content", "glossary"):
            shutil.copytree(REPO / folder, root / folder)
        f = root / "content" / "activities" / "ch01.yaml"
        original = f.read_text(encoding="utf-8")
        edits = iter(range(10**9))

        def one_edit():
            f.write_text(original + f"# edit {next(edits)}\n", encoding="utf-8")
            content.parse(root)

        print(f"validate after editing one file: median {_median_ms(one_edit, repeats):.1f} ms")

        broken = original.replace("title: {id:", "title: {xx: 1, id:").replace("practises: [", "practises: [zzz, ")

        def many_problems():
            content._FILE_CACHE.clear()
            f.write_text(broken, encoding="utf-8")
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                assert content.main(["--root", str(root)]) == 1

        print(f"`kesos validate` with a broken file, cold: median {_median_ms(many_problems, repeats):.1f} ms")

    content.load_course(REPO)
    print(f"cached load_course(): median {_median_ms(lambda: content.load_course(REPO), 100):.2f} ms per call")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
