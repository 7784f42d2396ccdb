"""What the notebook benchmarks do first: run kernels as an installed kesos runs.

``pip install`` compiles a package's modules to bytecode once, and Python keeps bytecode for an
editable checkout on first import. A machine that sets ``PYTHONDONTWRITEBYTECODE=1`` (this one
does) would instead compile every kesos module again in every kernel, which no learner's kernel
does: so the benchmarks compile kesos once, as pip would, and let their kernels read that.
"""
from __future__ import annotations

import compileall
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def python_as_installed() -> None:
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None):
        print("note: this machine sets PYTHONDONTWRITEBYTECODE=1; the benchmark's kernels run without it,"
              " with kesos compiled to bytecode once, as pip install does\n")
    compileall.compile_dir(str(REPO / "kesos"), quiet=1)
