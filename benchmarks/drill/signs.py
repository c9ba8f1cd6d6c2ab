"""What the board is told of the high-risk people on the drill's nights: the share with a sign of
danger ticked on their first report, also described there (`leads.signs`), and on any of their
reports, beside the others wrongly read as in danger.

    .venv/bin/python -m benchmarks.drill.signs [--seeds 1,2,3,4] [--surge-seed 1]

It reads the demo's hotspots and districts from benchmarks/out/drill-demo.sqlite3 (made by
`python -m benchmarks.drill`, or made here the same way) and generates the nights as
`songnuan drill` does; nothing is played.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATABASE = ROOT / "benchmarks" / "out" / "drill-demo.sqlite3"
SONGNUAN = str(Path(sys.executable).with_name("songnuan"))
START = datetime.datetime(2027, 1, 15, 18, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.drill.signs",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3,4", help="normal nights (150 reports)")
    parser.add_argument("--surge-seed", type=int, default=1, help="a surge (500 reports)")
    args = parser.parse_args()
    os.environ.update(DATABASE_URL=f"sqlite:///{DATABASE}", DEMO="1",
                      SECRET_KEY=os.environ.get("SECRET_KEY", "benchmark-only"),
                      DJANGO_SETTINGS_MODULE="songnuan.settings")
    if not DATABASE.exists():
        DATABASE.parent.mkdir(parents=True, exist_ok=True)
        for command in (["migrate", "-v0"], ["demo", "--size", "small", "--now", "2027-01-15T17:00"]):
            subprocess.run([SONGNUAN, *command], check=True, cwd=ROOT, capture_output=True)
    import django

    django.setup()
    print("night       high-risk  ticked first  and described  and any later report  "
          "others read in danger")
    nights = [(int(seed), 150, False) for seed in args.seeds.split(",") if seed.strip()]
    for seed, reports, surge in [*nights, (args.surge_seed, 500, True)]:
        print(_line(seed, reports, surge))


def _line(seed: int, reports: int, surge: bool) -> str:
    from songnuan.drill import night, setup
    from songnuan.leads import signs, triage

    hotspots, districts = setup.hotspots_and_districts()
    generated = night.generate(hotspots=hotspots, districts=districts, start=START, hours=12,
                               reports=reports, seed=seed, surge=surge,
                               district_of=setup.district_of)
    by_person: dict[int, list] = {}
    for report in generated.reports:
        by_person.setdefault(report.person, []).append(report)

    def seen(report) -> set[str]:
        return set(report.flags) | signs.described(report.description)

    high = [person for person in generated.people if person.is_high_risk]
    others = [person for person in generated.people if not person.is_high_risk]
    ticked = sum(triage.in_danger(by_person[p.key][0].flags) for p in high)
    described = sum(triage.in_danger(seen(by_person[p.key][0])) for p in high)
    any_report = sum(triage.in_danger(set().union(*map(seen, by_person[p.key]))) for p in high)
    wrongly = sum(triage.in_danger(seen(by_person[p.key][0])) for p in others)
    name = f"{'surge' if surge else 'normal'} {seed}"
    return (f"{name:<10}  {len(high):>9}  {ticked / len(high):>12.0%}  "
            f"{described / len(high):>13.0%}  {any_report / len(high):>20.0%}  "
            f"{wrongly} of {len(others)}")


if __name__ == "__main__":
    main()
