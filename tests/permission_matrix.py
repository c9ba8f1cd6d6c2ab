"""The permission matrix: objects that belong to 崂山区, and who from outside may touch them.

Each app adds its targets here; `accounts/test_permission_matrix.py` tries every actor against
every target through the web pages and the API and expects refusal unless listed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

# Everyone who is not on 崂山区's side: each role in 市南区, plus the city-wide accounts.
ACTORS = (
    "city_admin", "city_viewer", "centre_dispatcher", "police_liaison",
    "shinan_admin", "shinan_dispatcher", "shinan_station", "shinan_relief",
    "shinan_patroller", "shinan_tracing", "shinan_viewer",
)


@dataclass(frozen=True)
class Target:
    name: str
    make: Callable[[Any], Any]  # cast -> an object in 崂山区
    changed: Callable[[Any], bool]  # obj (reloaded) -> did a change attempt land?
    web_view: Callable[[Any], str] | None = None
    web_change: Callable[[Any], tuple[str, dict]] | None = None
    api_view: Callable[[Any], str] | None = None
    api_change: Callable[[Any], tuple[str, dict]] | None = None
    may_view: frozenset[str] = field(default_factory=frozenset)
    may_change: frozenset[str] = field(default_factory=frozenset)


TARGETS: list[Target] = []

NEW_NAME = "被篡改的名称"

TARGETS.append(Target(
    name="organisation",
    make=lambda cast: cast.laoshan_bureau,
    changed=lambda org: org.name == NEW_NAME,
    web_view=lambda org: reverse("accounts:organisation_detail", args=[org.pk]),
    web_change=lambda org: (reverse("accounts:organisation_edit", args=[org.pk]), {
        "name": NEW_NAME, "kind": org.kind, "district": org.district_id, "phone": "",
        "is_active": "on",
    }),
    api_view=lambda org: f"/api/v1/organisations/{org.pk}",
    api_change=lambda org: (f"/api/v1/organisations/{org.pk}", {"name": NEW_NAME}),
    may_view=frozenset({"city_admin", "city_viewer", "centre_dispatcher"}),
    may_change=frozenset({"city_admin"}),
))

TARGETS.append(Target(
    name="staff account",
    make=lambda cast: cast.laoshan_dispatcher,
    changed=lambda user: user.last_name == "篡",
    web_view=lambda user: reverse("accounts:user_edit", args=[user.pk]),
    web_change=lambda user: (reverse("accounts:user_edit", args=[user.pk]), {
        "username": user.username, "last_name": "篡", "first_name": user.first_name,
        "role": user.role, "district": user.district_id, "is_active": "on",
    }),
    api_view=lambda user: f"/api/v1/users/{user.pk}",
    may_view=frozenset({"city_admin"}),
    may_change=frozenset({"city_admin"}),
))



def _laoshan_call(cast):
    from tests.hotline.factories import log

    return log(cast.laoshan_dispatcher, note="崂山区来电")


TARGETS.append(Target(
    name="hotline call",
    make=_laoshan_call,
    changed=lambda call: call.note == NEW_NAME,
    web_view=lambda call: reverse("hotline:call_detail", args=[call.pk]),
    may_view=frozenset({"city_admin", "centre_dispatcher"}),
))


def _laoshan_token(cast):
    from tests.factories import make_token

    return make_token(cast.laoshan_patroller, name="崂山巡查脚本")[1]


TARGETS.append(Target(
    name="API token",
    make=_laoshan_token,
    changed=lambda token: token.revoked_at is not None,
    web_change=lambda token: (reverse("accounts:token_revoke", args=[token.pk]), {}),
    may_change=frozenset({"city_admin"}),
))


def _laoshan_lead(cast):
    from songnuan.leads import services

    lead, _ = services.submit_lead(services.LeadInput(
        source="public_api", lat=36.1160, lon=120.4560, client_request_id=None,
        place="张村河桥洞"))
    return lead


TARGETS.append(Target(
    name="lead",
    make=_laoshan_lead,
    changed=lambda lead: lead.place == NEW_NAME or lead.status == "resolved",
    web_view=lambda lead: reverse("leads:lead_detail", args=[lead.pk]),
    web_change=lambda lead: (reverse("leads:lead_invalid", args=[lead.pk]),
                             {"reason": "测试"}),
    api_view=lambda lead: f"/api/v1/staff/leads/{lead.tracking_code}",
    api_change=lambda lead: (f"/api/v1/staff/leads/{lead.tracking_code}", {"place": NEW_NAME}),
    may_view=frozenset({"city_admin", "city_viewer", "centre_dispatcher"}),
    may_change=frozenset({"city_admin", "centre_dispatcher"}),
))


def _laoshan_lead_photo(cast):
    from songnuan.leads import services
    from songnuan.leads.photos import clean_photo
    from tests.leads.factories import png

    # By 石老人 beach, well away from the other 崂山区 leads so it is no duplicate of theirs.
    lead, _ = services.submit_lead(services.LeadInput(
        source="public_api", lat=36.0950, lon=120.4700, photos=[clean_photo(png())]))
    return lead.photos.get()


# Photos need their own permission: of those who may view the lead, the city viewer may not.
TARGETS.append(Target(
    name="lead photo",
    make=_laoshan_lead_photo,
    changed=lambda photo: False,
    web_view=lambda photo: reverse("leads:lead_photo", args=[photo.lead_id, photo.pk]),
    may_view=frozenset({"city_admin", "centre_dispatcher"}),
))


def _laoshan_hotspot(cast):
    from songnuan.outreach.models import Hotspot

    return Hotspot.objects.create(name="张村河桥洞", place_type="bridge_culvert", lat=36.1160,
                                  lon=120.4560, district=cast.laoshan_substation.district)


TARGETS.append(Target(
    name="hotspot",
    make=_laoshan_hotspot,
    changed=lambda spot: spot.name == NEW_NAME,
    web_view=lambda spot: reverse("outreach:hotspot_detail", args=[spot.pk]),
    api_view=lambda spot: f"/api/v1/hotspots/{spot.pk}",
    may_view=frozenset({"city_admin", "city_viewer", "centre_dispatcher"}),
))

# network: 崂山区's relief point. Viewing needs network.view and a reach that includes 崂山区;
# changing needs network.change on it, which no one outside 崂山区 but the city admin has.
TARGETS.append(Target(
    name="site",
    make=lambda cast: cast.laoshan_point,
    changed=lambda site: site.name == NEW_NAME,
    web_view=lambda site: reverse("network:site_detail", args=[site.pk]),
    web_change=lambda site: (reverse("network:site_edit", args=[site.pk]), {
        "name": NEW_NAME, "level": site.level, "parent": site.parent_id,
        "host_type": site.host_type, "lat": site.lat, "lon": site.lon, "coord": "wgs84",
        "is_24h": "on", "seats": 0, "beds": 0, "status": "open",
    }),
    api_view=lambda site: f"/api/v1/sites/{site.pk}",
    api_change=lambda site: (f"/api/v1/sites/{site.pk}", {"name": NEW_NAME}),
    may_view=frozenset({"city_admin", "city_viewer", "centre_dispatcher"}),
    may_change=frozenset({"city_admin"}),
))

# --- People and shelter ---------------------------------------------------------------------

def _laoshan_person(cast):
    from tests.people.factories import make_person

    return make_person("崂山测试人", site=cast.laoshan_substation)


def _laoshan_stay(cast):
    from songnuan.shelter.admission import AdmissionInput, admit
    from tests.shelter.factories import make_zone

    make_zone(cast.laoshan_substation, beds=1)
    return admit(_laoshan_person(cast), cast.laoshan_substation, AdmissionInput(),
                 by=cast.laoshan_station)


TARGETS.append(Target(
    name="person file",
    make=_laoshan_person,
    changed=lambda person: person.alias == NEW_NAME,
    web_view=lambda person: reverse("people:detail", args=[person.pk]),
    web_change=lambda person: (reverse("people:edit", args=[person.pk]), {
        "name": person.name, "alias": NEW_NAME, "sex": person.sex, "status": person.status,
        "district": person.district_id, "age_estimate": 45,
    }),
    api_view=lambda person: f"/api/v1/people/{person.pk}",
    api_change=lambda person: (f"/api/v1/people/{person.pk}", {"alias": NEW_NAME}),
    may_view=frozenset({"city_admin", "city_viewer", "centre_dispatcher"}),
    may_change=frozenset({"city_admin"}),
))

TARGETS.append(Target(
    name="stay",
    make=_laoshan_stay,
    changed=lambda stay: stay.items_held == NEW_NAME or stay.limit_days > 10,
    web_view=lambda stay: reverse("shelter:stay", args=[stay.pk]),
    web_change=lambda stay: (reverse("shelter:stay_extend", args=[stay.pk]), {
        "days": 3, "reason": "等待家属"}),
    api_view=lambda stay: f"/api/v1/shelter/stays/{stay.pk}",
    api_change=lambda stay: (f"/api/v1/shelter/stays/{stay.pk}", {"items_held": NEW_NAME}),
    may_view=frozenset({"city_admin", "city_viewer"}),
    may_change=frozenset({"city_admin"}),
))


# --- Tracing ---------------------------------------------------------------------------------
# A case follows its person's station (崂山区); a report its district; a comparison request is
# also visible to the liaison it is sent to (and only that one). Only views are listed: the
# district administrator's role holds tracing.view alone, and the matrix expects that role to
# change every target; changes are refused out of scope in tests/tracing/test_pages.py.

def _laoshan_case(cast):
    from tests.tracing.factories import admit_unidentified

    return admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)


def _laoshan_report(cast):
    from tests.tracing.factories import make_report

    return make_report("崂山寻人", district=cast.laoshan_substation.district)


def _laoshan_comparison(cast):
    from songnuan.tracing.comparisons import request_comparison
    from tests.factories import make_user

    other = make_user("police.laoshan", role="police_liaison")
    return request_comparison(_laoshan_case(cast), kind="dna", liaison=other, message="",
                              by=cast.laoshan_tracing)


TARGETS.append(Target(
    name="tracing case",
    make=_laoshan_case,
    changed=lambda case: case.announcement_or_none() is not None,
    web_view=lambda case: reverse("tracing:case", args=[case.pk]),
    api_view=lambda case: f"/api/v1/tracing/cases/{case.pk}",
    may_view=frozenset({"city_admin", "city_viewer"}),
))

TARGETS.append(Target(
    name="missing-person report",
    make=_laoshan_report,
    changed=lambda report: False,
    web_view=lambda report: reverse("tracing:report", args=[report.pk]),
    may_view=frozenset({"city_admin", "city_viewer"}),
))

TARGETS.append(Target(
    name="comparison request",
    make=_laoshan_comparison,
    changed=lambda item: item.status != "sent",
    web_view=lambda item: reverse("tracing:comparison", args=[item.pk]),
    # The city viewer's role holds tracing.view; the other liaison (police_liaison) does not
    # see a request sent to a colleague.
    may_view=frozenset({"city_admin", "city_viewer"}),
))


def _laoshan_warning(cast):
    from tests.weather.factories import store_warning

    return store_warning(cast.laoshan_admin.district, reference="QD-MATRIX-1", start=-1,
                         end=10_000)


def _laoshan_override(cast):
    import datetime

    from django.utils import timezone

    from songnuan.weather.overrides import set_override

    return set_override(cast.laoshan_admin.district, 2, "崂山区夜巡临时提级",
                        timezone.now() + datetime.timedelta(hours=6), by=cast.laoshan_admin)


TARGETS.append(Target(
    name="weather warning",
    make=_laoshan_warning,
    changed=lambda warning: warning.cancelled_at is not None,
    web_change=lambda warning: (reverse("weather:warning_lift", args=[warning.pk]), {}),
    may_change=frozenset({"city_admin", "centre_dispatcher"}),
))

TARGETS.append(Target(
    name="protocol override",
    make=_laoshan_override,
    changed=lambda decision: decision.expiry_noticed,
    web_change=lambda decision: (reverse("weather:override_end", args=[decision.pk]), {}),
    api_view=lambda decision: f"/api/v1/weather/protocol/{decision.district.code}",
    may_view=frozenset({"city_admin", "city_viewer", "centre_dispatcher"}),
    may_change=frozenset({"city_admin"}),
))

# outreach: 崂山区's night patrol plan, and sending a 崂山区 squad to a 崂山区 lead. Only the
# city-wide accounts with outreach and leads grants may plan or dispatch in another district.
def _laoshan_squad(cast):
    from tests.outreach.factories import make_squad

    return make_squad("崂山救助一队", district_code="370212", at=(36.1160, 120.4560))


def _laoshan_plan(cast):
    from songnuan.outreach.models import PatrolPlan

    squad = _laoshan_squad(cast)
    return PatrolPlan.objects.create(district=squad.district, night="2026-11-29")


def _laoshan_lead_and_squad(cast):
    from tests.leads.factories import LAOSHAN_ZHANGCUN, report

    _laoshan_squad(cast)
    return report(*LAOSHAN_ZHANGCUN)


TARGETS.append(Target(
    name="night patrol plan",
    make=_laoshan_plan,
    changed=lambda plan: False,
    web_view=lambda plan: reverse("outreach:plan_detail", args=[plan.pk]),
    may_view=frozenset({"city_admin", "city_viewer", "centre_dispatcher"}),
))

def _tomorrow_night_shift(squad) -> tuple[str, dict]:
    import datetime

    from django.utils import timezone

    day = timezone.localdate() + datetime.timedelta(days=1)
    return (reverse("outreach:squad_detail", args=[squad.pk]), {
        "action": "shift", "starts_at": f"{day:%Y-%m-%d}T18:00",
        "ends_at": f"{day + datetime.timedelta(days=1):%Y-%m-%d}T06:00"})


TARGETS.append(Target(
    name="squad and its shifts",
    make=_laoshan_squad,
    changed=lambda squad: squad.shifts.count() > 1,
    web_view=lambda squad: reverse("outreach:squad_detail", args=[squad.pk]),
    web_change=_tomorrow_night_shift,
    may_view=frozenset({"city_admin", "centre_dispatcher"}),
    may_change=frozenset({"city_admin", "centre_dispatcher"}),
))

TARGETS.append(Target(
    name="dispatch of a lead",
    make=_laoshan_lead_and_squad,
    changed=lambda lead: lead.tasks.exists(),
    web_change=lambda lead: (reverse("outreach:assign_lead", args=[lead.pk]), {}),
    may_change=frozenset({"city_admin", "centre_dispatcher"}),
))

# duty: 崂山区's leader on duty. Rosters are seen by the city-wide accounts with duty grants and
# kept by the city administrator; nobody in 市南区 sees or edits them.
def _laoshan_duty_shift(cast):
    from tests.duty.factories import make_shift
    from tests.factories import LAOSHAN, district

    return make_shift(cast.laoshan_admin, district=district(LAOSHAN))


TARGETS.append(Target(
    name="duty shift",
    make=_laoshan_duty_shift,
    changed=lambda shift: shift.ends_at.hour != 0,  # 08:00 in Qingdao is 00:00 UTC
    web_view=lambda shift: reverse("duty:shift_edit", args=[shift.pk]),
    web_change=lambda shift: (reverse("duty:shift_edit", args=[shift.pk]), {
        "district": shift.district_id, "role": shift.role, "user": shift.user_id,
        "starts_at": "2026-12-01T08:00", "ends_at": "2026-12-01T20:00",
    }),
    may_view=frozenset({"city_admin"}),
    may_change=frozenset({"city_admin"}),
))

# supplies: the stock of 崂山区's station and of a 崂山区 squad. Only city-wide accounts with the
# supplies grants see them; only the city administrator may receive goods into them.
def _laoshan_station_stock(cast):
    from tests.supplies.factories import stocked

    return stocked(cast.laoshan_substation, "coat", 20, reserve=10)


def _laoshan_squad_stock(cast):
    from tests.supplies.factories import stocked

    return stocked(_laoshan_squad(cast), "food", 12)


TARGETS.append(Target(
    name="station supplies",
    make=_laoshan_station_stock,
    changed=lambda stock: stock.quantity != 20,
    web_view=lambda stock: reverse("supplies:stock") + f"?holder=site:{stock.site_id}",
    web_change=lambda stock: (reverse("supplies:receive"), {
        "holder": f"site:{stock.site_id}", "item": stock.item_id, "quantity": 5,
        "source": "被篡改"}),
    may_view=frozenset({"city_admin", "city_viewer", "centre_dispatcher"}),
    may_change=frozenset({"city_admin"}),
))

TARGETS.append(Target(
    name="squad supplies",
    make=_laoshan_squad_stock,
    changed=lambda stock: stock.quantity != 12,
    web_view=lambda stock: reverse("supplies:stock") + f"?holder=squad:{stock.squad_id}",
    web_change=lambda stock: (reverse("supplies:adjust"), {
        "holder": f"squad:{stock.squad_id}", "item": stock.item_id, "change": -12,
        "reason": "被篡改"}),
    may_view=frozenset({"city_admin", "city_viewer", "centre_dispatcher"}),
    may_change=frozenset({"city_admin"}),
))


# places: a 崂山区 gazetteer entry. Its page is the edit page, so only those who may change it
# (the city administrator, and 崂山区's own administrator) open it.
def _laoshan_place(cast):
    from songnuan.places.models import Place

    return Place.objects.create(name="石老人海水浴场", lat=36.0975, lon=120.4690,
                                district=cast.laoshan_substation.district)


TARGETS.append(Target(
    name="gazetteer place",
    make=_laoshan_place,
    changed=lambda place: place.name == NEW_NAME,
    web_view=lambda place: reverse("places:place_edit", args=[place.pk]),
    web_change=lambda place: (reverse("places:place_edit", args=[place.pk]), {
        "name": NEW_NAME, "aliases_text": "", "kind": "park", "lat": place.lat,
        "lon": place.lon, "coord": "wgs84", "is_active": "on"}),
    may_view=frozenset({"city_admin"}),
    may_change=frozenset({"city_admin"}),
))
