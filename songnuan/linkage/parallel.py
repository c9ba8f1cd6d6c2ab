"""Batch work over ranges of query rows, spread over the machine's cores.

Scoring a large batch is the same work for every query row, so the rows are cut into ranges and
each range runs in a forked worker process. Forking shares the frames and blocks already built
in memory without copying or pickling them; only each range's results come back. Small batches,
one core, or a platform without fork run the ranges in this process, with the same results.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# A range of query rows per task: enough work to repay sending its results back, and small
# enough that the workers finish together and progress moves steadily.
ROWS_PER_TASK = 1_000

# In a worker process, the task it runs on every range it is sent.
_task: Callable[[range], object] | None = None


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_row_ranges(task: Callable[[range], T], n_rows: int, workers: int,
                   progress: Callable[[int], None] | None = None,
                   rows_per_task: int | None = None) -> list[T]:
    """task(range) over consecutive ranges covering rows 0…n_rows-1, results in row order."""
    step = rows_per_task or ROWS_PER_TASK
    ranges = [range(start, min(start + step, n_rows)) for start in range(0, n_rows, step)]
    workers = min(workers, len(ranges))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [_done(task(rows), rows, progress) for rows in ranges]
    pool = multiprocessing.get_context("fork").Pool(workers, _take_task, (task,))
    try:
        results = [_done(result, rows, progress)
                   for rows, result in zip(ranges, pool.imap(_run_task, ranges), strict=True)]
        # Let the workers leave on the pool's own sentinel: terminate's SIGTERM can reach a
        # worker before its initializer restores the default handler, and a worker that
        # inherited a handler which only notes the signal then waits on the queue forever.
        pool.close()
        pool.join()
        return results
    finally:
        pool.terminate()


def _take_task(task: Callable[[range], object]) -> None:
    """In a new worker: keep the task it was forked with (handed over in memory, not pickled),
    and let SIGTERM end it whatever handler the forking process installed. The pool's
    terminate relies on that signal: a worker that only notes it (as gunicorn's workers and the
    task worker do) stays blocked on the pool's queue, and the pool waits for it forever."""
    global _task
    _task = task
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run_task(rows: range) -> object:
    assert _task is not None
    return _task(rows)


def _done(result: T, rows: range, progress: Callable[[int], None] | None) -> T:
    if progress is not None:
        progress(len(rows))
    return result
