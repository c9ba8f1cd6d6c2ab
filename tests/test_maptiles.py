"""The offline basemap: a bureau without a tile service serves a local z/x/y folder of tiles."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.urls import reverse
from PIL import Image

from songnuan import maptiles

pytestmark = pytest.mark.django_db


@pytest.fixture
def tile_dir(settings, tmp_path):
    """Two zoom levels of a tiny basemap around Qingdao, as a tile-export tool would write it."""
    for z, x, y, suffix, colour in ((0, 0, 0, "png", (200, 220, 240)),
                                    (10, 854, 401, "png", (230, 230, 210)),
                                    (10, 855, 401, "jpg", (210, 230, 210))):
        folder = tmp_path / "tiles" / str(z) / str(x)
        folder.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (256, 256), colour).save(folder / f"{y}.{suffix}")
    settings.MAP_TILE_DIR = str(tmp_path / "tiles")
    return tmp_path / "tiles"


def _tile(client, z: int, x: int, y: int):
    return client.get(reverse("map_tile", args=[z, x, y]))


def test_a_tile_of_the_folder_is_served_as_the_image_it_is(client, tile_dir):
    response = _tile(client, 10, 854, 401)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.size == (256, 256) and image.getpixel((5, 5)) == (230, 230, 210)
    assert _tile(client, 10, 855, 401)["Content-Type"] == "image/jpeg"


def test_a_tile_the_folder_lacks_is_not_found(client, tile_dir):
    assert _tile(client, 10, 853, 401).status_code == 404
    assert _tile(client, 1, 2, 0).status_code == 404  # no such tile at zoom 1
    assert _tile(client, 30, 0, 0).status_code == 404


def test_without_a_tile_folder_nothing_is_served(client, settings):
    settings.MAP_TILE_DIR = ""
    assert _tile(client, 0, 0, 0).status_code == 404


def test_the_pages_are_told_the_tiles_and_their_coordinate_system(settings):
    settings.MAP_TILE_URL = "/tiles/{z}/{x}/{y}"
    settings.MAP_TILE_ATTRIBUTION = "青岛市民政局"
    settings.MAP_TILE_CRS = "gcj02"
    assert maptiles.tile_layer() == {"tiles": "/tiles/{z}/{x}/{y}", "attribution": "青岛市民政局",
                                     "crs": "gcj02"}


def _settings_with(**env: str) -> subprocess.CompletedProcess:
    code = "from songnuan import settings as s; print(s.MAP_TILE_URL, s.MAP_TILE_CRS)"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=os.environ | {"SECRET_KEY": "test", "MAP_TILE_URL": ""} | env,
                          check=False)


def test_a_tile_folder_alone_makes_every_map_draw_it():
    done = _settings_with(MAP_TILE_DIR="/srv/tiles", MAP_TILE_CRS="WGS84")
    assert done.stdout.split() == ["/tiles/{z}/{x}/{y}", "wgs84"]


def test_an_unknown_coordinate_system_for_the_tiles_stops_the_start():
    done = _settings_with(MAP_TILE_CRS="mercator")
    assert done.returncode != 0 and "MAP_TILE_CRS must be wgs84, gcj02 or bd09" in done.stderr
