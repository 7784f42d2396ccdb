"""Median time of `import kesos` in a fresh interpreter (goal: at most 0.3 s).

Also checks that importing kesos does not pull in pandas, matplotlib or ipywidgets.
Run: .venv/bin/python benchmarks/bench_import.py [repeats]
"""
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = (
    "import sys, time; t=time.perf_counter(); import kesos; d=time.perf_counter()-t; "
    "heavy=[m for m in ('pandas','matplotlib','ipywidgets','IPython') if m in sys.modules]; "
    "print(d, ','.join(heavy))"
)


def main(repeats: int = 15) -> None:
    times, heavy = [], set()
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, cwd=ROOT, check=True)
        d, mods = out.stdout.strip().split(" ", 1) if " " in out.stdout.strip() else (out.stdout.strip(), "")
        times.append(float(d))
        heavy.update(m for m in mods.split(",") if m)
    wall = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import kesos"], cwd=ROOT, check=True)
        wall.append(time.perf_counter() - t)
    print(f"import kesos (in-process): median {statistics.median(times) * 1000:.1f} ms over {repeats} runs (goal <= 300 ms)")
    print(f"python -c 'import kesos' (whole interpreter): median {statistics.median(wall) * 1000:.1f} ms")
    print(f"heavy modules imported by kesos: {sorted(heavy) or 'none'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
