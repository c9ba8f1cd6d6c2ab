"""The Fellegi–Sunter model: m/u per comparison level, EM fitting, scores and explanations.

As in Splink, u comes from random pairs (almost all non-matches) and m from expectation
maximisation on blocked pairs, one training session per blocking family with the comparisons that
family blocked on held out (they agree by construction and would teach EM nothing). Priors enter
as pseudo-counts so a level seldom seen in the data keeps a sensible weight. Term-frequency
adjustment makes a shared common name (王伟) count for less than a shared rare one.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .comparisons import COMPARISONS
from .frame import Frame, TermFrequencies

PRIOR_WEIGHT_M = 50.0
PRIOR_WEIGHT_U = 20.0
EM_ITERATIONS = 25
EM_TOLERANCE = 1e-5
PROBABILITY_FLOOR = 1e-9
# The name levels whose weight depends on how common the shared name is.
TF_NAME_LEVELS = (0, 1)
TF_SURNAME_LEVEL = 5
NAME = [c.code for c in COMPARISONS].index("name")


@dataclass
class Parameters:
    """Everything a fitted model needs to score pairs; saved and loaded as JSON."""

    m: dict[str, list[float]]
    u: dict[str, list[float]]
    match_prior: float
    frequencies: TermFrequencies = field(default_factory=TermFrequencies)
    # How many right-hand records match_prior was estimated over (0: not fitted).
    right_size: int = 0

    @classmethod
    def default(cls) -> Parameters:
        return cls(m={c.code: list(c.m_prior) for c in COMPARISONS},
                   u={c.code: list(c.u_prior) for c in COMPARISONS},
                   match_prior=1e-4)

    def to_dict(self) -> dict[str, object]:
        return {"version": 1, "m": self.m, "u": self.u, "match_prior": self.match_prior,
                "frequencies": self.frequencies.to_dict(), "right_size": self.right_size}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Parameters:
        # Comparisons added since the file was saved start from their priors.
        default = cls.default()
        return cls(m={**default.m, **data["m"]}, u={**default.u, **data["u"]},  # type: ignore[dict-item]
                   match_prior=float(data["match_prior"]),  # type: ignore[arg-type]
                   frequencies=TermFrequencies.from_dict(data["frequencies"]),  # type: ignore[arg-type]
                   right_size=int(data.get("right_size", 0)))  # type: ignore[call-overload]

    def for_pool(self, size: int) -> Parameters:
        """The model for one record queried against a pool of `size` records.

        λ × right_size is the chance that a record has a match on the right at all; a pool of
        another size spreads that same chance over its own records.
        """
        if not self.right_size or size <= 0:
            return self
        return replace(self, match_prior=min(self.match_prior * self.right_size / size, 0.5))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Parameters:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def weight_table(self) -> np.ndarray:
        """log2(m/u) per comparison and level; the last column (level -1) is 0."""
        width = max(len(c.levels) for c in COMPARISONS) + 1
        table = np.zeros((len(COMPARISONS), width))
        for row, c in enumerate(COMPARISONS):
            m, u = np.array(self.m[c.code]), np.array(self.u[c.code])
            table[row, : len(m)] = np.log2(np.maximum(m, PROBABILITY_FLOOR)
                                           / np.maximum(u, PROBABILITY_FLOOR))
        return table


def level_weights(params: Parameters, levels: np.ndarray, a: Frame | None = None,
                  b: Frame | None = None, i: np.ndarray | None = None,
                  j: np.ndarray | None = None) -> np.ndarray:
    """Evidence in bits per pair and comparison, term-frequency adjusted when frames are given."""
    table = params.weight_table()
    width = table.shape[1]
    columns = np.arange(len(COMPARISONS))
    weights = table[columns, np.where(levels < 0, width - 1, levels)]
    if a is not None and b is not None and i is not None and j is not None:
        weights[:, NAME] += _tf_adjustment(params, levels[:, NAME], a, b, i, j)
    return weights


def total_bits(params: Parameters, levels: np.ndarray, a: Frame, b: Frame, i: np.ndarray,
               j: np.ndarray) -> np.ndarray:
    """The row sums of level_weights, without building the table of weights per comparison."""
    table = params.weight_table()
    bits = np.zeros(len(levels))
    for col in range(len(COMPARISONS)):
        # Level -1 (nothing to compare) picks the table's last column, which is 0.
        bits += table[col].take(levels[:, col])
    return bits + _tf_adjustment(params, levels[:, NAME], a, b, i, j)


def _tf_adjustment(params: Parameters, name_levels: np.ndarray, a: Frame, b: Frame,
                   i: np.ndarray, j: np.ndarray) -> np.ndarray:
    freq = params.frequencies
    adjust = np.zeros(len(name_levels))
    on_name = np.isin(name_levels, TF_NAME_LEVELS)
    if on_name.any():
        share = np.fmax(a.tf_name[i[on_name]], b.tf_name[j[on_name]])
        share = np.nan_to_num(share, nan=freq.name_agreement())
        adjust[on_name] = np.log2(freq.name_agreement() / np.maximum(share, freq.floor()))
    on_surname = name_levels == TF_SURNAME_LEVEL
    if on_surname.any():
        share = np.fmax(a.tf_surname[i[on_surname]], b.tf_surname[j[on_surname]])
        share = np.nan_to_num(share, nan=freq.surname_agreement())
        adjust[on_surname] = np.log2(freq.surname_agreement() / np.maximum(share, freq.floor()))
    return adjust


def match_probability(params: Parameters, total_bits: np.ndarray) -> np.ndarray:
    prior = math.log2(params.match_prior / (1 - params.match_prior))
    return 1.0 / (1.0 + np.exp2(-(prior + total_bits)))


def one_to_one_probability(params: Parameters, rows: np.ndarray, total_bits: np.ndarray
                           ) -> np.ndarray:
    """Match probability of each candidate pair when a query record matches at most one record:
    the pair's odds over one plus the odds of every candidate of the same query row.

    Pairs scored alone each claim the evidence they share with their rivals: a man found with
    no name, in the county where two reports' men of his age were last seen, is not a match to
    both. With one strong candidate this is the plain probability; with several equally
    plausible ones none is decided. `rows` must hold whole query rows (any order)."""
    if not len(rows):
        return np.zeros(0)
    prior = math.log2(params.match_prior / (1 - params.match_prior))
    log_odds = prior + np.clip(total_bits, -1000.0, 1000.0)
    _, row_of = np.unique(rows, return_inverse=True)
    top = np.full(row_of.max() + 1, -np.inf)
    np.maximum.at(top, row_of, log_odds)
    top = np.maximum(top, 0.0)  # the "no match" term, log2(1) = 0, joins the maximum
    scaled = np.exp2(log_odds - top[row_of])
    total = np.exp2(-top) + np.bincount(row_of, weights=scaled)
    return scaled / total[row_of]


# --- fitting ---------------------------------------------------------------------------------
def estimate_u(levels: np.ndarray, prior: Parameters | None = None) -> dict[str, list[float]]:
    """u per level from random pairs, smoothed towards the prior."""
    prior = prior or Parameters.default()
    u: dict[str, list[float]] = {}
    for col, c in enumerate(COMPARISONS):
        counts = np.bincount(levels[:, col][levels[:, col] >= 0], minlength=len(c.levels))
        pseudo = PRIOR_WEIGHT_U * np.array(prior.u[c.code])
        u[c.code] = list((counts + pseudo) / (counts.sum() + PRIOR_WEIGHT_U))
    return u


def estimate_m(levels: np.ndarray, u: dict[str, list[float]], held_out: set[str],
               prior: Parameters | None = None) -> tuple[dict[str, list[float]], float]:
    """EM for m (u fixed) on one session's pairs; returns m of the active comparisons and λ."""
    prior = prior or Parameters.default()
    active = [col for col, c in enumerate(COMPARISONS) if c.code not in held_out]
    m = {COMPARISONS[col].code: np.array(prior.m[COMPARISONS[col].code]) for col in active}
    lam = 0.1
    for _ in range(EM_ITERATIONS):
        bits = np.zeros(len(levels))
        for col in active:
            c = COMPARISONS[col]
            ratio = np.log2(np.maximum(m[c.code], PROBABILITY_FLOOR)
                            / np.maximum(np.array(u[c.code]), PROBABILITY_FLOOR))
            lv = levels[:, col]
            bits += np.where(lv >= 0, ratio[np.maximum(lv, 0)], 0.0)
        odds = np.exp2(np.clip(bits, -60, 60)) * lam / (1 - lam)
        posterior = odds / (1 + odds)
        new_lam = float(np.clip(posterior.mean(), 1e-6, 1 - 1e-6))
        for col in active:
            c = COMPARISONS[col]
            lv = levels[:, col]
            known = lv >= 0
            sums = np.bincount(lv[known], weights=posterior[known], minlength=len(c.levels))
            pseudo = PRIOR_WEIGHT_M * np.array(prior.m[c.code])
            m[c.code] = (sums + pseudo) / (sums.sum() + PRIOR_WEIGHT_M)
        converged = abs(new_lam - lam) < EM_TOLERANCE
        lam = new_lam
        if converged:
            break
    return {code: list(values) for code, values in m.items()}, lam


def combine_m(sessions: list[dict[str, list[float]]], prior: Parameters) -> dict[str, list[float]]:
    """Average each comparison's m over the sessions that estimated it (prior where none did)."""
    m: dict[str, list[float]] = {}
    for c in COMPARISONS:
        estimates = [np.array(s[c.code]) for s in sessions if c.code in s]
        m[c.code] = list(np.mean(estimates, axis=0)) if estimates else list(prior.m[c.code])
    return m


def estimate_match_prior(params: Parameters, candidate_bits: np.ndarray, total_pairs: float,
                         iterations: int = 30) -> float:
    """λ for a random pair: expected matches among the candidates over all possible pairs."""
    lam = params.match_prior
    for _ in range(iterations):
        params.match_prior = lam
        expected = float(match_probability(params, candidate_bits).sum())
        new_lam = float(np.clip(expected / max(total_pairs, 1.0), 1e-12, 0.5))
        if abs(math.log(new_lam) - math.log(lam)) < 1e-4:
            lam = new_lam
            break
        lam = new_lam
    params.match_prior = lam
    return lam
