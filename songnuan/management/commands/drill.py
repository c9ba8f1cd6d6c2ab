"""`songnuan drill`: replay a generated cold night against a copy of the data and print the
night's response figures, for tonight's plan and for a first-come-first-served dispatcher.

    songnuan drill --reports 150 --hours 12 --squads 10
    songnuan drill --reports 500 --surge --squads 10
    songnuan drill --find-squads 30     # squads per district for a p90 under 30 minutes
"""

from __future__ import annotations

import contextlib
import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from songnuan.drill import night, setup
from songnuan.drill.run import FORESIGHT_SEARCH_S, Drill
from songnuan.network.models import District
from songnuan.outreach.models import Squad

POLICIES = ("plan", "plan-stay", "fcfs")
DEFAULT_POLICIES = ("plan", "fcfs")
MAX_SIZING_ROUNDS = 8
SIZED_NEVER_REACHED = 0.10  # the share left unreached that sizing accepts
# The board's plan search stops after a time, so on a busy machine it finds less and the night's
# figures move. The drill stops it after a number of solutions instead (about what 0.3 s gives on
# two busy cores with a dozen leads waiting), the time limit kept only as a cap.
PLAN_SOLUTIONS = 100
PLAN_TIME_CAP_S = 10.0


class Command(BaseCommand):
    help = "Replay a generated cold night and print the response figures."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--reports", type=int, default=150)
        parser.add_argument("--hours", type=float, default=12.0)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--surge", action="store_true",
                            help="half of the reports in a burst of an hour or two")
        parser.add_argument("--start", default="",
                            help="local start of the night, e.g. 2027-01-15T18:00 "
                                 "(default: 18:00 tonight)")
        parser.add_argument("--squads", type=int, default=None,
                            help="squads on shift, spread over the districts by hotspots "
                                 "(default: the working database's squads on duty)")
        parser.add_argument("--policies", default=",".join(DEFAULT_POLICIES),
                            help=f"comma-separated, of {', '.join(POLICIES)}")
        parser.add_argument("--find-squads", type=float, default=None, metavar="MINUTES",
                            help="add squads where needed until every district's p90 to the "
                                 "scene is under MINUTES")
        parser.add_argument("--reserves", action="store_true",
                            help="uncrewed squads stand in reserve, and the leader on duty calls "
                                 "one on when the board says a district lacks squads")
        parser.add_argument("--lend", action="store_true",
                            help="the leader on duty sends the squad the board names to wait, "
                                 "for the night, in each district no squad can reach")
        parser.add_argument("--sites-look-in", action="store_true",
                            help="the dispatcher asks the nearest open site the board names to "
                                 "look in on someone no squad can reach in time, and one of its "
                                 "staff goes on foot (counted apart from the squads)")
        parser.add_argument("--foresight-s", type=float, default=FORESIGHT_SEARCH_S,
                            metavar="SECONDS",
                            help="search time for the schedule of a dispatcher who knew the "
                                 "night in advance (0: its first schedule; -1: not asked)")
        parser.add_argument("--plan-solutions", type=int, default=PLAN_SOLUTIONS, metavar="N",
                            help="end each plan's search after N solutions, so the night plays "
                                 "the same on any machine (0: after the board's time limit, "
                                 "as in service)")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        parser.add_argument("--json-out", default="", metavar="FILE",
                            help="also write the figures as JSON to FILE")

    def handle(self, *args, **options) -> None:
        policies = [p.strip() for p in options["policies"].split(",") if p.strip()]
        if not policies or set(policies) - set(POLICIES):
            raise CommandError(f"--policies takes {', '.join(POLICIES)}")
        if options["reports"] < 1 or options["hours"] <= 0:
            raise CommandError("--reports and --hours must be positive")
        if options["plan_solutions"] < 0:
            raise CommandError("--plan-solutions takes 0 or more")
        start = self._start(options["start"])
        end = start + datetime.timedelta(hours=options["hours"])
        with self._plan_search(options["plan_solutions"]):
            self._run(start, end, policies, options)

    def _plan_search(self, solutions: int):
        if not solutions:
            return contextlib.nullcontext()
        return override_settings(DISPATCH_PLAN_SOLUTION_LIMIT=solutions,
                                 DISPATCH_PLAN_TIME_LIMIT_S=PLAN_TIME_CAP_S)

    def _run(self, start, end, policies: list[str], options) -> None:
        rows = setup.read_reference(reserves=options["reserves"])
        if not any(row["model"] == "network.district" for row in rows):
            raise CommandError("The database has no districts: load the city first "
                               "(songnuan demo, or songnuan setup-city).")
        with setup.throwaway_database(rows):
            hotspots, districts = setup.hotspots_and_districts()
            generated = night.generate(hotspots=hotspots, districts=districts, start=start,
                                       hours=options["hours"], reports=options["reports"],
                                       seed=options["seed"], surge=options["surge"],
                                       district_of=setup.district_of)
            squads = (setup.spread_squads(options["squads"])
                      if options["squads"] is not None else None)
            if options["find_squads"] is not None:
                self._size(generated, start, end, squads, options)
                return
            foresight_s = options["foresight_s"] if options["foresight_s"] >= 0 else None
            results = [self._play(generated, start, end, squads, policy, options["seed"],
                                  options["reserves"], foresight_s, options["sites_look_in"],
                                  options["lend"])
                       for policy in policies]
        if options["json_out"]:
            with open(options["json_out"], "w", encoding="utf-8") as out:
                json.dump(results, out, ensure_ascii=False, default=str, indent=2)
        self._print(results, options["json"])

    def _start(self, given: str) -> datetime.datetime:
        if given:
            try:
                parsed = datetime.datetime.fromisoformat(given)
            except ValueError:
                raise CommandError("--start takes a time such as 2027-01-15T18:00") from None
            return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
        today = timezone.localtime().date()
        return timezone.make_aware(datetime.datetime.combine(today, datetime.time(18)))

    def _play(self, generated, start, end, squads, policy: str, seed: int,
              reserves: bool = False, foresight_s: float | None = None,
              sites_look_in: bool = False, lend: bool = False) -> dict:
        with transaction.atomic():
            dispatcher = setup.prepare(start, end, squads_per_district=squads, seed=seed)
            figures = Drill(generated, policy=policy, dispatcher=dispatcher, seed=seed,
                            call_reserves=reserves and policy != "fcfs",
                            foresight_s=foresight_s,
                            ask_sites=sites_look_in and policy != "fcfs",
                            lend=lend and policy != "fcfs").play()
            transaction.set_rollback(True)
        return figures.summary()

    def _size(self, generated, start, end, squads, options) -> None:
        """Add a squad to each district over the target until the city's p90 to the scene is
        under it with almost everyone reached, and say how many squads each district had then.

        A district's p90 counts its unreached people as never; a district with a handful of
        people can stay over the target through one person far out, so the stop is city-wide.
        """
        target = options["find_squads"]
        names = dict(District.objects.values_list("pk", "name"))
        if squads is None:  # start from the working database's crewed squads
            squads = dict.fromkeys(names, 0)
            for district_id in Squad.objects.filter(is_active=True).values_list(
                    "district_id", flat=True):
                squads[district_id] += 1
        for round_number in range(1, MAX_SIZING_ROUNDS + 1):
            summary = self._play(generated, start, end, squads, "plan", options["seed"])
            slow = {name for name, p90 in summary["district_scene_p90"].items()
                    if p90 is None or p90 > target}
            self.stdout.write(f"round {round_number}: {sum(squads.values())} squads, "
                              f"p90 to the scene {_fmt(summary['scene_p90'])} min, "
                              f"never reached {summary['never_reached']:.0%}, "
                              f"districts over {target:g} min: {len(slow)}")
            if (summary["scene_p90"] is not None and summary["scene_p90"] <= target
                    and summary["never_reached"] <= SIZED_NEVER_REACHED):
                break
            for pk, name in names.items():
                squads[pk] += name in slow
        else:
            self.stdout.write(f"still over {target:g} min after {MAX_SIZING_ROUNDS} rounds")
        self.stdout.write("squads per district:")
        for pk, name in sorted(names.items(), key=lambda item: item[1]):
            self.stdout.write(f"  {name}: {squads.get(pk, 0)}")

    def _print(self, results: list[dict], as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(results, ensure_ascii=False, default=str, indent=2))
            return
        rows = [
            ("people / reports / leads", lambda r: f"{r['people']} / {r['reports']} / "
                                                    f"{r['leads']}"),
            ("report → squad sent, p50 / p90 (min)",
             lambda r: f"{_fmt(r['assign_p50'])} / {_fmt(r['assign_p90'])}"),
            ("report → on scene, p50 / p90 (min)",
             lambda r: f"{_fmt(r['scene_p50'])} / {_fmt(r['scene_p90'])}"),
            ("never reached", lambda r: f"{r['never_reached']:.0%}"),
            ("never reached: within a squad's reach / beyond", lambda r: (
                f"{_share(r['within_reach_never_reached'])} / "
                f"{r['beyond_reach_never'][0]} of {r['beyond_reach_never'][1]}")),
            ("never reached, an open site within 5 km", lambda r: (
                f"{r['never_near_open_site'][0]} of {r['never_near_open_site'][1]}")),
            ("sites asked to look in / met first / brought in", lambda r: (
                f"{r['look_ins']} / {r['met_by_site']} / {r['brought_in_by_site']}")),
            ("first help (squad or site), p50 / p90; never (high-risk)", lambda r: (
                f"{_fmt(r['help_p50'])} / {_fmt(r['help_p90'])}; {r['never_helped']:.0%} "
                f"({_share(r['high_risk_never_helped'])})")),

            ("squad on scene within 30 / 60 min (of all)",
             lambda r: f"{r['within_30']:.0%} / {r['within_60']:.0%}"),
            ("at best from the squads' bases: within 30 / 60, never", lambda r: (
                f"{_share(r['bound_within_30'])} / {_share(r['bound_within_60'])}, "
                f"{_share(r['bound_never_reached'])}")),
            ("knowing the night in advance: within 30 / 60", lambda r: (
                f"{_share(r['foresight_within_30'])} / {_share(r['foresight_within_60'])}")),
            ("high-risk never reached", lambda r: _share(r["high_risk_never_reached"])),
            ("the others never reached", lambda r: _share(r["others_never_reached"])),
            ("high-risk the board was told were in danger",
             lambda r: _share(r["high_risk_known"])),
            ("high-risk report → on scene p50 (min)",
             lambda r: _fmt(r["high_risk_scene_p50"])),
            ("high-risk: squad on scene within 30 / 60 min", lambda r: (
                f"{_share(r['high_risk_within_30'])} / {_share(r['high_risk_within_60'])}")),
            ("merges (wrong) / split on the scene", lambda r: (
                f"{r['merges']} ({r['wrong_merges']}) / {r['split_on_scene']}")),
            ("trips to someone already reached", lambda r: str(r["wasted_trips"])),
            ("mutual-aid dispatches", lambda r: str(r["mutual_aid"])),
            ("first lead past its limit unsent", lambda r: _time(r["first_overdue_at"])),
            ("first capacity alert / about waiting leads", lambda r: (
                f"{_time(r['first_capacity_alert_at'])} / {_time(r['first_late_alert_at'])}")),
            ("reserve squads called on", lambda r: str(r["reserves_called"])),
            ("squads sent for the night where none could reach", lambda r: str(r["squads_lent"])),
            ("free squads sent to wait elsewhere", lambda r: str(r["standby_moves"])),
            ("squads' time on tasks", lambda r: _share(r["squads_busy"])),
            ("busiest hour's work / squads on shift", lambda r: (
                f"{r['peak_load']:.1f}× ({_time(r['peak_hour'])})" if r["peak_hour"] else "—")),
            ("never reached / people, by district", lambda r: ", ".join(
                f"{name} {never}/{people}"
                for name, (never, people) in r["district_never_reached"].items())),
            ("squads missing (most at once)", lambda r: ", ".join(
                f"{k} {v}" for k, v in sorted(r["squads_missing"].items())) or "—"),
        ]
        width = max(len(label) for label, _ in rows)
        self.stdout.write(" " * width + "  " + "  ".join(f"{r['policy']:>14}" for r in results))
        for label, show in rows:
            self.stdout.write(f"{label:<{width}}  " + "  ".join(
                f"{show(r):>14}" for r in results))


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.0f}"


def _share(value) -> str:
    return "—" if value is None else f"{value:.0%}"


def _time(value) -> str:
    return "—" if value is None else timezone.localtime(value).strftime("%H:%M")
