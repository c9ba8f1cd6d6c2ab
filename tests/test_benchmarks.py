"""Every benchmark starts the same way, `python -m benchmarks.<name>`, answers `--help`, and is
listed in benchmarks/README.md."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
NAMES = sorted(path.name for path in BENCHMARKS.iterdir()
               if path.is_dir() and not path.name.startswith((".", "_")) and path.name != "out"
               and any(path.glob("*.py")))


def test_every_benchmark_starts_as_a_module_and_is_listed():
    readme = (BENCHMARKS / "README.md").read_text(encoding="utf-8")
    assert [name for name in NAMES if not (BENCHMARKS / name / "__main__.py").exists()] == []
    assert [name for name in NAMES if f"| `{name}` |" not in readme] == []


@pytest.mark.parametrize("name", NAMES)
def test_every_benchmark_answers_help(name, monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", [f"python -m benchmarks.{name}", "--help"])
    with pytest.raises(SystemExit) as stopped:
        runpy.run_module(f"benchmarks.{name}", run_name="__main__", alter_sys=False)
    assert stopped.value.code == 0
    assert f"usage: python -m benchmarks.{name}" in capsys.readouterr().out
