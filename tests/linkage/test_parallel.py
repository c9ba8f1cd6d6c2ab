"""Batch work spread over worker processes gives exactly what one process gives."""

from __future__ import annotations

import signal

import numpy as np
import pytest

from songnuan.linkage import Linker, Record, linker, parallel
from songnuan.linkage.linker import top_k_per_left
from songnuan.linkage.parallel import map_row_ranges


@pytest.fixture
def small_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ranges of a few dozen rows, so the test sets make several tasks for the workers."""
    monkeypatch.setattr(parallel, "ROWS_PER_TASK", 37)


def test_ranges_cover_every_row_once_in_order_with_progress() -> None:
    counted: list[int] = []
    parts = map_row_ranges(lambda rows: [row * row for row in rows], 100, workers=2,
                           progress=counted.append, rows_per_task=7)
    assert [x for part in parts for x in part] == [row * row for row in range(100)]
    assert sum(counted) == 100 and len(counted) == 15


def test_no_rows_make_no_tasks() -> None:
    assert map_row_ranges(lambda rows: list(rows), 0, workers=2) == []


def test_parallel_linking_gives_the_matches_of_one_process(small_set, fitted,
                                                           small_tasks) -> None:
    found, missing, _ = small_set
    alone = Linker(fitted.params, workers=1).link(found, missing, top_k=10, threshold=0.0)
    shared = Linker(fitted.params, workers=2).link(found, missing, top_k=10, threshold=0.0)
    assert len(alone) > len(found)
    assert shared == alone


def test_parallel_fitting_learns_the_parameters_of_one_process(small_set, small_tasks) -> None:
    found, missing, _ = small_set
    alone = Linker(seed=3, workers=1).fit(found, missing).params
    shared = Linker(seed=3, workers=2).fit(found, missing).params
    assert alone is not None and shared is not None
    assert shared.m == alone.m and shared.u == alone.u
    assert shared.match_prior == alone.match_prior


def test_parallel_dedupe_finds_the_clusters_of_one_process(small_set, fitted,
                                                           small_tasks) -> None:
    _, missing, _ = small_set
    # Each report twice, the copy with a homophone name: every pair should cluster.
    copies = [Record(r.record_id + "-copy", name=r.name.replace("张", "章"), sex=r.sex,
                     birth_year=r.birth_year, native_place=r.native_place,
                     id_number=r.id_number) for r in missing[:200]]
    records = [*missing[:200], *copies]
    alone = Linker(fitted.params, workers=1).dedupe(records)
    shared = Linker(fitted.params, workers=2).dedupe(records)
    assert sorted(map(sorted, shared)) == sorted(map(sorted, alone))
    assert sum(len(cluster) > 1 for cluster in alone) >= 150


def test_each_row_keeps_its_k_best_pairs_by_evidence_ties_in_the_order_given() -> None:
    i = np.array([0, 0, 0, 0, 1, 1, 1, 2])
    bits = np.array([1.0, 5.0, 5.0, -3.0, 70.0, 80.0, 2.0, -40.0])
    # 70 and 80 bits both round to a probability of 1; the evidence still ranks them.
    p = 1.0 / (1.0 + np.exp2(-bits))
    best = top_k_per_left(i, bits, p, k=2, threshold=0.0)
    assert best.tolist() == [1, 2, 5, 4, 7]
    assert top_k_per_left(i, bits, p, k=2, threshold=0.5).tolist() == [1, 2, 5, 4]


@pytest.mark.parametrize("sampled", [37, 10_000])
def test_linking_what_was_just_fitted_reuses_its_scores_without_changing_them(
        small_set, monkeypatch: pytest.MonkeyPatch, sampled: int) -> None:
    """Fitting scores the pairs of some query rows (here 37, or all); linking the same records
    next takes those scores and computes the rest, as a linker that did not fit would."""
    monkeypatch.setattr(linker, "SAMPLE_QUERIES", sampled)
    found, missing, _ = small_set
    fitted = Linker(seed=3, workers=1).fit(found, missing)
    reused = fitted.link(found, missing, top_k=10, threshold=0.0)
    fresh = Linker(fitted.params, workers=1).link(found, missing, top_k=10, threshold=0.0)
    assert fitted._scored is not None and len(fitted._scored.rows) == min(sampled, len(found))
    assert reused == fresh


def _sigterm_is_default(rows: range) -> bool:
    return signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_workers_die_on_sigterm_whatever_handler_the_forking_process_has() -> None:
    """The pool's terminate sends SIGTERM; a worker that inherited a handler which only notes it
    (the task worker's, gunicorn's) would never exit, and the pool would wait for it forever."""
    noted = signal.signal(signal.SIGTERM, lambda signum, frame: None)
    try:
        answers = map_row_ranges(_sigterm_is_default, 4, workers=2, rows_per_task=1)
    finally:
        signal.signal(signal.SIGTERM, noted)
    assert answers == [True] * 4
