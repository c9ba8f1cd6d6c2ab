#!/usr/bin/env bash
# Kept for old notes: the linkage benchmark starts as `python -m benchmarks.linkage` (see --help).
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=python3
if [ -x .venv/bin/python ]; then
    PYTHON=.venv/bin/python
fi
exec "$PYTHON" -m benchmarks.linkage "$@"
