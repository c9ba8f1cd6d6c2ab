"""Demo organisations and staff for every role, in several districts."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from songnuan.accounts.models import Organisation, OrganisationKind, User
from songnuan.accounts.roles import Role
from songnuan.network.models import District

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建红海志鹏飞斌宇浩凯俊峰晨欣雪琳晓婷宁波辉鑫亮"

# Districts whose offices get a full team in the demo (the rest get a district administrator).
TEAM_DISTRICTS = {"370202": "shinan", "370212": "laoshan", "370213": "licang",
                  "370211": "huangdao", "370214": "chengyang"}
DISTRICT_SLUGS = {"370203": "shibei", "370215": "jimo", "370281": "jiaozhou",
                  "370283": "pingdu", "370285": "laixi", **TEAM_DISTRICTS}


def chinese_name(rng) -> tuple[str, str]:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES), given


def populate(ctx) -> None:
    password = make_password(ctx.password)
    districts = {district.code: district for district in District.objects.all()}
    stations = ctx.shared["sub_stations"]
    city_name = ctx.city.name

    def add_user(username, role, organisation, district=None, site=None):
        last, first = chinese_name(ctx.rng)
        user = User.objects.create(
            username=username, password=password, role=role, organisation=organisation,
            district=district, site=site, last_name=last, first_name=first,
            phone=f"139{ctx.rng.randint(10000000, 99999999)}", is_staff=role == Role.CITY_ADMIN,
            date_joined=ctx.now,
        )
        ctx.logins.append({
            "username": username, "role": str(user.get_role_display()),
            "where": str(site or district or city_name),
        })
        return user

    city = Organisation.objects.create(name=f"{city_name}民政局", kind=OrganisationKind.CITY_BUREAU)
    centre = Organisation.objects.create(
        name=f"{ctx.shared['central_station'].name}（市救助服务中心）",
        kind=OrganisationKind.RESCUE_CENTRE, site=ctx.shared["central_station"],
        district=ctx.shared["central_station"].district,
        phone=ctx.shared["central_station"].phone,
    )
    police = Organisation.objects.create(name=f"{city_name}公安局刑事侦查支队",
                                         kind=OrganisationKind.POLICE)
    add_user("admin", Role.CITY_ADMIN, city)
    add_user("centre.dispatcher", Role.DISPATCHER, centre)
    add_user("city.tracing", Role.TRACING_OFFICER, centre)
    add_user("police.liaison", Role.POLICE_LIAISON, police)
    add_user("city.viewer", Role.VIEWER, city)

    for code, slug in ctx.city.district_slugs.items():
        district = districts[code]
        bureau = Organisation.objects.create(
            name=f"{district.name}民政局", kind=OrganisationKind.DISTRICT_BUREAU, district=district,
            phone=ctx.city.phone(ctx.rng),
        )
        station = Organisation.objects.create(
            name=f"{district.name}救助管理分站", kind=OrganisationKind.STATION, district=district,
            site=stations[code], phone=stations[code].phone,
        )
        add_user(f"{slug}.admin", Role.DISTRICT_ADMIN, bureau, district)
        if code not in ctx.city.team_districts:
            continue
        add_user(f"{slug}.dispatcher", Role.DISPATCHER, bureau, district)
        add_user(f"{slug}.station", Role.STATION_STAFF, station, district, stations[code])
        point = ctx.shared["relief_points"][code]
        add_user(f"{slug}.relief", Role.RELIEF_POINT_OPERATOR, station, district, point)
        add_user(f"{slug}.patrol1", Role.PATROLLER, bureau, district)
        add_user(f"{slug}.patrol2", Role.PATROLLER, bureau, district)
        add_user(f"{slug}.tracing", Role.TRACING_OFFICER, station, district)
        add_user(f"{slug}.viewer", Role.VIEWER, bureau, district)
        Organisation.objects.create(
            name=f"{district.name}公安分局", kind=OrganisationKind.POLICE, district=district
        )
        Organisation.objects.create(
            name=f"{district.name}人民医院", kind=OrganisationKind.HOSPITAL, district=district
        )
    for name in ctx.city.partners:
        Organisation.objects.create(name=name, kind=OrganisationKind.PARTNER)
