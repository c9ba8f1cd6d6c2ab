"""`songnuan link` and `songnuan dedupe`: run as a user would, with no database and no key."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

HEADER = ("record_id,name,sex,birth_year,age_estimate,recorded_on,height_cm,id_number,"
          "native_place,dialect,features\n")
FOUND = HEADER + (
    "F1,,M,,58,2026-11-20,168,,,山东口音,左手缺小指;右脸颊黑痣\n"
    "F2,李秀英,F,1950,,2026-11-21,155,,河南周口,,\n"
    "F3,王建国,M,1972,,2026-11-22,175,,山东临沂,,光头\n"
)
MISSING = HEADER + (
    "M1,张卫东,M,1968,,2026-10-01,170,,山东菏泽,山东口音,左手小指缺失;右脸有痣\n"
    "M2,李秀英,F,1950,,2026-09-12,156,,河南省周口市,,\n"
    "M3,赵敏,F,1990,,2026-08-01,160,,黑龙江,,\n"
)


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("SECRET_KEY", "DEBUG", "DEMO", "DJANGO_SETTINGS_MODULE")}
    # A database that does not exist: the commands must not touch it.
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'absent' / 'none.sqlite3'}"
    env["SONGNUAN_VAR_DIR"] = str(tmp_path / "var")
    return env


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = clean_env(tmp_path)
    return subprocess.run([sys.executable, "-m", "songnuan.cli", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_link_writes_scored_pairs_without_a_database_or_secret_key(tmp_path):
    left, right = write(tmp_path / "found.csv", FOUND), write(tmp_path / "missing.csv", MISSING)
    done = run(tmp_path, "link", str(left), str(right), "-o", "out.csv")
    assert done.returncode == 0, done.stderr
    pairs = rows(tmp_path / "out.csv")
    assert list(pairs[0]) == ["left_id", "right_id", "score"]
    assert ("F2", "M2") in {(p["left_id"], p["right_id"]) for p in pairs}
    assert all(float(p["score"]) >= 0.5 for p in pairs)
    assert not (tmp_path / "absent").exists()


def command(*args: str) -> None:
    """In process: pytest-django refuses any database access outside django_db tests."""
    call_command(*args)


def test_link_keeps_at_most_top_k_per_left_record_above_the_threshold(tmp_path):
    left, right = write(tmp_path / "found.csv", FOUND), write(tmp_path / "missing.csv", MISSING)
    command("link", str(left), str(right), "-o", str(tmp_path / "out.csv"), "--top-k", "1",
            "--threshold", "0.0")
    lefts = [p["left_id"] for p in rows(tmp_path / "out.csv")]
    assert len(lefts) == len(set(lefts)) >= 2


def test_dedupe_clusters_one_file(tmp_path):
    both = HEADER + FOUND.split("\n", 1)[1] + MISSING.split("\n", 1)[1]
    source = write(tmp_path / "all.csv", both)
    command("dedupe", str(source), "-o", str(tmp_path / "clusters.csv"))
    clusters = {r["record_id"]: r["cluster_id"] for r in rows(tmp_path / "clusters.csv")}
    assert set(clusters) == {"F1", "F2", "F3", "M1", "M2", "M3"}
    assert clusters["F2"] == clusters["M2"]
    assert clusters["M3"] == "M3"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_it_reads_files_with_a_bom_or_in_gb18030(tmp_path, encoding):
    source = write(tmp_path / "in.csv", MISSING, encoding)
    command("dedupe", str(source), "-o", str(tmp_path / "out.csv"))
    assert [r["record_id"] for r in rows(tmp_path / "out.csv")] == ["M1", "M2", "M3"]


MESSY = [
    ("name,sex\n张三,M\n", "row 1", "column record_id"),
    (HEADER + "A,张三,M,1960,,,,,,,\nA,李四,F,1970,,,,,,,\n", "row 3", "column record_id"),
    (HEADER + "A,张三,M,1960,,,,,,,\nB,李四,F,2999,,,,,,,\n", "row 3", "column birth_year"),
    (HEADER + "A,张三,X,1960,,,,,,,\n", "row 2", "column sex"),
    (HEADER + "A,张三,M,,,2026-13-40,,,,,\n", "row 2", "column recorded_on"),
    (HEADER + "A,张三,M,,,,高,,,,\n", "row 2", "column height_cm"),
    (HEADER + ",张三,M,,,,,,,,\n", "row 2", "column record_id"),
]


@pytest.mark.parametrize(("text", "row", "column"), MESSY)
def test_a_messy_file_fails_naming_row_and_column_and_writes_nothing(tmp_path, text, row, column):
    source = write(tmp_path / "in.csv", text)
    other = write(tmp_path / "other.csv", MISSING)
    for args in (("dedupe", str(source)), ("link", str(other), str(source))):
        with pytest.raises(CommandError) as failure:
            command(*args, "-o", str(tmp_path / "out.csv"))
        assert row in str(failure.value) and column in str(failure.value)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "other.csv"]


def test_a_messy_file_exits_non_zero_with_the_message_and_no_traceback(tmp_path):
    source = write(tmp_path / "in.csv", HEADER + "A,张三,M,1960,,,,,,,\nA,李四,F,1970,,,,,,,\n")
    done = run(tmp_path, "link", str(source), str(source), "-o", "out.csv")
    assert done.returncode != 0
    assert "row 3, column record_id: duplicate id 'A'" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "var") == ["in.csv"]


def test_a_file_in_neither_utf8_nor_gb18030_is_refused(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(HEADER.encode() + b"A,\xff\xfe\xff,M,,,,,,,,\n")
    with pytest.raises(CommandError, match="GB18030"):
        command("dedupe", str(source), "-o", str(tmp_path / "out.csv"))
    assert not (tmp_path / "out.csv").exists()


def test_a_missing_input_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="nope.csv"):
        command("dedupe", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "out.csv"))


def test_bad_options_are_refused_before_reading(tmp_path):
    with pytest.raises(CommandError, match="top-k"):
        command("link", "a.csv", "b.csv", "-o", "out.csv", "--top-k", "0")
    with pytest.raises(CommandError, match="threshold"):
        command("dedupe", "a.csv", "-o", "out.csv", "--threshold", "1.5")


def test_an_existing_output_survives_a_failed_run(tmp_path):
    write(tmp_path / "out.csv", "keep me\n")
    source = write(tmp_path / "in.csv", "name\n张三\n")
    with pytest.raises(CommandError):
        command("dedupe", str(source), "-o", str(tmp_path / "out.csv"))
    assert (tmp_path / "out.csv").read_text() == "keep me\n"


def test_progress_is_shown_on_a_terminal(tmp_path):
    import fcntl
    import pty
    import struct
    import termios

    source = write(tmp_path / "in.csv", MISSING)
    env = clean_env(tmp_path)
    primary, secondary = pty.openpty()
    # A new pseudo-terminal is 0 columns wide, where a progress bar has no room at all.
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    done = subprocess.run([sys.executable, "-m", "songnuan.cli", "dedupe", str(source), "-o",
                           str(tmp_path / "out.csv")], cwd=tmp_path, env=env, stdout=secondary,
                          stderr=secondary, timeout=300)
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    assert done.returncode == 0, shown.decode(errors="replace")
    assert b"dedupe" in shown and b"3/3" in shown
    assert b"pkg_resources" not in shown
