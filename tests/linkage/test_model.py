"""EM fitting, scoring, explanations, blocking recall and the Index against the batch path."""

from __future__ import annotations

import numpy as np

from songnuan.linkage import Index, Linker, Parameters, Record
from songnuan.linkage.blocking import Blocks
from songnuan.linkage.comparisons import COMPARISONS
from songnuan.linkage.model import estimate_m, estimate_u
from songnuan.linkage.records import prepare


def synthetic_levels(rng: np.random.Generator, n_match: int, n_non: int,
                     m: dict[str, list[float]], u: dict[str, list[float]]) -> np.ndarray:
    columns = []
    for c in COMPARISONS:
        pm, pu = np.array(m[c.code]), np.array(u[c.code])
        matches = rng.choice(len(c.levels), n_match, p=pm / pm.sum())
        others = rng.choice(len(c.levels), n_non, p=pu / pu.sum())
        columns.append(np.r_[matches, others])
    return np.stack(columns, axis=1).astype(np.int8)


def test_em_recovers_known_m_and_match_share_on_synthetic_pairs() -> None:
    rng = np.random.default_rng(5)
    truth = Parameters.default()
    m = {c.code: list(np.array(truth.m[c.code]) / sum(truth.m[c.code])) for c in COMPARISONS}
    m["sex"] = [0.9, 0.1]
    m["height"] = [0.7, 0.2, 0.07, 0.03]
    u = {c.code: list(np.array(truth.u[c.code]) / sum(truth.u[c.code])) for c in COMPARISONS}
    levels = synthetic_levels(rng, 3000, 27000, m, u)
    fitted, share = estimate_m(levels, u, held_out=set())
    assert abs(share - 0.1) < 0.02
    assert np.allclose(fitted["sex"], m["sex"], atol=0.03)
    assert np.allclose(fitted["height"], m["height"], atol=0.04)
    assert np.allclose(fitted["name"], m["name"], atol=0.04)


def test_u_from_random_pairs_matches_the_level_shares() -> None:
    rng = np.random.default_rng(6)
    truth = Parameters.default()
    levels = synthetic_levels(rng, 0, 50000, truth.m, truth.u)
    u = estimate_u(levels)
    expected = np.array(truth.u["birth_year"]) / sum(truth.u["birth_year"])
    assert np.allclose(u["height"], truth.u["height"], atol=0.01)
    assert np.allclose(u["birth_year"], expected, atol=0.01)


def test_the_linker_finds_most_true_pairs_and_few_false_ones(small_set, fitted) -> None:
    found, missing, truth = small_set
    matches = fitted.link(found, missing, top_k=10, threshold=0.5)
    decided = {(m.left_id, m.right_id) for m in matches}
    true_positives = len(decided & truth)
    assert true_positives / len(decided) > 0.7
    assert true_positives / len(truth) > 0.6


def test_blocking_keeps_recall_high(small_set) -> None:
    found, missing, truth = small_set
    blocks = Blocks()
    prepared_missing = [prepare(r) for r in missing]
    blocks.add_all(prepared_missing)
    row_of = {r.record_id: n for n, r in enumerate(missing)}
    by_id = {r.record_id: r for r in found}
    kept = sum(row_of[right] in set(blocks.candidates(prepare(by_id[left])).tolist())
               for left, right in truth)
    assert kept / len(truth) > 0.85


def test_the_index_gives_the_same_answers_as_the_batch_path(small_set, fitted) -> None:
    found, missing, _ = small_set
    batch = fitted.link(found[:60], missing, top_k=5, threshold=0.0)
    index = fitted.index(missing, one_to_one=True)
    online = [m for record in found[:60] for m in index.query(record, k=5, explain=False)]
    assert [(m.left_id, m.right_id) for m in batch] == [(m.left_id, m.right_id) for m in online]
    assert np.allclose([m.score for m in batch], [m.score for m in online])


def test_the_index_forgets_removed_records_and_learns_added_ones(fitted) -> None:
    report = Record("M1", name="张建国", sex="M", birth_year=1956, native_place="河南周口")
    index = Index(fitted.params, [report])
    found = Record("F1", name="章建国", sex="M", age_estimate=67, native_place="河南",
                   recorded_on=__import__("datetime").date(2023, 1, 5))
    assert [m.right_id for m in index.query(found)] == ["M1"]
    index.remove("M1")
    assert index.query(found) == [] and "M1" not in index
    index.add(report)
    assert [m.right_id for m in index.query(found)] == ["M1"]


def test_a_pair_is_explained_field_by_field(fitted) -> None:
    a = Record("F1", name="章伟", sex="M", age_estimate=60,
               recorded_on=__import__("datetime").date(2024, 1, 1), dialect="河南口音")
    b = Record("M1", name="张伟", sex="M", birth_year=1990, native_place="河南省周口市")
    match = fitted.explain(a, b)
    codes = {code: (bits, text) for code, bits, text in match.explanation}
    assert codes["name"][0] > 3 and "同音" in codes["name"][1]
    assert codes["birth_year"][0] < 0 and "26" in codes["birth_year"][1]
    assert codes["dialect"][0] > 0
    assert 0.0 <= match.score <= 1.0


def test_a_common_name_counts_for_less_than_a_rare_one(fitted, small_set) -> None:
    shares = fitted.params.frequencies.names
    most_common = max(shares, key=shares.get)
    name = next(r.name for r in small_set[1] if prepare(r).name.pinyin == most_common)
    common = fitted.explain(Record("a", name=name), Record("b", name=name))
    rare = fitted.explain(Record("a", name="诸葛翠花"), Record("b", name="诸葛翠花"))
    assert rare.bits > common.bits


def test_parameters_survive_a_save_and_load(tmp_path, fitted, small_set) -> None:
    found, missing, _ = small_set
    fitted.save(tmp_path / "params.json")
    again = Linker.load(tmp_path / "params.json")
    first = fitted.link(found[:30], missing, top_k=3, threshold=0.0)
    second = again.link(found[:30], missing, top_k=3, threshold=0.0)
    assert [(m.left_id, m.right_id) for m in first] == [(m.left_id, m.right_id) for m in second]


def test_dedupe_puts_the_same_person_in_one_cluster(fitted) -> None:
    records = [
        Record("a", name="张建国", sex="M", birth_year=1956, native_place="河南省周口市太康县",
               id_number="411627195604129917"),
        Record("b", name="張建國", sex="M", birth_year=1956, native_place="河南周口",
               id_number="411627195604129917"),
        Record("c", name="李娜", sex="F", birth_year=1990, native_place="四川成都"),
    ]
    clusters = sorted(sorted(c) for c in fitted.dedupe(records))
    assert clusters == [["a", "b"], ["c"]]


def test_blocking_finds_latin_names_with_typos_in_both_words_through_the_place() -> None:
    stored = Record("M1", name="bzeuch nikiga", birth_year=1946, native_place="mcdowall 3020")
    swapped = Record("M2", name="laznger gabrielle", birth_year=1980)
    blocks = Blocks()
    blocks.add_all([prepare(stored), prepare(swapped)])
    query = Record("F1", name="bezuch nikita", birth_year=1946, native_place="mcdowall 3020")
    assert blocks.candidates(prepare(query)).tolist() == [0]
    query = Record("F2", name="gabrielle langer", birth_year=1980, native_place="paddington")
    assert blocks.candidates(prepare(query)).tolist() == [1]
