"""Median time of loading and validating all course content (goal: at most 0.3 s).

Each run parses every YAML file and validates it against the schema from scratch (no cache).
Run: .venv/bin/python benchmarks/bench_content.py [repeats]
"""
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kesos import content  # noqa: E402


def main(repeats: int = 15) -> None:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        course, problems = content.parse()
        times.append(time.perf_counter() - t)
    assert not problems, problems[:3]
    n = len(course.activities) + len(course.definitions) + len(course.lists) + len(course.glossary)
    print(f"load + validate all content ({n} items): median {statistics.median(times) * 1000:.1f} ms "
          f"over {repeats} runs (goal <= 300 ms)")
    t = time.perf_counter()
    for _ in range(100):
        content.load_course()
    print(f"cached load_course(): median {(time.perf_counter() - t) * 10:.2f} ms per call")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
