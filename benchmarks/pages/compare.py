"""Before/after table per URL pattern from two runs of benchmarks.pages (worst login of each).

    .venv/bin/python -m benchmarks.pages.compare BEFORE.csv AFTER.csv [--top 30] > table.md
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path


def worst_by_pattern(path: Path) -> dict[str, tuple[float, float, int]]:
    """{pattern: (wall p95, cpu p95, queries)}, each the worst over the logins."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if not line.startswith("#")]
    worst: dict[str, tuple[float, float, int]] = {}
    for row in csv.DictReader(lines):
        wall, cpu, queries = (float(row["wall_p95_ms"]), float(row["cpu_p95_ms"]),
                              int(row["queries"]))
        old = worst.get(row["pattern"], (0.0, 0.0, 0))
        worst[row["pattern"]] = (max(old[0], wall), max(old[1], cpu), max(old[2], queries))
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--top", type=int, default=0, help="only the N slowest before (CPU)")
    args = parser.parse_args()
    before, after = worst_by_pattern(args.before), worst_by_pattern(args.after)
    patterns = sorted(set(before) | set(after),
                      key=lambda p: -max(before.get(p, (0, 0, 0))[1], after.get(p, (0, 0, 0))[1]))
    if args.top:
        patterns = patterns[:args.top]
    print("| pattern | wall p95 before → after (ms) | CPU p95 before → after (ms) "
          "| queries before → after |")
    print("|---|---|---|---|")
    for pattern in patterns:
        old, new = before.get(pattern), after.get(pattern)
        cells = [f"{_cell(old, 0, '.0f')} → {_cell(new, 0, '.0f')}",
                 f"{_cell(old, 1, '.0f')} → {_cell(new, 1, '.0f')}",
                 f"{_cell(old, 2, 'd')} → {_cell(new, 2, 'd')}"]
        print(f"| `{pattern}` | " + " | ".join(cells) + " |")
    return 0


def _cell(values, index: int, spec: str) -> str:
    return "–" if values is None else format(values[index], spec)


if __name__ == "__main__":
    sys.exit(main())
