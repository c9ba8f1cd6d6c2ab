"""Read every import in songnuan/ and hold it against the layers the project is built in.

    python scripts/imports.py [--list]

Prints the cross-app import circles, the imports that run uphill against LAYERS, the circles
between files of one app, and the imports of the project's own modules made inside a function,
with their counts. `--list` prints every uphill and function-level import. The layers are
written down here once; tests/test_layers.py holds the code to them.

A unit is an app (songnuan/<app>/) or a top-level module (songnuan/<name>.py). Every import
counts, at the top of a file or inside a function, since both are a dependency; one made only
for type checkers (`if TYPE_CHECKING:`) runs uphill all the same but closes no circle. Demo loaders
(`*/demo*.py`) belong to the top floor wherever they live, as they load data into every app.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "songnuan"

# Bottom to top. A unit may import its own floor or lower, never higher; within a floor only
# where no circle forms (the circle check catches that).
LAYERS: list[tuple[str, list[str]]] = [
    (
        "base",
        [
            "geo", "formulas", "storable", "images", "refusals", "scheduling", "prepared",
            "table_import", "private_files", "signed_requests", "shell", "linkage", "api",
            "models", "migrations", "pending_uploads",
            "tasks", "maptiles", "security_headers", "db_roles", "worker", "context_processors",
            "observability.logs", "words", "templatetags",
        ],
    ),
    ("accounts", ["accounts", "actors", "notify"]),
    ("districts and sites", ["network"]),
    ("gazetteer and protocol", ["places", "weather"]),
    ("people", ["people"]),
    ("casework", ["leads", "shelter", "supplies", "duty"]),
    ("field work", ["outreach", "tracing", "hotline"]),
    ("oversight", ["analytics", "cameras", "incidents", "cases"]),
    (
        "top",
        [
            "api.main", "urls", "observability", "drill", "management", "cli", "demo", "settings",
            "health", "views", "backup", "apps", "asgi", "wsgi", "gunicorn_config",
        ],
    ),
]

# Modules that stand apart from the rest of their package.
MODULE_UNITS = {
    "songnuan.api.main": "api.main",  # assembles every app's router
    "songnuan.observability.logs": "observability.logs",  # stdlib-only log context
}

FLOOR = {unit: index for index, (_, units) in enumerate(LAYERS) for unit in units}


@dataclass(frozen=True)
class Import:
    """One import of a project module: who imports what, where, and whether inside a function."""

    source: str  # dotted module doing the import
    target: str  # dotted project module imported
    path: str  # file, relative to the repository
    line: int
    in_function: bool
    type_only: bool = False

    @property
    def source_unit(self) -> str:
        return unit_of(self.source)

    @property
    def target_unit(self) -> str:
        return unit_of(self.target)

    def where(self) -> str:
        return f"{self.path}:{self.line}"


def unit_of(module: str) -> str:
    """The app or top-level module a dotted module belongs to."""
    parts = module.split(".")
    if len(parts) == 1:
        return PACKAGE
    if parts[-1].startswith("demo") or parts[1] == "demo":
        return "demo"
    return MODULE_UNITS.get(module, parts[1])


def floor_of(unit: str) -> int | None:
    return FLOOR.get(unit)


def module_name(path: Path, root: Path) -> str:
    relative = path.relative_to(root).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(dotted: str, root: Path) -> bool:
    base = root.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _resolve_from(node: ast.ImportFrom, source: str, is_package: bool) -> str | None:
    if node.level == 0:
        return node.module
    anchor = source.split(".")
    if not is_package:
        anchor = anchor[:-1]
    anchor = anchor[: len(anchor) - (node.level - 1)]
    return ".".join(anchor + ([node.module] if node.module else []))


def _targets(node: ast.AST, source: str, is_package: bool, root: Path) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.split(".")[0] == PACKAGE:
                yield alias.name
        return
    assert isinstance(node, ast.ImportFrom)
    base = _resolve_from(node, source, is_package)
    if not base or base.split(".")[0] != PACKAGE:
        return
    named = [f"{base}.{alias.name}" for alias in node.names]
    submodules = [name for name in named if is_module(name, root)]
    yield from submodules
    if len(submodules) < len(named):
        yield base


def _is_type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None) if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, in_function: bool = False,
          type_only: bool = False) -> Iterator[tuple[ast.AST, bool, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, in_function, type_only
        inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
        yield from _walk(child, inside, type_only or _is_type_checking(child))


def read_imports(root: Path = ROOT) -> list[Import]:
    """Every import of a project module made in the package's Python files."""
    found: list[Import] = []
    for path in sorted((root / PACKAGE).rglob("*.py")):
        source = module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node, in_function, type_only in _walk(tree):
            for target in _targets(node, source, is_package, root):
                if target in (source, PACKAGE):
                    continue
                relative = str(path.relative_to(root))
                found.append(Import(source, target, relative, node.lineno, in_function,
                                    type_only))
    return found


