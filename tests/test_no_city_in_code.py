"""Outside the demo, the code speaks of "the city": the one it serves is data (setup-city)."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "songnuan"
DEFAULT_CITY_NAMES = re.compile(r"qingdao|青岛|琴岛|370200", re.IGNORECASE)
SCANNED = ("*.py", "*.html", "*.js", "*.txt", "*.css")
# The demo keeps its city and its data; migrations seed the registry the default city starts
# with; and one line names that default.
ALLOWED_DIRECTORIES = ("demo", "migrations", "vendor")
ALLOWED_LINES = {("geo/cities.py", 'DEFAULT_CITY_CODE = "370200"')}


def city_mentions() -> list[str]:
    found = []
    for pattern in SCANNED:
        for path in PACKAGE.rglob(pattern):
            relative = path.relative_to(PACKAGE)
            if any(part in ALLOWED_DIRECTORIES for part in relative.parts[:-1]) or \
                    relative.stem == "demo":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if DEFAULT_CITY_NAMES.search(line) and \
                        (relative.as_posix(), line.strip()) not in ALLOWED_LINES:
                    found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_no_code_outside_the_demo_names_the_default_city():
    assert city_mentions() == []
