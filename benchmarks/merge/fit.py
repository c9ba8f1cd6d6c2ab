"""Calibrate the sameness probability on generated nights (seeds other than the benchmark's).

    .venv/bin/python -m benchmarks.merge.fit [--seeds 2 3 4 5 6]

Intake acts on the likeliest open incident around each report, so that is the comparison whose
probability must mean what it says. Every such comparison on these nights is a labelled pair
(the same person or not); a logistic fit of the label on the scorer's log-odds (Platt scaling)
gives a scale and a shift, which `songnuan/leads/sameness.py` carries as `CALIBRATION_SCALE` and
`CALIBRATION_SHIFT`. Printed: the fit, and the reliability table before and after it.
"""

from __future__ import annotations

import argparse
import math
import statistics

import numpy as np

from benchmarks.merge import run
from benchmarks.merge.generate import night
from songnuan.leads import sameness


def decided_pairs(seeds: list[int], scale: int) -> tuple[np.ndarray, np.ndarray]:
    """(log-odds before calibration, same person) of the likeliest incident of each report."""
    log_odds, labels = [], []
    decide = run.scorer(run.DEFAULT_THRESHOLD)
    for seed in seeds:
        tonight = night(seed, scale=scale)
        leads: list[run.SimLead] = []
        for index, report in enumerate(tonight.reports):
            new = run.as_report(report)
            into, scored = decide(new, [lead for lead in leads if lead.closes > report.at])
            if scored and 0 < scored[0][1] < 1 and scored[0][1] > sameness.VETO_PROBABILITY:
                calibrated = math.log(scored[0][1] / (1 - scored[0][1]))
                log_odds.append((calibrated - sameness.CALIBRATION_SHIFT)
                                / sameness.CALIBRATION_SCALE)
                labels.append(scored[0][0].person_id == report.person_id)
            run.record(leads, index, report, new, into)
    return np.array(log_odds), np.array(labels, dtype=float)


def platt(log_odds: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Logistic regression of the label on the log-odds, by Newton's method."""
    design = np.stack([log_odds, np.ones_like(log_odds)], axis=1)
    beta = np.array([1.0, 0.0])
    for _step in range(50):
        p = 1 / (1 + np.exp(-design @ beta))
        gradient = design.T @ (p - labels)
        hessian = design.T @ (design * (p * (1 - p))[:, None])
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    return float(beta[0]), float(beta[1])


def reliability(probabilities: np.ndarray, labels: np.ndarray) -> list[str]:
    rows = []
    for low in [step / 10 for step in range(10)]:
        inside = (probabilities >= low) & ((probabilities < low + 0.1) | (low == 0.9))
        if inside.any():
            rows.append(f"| {low:.1f}–{low + 0.1:.1f} | {int(inside.sum())} | "
                        f"{statistics.fmean(probabilities[inside]):.2f} | "
                        f"{labels[inside].mean():.2f} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[2, 3, 4, 5, 6])
    parser.add_argument("--scale", type=int, default=3)
    args = parser.parse_args()
    log_odds, labels = decided_pairs(args.seeds, args.scale)
    scale, shift = platt(log_odds, labels)
    print(f"{len(labels)} decisions, {int(labels.sum())} about the same people; "
          f"fit: CALIBRATION_SCALE = {scale:.2f}, CALIBRATION_SHIFT = {shift:.2f} "
          f"(in use: {sameness.CALIBRATION_SCALE}, {sameness.CALIBRATION_SHIFT})")
    for name, (a, b) in (("uncalibrated", (1.0, 0.0)), ("in use", (
            sameness.CALIBRATION_SCALE, sameness.CALIBRATION_SHIFT)), ("fitted", (scale, shift))):
        probabilities = 1 / (1 + np.exp(-(a * log_odds + b)))
        print(f"\n{name}:\n| bin | decisions | predicted | observed |\n|---|---|---|---|")
        print("\n".join(reliability(probabilities, labels)))


if __name__ == "__main__":
    main()