def uphill(imports: Iterable[Import]) -> list[Import]:
    """Imports from a lower floor into a higher one (or touching a unit with no floor)."""
    found = []
    for imp in imports:
        low, high = floor_of(imp.source_unit), floor_of(imp.target_unit)
        if imp.source_unit == imp.target_unit:
            continue
        if low is None or high is None or high > low:
            found.append(imp)
    return found


def unplaced(imports: Iterable[Import]) -> set[str]:
    units = {imp.source_unit for imp in imports} | {imp.target_unit for imp in imports}
    return {unit for unit in units if floor_of(unit) is None and unit != PACKAGE}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(groups)


def app_circles(imports: Iterable[Import]) -> list[list[str]]:
    """Circles between units (apps and top-level modules)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for imp in imports:
        if imp.source_unit != imp.target_unit and not imp.type_only:
            edges[imp.source_unit].add(imp.target_unit)
    return circles(edges)


def mutual_pairs(imports: Iterable[Import]) -> list[tuple[str, str]]:
    """Units that import each other directly: the shortest circles, easiest to read."""
    edges = {(imp.source_unit, imp.target_unit) for imp in imports if not imp.type_only}
    return sorted((a, b) for a, b in edges if a < b and (b, a) in edges)


def file_circles(imports: Iterable[Import]) -> list[list[str]]:
    """Circles between files of one unit (say an app's models and its services)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for imp in imports:
        if imp.source_unit == imp.target_unit and not imp.type_only:
            if imp.source.startswith(imp.target + "."):
                continue  # a module reading its own package's __init__ is no circle
            edges[imp.source].add(imp.target)
    return circles(edges)


def function_level(imports: Iterable[Import]) -> list[Import]:
    return [imp for imp in imports if imp.in_function]


def circle_edges(group: list[str], imports: Iterable[Import], by_unit: bool) -> list[Import]:
    members = set(group)
    found = []
    for imp in imports:
        ends = (imp.source_unit, imp.target_unit) if by_unit else (imp.source, imp.target)
        if ends[0] != ends[1] and set(ends) <= members:
            found.append(imp)
    return found


def report(imports: list[Import], listing: bool) -> str:
    lines = []
    cross = app_circles(imports)
    lines.append(f"cross-app circles: {len(cross)}")
    for group in cross:
        lines.append("  " + " <-> ".join(group))
        if listing:
            for imp in circle_edges(group, imports, by_unit=True):
                lines.append(f"    {imp.source_unit} -> {imp.target_unit}  {imp.where()}")
    pairs = mutual_pairs(imports)
    lines.append(f"pairs of units importing each other: {len(pairs)}")
    lines.extend(f"  {a} <-> {b}" for a, b in pairs)
    up = uphill(imports)
    lines.append(f"uphill imports: {len(up)}")
    for imp in up if listing else []:
        lines.append(f"  {imp.source_unit} -> {imp.target_unit}  {imp.target}  {imp.where()}")
    inner = file_circles(imports)
    lines.append(f"circles between files of one app: {len(inner)}")
    for group in inner:
        lines.append("  " + " <-> ".join(group))
    local = function_level(imports)
    files = {imp.path for imp in local}
    ready = [imp for imp in local if imp.path.endswith("/apps.py")]
    lines.append(f"function-level project imports: {len(local)} in {len(files)} files "
                 f"({len(ready)} of them in AppConfig.ready(), where the app registry wants them)")
    for imp in local if listing else []:
        lines.append(f"  {imp.where()}  {imp.target}")
    missing = unplaced(imports)
    if missing:
        lines.append(f"units on no floor: {', '.join(sorted(missing))}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list every import counted")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository to read")
    args = parser.parse_args(argv)
    imports = read_imports(args.root.resolve())
    print(report(imports, args.list))
    return 1 if app_circles(imports) or uphill(imports) else 0


if __name__ == "__main__":
    sys.exit(main())
