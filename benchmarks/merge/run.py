"""Merge decisions of intake on a labelled night: the old 150 m rule against the sameness scorer.

    .venv/bin/python -m benchmarks.merge [--seed 1] [--scale 3] [--no-intake]

Both rules see the same reports in arrival order and keep their own leads (a squad closes each
lead 40–150 minutes after it opened, the same delay for the same report under either rule).
A decision to merge a report into a lead is right when the lead's first report is about the
same person. Precision: right merges among merges. Recall: right merges among the reports that
had an open lead about their person when they arrived. Also counted: the people never reached
(every report about them merged into someone else's lead, so no squad went for them) and the
reporters told the outcome of someone else. Then the scorer's calibration (predicted
probability against the observed share of same-person pairs) and the cost of a decision; with
intake (the default) the night is also sent through `leads.services.submit_lead` on a fresh
SQLite database (or `DATABASE_URL`), counting statements and time per report.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.merge.generate import Night, Report, night
from songnuan.geo.distance import haversine_m
from songnuan.leads import sameness

OLD_RADIUS_M = 150.0
CANDIDATE_RADIUS_M = 300.0
WINDOW = datetime.timedelta(minutes=120)
THRESHOLDS = (0.4, 0.45, 0.5, 0.55, 0.6, 0.7)
DEFAULT_THRESHOLD = 0.5


@dataclass
class SimLead:
    person_id: int
    opened: datetime.datetime
    closes: datetime.datetime
    reports: list[tuple[Report, sameness.Report]] = field(default_factory=list)


@dataclass
class Outcome:
    merges: int = 0
    right: int = 0
    should: int = 0
    leads: int = 0
    pairs: list[tuple[float, bool]] = field(default_factory=list)
    decision_us: list[float] = field(default_factory=list)
    never_reached: int = 0

    def figures(self) -> dict:
        precision = self.right / self.merges if self.merges else 1.0
        recall = self.right / self.should if self.should else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"merges": self.merges, "right": self.right, "wrong": self.merges - self.right,
                "should_merge": self.should, "precision": round(precision, 3),
                "recall": round(recall, 3), "f1": round(f1, 3), "leads": self.leads,
                "people_never_reached": self.never_reached,
                "decision_us_p50": round(statistics.median(self.decision_us), 1)}


def as_report(report: Report) -> sameness.Report:
    return sameness.Report(report.lat, report.lon, report.at, report.people_count,
                           frozenset(report.flags), report.description)


Decision = tuple["SimLead | None", list[tuple["SimLead", float]]]


def old_rule(new: sameness.Report, open_leads: list[SimLead]) -> Decision:
    """The spatial rule: the nearest open lead within 150 m whose first report is recent."""
    best = None
    for lead in open_leads:
        first = lead.reports[0][1]
        distance = haversine_m(new.lat, new.lon, first.lat, first.lon)
        if (distance <= OLD_RADIUS_M and new.at - lead.opened <= WINDOW
                and (best is None or distance < best[0])):
            best = (distance, lead)
    return (best[1] if best else None), []


def scorer(threshold: float) -> Callable[[sameness.Report, list[SimLead]], Decision]:
    """The scorer as intake uses it: the reports within 300 m and the window, by incident."""

    def decide(new: sameness.Report, open_leads: list[SimLead]) -> Decision:
        incidents = {}
        for index, lead in enumerate(open_leads):
            around = [seen for _r, seen in lead.reports if new.at - seen.at <= WINDOW
                      and haversine_m(new.lat, new.lon, seen.lat, seen.lon) <= CANDIDATE_RADIUS_M]
            if around:
                incidents[index] = around
        ranked = [(open_leads[index], verdict.probability)
                  for index, verdict in sameness.rank(new, incidents)]
        return (ranked[0][0] if ranked and ranked[0][1] >= threshold else None), ranked

    return decide


def simulate(tonight: Night, decide: Callable[[sameness.Report, list[SimLead]], Decision],
             ) -> Outcome:
    outcome = Outcome()
    leads: list[SimLead] = []
    for index, report in enumerate(tonight.reports):
        new = as_report(report)
        open_leads = [lead for lead in leads if lead.closes > report.at]
        if any(lead.person_id == report.person_id for lead in open_leads):
            outcome.should += 1
        started = time.perf_counter()
        into, scored = decide(new, open_leads)
        outcome.decision_us.append((time.perf_counter() - started) * 1e6)
        if scored:  # the likeliest incident: the one a decision is about
            outcome.pairs.append((scored[0][1], scored[0][0].person_id == report.person_id))
        record(leads, index, report, new, into)
        if into is not None:
            outcome.merges += 1
            outcome.right += into.person_id == report.person_id
    outcome.leads = len(leads)
    reached = {lead.person_id for lead in leads}
    outcome.never_reached = len({report.person_id for report in tonight.reports} - reached)
    return outcome


def record(leads: list[SimLead], index: int, report: Report, new: sameness.Report,
           into: SimLead | None) -> None:
    """Apply a decision: a new lead (which a squad closes 40–150 minutes later), or a merge."""
    if into is None:
        closes = report.at + datetime.timedelta(minutes=40 + (index * 37) % 110)
        leads.append(SimLead(report.person_id, report.at, closes, [(report, new)]))
    else:
        into.reports.append((report, new))


def calibration(pairs: list[tuple[float, bool]]) -> list[dict]:
    rows = []
    for low in [step / 10 for step in range(10)]:
        inside = [(p, same) for p, same in pairs if low <= p < low + 0.1 or (low == 0.9 and p == 1)]
        if inside:
            rows.append({"bin": f"{low:.1f}–{low + 0.1:.1f}", "pairs": len(inside),
                         "predicted": round(statistics.fmean(p for p, _s in inside), 3),
                         "observed": round(sum(s for _p, s in inside) / len(inside), 3)})
    return rows


def intake_cost(tonight: Night) -> dict:
    """Send the night through submit_lead on a fresh database; statements and time per report."""
    from benchmarks.server_time import pct, start_django

    start_django("merge", os.environ.get("DATABASE_URL", ""))
    from django.db import connection

    from songnuan.leads import services
    from songnuan.leads.models import Lead, LeadStatus, NearbyLead
    from songnuan.refusals import Refused
    from tests.factories import ensure_districts

    ensure_districts()
    statements: list[str] = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    timings, per_report, candidate_reads = [], [], []
    refused = 0
    with connection.execute_wrapper(count):
        for index, report in enumerate(tonight.reports):
            before = len(statements)
            started = time.perf_counter()
            try:
                services.submit_lead(services.LeadInput(
                    source="public_api", lat=report.lat, lon=report.lon,
                    description=report.description, people_count=report.people_count,
                    flags=report.flags, client_request_id=f"merge-bench-{index}"),
                    now=report.at)
            except Refused:
                refused += 1  # a point the coarse district outlines leave out (the shore)
                continue
            timings.append((time.perf_counter() - started) * 1000)
            mine = statements[before:]
            per_report.append(len(mine))
            candidate_reads.append(sum("LEFT JOIN" in sql and "report.lat" in sql
                                       for sql in mine))
    return {"database": connection.vendor, "reports": len(timings), "refused": refused,
            "ms_p50": round(pct(timings, 50), 2), "ms_p95": round(pct(timings, 95), 2),
            "statements_per_report": round(statistics.fmean(per_report), 2),
            "candidate_reads_per_report": max(candidate_reads),
            "merged": Lead.objects.filter(status=LeadStatus.DUPLICATE).count(),
            "nearby_links": NearbyLead.objects.count()}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.merge", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=int, default=3, help="how many times the scenes repeat")
    parser.add_argument("--no-intake", action="store_true", help="skip the submit_lead run")
    args = parser.parse_args()
    tonight = night(args.seed, scale=args.scale)
    scenes = {}
    for report in tonight.reports:
        scenes[report.scene] = scenes.get(report.scene, 0) + 1
    print(f"{len(tonight.reports)} reports about {len(tonight.people)} people "
          f"(seed {args.seed}): {scenes}")
    results = {"seed": args.seed, "scale": args.scale, "reports": len(tonight.reports),
               "people": len(tonight.people), "rules": {}}
    old = simulate(tonight, old_rule)
    results["rules"]["old 150 m"] = old.figures()
    for threshold in THRESHOLDS:
        new = simulate(tonight, scorer(threshold))
        results["rules"][f"scorer ≥ {threshold}"] = new.figures()
        if threshold == DEFAULT_THRESHOLD:
            results["calibration"] = calibration(new.pairs)
    header = ("rule", "merges", "wrong", "precision", "recall", "f1", "leads",
              "people_never_reached", "decision_us_p50")
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for name, figures in results["rules"].items():
        print("| " + " | ".join([name, *(str(figures[key]) for key in header[1:])]) + " |")
    print("\ncalibration of the scorer (the likeliest incident of each report, threshold "
          f"{DEFAULT_THRESHOLD}):\n| bin | decisions | predicted | observed |\n|---|---|---|---|")
    for row in results["calibration"]:
        print(f"| {row['bin']} | {row['pairs']} | {row['predicted']} | {row['observed']} |")
    if not args.no_intake:
        results["intake"] = intake_cost(tonight)
        print(f"\nintake through submit_lead: {json.dumps(results['intake'])}")
    out = Path("benchmarks/out")
    out.mkdir(parents=True, exist_ok=True)
    (out / "merge.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
