#!/usr/bin/env python3
"""Fit the linkage engine's parameters on a generated Chinese set and ship them in the package.

The platform scores each new record against the open reports one at a time, with too few pairs
to fit a model on; it loads these parameters instead. Usage (from the repository root):
    .venv/bin/python scripts/fit_linkage_params.py [--found 5000] [--missing 20000] [--seed 7]
The seed differs from the benchmark's (2024) so the benchmark does not score the training set.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.linkage.generate import generate, write_csv  # noqa: E402
from songnuan.linkage import Linker, read_records  # noqa: E402
from songnuan.linkage.tables import FITTED_PARAMETERS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--found", type=int, default=5_000)
    parser.add_argument("--missing", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", type=Path, default=FITTED_PARAMETERS)
    args = parser.parse_args()
    found, missing, _truth = generate(args.found, args.missing, seed=args.seed)
    with tempfile.TemporaryDirectory() as folder:
        write_csv(found, Path(folder) / "found.csv")
        write_csv(missing, Path(folder) / "missing.csv")
        left = read_records(Path(folder) / "found.csv")
        right = read_records(Path(folder) / "missing.csv")
    linker = Linker().fit(left, right)
    linker.save(args.output)
    print(f"parameters fitted on {len(left)} × {len(right)} records written to {args.output}")


if __name__ == "__main__":
    main()
