"""The CSV entry points on messy files: encodings, bad rows, and no partial output."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from songnuan.linkage import CSVError, dedupe_file, link_files
from songnuan.linkage.cli import main

HEADER = "record_id,name,sex,birth_year,age_estimate,recorded_on,height_cm,id_number," \
         "native_place,dialect,features\n"
LEFT = HEADER + "F1,章伟,M,,52,2024-12-01,170,,河南,河南口音,左手缺小指\n" \
                "F2,无名氏,F,,70,2024-12-02,,,,东北口音,\n"
RIGHT = HEADER + "M1,张伟,M,1972,,2024-01-01,171,,河南省周口市太康县,,左手少一根手指\n" \
                 "M2,李秀英,F,1954,,2023-05-01,155,,黑龙江哈尔滨,,\n" \
                 "M3,王建国,M,1960,,2022-01-01,,,山东,,\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def test_it_links_files_in_utf8_with_bom_and_gb18030(tmp_path: Path) -> None:
    left = write(tmp_path / "left.csv", "\ufeff" + LEFT)
    right = write(tmp_path / "right.csv", RIGHT, "gb18030")
    out = tmp_path / "out.csv"
    link_files(left, right, out, top_k=2, threshold=0.0)
    rows = read(out)
    assert list(rows[0]) == ["left_id", "right_id", "score"]
    best_for_f1 = next(r for r in rows if r["left_id"] == "F1")
    assert best_for_f1["right_id"] == "M1"
    assert all(0.0 <= float(r["score"]) <= 1.0 for r in rows)
    assert max(sum(r["left_id"] == left_id for r in rows) for left_id in ("F1", "F2")) <= 2


@pytest.mark.parametrize(("text", "row", "column"), [
    (HEADER.replace("record_id,", "id,") + "F1,张伟,M,,,,,,,,\n", 1, "record_id"),
    (HEADER + "F1,张伟,M,,,,,,,,\nF1,李娜,F,,,,,,,,\n", 3, "record_id"),
    (HEADER + "F1,张伟,M,,,,,,,,\n,李娜,F,,,,,,,,\n", 3, "record_id"),
    (HEADER + "F1,张伟,M,1800,,,,,,,\n", 2, "birth_year"),
    (HEADER + "F1,张伟,M,19x0,,,,,,,\n", 2, "birth_year"),
    (HEADER + "F1,张伟,男,,,,,,,,\n", 2, "sex"),
    (HEADER + "F1,张伟,M,,,2024-02-30,,,,,\n", 2, "recorded_on"),
    (HEADER + "F1,张伟,M,,,,400,,,,\n", 2, "height_cm"),
    (HEADER.replace("features", "features,birth_date") + "F1,张伟,M,1972,,,,,,,,1971-05-02\n",
     2, "birth_date"),
    (HEADER.replace("features", "features,birth_date") + "F1,张伟,M,,,,,,,,,1972-02-30\n",
     2, "birth_date"),
])
def test_bad_input_names_file_row_and_column_and_leaves_no_output(
        tmp_path: Path, text: str, row: int, column: str) -> None:
    bad = write(tmp_path / "bad.csv", text)
    good = write(tmp_path / "good.csv", RIGHT)
    out = tmp_path / "out.csv"
    with pytest.raises(CSVError) as caught:
        link_files(bad, good, out)
    assert caught.value.row == row and caught.value.column == column
    assert "bad.csv" in str(caught.value)
    assert list(tmp_path.iterdir()) == [bad, good] or set(tmp_path.iterdir()) == {bad, good}


def test_dedupe_writes_a_cluster_for_every_record(tmp_path: Path) -> None:
    source = write(tmp_path / "in.csv", RIGHT + "M4,張偉,M,1972,,2024-02-01,170,,河南周口,,\n")
    out = tmp_path / "clusters.csv"
    dedupe_file(source, out)
    clusters = {r["record_id"]: r["cluster_id"] for r in read(out)}
    assert set(clusters) == {"M1", "M2", "M3", "M4"}
    assert clusters["M4"] == clusters["M1"] == "M1"
    assert clusters["M2"] != clusters["M3"]


def test_the_command_line_reports_bad_input_with_exit_status_2(tmp_path: Path, capsys) -> None:
    bad = write(tmp_path / "bad.csv", HEADER + "F1,张伟,X,,,,,,,,\n")
    out = tmp_path / "out.csv"
    assert main(["dedupe", str(bad), "-o", str(out)]) == 2
    assert "row 2, column sex" in capsys.readouterr().err
    assert not out.exists()


def test_the_command_line_links_two_files(tmp_path: Path) -> None:
    left = write(tmp_path / "left.csv", LEFT)
    right = write(tmp_path / "right.csv", RIGHT)
    out = tmp_path / "out.csv"
    assert main(["link", str(left), str(right), "-o", str(out), "--threshold", "0"]) == 0
    assert read(out)


def test_short_rows_read_as_empty_cells_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    from songnuan.linkage import read_records

    text = (HEADER.replace("name,", " name ,") + "F1, 章伟 ,M,,52\n\n"
            "F2,李娜,F,1990,,,,,,,,surplus cell\n")
    first, second = read_records(write(tmp_path / "ragged.csv", text))
    assert (first.record_id, first.name, first.age_estimate, first.features) == ("F1", "章伟",
                                                                                52.0, ())
    assert (second.record_id, second.birth_year, second.native_place) == ("F2", 1990, "")
