"""The benchmark's generator writes the same files for the same seed, in any process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def generate_in_new_process(out_dir: Path, seed: int, hash_seed: str) -> dict[str, bytes]:
    """Run the generator as its own program with the given string-hash seed; its files' bytes."""
    subprocess.run(
        [sys.executable, "-m", "benchmarks.linkage.generate", str(out_dir),
         "--found", "300", "--missing", "1200", "--seed", str(seed)],
        cwd=REPOSITORY, env={**os.environ, "PYTHONHASHSEED": hash_seed}, check=True,
        capture_output=True)
    return {path.name: path.read_bytes() for path in sorted(out_dir.iterdir())}


def test_the_same_seed_gives_the_same_bytes_whatever_the_hash_seed(tmp_path: Path) -> None:
    first = generate_in_new_process(tmp_path / "first", seed=11, hash_seed="1")
    second = generate_in_new_process(tmp_path / "second", seed=11, hash_seed="2")
    assert sorted(first) == ["found.csv", "groups.csv", "missing.csv", "truth.csv"]
    assert first == second


def test_another_seed_gives_other_people(tmp_path: Path) -> None:
    first = generate_in_new_process(tmp_path / "first", seed=11, hash_seed="1")
    other = generate_in_new_process(tmp_path / "other", seed=12, hash_seed="1")
    assert first["missing.csv"] != other["missing.csv"]
