"""`python -m benchmarks.linkage`: the linkage engine against Splink 5 (DuckDB), in one run.

    .venv/bin/python -m benchmarks.linkage [--skip-large] [--skip-latency] [--index-size N]

Splink, DuckDB and their pinned numpy live in a virtualenv of their own, benchmarks/.venv, which
this builds on first use from benchmarks/linkage/requirements.txt and the engine's
songnuan/linkage/requirements.txt; the benchmark (`benchmarks.linkage.bench`) then runs there.
Figures: benchmarks/out/linkage.json and linkage.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.linkage.bench import arguments

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / "benchmarks" / ".venv"
REQUIREMENTS = ("benchmarks/linkage/requirements.txt", "songnuan/linkage/requirements.txt")


def ensure_venv() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    requirements = [arg for path in REQUIREMENTS for arg in ("-r", str(ROOT / path))]
    subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", *requirements], check=True)
    return python


def main() -> None:
    arguments().parse_args()  # --help and mistakes are answered here, before any install
    python = ensure_venv()
    # OpenBLAS core overrides slow numpy down and the comparisons here do not use BLAS kernels.
    env = {key: value for key, value in os.environ.items()
           if key not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env["PYTHONPATH"] = str(ROOT)
    os.chdir(ROOT)
    os.execve(python, [str(python), "-m", "benchmarks.linkage.bench", *sys.argv[1:]], env)


main()
