"""Synthetic camera frames: a dark underpass or bridge scene with a person figure pasted in at a
chosen place and height, standing or lying (turned a quarter). The figure is a silhouette in a
coat with head, arms and legs apart, the shape a pedestrian detector is trained on; nothing of a
real person is drawn. Used by the detector's benchmark and its tests.
"""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 960, 540


def figure(height: int) -> Image.Image:
    """The figure's mask (L mode, 255 inside), `height` pixels tall and half as wide."""
    width = height // 2
    mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(mask)
    u, mid = height / 16, width / 2
    draw.ellipse((mid - 1.1 * u, 0.3 * u, mid + 1.1 * u, 2.6 * u), fill=255)  # head
    draw.rectangle((mid - 0.5 * u, 2.4 * u, mid + 0.5 * u, 3.2 * u), fill=255)  # neck
    draw.polygon([(mid - 2.3 * u, 3 * u), (mid + 2.3 * u, 3 * u), (mid + 2 * u, 9 * u),
                  (mid - 2 * u, 9 * u)], fill=255)  # coat
    for side in (-1, 1):
        draw.polygon([(mid + side * 2.3 * u, 3.2 * u), (mid + side * 3.1 * u, 8.5 * u),
                      (mid + side * 2.4 * u, 8.6 * u), (mid + side * 1.7 * u, 4 * u)],
                     fill=255)  # arm
        draw.polygon([(mid + side * 2 * u, 8.8 * u), (mid + side * 0.2 * u, 8.8 * u),
                      (mid + side * 0.6 * u, 15.6 * u), (mid + side * 1.9 * u, 15.6 * u)],
                     fill=255)  # leg
    return mask.filter(ImageFilter.GaussianBlur(1))


def background(seed: int = 0, size: tuple[int, int] = (WIDTH, HEIGHT)) -> Image.Image:
    """A grey concrete scene at night: a wall, a floor, lamps, grain."""
    rng = random.Random(seed)
    width, height = size
    scene = Image.new("RGB", size, (118, 118, 124))
    draw = ImageDraw.Draw(scene)
    draw.polygon([(0, height), (width, height), (width, int(height * 0.6)),
                  (0, int(height * 0.55))], fill=(96, 96, 100))
    for x in range(60, width, 240):
        draw.ellipse((x, 30, x + 22, 52), fill=(235, 220, 170))
    noise = Image.effect_noise(size, 18).convert("RGB")
    scene = Image.blend(scene, noise, 0.12 + rng.random() * 0.05)
    return scene.filter(ImageFilter.GaussianBlur(0.8))


def with_person(scene: Image.Image, at: tuple[int, int], height: int, lying: bool = False,
                shade: tuple[int, int, int] = (38, 36, 40)) -> tuple[Image.Image, list[int]]:
    """The scene with a figure whose top left corner is `at`; returns it and the figure's box
    [x, y, width, height]."""
    mask = figure(height)
    if lying:
        mask = mask.rotate(90, expand=True)
    out = scene.copy()
    out.paste(Image.new("RGB", mask.size, shade), at, mask)
    return out, [at[0], at[1], mask.width, mask.height]
