"""The four-level chain: central station → sub-stations → relief and guidance points."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from songnuan.network import services
from songnuan.network.models import Site, SiteLevel
from songnuan.refusals import Refused
from tests.factories import LAOSHAN, SHINAN, district, make_site


def new_site(level, parent=None, code=SHINAN, **fields):
    area = district(code)
    fields.setdefault("is_24h", True)
    return Site(name=fields.pop("name", "新站点"), level=level, parent=parent, district=area,
                lat=area.centre_lat, lon=area.centre_lon, **fields)


@pytest.fixture(autouse=True)
def _in_english(english):
    pass


def field_errors(call) -> dict:
    """The errors by field of a refused call: a model's errors, or one refusal's."""
    with pytest.raises((ValidationError, Refused)) as caught:
        call()
    if isinstance(caught.value, Refused):
        return {caught.value.field: [str(caught.value.message)]}
    return caught.value.message_dict


def test_a_relief_point_under_a_sub_station_is_saved(cast):
    site = services.save_site(new_site(SiteLevel.RELIEF_POINT, cast.shinan_substation))
    assert site.pk and site.parent == cast.shinan_substation


def test_a_guidance_point_belongs_to_a_sub_station(cast):
    errors = field_errors(lambda: services.save_site(
        new_site(SiteLevel.GUIDANCE_POINT, cast.shinan_point)))
    assert "sub-station" in errors["parent"][0].lower()


def test_a_relief_point_cannot_hang_under_the_central_station(cast):
    errors = field_errors(lambda: services.save_site(new_site(SiteLevel.RELIEF_POINT,
                                                              cast.central)))
    assert "parent" in errors


def test_a_sub_station_needs_a_parent(cast):
    assert "parent" in field_errors(lambda: services.save_site(new_site(SiteLevel.SUB_STATION)))


def test_the_central_station_has_no_parent_and_there_is_only_one(cast):
    assert "parent" in field_errors(lambda: services.save_site(
        new_site(SiteLevel.CENTRAL_STATION, cast.shinan_substation)))
    assert "level" in field_errors(lambda: services.save_site(
        new_site(SiteLevel.CENTRAL_STATION)))


def test_a_site_cannot_become_its_own_ancestor(cast):
    station = cast.shinan_substation
    station.level = SiteLevel.RELIEF_POINT
    station.parent = cast.shinan_point  # the point that hangs under this very station
    errors = field_errors(lambda: services.save_site(station))
    assert "itself" in errors["parent"][0]
    assert Site.objects.get(pk=station.pk).level == SiteLevel.SUB_STATION


def test_a_level_change_that_would_orphan_sub_sites_is_refused(cast):
    station = cast.laoshan_substation
    station.level = SiteLevel.RELIEF_POINT
    station.parent = cast.shinan_substation
    errors = field_errors(lambda: services.save_site(station))
    assert "琴岛驿家·沙子口" in " ".join(errors.get("level", []))


def test_a_suspended_site_needs_a_reason(cast):
    site = new_site(SiteLevel.RELIEF_POINT, cast.shinan_substation, status="suspended")
    assert "status_reason" in field_errors(lambda: services.save_site(site))


def test_hours_are_stored_in_canonical_form(cast):
    site = new_site(SiteLevel.RELIEF_POINT, cast.shinan_substation, is_24h=False,
                    hours=["周一至周日 18:00-08:00"])
    assert services.save_site(site).hours == ["Mon-Sun 18:00-08:00"]


def test_bad_hours_are_an_error_at_the_hours_field(cast):
    site = new_site(SiteLevel.RELIEF_POINT, cast.shinan_substation, hours=["Mon 19:00-7"])
    assert "hours" in field_errors(lambda: services.save_site(site))
    assert not Site.objects.filter(name="新站点").exists()


class TestPlacing:
    def test_the_district_is_derived_from_the_coordinates(self, cast):
        site = Site()
        laoshan = district(LAOSHAN)
        services.place_site(site, laoshan.centre_lat, laoshan.centre_lon)
        assert site.district == laoshan and site.district_override_reason == ""

    def test_overriding_the_district_needs_a_reason(self, cast):
        site = Site()
        laoshan, shinan = district(LAOSHAN), district(SHINAN)
        errors = field_errors(lambda: services.place_site(
            site, laoshan.centre_lat, laoshan.centre_lon, "wgs84", shinan))
        assert "district_override_reason" in errors
        services.place_site(site, laoshan.centre_lat, laoshan.centre_lon, "wgs84", shinan,
                            "市南区分站负责运营")
        assert site.district == shinan

    def test_swapped_latitude_and_longitude_are_named(self, cast):
        errors = field_errors(lambda: services.place_site(Site(), 120.38, 36.07))
        assert "swapped" in errors["lat"][0]

    def test_a_position_outside_qingdao_is_refused(self, cast):
        errors = field_errors(lambda: services.place_site(Site(), 39.90, 116.40))  # Beijing
        assert "outside Qingdao" in errors["lat"][0]

    def test_an_unknown_coordinate_system_is_refused(self, cast):
        errors = field_errors(lambda: services.place_site(Site(), 36.07, 120.38, "utm"))
        assert "coord" in errors

    def test_gcj02_input_is_stored_as_wgs84(self, cast):
        site = Site()
        services.place_site(site, 36.0660, 120.3825, "gcj02")
        assert site.lat == pytest.approx(36.0660 - 0.0003, abs=0.0006)
        assert site.lon == pytest.approx(120.3825 - 0.0052, abs=0.0006)


def test_make_site_still_builds_the_cast_with_sensible_defaults(cast):
    assert cast.shinan_point.is_24h and make_site(parent=cast.central).host_type == "rescue_station"
