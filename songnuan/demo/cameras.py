"""Demo cameras at the demo's hotspots and tonight's candidates from them, some confirmed into
leads and some dismissed. The pictures are generated (a dark scene, a figure lying or sitting),
so nothing of a real person is shipped.

To run after the leads step (it needs the hotspots and the dispatchers).
"""

from __future__ import annotations

import datetime

from PIL import Image, ImageDraw, ImageFilter

from songnuan.accounts.models import User
from songnuan.accounts.roles import Role
from songnuan.cameras import services
from songnuan.cameras.models import Camera, DismissReason, FeedKind, Label, OwnerKind
from songnuan.leads.models import Lead, new_tracking_code

OWNERS = [("青岛市公安局视频监控中心", OwnerKind.PUBLIC_SECURITY),
          ("青岛市城市管理局", OwnerKind.URBAN_MANAGEMENT),
          ("青岛地铁集团", OwnerKind.TRANSPORT)]
WIDTH, HEIGHT = 960, 540
CAMERAS_AT_MOST = 12


def picture(ctx, label: str) -> tuple[Image.Image, list[list[int]]]:
    """A night scene under a bridge or in an underpass with one figure, and its box."""
    rng = ctx.rng
    scene = Image.new("RGB", (WIDTH, HEIGHT), (28, 30, 38))
    draw = ImageDraw.Draw(scene)
    draw.polygon([(0, HEIGHT), (WIDTH, HEIGHT), (WIDTH, 330), (0, 300)], fill=(52, 52, 58))
    for x in range(80, WIDTH, 220):  # lamps along the wall
        draw.ellipse((x, 40, x + 24, 64), fill=(230, 210, 150))
    x = rng.randint(80, WIDTH - 380)
    coat = rng.choice([(70, 60, 50), (40, 55, 80), (90, 40, 40)])
    if label == Label.LYING:
        box = [x, 360, 320, 110]
        draw.rectangle((x, 430, x + 320, 465), fill=(150, 130, 100))  # cardboard
        draw.ellipse((x + 20, 385, x + 270, 445), fill=coat)
        draw.ellipse((x + 250, 380, x + 310, 435), fill=(200, 170, 140))
    else:
        box = [x, 250, 150, 230]
        draw.rectangle((x + 20, 320, x + 130, 470), fill=coat)
        draw.ellipse((x + 45, 255, x + 105, 320), fill=(200, 170, 140))
    return scene.filter(ImageFilter.GaussianBlur(1)), [box]


def populate(ctx) -> None:
    owners = [services.create_owner(name, kind, by=None)[0] for name, kind in OWNERS]
    hotspots = [spot for spot in ctx.shared.get("hotspots", []) if spot.risk_level >= 2]
    cameras = []
    for index, hotspot in enumerate(hotspots[:CAMERAS_AT_MOST]):
        cameras.append(Camera.objects.create(
            code=f"QD-{hotspot.district.code[-2:]}-{index + 1:03d}", name=f"{hotspot.name} 摄像头",
            owner=owners[index % len(owners)], lat=hotspot.lat, lon=hotspot.lon,
            district=hotspot.district, hotspot=hotspot, feed_kind=FeedKind.VENDOR_PUSH,
            masks=[[0.8, 0.0, 0.2, 0.25]],  # the windows of the flats across the road
            last_picture_at=ctx.now - datetime.timedelta(minutes=ctx.rng.randint(1, 30))))
    if cameras:
        cameras[-1].last_picture_at = ctx.now - datetime.timedelta(hours=5)  # one silent
        cameras[-1].save()
    dispatchers = {user.district_id: user for user in User.objects.filter(role=Role.DISPATCHER)
                   .exclude(district=None)}
    for number, camera in enumerate(cameras[:-1]):
        _night(ctx, camera, number, dispatchers.get(camera.district_id))


def _night(ctx, camera: Camera, number: int, dispatcher) -> None:
    rng = ctx.rng
    for attempt in range(rng.randint(1, 3)):
        label = rng.choice([Label.LYING, Label.LYING, Label.SITTING_STILL, Label.PERSON])
        image, boxes = picture(ctx, label)
        taken = ctx.now - datetime.timedelta(minutes=rng.randint(5, 240))
        detection = services.record_picture(camera, services.DetectionInput(
            event_id=f"demo-{camera.code}-{attempt}", camera=camera.code, captured_at=taken,
            label=label, confidence=round(rng.uniform(0.55, 0.97), 2), boxes=boxes,
            snapshot_base64=""), image, now=taken + datetime.timedelta(seconds=4))
        verdict = rng.random()
        if dispatcher is None or verdict < 0.45:
            continue  # waiting in the queue
        decided = taken + datetime.timedelta(minutes=rng.randint(1, 6))
        if verdict < 0.7 and detection.status == "pending":
            lead = services.confirm(detection, by=dispatcher, now=decided)
            # The demo's codes come from its seed, as the leads step's do.
            Lead.objects.filter(pk=lead.pk).update(tracking_code=new_tracking_code(rng))
        elif detection.status == "pending":
            reason = rng.choice([DismissReason.NOT_A_PERSON, DismissReason.WORKER_OR_PASSER_BY,
                                 DismissReason.HELPED_TONIGHT])
            services.dismiss(detection, reason, by=dispatcher, now=decided)
