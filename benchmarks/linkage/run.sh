#!/usr/bin/env bash
# Reproduce the linkage benchmark: engine vs Splink 5 (DuckDB), Chinese sets and FEBRL4.
# Usage: benchmarks/linkage/run.sh [--skip-large] [--skip-latency] [--index-size N]
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=benchmarks/.venv
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q -r benchmarks/linkage/requirements.txt -r songnuan/linkage/requirements.txt
# OpenBLAS core overrides slow numpy down and the comparisons here do not use BLAS kernels.
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=. "$VENV/bin/python" -m benchmarks.linkage.bench "$@"
