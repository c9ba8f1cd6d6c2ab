"""The demo sits on the top floor: it imports the apps, and no app imports it.

Only the project's own commands (songnuan/management) start it. An app that reached into the demo
would ship sample data as part of the domain and pull every other app in with it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import songnuan

ROOT = Path(songnuan.__file__).parent
MAY_IMPORT_THE_DEMO = ("demo", "management")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def reaches_the_demo(name: str) -> bool:
    return name == "songnuan.demo" or name.startswith("songnuan.demo.")


def test_no_app_imports_the_demo():
    offenders = sorted(
        str(path.relative_to(ROOT)) for path in ROOT.rglob("*.py")
        if path.relative_to(ROOT).parts[0] not in MAY_IMPORT_THE_DEMO
        and any(reaches_the_demo(name) for name in imported_modules(path))
    )
    assert offenders == []


def test_every_demo_step_lives_in_the_demo_package():
    from songnuan.demo import STEPS

    assert all(step.__name__.startswith("songnuan.demo.") for step in STEPS)
    assert not list(ROOT.glob("*/demo*.py"))
