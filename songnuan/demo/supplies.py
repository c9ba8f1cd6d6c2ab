"""Demo supplies: the city's allocation to every station at the campaign's start, relief points
and squads stocked from their district's station, donations during the season, and what each
refusal in the demo encounters was handed. Runs after `songnuan.demo.dispatch`."""

from __future__ import annotations

import datetime

from django.utils import timezone

from songnuan.demo.dispatch import CAMPAIGN_START
from songnuan.network.models import District, Site, SiteLevel
from songnuan.outreach.models import Encounter, EncounterOutcome, Squad
from songnuan.supplies import services
from songnuan.supplies.models import ItemKind, Stock, SupplyItem

# name, kind, unit, station allocation, station reserve, squad load, squad reserve
ITEMS = (
    ("军绿棉大衣", ItemKind.COAT, "件", 300, 80, 12, 6),
    ("加厚棉被", ItemKind.QUILT, "床", 200, 60, 6, 3),
    ("棉手套", ItemKind.GLOVES, "副", 300, 60, 15, 6),
    ("棉帽", ItemKind.HAT, "顶", 200, 40, 10, 4),
    ("八宝粥", ItemKind.FOOD, "罐", 1200, 300, 30, 12),
    ("热姜茶", ItemKind.HOT_DRINK, "杯", 800, 200, 24, 10),
    ("暖宝宝", ItemKind.WARMER, "片", 1500, 300, 40, 15),
    ("常用药品包", ItemKind.MEDICINE_KIT, "个", 60, 20, 3, 1),
    ("救助联系卡", ItemKind.CONTACT_CARD, "张", 2000, 300, 40, 15),
)
RELIEF_POINT_SHARE = 0.1  # of the station's allocation, for each relief point it runs
REFUSALS_PER_BATCH = 500
ALLOCATION = "市民政局寒冬送温暖专项物资调拨"
# The first gives the city's name: "<city>慈善总会捐赠".
DONORS = ("{city}慈善总会捐赠", "爱心企业捐赠", "市红十字会捐赠")
# What a squad leaves with someone who will not come in (with a contact card, below).
LEFT_ON_REFUSAL = ((ItemKind.COAT, 1), (ItemKind.FOOD, 2), (ItemKind.HOT_DRINK, 1),
                   (ItemKind.GLOVES, 1), (ItemKind.WARMER, 4))


def populate(ctx) -> None:
    items = {kind: SupplyItem.objects.create(name=name, kind=kind, unit=unit)
             for name, kind, unit, *_rest in ITEMS}
    start = timezone.make_aware(datetime.datetime.combine(CAMPAIGN_START, datetime.time(9)))
    stations = {}
    for district in District.objects.order_by("code"):
        station = _station(district)
        if station is None:
            continue
        stations[district.pk] = station
        _stock_station(ctx, station, items, start)
    for squad in Squad.objects.filter(district_id__in=stations).order_by("pk"):
        _stock_squad(squad, stations[squad.district_id], items,
                     start + datetime.timedelta(hours=8))
    refusals = list(Encounter.objects.filter(outcome=EncounterOutcome.REFUSED,
                                             district_id__in=stations)
                    .order_by("at").values_list("pk", flat=True))
    # In batches: SQLite refuses one IN list of every refusal of a large winter.
    for first in range(0, len(refusals), REFUSALS_PER_BATCH):
        batch = refusals[first:first + REFUSALS_PER_BATCH]
        loaded = Encounter.objects.filter(pk__in=batch).select_related("squad") \
            .prefetch_related("people__person").in_bulk()
        for pk in batch:
            _hand_over(ctx, loaded[pk], stations[loaded[pk].district_id], items)


def _station(district: District) -> Site | None:
    return (Site.objects.filter(district=district, level__in=(SiteLevel.SUB_STATION,
                                                              SiteLevel.CENTRAL_STATION))
            .order_by("level", "pk").first())


def _stock_station(ctx, station: Site, items, at) -> None:
    points = list(Site.objects.filter(parent=station, level=SiteLevel.RELIEF_POINT))
    for _name, kind, _unit, allocation, reserve, *_squad in ITEMS:
        amount = ctx.count(allocation, minimum=allocation // 4)
        services.receive(station, items[kind], amount, by=None, source=ALLOCATION, at=at)
        _reserve(station, items[kind], ctx.count(reserve, minimum=reserve // 4))
        for point in points:
            share = max(1, round(amount * RELIEF_POINT_SHARE))
            services.transfer(station, point, items[kind], share, by=None,
                              reason="分配至琴岛驿家", at=at + datetime.timedelta(hours=2))
            _reserve(point, items[kind], max(1, share // 3))


def _stock_squad(squad: Squad, station: Site, items, at) -> None:
    for _name, kind, _unit, _alloc, _station_reserve, load, reserve in ITEMS:
        services.transfer(station, squad, items[kind], load, by=None, reason="夜班前补充",
                          at=at)
        _reserve(squad, items[kind], reserve)


def _reserve(holder, item: SupplyItem, level: int) -> None:
    Stock.objects.filter(pk=services.stock_of(holder, item).pk).update(reserve_level=level)


def _hand_over(ctx, encounter: Encounter, station: Site, items) -> None:
    """Top the squad up from its station before the shift when it ran low, then hand over."""
    wanted = dict(LEFT_ON_REFUSAL)
    if encounter.contact_card_left:
        wanted[ItemKind.CONTACT_CARD] = 1
    before_shift = encounter.at - datetime.timedelta(hours=3)
    for kind, quantity in wanted.items():
        squad_stock = services.stock_of(encounter.squad, items[kind])
        if squad_stock.quantity >= quantity:
            continue
        load = next(row[5] for row in ITEMS if row[1] == kind)
        station_stock = services.stock_of(station, items[kind])
        if station_stock.quantity < load:
            services.receive(station, items[kind], load * 10, by=None,
                             source=ctx.rng.choice(DONORS).format(city=ctx.city.name), at=before_shift)
        services.transfer(station, encounter.squad, items[kind], load, by=None,
                          reason="夜班前补充", at=before_shift)
    for met in encounter.people.all():
        services.issue(encounter.squad, {items[k]: n for k, n in wanted.items()}, by=None,
                       person=met.person, encounter=encounter, at=encounter.at)
