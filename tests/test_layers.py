"""The layer contract: imports run downhill only, and no two apps (nor two files of one app)
import each other. The floors are written down once, in scripts/imports.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_checker():
    spec = importlib.util.spec_from_file_location("layer_imports", ROOT / "scripts" / "imports.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


checker = _load_checker()

# Circles between files of one app, each kept for a reason said beside it.
KNOWN_FILE_CIRCLES = [
    # audit defines the base class of every audited model and writes AuditEvent, a model built
    # on it: record() imports the model inside the function (commented there).
    ["songnuan.accounts.audit", "songnuan.accounts.models"],
]


@pytest.fixture(scope="module")
def imports():
    return checker.read_imports(ROOT)


def test_every_app_and_module_stands_on_a_floor(imports):
    assert checker.unplaced(imports) == set()


def test_no_import_runs_uphill(imports):
    found = [f"{imp.where()}: {imp.source_unit} -> {imp.target_unit} ({imp.target})"
             for imp in checker.uphill(imports)]
    assert found == [], "imports that run uphill:\n" + "\n".join(found)


def test_no_two_apps_import_each_other(imports):
    assert checker.app_circles(imports) == []


def test_no_two_files_of_one_app_import_each_other(imports):
    assert [group for group in checker.file_circles(imports)
            if group not in KNOWN_FILE_CIRCLES] == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / "songnuan" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_the_checker_catches_an_uphill_import_inside_a_function(tmp_path):
    root = _tree(tmp_path, {
        "__init__.py": "",
        "geo/__init__.py": "def f():\n    from songnuan.outreach import models\n",
        "outreach/__init__.py": "",
        "outreach/models.py": "from songnuan.geo import f\n",
    })
    found = checker.read_imports(root)
    assert [(i.source_unit, i.target_unit, i.in_function) for i in checker.uphill(found)] == [
        ("geo", "outreach", True)]
    assert checker.app_circles(found) == [["geo", "outreach"]]


def test_the_checker_reads_relative_imports_and_circles_between_files(tmp_path):
    root = _tree(tmp_path, {
        "__init__.py": "",
        "weather/__init__.py": "",
        "weather/models.py": "from . import services\n",
        "weather/services.py": "from .models import Forecast\n",
    })
    found = checker.read_imports(root)
    assert checker.uphill(found) == []
    assert checker.file_circles(found) == [["songnuan.weather.models",
                                            "songnuan.weather.services"]]
