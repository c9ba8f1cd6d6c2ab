"""The night drill as a benchmark: a normal red cold-wave night and a surge, each under tonight's
plan (on the normal nights also without free squads sent to wait: plan-stay) and a
first-come-first-served dispatcher with the same squads (the demo's ten crewed ones),
then the plan again with the uncrewed squads in reserve, the plan with the open sites the board
names asked to look in on those no squad can reach in time, and the squads per district that
bring p90 to the scene under 30 minutes.

    .venv/bin/python -m benchmarks.drill [--squads N] [--seed 1] [--other-seeds 2,3,4]
                                         [--skip-sizing]

It loads the Qingdao demo (small) into a SQLite file of its own (benchmarks/out/drill-demo.sqlite3,
kept for the next run) and runs `songnuan drill` against it; figures go to standard output and to
benchmarks/out/drill-*.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "benchmarks" / "out"
SONGNUAN = str(Path(sys.executable).with_name("songnuan"))
DEMO_CLOCK = "2027-01-15T17:00"
NIGHT_START = "2027-01-15T18:00"
BESIDE = "plan,plan-stay,fcfs"  # the plan, without sending free squads to wait, and by hand


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.drill", description=__doc__.splitlines()[0])
    parser.add_argument("--squads", type=int, default=None,
                        help="squads spread over the districts (default: the demo's crewed ones)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--normal", type=int, default=150, help="reports on a normal night")
    parser.add_argument("--surge", type=int, default=500, help="reports in a surge")
    parser.add_argument("--other-seeds", default="2,3,4",
                        help="more normal nights (comma-separated seeds; empty: none): one "
                             "night's figures swing by tens of minutes from seed to seed")
    parser.add_argument("--skip-sizing", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    database = OUT / "drill-demo.sqlite3"
    env = os.environ | {"DATABASE_URL": f"sqlite:///{database}",
                        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only"), "DEMO": "1"}
    fresh = not database.exists()
    _run([SONGNUAN, "migrate", "-v0"], env)  # a file kept from an older schema is brought up
    if fresh:
        _run([SONGNUAN, "demo", "--size", "small", "--now", DEMO_CLOCK], env)
    common = ["--seed", str(args.seed), "--start", NIGHT_START]
    if args.squads is not None:
        common += ["--squads", str(args.squads)]
    for name, extra in (("normal", ["--reports", str(args.normal), "--policies", BESIDE]),
                        ("normal-reserves", ["--reports", str(args.normal), "--reserves",
                                             "--policies", "plan"]),
                        ("normal-sites", ["--reports", str(args.normal), "--sites-look-in",
                                          "--policies", "plan"]),
                        ("surge", ["--reports", str(args.surge), "--surge"]),
                        ("surge-reserves", ["--reports", str(args.surge), "--surge",
                                            "--reserves", "--policies", "plan"])):
        started = time.monotonic()
        shown = _run([SONGNUAN, "drill", *common, *extra,
                      "--json-out", str(OUT / f"drill-{name}.json")], env)
        print(f"== {name} night ({time.monotonic() - started:.0f} s)\n{shown}")
    seeds = [int(seed) for seed in args.other_seeds.split(",") if seed.strip()]
    if seeds:
        print(_other_nights(seeds, common, args, env))
    if not args.skip_sizing:
        print("== squads for p90 under 30 minutes (normal night)")
        print(_run([SONGNUAN, "drill", *common, "--reports", str(args.normal),
                    "--find-squads", "30"], env))


def _other_nights(seeds: list[int], common: list[str], args, env: dict) -> str:
    """The normal night again on other seeds, one line per seed and policy."""
    lines = ["== normal nights on other seeds: plan, plan-stay and first come, first served",
             "seed  policy     to scene p50/p90  never (within reach, beyond)  high-risk never  "
             "within 30 / 60  from bases within 60 / never  foresight within 30 / 60"]
    for seed in seeds:
        out = OUT / f"drill-normal-seed{seed}.json"
        command = [SONGNUAN, "drill", *common, "--reports", str(args.normal), "--policies", BESIDE,
                   "--json-out", str(out)]
        command[command.index("--seed") + 1] = str(seed)
        _run(command, env)
        lines += [_seed_line(seed, row) for row in json.loads(out.read_text(encoding="utf-8"))]
    return "\n".join(lines)


def _seed_line(seed: int, row: dict) -> str:
    return (f"{seed:>4}  {row['policy']:<9}  {_number(row['scene_p50'])} / "
            f"{_number(row['scene_p90'])}  {_share(row['never_reached'])} "
            f"({_share(row['within_reach_never_reached'])}, "
            f"{row['beyond_reach_never'][0]} of {row['beyond_reach_never'][1]})  "
            f"{_share(row['high_risk_never_reached'])}  {_share(row['within_30'])} / "
            f"{_share(row['within_60'])}  {_share(row['bound_within_60'])} / "
            f"{_share(row['bound_never_reached'])}  {_share(row['foresight_within_30'])} / "
            f"{_share(row['foresight_within_60'])}")


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _run(command: list[str], env: dict) -> str:
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
    return done.stdout


if __name__ == "__main__":
    main()
