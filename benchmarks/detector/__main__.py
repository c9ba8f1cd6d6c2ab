"""Our own camera detector: time per snapshot on this machine, precision and recall on the real
pictures the installed packages ship, and on synthetic night frames, and how it tells still
people from passers-by across snapshots.

    .venv/bin/python -m benchmarks.detector [--frames 90] [--nights 20] [--seed 7]
        [--threads 1] [--poll-minutes 5] [--cores 2]

Runs the project's code (songnuan.cameras.detector and snapshots) against a SQLite database of
its own in a temporary folder. The real set is every photograph shipped inside scikit-image's
data module and matplotlib's sample data (public-domain or openly licensed, hand-labelled here
with a box per person); the synthetic frames paste a person figure into a night scene at several
heights, standing or lying. A person counts as found when a find overlaps its box by IoU ≥ 0.3.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image

from benchmarks.detector.frames import HEIGHT, WIDTH, background, with_person

FOUND_IOU = 0.3


@dataclass
class Labelled:
    name: str
    path: Path
    people: list[list[int]]  # [x, y, w, h]
    note: str


def real_set() -> list[Labelled]:
    """The photographs shipped in installed packages, with people boxed by hand."""
    import matplotlib

    try:
        import skimage
    except ImportError:
        print("scikit-image is not installed (pip install scikit-image==0.26.0): its photographs "
              "are left out")
        sk = Path("/nonexistent")
    else:
        sk = Path(skimage.__file__).parent / "data"
    mpl = Path(matplotlib.get_data_path()) / "sample_data"
    people = [
        Labelled("camera.png (cameraman)", sk / "camera.png", [[0, 65, 335, 447]],
                 "one man bent over a tripod, cut at the knees"),
        Labelled("astronaut.png (Eileen Collins)", sk / "astronaut.png", [[20, 15, 345, 497]],
                 "NASA portrait, head and torso"),
        Labelled("grace_hopper.jpg", mpl / "grace_hopper.jpg", [[10, 20, 492, 580]],
                 "US Navy portrait, head and shoulders"),
    ]
    empty = ["coffee.png", "chelsea.png", "rocket.jpg", "coins.png", "brick.png", "grass.png",
             "gravel.png", "horse.png", "motorcycle_left.png", "page.png", "moon.png",
             "hubble_deep_field.jpg", "text.png", "retina.jpg"]
    pictures = people + [Labelled(name, sk / name, [], "no person") for name in empty]
    return [item for item in pictures if item.path.exists()]


def setup_django(folder: str) -> None:
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/detector.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{folder}/media"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songnuan.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def score(found, people: list[list[int]]) -> tuple[int, int, int]:
    """(true positives, false positives, missed) for one picture."""
    from songnuan.cameras.detector import iou
    from songnuan.cameras.pictures import Box

    truth = [Box(*box) for box in people]
    matched: set[int] = set()
    tp = fp = 0
    for find in found:
        best = max(range(len(truth)), key=lambda i: iou(find.box, truth[i]), default=None)
        if best is not None and best not in matched and iou(find.box, truth[best]) >= FOUND_IOU:
            matched.add(best)
            tp += 1
        else:
            fp += 1
    return tp, fp, len(truth) - len(matched)


def ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "—"


def run_real(min_score: float) -> None:
    from songnuan.cameras.detector import find_people

    print("\n## Real photographs shipped in packages")
    print("| picture | size | people | found | right | wrong | ms |")
    print("|---|---|---|---|---|---|---|")
    totals = [0, 0, 0]
    for item in real_set():
        with Image.open(item.path) as image:
            image = image.convert("RGB")
            start = time.perf_counter()
            found = find_people(image, min_score)
            ms = (time.perf_counter() - start) * 1000
        tp, fp, fn = score(found, item.people)
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
        print(f"| {item.name} | {image.width}×{image.height} | {len(item.people)} | {len(found)} "
              f"| {tp} | {fp} | {ms:.0f} |")
    tp, fp, fn = totals
    print(f"\nreal set: {len(real_set())} pictures, {tp + fn} people; precision "
          f"{ratio(tp, tp + fp)}, recall {ratio(tp, tp + fn)} ({tp} found, {fp} false, {fn} missed)")


def run_synthetic(frames: int, seed: int, min_score: float) -> list[float]:
    from songnuan.cameras.detector import find_people

    rng = random.Random(seed)
    print("\n## Synthetic night frames (960×540)")
    rows: dict[tuple[bool, int], list[int]] = {}
    times: list[float] = []
    empty_fp = 0
    for index in range(frames):
        scene = background(seed * 1000 + index)
        if index % 6 == 5:  # an empty scene now and then
            people: list[list[int]] = []
            key = None
            image = scene
        else:
            lying = index % 2 == 1
            height = rng.choice([70, 100, 140, 200, 280])
            w, h = (height, height // 2) if lying else (height // 2, height)
            at = (rng.randint(0, WIDTH - w), rng.randint(0, HEIGHT - h))
            image, box = with_person(scene, at, height, lying)
            people, key = [box], (lying, height)
        start = time.perf_counter()
        found = find_people(image, min_score)
        times.append(time.perf_counter() - start)
        tp, fp, fn = score(found, people)
        if key is None:
            empty_fp += fp
            continue
        posture_right = int(tp == 1 and any(f.lying == key[0] for f in found))
        row = rows.setdefault(key, [0, 0, 0, 0, 0])
        row[0] += 1
        row[1] += tp
        row[2] += fp
        row[3] += fn
        row[4] += posture_right
    print("| posture | figure height px | frames | found | false | missed | posture right |")
    print("|---|---|---|---|---|---|---|")
    tp_all = fp_all = fn_all = 0
    for (lying, height), (n, tp, fp, fn, posture) in sorted(rows.items()):
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        print(f"| {'lying' if lying else 'standing'} | {height} | {n} | {tp} | {fp} | {fn} "
              f"| {posture} |")
    fp_all += empty_fp
    print(f"\nsynthetic: {frames} frames; precision {ratio(tp_all, tp_all + fp_all)}, recall "
          f"{ratio(tp_all, tp_all + fn_all)}; {empty_fp} false finds on empty scenes")
    return times


def run_nights(nights: int, seed: int, camera, verbose: bool = False
               ) -> tuple[int, int, int, int, list[float]]:
    """Half the nights have one person who settles for 30 minutes among passers-by, half only
    passers-by; snapshots every 5 minutes for an hour. Returns still people, their candidates,
    passer-by candidates, passers-by, and the minutes from arrival to candidate."""
    from django.conf import settings

    from songnuan.cameras import snapshots
    from songnuan.cameras.detector import iou
    from songnuan.cameras.models import Detection, Track
    from songnuan.cameras.pictures import Box

    rng = random.Random(seed)
    still_people = still_found = passer_candidates = passers = 0
    delays: list[float] = []
    for night in range(nights):
        Track.objects.all().delete()
        Detection.objects.all().delete()
        start = datetime.datetime(2026, 12, 6 + night % 20, 1, 0, tzinfo=ZoneInfo(
            settings.TIME_ZONE))
        settles = night % 2 == 0
        arrive = rng.choice([0, 5, 10, 15]) if settles else None
        spot = (rng.randint(50, 600), rng.randint(250, 380))
        height = rng.choice([100, 140, 180])
        lying = rng.random() < 0.6
        made_for_still = []
        truth = None
        for step in range(13):
            minute = step * 5
            scene = background(night * 100 + step)
            if settles and arrive <= minute < arrive + 30:
                jitter = (spot[0] + rng.randint(-4, 4), spot[1] + rng.randint(-4, 4))
                scene, truth = with_person(scene, jitter, height + rng.randint(-4, 4), lying)
            if rng.random() < 0.7:  # someone walking through, somewhere else each time
                passers += 1
                walk = (rng.randint(0, WIDTH - 120), rng.randint(20, HEIGHT - 260))
                scene, _ = with_person(scene, walk, rng.choice([120, 160, 200]), False,
                                       shade=(60, 50, 45))
            made = snapshots.analyse(camera, scene, start + datetime.timedelta(minutes=minute))
            for detection in made:
                on_still = truth is not None and iou(Box(*detection.boxes[0]), Box(*truth)) > 0.1
                if settles and on_still:
                    made_for_still.append(minute)
                else:
                    passer_candidates += 1
                    if verbose:
                        print(f"  night {night} minute {minute}: a candidate at "
                              f"{detection.boxes[0]}, still person at {truth}")
        if settles:
            still_people += 1
            if made_for_still:
                still_found += 1
                delays.append(made_for_still[0] - arrive)
    return still_people, still_found, passer_candidates, passers, delays


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.detector",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=90, help="synthetic frames to search")
    parser.add_argument("--nights", type=int, default=20, help="simulated camera hours")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1,
                        help="OpenCV threads (1: one snapshot per core, as the worker runs)")
    parser.add_argument("--poll-minutes", type=float, default=5)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args(argv)

    import cv2

    cv2.setNumThreads(args.threads)
    folder = tempfile.mkdtemp(prefix="sn-detector-")
    setup_django(folder)
    from django.conf import settings

    from songnuan.cameras import snapshots
    from songnuan.cameras.models import CameraOwner, OwnerKind
    from tests.cameras.factories import make_camera

    min_score = settings.CAMERAS_DETECTOR_MIN_SCORE
    print(f"# Our detector: OpenCV {cv2.__version__} HOG people model, {args.threads} thread(s), "
          f"min score {min_score}, still after {settings.CAMERAS_STILL_MINUTES} min")
    run_real(min_score)
    times = run_synthetic(args.frames, args.seed, min_score)

    owner = CameraOwner.objects.create(name="bench", kind=OwnerKind.URBAN_MANAGEMENT)
    camera = make_camera(owner, code="BENCH-1", name="bench")
    whole: list[float] = []
    for index in range(20):  # the whole step of one snapshot: masks, search, tracks
        scene, _ = with_person(background(index), (100 + 30 * index, 200), 150)
        at = datetime.datetime(2026, 11, 1, 2, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
        start = time.perf_counter()
        snapshots.analyse(camera, scene, at + datetime.timedelta(hours=index))
        whole.append(time.perf_counter() - start)
    big = Image.new("RGB", (1920, 1080), (110, 110, 115))
    start = time.perf_counter()
    snapshots.analyse(camera, big, at + datetime.timedelta(days=2))
    full_hd = time.perf_counter() - start

    still, found, false_candidates, passers, delays = run_nights(args.nights, args.seed, camera,
                                                                 verbose=True)
    p50 = statistics.median(times) * 1000
    p95 = sorted(times)[int(len(times) * 0.95) - 1] * 1000
    per_snapshot = statistics.median(whole)
    capacity = int(args.cores * args.poll_minutes * 60 / per_snapshot)
    print("\n## Stillness across snapshots (every 5 min for an hour, at night)")
    print(f"still people: {still}, became candidates: {found} "
          f"(minutes from arrival to candidate: {sorted(delays)}); passers-by: {passers}; "
          f"candidates elsewhere than on a still person: {false_candidates}")
    print("\n## Time per snapshot")
    print(f"search only, 960×540: p50 {p50:.0f} ms, p95 {p95:.0f} ms "
          f"(three passes: upright and turned each way)")
    print(f"whole step (masks, search, tracks in the database), 960×540: p50 "
          f"{per_snapshot * 1000:.0f} ms; 1920×1080 (searched at 960 px): {full_hd * 1000:.0f} ms")
    print(f"cameras served within a {args.poll_minutes:g}-minute polling interval on "
          f"{args.cores} cores: about {capacity} (one worker per core, one thread each)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main())
