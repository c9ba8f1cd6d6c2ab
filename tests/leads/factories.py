"""Small builders for leads tests: a report at a Qingdao place, a photo with GPS metadata."""

from __future__ import annotations

import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from songnuan.leads import services
from songnuan.leads.models import Lead, Source
from songnuan.network.geography import district_for_point
from songnuan.outreach.models import Hotspot, PlaceType, RiskLevel

# WGS-84 points inside the districts the cast works in.
SHINAN_STATION_SQUARE = (36.0648, 120.3135)  # 青岛站, 市南区
LAOSHAN_ZHANGCUN = (36.1160, 120.4560)  # 张村河, 崂山区


def report(lat: float | None = SHINAN_STATION_SQUARE[0], lon: float | None =
           SHINAN_STATION_SQUARE[1], **fields) -> Lead:
    fields.setdefault("source", Source.PUBLIC_API)
    fields.setdefault("client_request_id", uuid.uuid4().hex)
    lead, _created = services.submit_lead(services.LeadInput(lat=lat, lon=lon, **fields))
    return lead


def make_hotspot(name: str = "青岛站东广场地下通道", lat: float = SHINAN_STATION_SQUARE[0],
                 lon: float = SHINAN_STATION_SQUARE[1], risk: int = RiskLevel.HIGH,
                 place_type: str = PlaceType.UNDERPASS) -> Hotspot:
    return Hotspot.objects.create(name=name, lat=lat, lon=lon, risk_level=risk,
                                  place_type=place_type, district=district_for_point(lat, lon))


def _rational_dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes_float = (value - degrees) * 60
    minutes = int(minutes_float)
    return (float(degrees), float(minutes), round((minutes_float - minutes) * 60, 4))


def jpeg_with_gps(lat: float = SHINAN_STATION_SQUARE[0], lon: float = SHINAN_STATION_SQUARE[1],
                  size: tuple[int, int] = (64, 48), name: str = "photo.jpg") -> SimpleUploadedFile:
    """A small JPEG carrying EXIF: camera make, owner and a GPS position."""
    image = Image.new("RGB", size, (180, 60, 30))
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"  # Make
    exif[0x013B] = "张三"  # Artist
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", _rational_dms(lat)
    gps[3], gps[4] = "E", _rational_dms(lon)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def png(size: tuple[int, int] = (20, 20)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 0, 200)).save(out, "PNG")
    return SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")
