"""Batch linking and de-duplication, and the in-memory index for one record at a time.

:class:`Linker` fits a model to the data (or takes saved :class:`Parameters`) and links two sets
of records or clusters one set. :class:`Index` holds a large store and answers "who might this
be?" for one new record at interactive speed; it uses the same blocking and scoring as the batch
path, so both give the same answers.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .blocking import MAX_BLOCK_SIZE, Blocks
from .comparisons import COMPARISONS, all_levels
from .frame import Frame, TermFrequencies
from .model import (
    Parameters,
    combine_m,
    estimate_m,
    estimate_match_prior,
    estimate_u,
    level_weights,
    match_probability,
    one_to_one_probability,
    total_bits,
)
from .parallel import available_cores, map_row_ranges
from .records import Prepared, Record, prepare

Evidence = tuple[str, float, str]
# Pairs as parallel arrays: left row, right row, match probability, bits of evidence.
Pairs = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
U_SAMPLE_PAIRS = 200_000
EM_SAMPLE_PAIRS = 300_000
# Query rows whose candidate pairs fitting scores (for the match share); all rows if fewer.
SAMPLE_QUERIES = 20_000
CHUNK_PAIRS = 2_000_000
RANK_SPAN = 4096.0
RANK_CLIP = 1000.0
_COL = {c.code: col for col, c in enumerate(COMPARISONS)}


@dataclass(frozen=True)
class Match:
    """A candidate pair with its match probability and, when asked, the evidence behind it."""

    left_id: str
    right_id: str
    score: float
    bits: float
    explanation: tuple[Evidence, ...] = ()


def explain_pair(params: Parameters, a: Frame, b: Frame, i: int, j: int) -> tuple[Evidence, ...]:
    """Per comparison: code, bits of evidence (+ for, − against) and a readable description."""
    ii, jj = np.array([i]), np.array([j])
    levels = all_levels(a, b, ii, jj)
    weights = level_weights(params, levels, a, b, ii, jj)[0]
    evidence = []
    for col, c in enumerate(COMPARISONS):
        level = int(levels[0, col])
        if level >= 0:
            text = c.describe(level, a.prepared[i], b.prepared[j])
            evidence.append((c.code, round(float(weights[col]), 2), text))
    return tuple(sorted(evidence, key=lambda e: -abs(e[1])))


def score(params: Parameters, a: Frame, b: Frame, i: np.ndarray, j: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray]:
    """Total bits and match probability of the pairs (i, j)."""
    bits = total_bits(params, all_levels(a, b, i, j), a, b, i, j)
    return bits, match_probability(params, bits)


def top_k_per_left(i: np.ndarray, bits: np.ndarray, p: np.ndarray, k: int, threshold: float
                   ) -> np.ndarray:
    """Positions of the k best pairs per left row among those scoring at least threshold.

    Pairs rank by their bits of evidence (the order of their probabilities, but still telling
    apart those whose probabilities both round to 1); ties keep the order they came in.
    """
    keep = np.flatnonzero(p >= threshold)
    if not len(keep):
        return keep
    rows = i[keep]
    # One sort on row then evidence: a pair's bits lie well inside ±RANK_CLIP < RANK_SPAN / 2.
    key = (rows - rows.min()) * RANK_SPAN - np.clip(bits[keep], -RANK_CLIP, RANK_CLIP)
    order = keep[np.argsort(key, kind="stable")]
    rows = i[order]
    starts = np.r_[0, np.flatnonzero(rows[1:] != rows[:-1]) + 1]
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    return order[rank < k]


class Linker:
    """Fellegi–Sunter record linkage for person records (found people, missing reports)."""

    def __init__(self, params: Parameters | None = None, *, max_block_size: int = MAX_BLOCK_SIZE,
                 seed: int = 0, workers: int | None = None) -> None:
        self.params = params
        self.max_block_size = max_block_size
        self.seed = seed
        # Processes that score a batch (fitting, linking, de-duplicating): all cores by default.
        self.workers = workers or available_cores()
        # Frames and blocks built while fitting, reused when the same lists are then linked.
        self._built: dict[int, tuple[Sequence[Record], Frame, Blocks | None]] = {}
        self._scored: ScoredSample | None = None

    # --- persistence ---------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        self._fitted().save(path)

    @classmethod
    def load(cls, path: str | Path, **options: int) -> Linker:
        return cls(Parameters.load(path), **options)

    def _fitted(self) -> Parameters:
        if self.params is None:
            raise RuntimeError("the linker has no parameters yet: call fit() or load()")
        return self.params

    # --- fitting -------------------------------------------------------------------------------
    def fit(self, left: Sequence[Record], right: Sequence[Record] | None = None) -> Linker:
        """Learn u from random pairs and m by EM on blocked pairs; right=None fits for dedupe."""
        prepared_left = [prepare(r) for r in left]
        prepared_right = prepared_left if right is None else [prepare(r) for r in right]
        both = prepared_left if right is None else prepared_left + prepared_right
        frequencies = TermFrequencies.count(both)
        a = Frame.build(prepared_left, frequencies)
        b = a if right is None else Frame.build(prepared_right, frequencies)
        blocks = Blocks(self.max_block_size)
        blocks.add_all(b.prepared)
        self.params, scored = fit_parameters(a, b, blocks, frequencies, dedupe=right is None,
                                             seed=self.seed, workers=self.workers)
        self._built = {id(left): (left, a, blocks if right is None else None)}
        self._scored = None
        if right is not None:
            self._built[id(right)] = (right, b, blocks)
            self._scored = scored
        return self

    def _frame(self, records: Sequence[Record], with_blocks: bool) -> tuple[Frame, Blocks]:
        params = self._fitted()
        cached = self._built.get(id(records))
        if cached is not None and cached[0] is records and cached[1].size == len(records) \
                and (cached[2] is not None or not with_blocks):
            return cached[1], cached[2] or Blocks(self.max_block_size)
        frame = Frame.build((prepare(r) for r in records), params.frequencies)
        blocks = Blocks(self.max_block_size)
        if with_blocks:
            blocks.add_all(frame.prepared)
        return frame, blocks

    # --- batch linking -------------------------------------------------------------------------
    def link(self, left: Sequence[Record], right: Sequence[Record], top_k: int = 10,
             threshold: float = 0.5, explain: bool = False,
             progress: Callable[[int], None] | None = None, one_to_one: bool = True
             ) -> list[Match]:
        """Best matches in right for each left record: at most top_k, each scoring ≥ threshold.

        one_to_one: a left record is one person and matches at most one right record, so
        candidates sharing the same evidence share its probability (see
        model.one_to_one_probability); False scores each pair alone."""
        if self.params is None:
            self.fit(left, right)
        params = self._fitted()
        a, _ = self._frame(left, with_blocks=False)
        b, blocks = self._frame(right, with_blocks=True)
        scored = self._scored if self._scored and self._scored.applies(params, a, b) else None

        def best_pairs(rows: range) -> Pairs:
            queries = np.arange(rows.start, rows.stop)
            chunks: list[tuple[np.ndarray, ...]] = []
            if scored is not None:
                i, j, bits = scored.pairs_within(rows)
                chunks.append((i, j, bits, match_probability(params, bits)))
                queries = queries[~np.isin(queries, scored.rows)]
            chunks += scored_chunks(params, a, b, blocks, queries)
            kept = []
            for i, j, bits, p in chunks:
                if one_to_one:
                    p = one_to_one_probability(params, i, bits)
                best = top_k_per_left(i, bits, p, top_k, threshold)
                kept.append((i[best], j[best], p[best], bits[best]))
            i, j, p, bits = join_pairs(kept)
            in_row_order = np.argsort(i, kind="stable")
            return i[in_row_order], j[in_row_order], p[in_row_order], bits[in_row_order]

        i, j, p, bits = join_pairs(map_row_ranges(best_pairs, len(a), self.workers, progress))
        left_ids, right_ids = a.record_ids(), b.record_ids()
        return [Match(left_ids[x], right_ids[y], score_, bits_,
                      explain_pair(params, a, b, x, y) if explain else ())
                for x, y, score_, bits_ in zip(i.tolist(), j.tolist(), p.tolist(),
                                               bits.tolist(), strict=True)]

    def dedupe(self, records: Sequence[Record], threshold: float = 0.5,
               progress: Callable[[int], None] | None = None) -> list[list[str]]:
        """Clusters of record ids that are the same person (singletons included)."""
        if self.params is None:
            self.fit(records)
        params = self._fitted()
        frame, blocks = self._frame(records, with_blocks=True)

        def linked_pairs(rows: range) -> Pairs:
            kept = []
            queries = np.arange(rows.start, rows.stop)
            for i, j, bits, p in scored_chunks(params, frame, frame, blocks, queries,
                                               later_only=True):
                linked = p >= threshold
                kept.append((i[linked], j[linked], p[linked], bits[linked]))
            return join_pairs(kept)

        i, j, _, _ = join_pairs(map_row_ranges(linked_pairs, len(frame), self.workers, progress))
        clusters = UnionFind(len(frame))
        for x, y in zip(i, j, strict=True):
            clusters.union(int(x), int(y))
        ids = frame.record_ids()
        return [[ids[row] for row in group] for group in clusters.groups()]

    def explain(self, a: Record, b: Record) -> Match:
        """Score and explain one pair, whatever blocking would have said."""
        params = self._fitted()
        fa = Frame.build([prepare(a)], params.frequencies)
        fb = Frame.build([prepare(b)], params.frequencies)
        bits, p = score(params, fa, fb, np.array([0]), np.array([0]))
        return Match(a.record_id, b.record_id, float(p[0]), float(bits[0]),
                     explain_pair(params, fa, fb, 0, 0))

    def index(self, records: Iterable[Record] = (), one_to_one: bool = False) -> Index:
        return Index(self._fitted(), records, max_block_size=self.max_block_size,
                     one_to_one=one_to_one)


def scored_chunks(params: Parameters, a: Frame, b: Frame, blocks: Blocks, rows: np.ndarray,
                  later_only: bool = False) -> Iterable[tuple[np.ndarray, ...]]:
    """(i, j, bits, p) of the candidate pairs of the query rows `rows` of a, chunk by chunk.

    A chunk holds whole query rows. later_only keeps pairs with j > i (a set against itself)."""
    for i, j in candidate_chunks(blocks, [a.prepared[row] for row in rows]):
        i = rows[i]
        if later_only:
            i, j = i[i < j], j[i < j]
        bits, p = score(params, a, b, i, j)
        yield i, j, bits, p


def join_pairs(parts: Sequence[Pairs]) -> Pairs:
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0), np.zeros(0)
    return tuple(np.concatenate(column) for column in zip(*parts, strict=True))  # type: ignore[return-value]


def candidate_chunks(blocks: Blocks, queries: list[Prepared], chunk_pairs: int = CHUNK_PAIRS
                     ) -> Iterable[tuple[np.ndarray, np.ndarray]]:
    """Candidate pairs (query row, stored row) in chunks of about chunk_pairs."""
    lefts: list[np.ndarray] = []
    rights: list[np.ndarray] = []
    pending = 0
    for row, item in enumerate(queries):
        found = blocks.candidates(item)
        if len(found):
            lefts.append(np.full(len(found), row, dtype=np.int64))
            rights.append(found)
            pending += len(found)
        if pending >= chunk_pairs:
            yield np.concatenate(lefts), np.concatenate(rights)
            lefts, rights, pending = [], [], 0
    if lefts:
        yield np.concatenate(lefts), np.concatenate(rights)


class UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)

    def groups(self) -> list[list[int]]:
        groups: dict[int, list[int]] = {}
        for x in range(len(self.parent)):
            groups.setdefault(self.find(x), []).append(x)
        return list(groups.values())


# --- fitting ----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class ScoredSample:
    """The candidate pairs of the query rows fitting sampled, with their bits under the fitted
    parameters: linking the same records right after need not compare these pairs again."""

    params: Parameters
    a: Frame
    b: Frame
    rows: np.ndarray  # the sampled query rows, ascending
    i: np.ndarray  # pairs grouped by query row in that order
    j: np.ndarray
    bits: np.ndarray

    def applies(self, params: Parameters, a: Frame, b: Frame) -> bool:
        return params is self.params and a is self.a and b is self.b

    def pairs_within(self, rows: range) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        start, stop = np.searchsorted(self.i, (rows.start, rows.stop))
        return self.i[start:stop], self.j[start:stop], self.bits[start:stop]


def fit_parameters(a: Frame, b: Frame, blocks: Blocks, frequencies: TermFrequencies, *,
                   dedupe: bool, seed: int = 0, workers: int = 1
                   ) -> tuple[Parameters, ScoredSample]:
    """u from random pairs, m by EM per training session, then λ from all blocked pairs."""
    prior = Parameters.default()
    rng = np.random.default_rng(seed)
    n_u = min(U_SAMPLE_PAIRS, len(a) * len(b))
    ui, uj = rng.integers(0, len(a), n_u), rng.integers(0, len(b), n_u)
    if dedupe:
        ui, uj = ui[ui != uj], uj[ui != uj]
    u = estimate_u(all_levels(a, b, ui, uj), prior)
    sample = np.asarray(_sample_queries(len(a), seed), dtype=np.int64)

    def sample_levels(rows: range) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        queries = sample[rows.start:rows.stop]
        found = list(candidate_chunks(blocks, [a.prepared[r] for r in queries]))
        ci = np.concatenate([queries[i] for i, _ in found]) if found else np.zeros(0, np.int64)
        cj = np.concatenate([j for _, j in found]) if found else np.zeros(0, np.int64)
        if dedupe:
            ci, cj = ci[ci != cj], cj[ci != cj]
        return ci, cj, all_levels(a, b, ci, cj)

    parts = map_row_ranges(sample_levels, len(sample), workers) or [sample_levels(range(0))]
    ci, cj, levels = (np.concatenate(column) for column in zip(*parts, strict=True))
    sessions = [estimate_m(levels[mask], u, held_out, prior)[0]
                for mask, held_out in _training_sessions(levels, rng) if mask.sum() >= 50]
    params = Parameters(m=combine_m(sessions, prior), u=u, match_prior=prior.match_prior,
                        frequencies=frequencies, right_size=len(b))
    bits = total_bits(params, levels, a, b, ci, cj)
    scale = len(a) / max(len(sample), 1)
    total_pairs = len(a) * (len(a) - 1) if dedupe else len(a) * len(b)
    estimate_match_prior(params, bits, total_pairs / scale)
    return params, ScoredSample(params, a, b, sample, ci, cj, bits)


def _sample_queries(n: int, seed: int) -> list[int]:
    if n <= SAMPLE_QUERIES:
        return list(range(n))
    return sorted(random.Random(seed).sample(range(n), SAMPLE_QUERIES))


def _training_sessions(levels: np.ndarray, rng: np.random.Generator
                       ) -> list[tuple[np.ndarray, set[str]]]:
    """Splink-style sessions: pairs agreeing on some fields, with those fields held out."""
    name = levels[:, _COL["name"]]
    sex = levels[:, _COL["sex"]]
    birth = levels[:, _COL["birth_year"]]
    place = levels[:, _COL["native_place"]]
    ident = levels[:, _COL["id_number"]]
    everything_but = {c.code for c in COMPARISONS}.difference
    sessions = [
        # Pairs sharing a name teach every other field; names are learnt from pairs sharing an
        # ID number, where the match class is almost pure.
        (np.isin(name, (0, 1, 2)), {"name"}),
        (np.isin(ident, (0, 1, 2)), {"id_number", "sex", "birth_year", "native_place"}),
        ((sex == 0) & np.isin(birth, (0, 1, 5, 9)) & np.isin(place, (0, 1)),
         everything_but({"height", "features"})),
    ]
    return [(_cap(mask, rng), held_out) for mask, held_out in sessions]


def _cap(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    rows = np.flatnonzero(mask)
    if len(rows) <= EM_SAMPLE_PAIRS:
        return mask
    capped = np.zeros_like(mask)
    capped[rng.choice(rows, EM_SAMPLE_PAIRS, replace=False)] = True
    return capped


class Index:
    """An in-memory store of prepared records answering one query record at a time."""

    def __init__(self, params: Parameters, records: Iterable[Record] = (), *,
                 max_block_size: int = MAX_BLOCK_SIZE, one_to_one: bool = False) -> None:
        """one_to_one: a query record matches at most one stored record (a found person against
        missing reports), as in Linker.link; False (a store searched for duplicates, where a
        person may be filed more than once) scores each pair alone."""
        self.params = params
        self.one_to_one = one_to_one
        self.frame = Frame()
        self.blocks = Blocks(max_block_size)
        self.rows: dict[str, int] = {}
        self.add_many(records)

    def __len__(self) -> int:
        return len(self.rows)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self.rows

    def add(self, record: Record) -> None:
        self.add_many([record])

    def add_many(self, records: Iterable[Record]) -> None:
        items = []
        for record in records:
            if record.record_id in self.rows:
                self.remove(record.record_id)
            items.append(prepare(record))
        start = len(self.frame)
        self.frame.extend(items, self.params.frequencies)
        for offset, item in enumerate(items):
            self.rows[item.record.record_id] = start + offset
            self.blocks.add(start + offset, item)

    def remove(self, record_id: str) -> None:
        row = self.rows.pop(record_id)
        self.blocks.remove(row, self.frame.prepared[row])
        self.frame.columns["alive"][row] = False

    def query(self, record: Record, k: int = 10, threshold: float = 0.0,
              explain: bool = True) -> list[Match]:
        """The k most likely matches of record in the store, best first."""
        item = prepare(record)
        query = Frame.build([item], self.params.frequencies)
        found = self.blocks.candidates(item)
        found = found[self.frame.alive[found]] if len(found) else found
        if found.size == 0:
            return []
        i = np.zeros(len(found), dtype=np.int64)
        bits, p = score(self.params, query, self.frame, i, found)
        if self.one_to_one:
            p = one_to_one_probability(self.params, i, bits)
        best = top_k_per_left(i, bits, p, k, threshold)
        return [Match(record.record_id, self.frame.prepared[found[pos]].record.record_id,
                      float(p[pos]), float(bits[pos]),
                      explain_pair(self.params, query, self.frame, 0, int(found[pos]))
                      if explain else ())
                for pos in best]
