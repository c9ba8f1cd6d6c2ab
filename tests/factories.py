"""Small factories and the fixed cast used across the suite.

The cast spans roles and two districts, so permission tests read as stories: "the 市南区
dispatcher cannot see the 崂山区 station's organisation".
"""

from __future__ import annotations

import importlib
import itertools
from types import SimpleNamespace

from songnuan.accounts.models import ApiToken, Organisation, OrganisationKind, TokenScope, User
from songnuan.accounts.roles import Role
from songnuan.accounts.services import issue_token
from songnuan.network.models import District, Site, SiteLevel

PASSWORD = "correct-horse-battery"
_serial = itertools.count(1)

SHINAN, LAOSHAN = "370202", "370212"
# The default city's districts as the network's migration seeds them.
SEEDED_DISTRICTS = importlib.import_module(
    "songnuan.network.migrations.0002_qingdao_districts").DISTRICTS


def district(code: str) -> District:
    return District.objects.get(code=code)


def ensure_districts() -> None:
    """Browser tests flush the database between tests, taking the migrated districts along."""
    if District.objects.count() == len(SEEDED_DISTRICTS):
        return
    for code, name, name_en, lat, lon in SEEDED_DISTRICTS:
        District.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "centre_lat": lat, "centre_lon": lon},
        )


def make_site(name: str | None = None, *, level: str = SiteLevel.SUB_STATION,
              district_code: str = SHINAN, parent: Site | None = None, **fields) -> Site:
    area = district(district_code)
    defaults = {"lat": area.centre_lat, "lon": area.centre_lon, "address": f"{area.name}测试路1号",
                "is_24h": True, "phone": "0532-80000000",
                "host_type": "rescue_station" if level in ("central", "sub") else "other"}
    defaults.update(fields)
    return Site.objects.create(
        name=name or f"测试站点{next(_serial)}", level=level, district=area, parent=parent,
        **defaults,
    )


def make_organisation(name: str | None = None, *, kind: str = OrganisationKind.DISTRICT_BUREAU,
                      district_code: str | None = SHINAN, site: Site | None = None) -> Organisation:
    return Organisation.objects.create(
        name=name or f"测试单位{next(_serial)}", kind=kind,
        district=district(district_code) if district_code else None, site=site,
    )


def make_user(username: str | None = None, *, role: str = Role.VIEWER,
              district_code: str | None = None, site: Site | None = None,
              organisation: Organisation | None = None, **fields) -> User:
    user = User(
        username=username or f"user{next(_serial)}", role=role,
        district=district(district_code) if district_code else (site.district if site else None),
        site=site, organisation=organisation, is_staff=role == Role.CITY_ADMIN, **fields,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def make_token(user: User, *, name: str = "script", scope: str = TokenScope.READ_WRITE,
               days: int = 90) -> tuple[str, ApiToken]:
    """An API token of the user: its key (shown once) and its row."""
    key = issue_token(user, name, scope=scope, days=days)
    return key, ApiToken.objects.get(key_hash=ApiToken.hash_key(key))


def build_cast() -> SimpleNamespace:
    ensure_districts()
    central = make_site("青岛市救助管理站", level=SiteLevel.CENTRAL_STATION, district_code="370213")
    shinan_station = make_site("市南区救助管理分站", parent=central, district_code=SHINAN)
    laoshan_station = make_site("崂山区救助管理分站", parent=central, district_code=LAOSHAN)
    shinan_point = make_site("琴岛驿家·八大关", level=SiteLevel.RELIEF_POINT,
                             parent=shinan_station, district_code=SHINAN)
    laoshan_point = make_site("琴岛驿家·沙子口", level=SiteLevel.RELIEF_POINT,
                              parent=laoshan_station, district_code=LAOSHAN)
    shinan_bureau = make_organisation("市南区民政局", district_code=SHINAN)
    laoshan_bureau = make_organisation("崂山区民政局", district_code=LAOSHAN)
    police = make_organisation("青岛市公安局刑侦支队", kind=OrganisationKind.POLICE,
                               district_code=None)
    cast = SimpleNamespace(
        central=central, shinan_substation=shinan_station, laoshan_substation=laoshan_station,
        shinan_point=shinan_point, laoshan_point=laoshan_point,
        shinan_bureau=shinan_bureau, laoshan_bureau=laoshan_bureau, police=police,
    )
    cast.city_admin = make_user("admin", role=Role.CITY_ADMIN, last_name="周", first_name="建国")
    cast.city_viewer = make_user("city.viewer", role=Role.VIEWER, last_name="吴", first_name="敏")
    cast.centre_dispatcher = make_user("centre.dispatcher", role=Role.DISPATCHER,
                                       last_name="郑", first_name="强")
    cast.police_liaison = make_user("police.liaison", role=Role.POLICE_LIAISON,
                                    organisation=police, last_name="孙", first_name="涛")
    for prefix, code, station, point, bureau in (
        ("shinan", SHINAN, shinan_station, shinan_point, shinan_bureau),
        ("laoshan", LAOSHAN, laoshan_station, laoshan_point, laoshan_bureau),
    ):
        people = {
            "admin": make_user(f"{prefix}.admin", role=Role.DISTRICT_ADMIN, district_code=code,
                               organisation=bureau, last_name="王", first_name="芳"),
            "dispatcher": make_user(f"{prefix}.dispatcher", role=Role.DISPATCHER,
                                    district_code=code, organisation=bureau,
                                    last_name="李", first_name="伟"),
            "station": make_user(f"{prefix}.station", role=Role.STATION_STAFF, site=station,
                                 last_name="张", first_name="丽"),
            "relief": make_user(f"{prefix}.relief", role=Role.RELIEF_POINT_OPERATOR, site=point,
                                last_name="陈", first_name="静"),
            "patroller": make_user(f"{prefix}.patrol", role=Role.PATROLLER, district_code=code,
                                   organisation=bureau, last_name="刘", first_name="洋"),
            "tracing": make_user(f"{prefix}.tracing", role=Role.TRACING_OFFICER,
                                 district_code=code, last_name="杨", first_name="娟"),
            "viewer": make_user(f"{prefix}.viewer", role=Role.VIEWER, district_code=code,
                                last_name="赵", first_name="磊"),
        }
        for key, user in people.items():
            setattr(cast, f"{prefix}_{key}", user)
    return cast
