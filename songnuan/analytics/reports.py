"""The figures of the campaign summary report (工作总结) and of the daily briefing (每日简报).

Each figure is read from rows the reader may see, over a `Selection` of nights and districts,
with the same rules as the analytics pages (`figures`): a night runs 08:00–08:00, so an event
after midnight counts on the evening's date and in the evening's month; "admitted" is a person
escorted to a site; "refused with supplies" a refusal where supplies were given; "not found" an
encounter where nobody was there; times to arrive run from the report to the first squad on the
scene, p90 by nearest rank.
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.analytics import figures
from songnuan.analytics.selection import Selection, local, night_and_hour
from songnuan.incidents.models import GRAVE, Incident
from songnuan.incidents.models import Status as IncidentStatus
from songnuan.leads.models import Lead, LeadStatus
from songnuan.network.models import Site, SiteLevel, SiteStatus, district_names
from songnuan.outreach.escalation import overdue, thresholds_by_district
from songnuan.outreach.models import ACTIVE_TASK_STATUSES, EncounterOutcome, Task
from songnuan.outreach.patrols import NIGHT_ENDS_HOUR
from songnuan.shelter.models import Outcome as StayOutcome
from songnuan.shelter.models import Stay, StayStatus, TravelMode
from songnuan.supplies.models import Stock
from songnuan.tracing.models import CaseStatus, TracingCase
from songnuan.weather.levels import ProtocolLevel
from songnuan.weather.protocol import protocol_levels
from songnuan.words import listed


@dataclass
class Tally:
    """Counts of one district in one month (either may be None: all of them)."""

    district: str
    month: str
    leads: int = 0
    found: int = 0
    admitted: int = 0
    refused_supplies: int = 0
    not_found: int = 0
    arrive_min: list[float] = field(default_factory=list)

    @property
    def p50_arrive(self) -> float | None:
        return round(statistics.median(self.arrive_min), 1) if self.arrive_min else None

    @property
    def p90_arrive(self) -> float | None:
        return round(figures.nearest_rank(self.arrive_min, 0.9), 1) if self.arrive_min else None

    def add(self, other: Tally) -> None:
        self.leads += other.leads
        self.found += other.found
        self.admitted += other.admitted
        self.refused_supplies += other.refused_supplies
        self.not_found += other.not_found
        self.arrive_min += other.arrive_min


def _month(night: datetime.date) -> str:
    return f"{night:%Y-%m}"


def district_month_tallies(sel: Selection) -> tuple[list[Tally], Tally]:
    """One tally per district and month with anything in it, in district then month order,
    and the tally of the whole selection."""
    names = district_names(sel.district_ids)
    rank = {name: index for index, name in enumerate(names.values())}
    cells: dict[tuple[str, str], Tally] = {}

    def cell(district_id: int, night: datetime.date) -> Tally:
        key = (names.get(district_id, ""), _month(night))
        return cells.get(key) or cells.setdefault(key, Tally(*key))

    for row in figures.service_times(sel):
        tally = cell(row.district_id, row.night)
        tally.leads += row.leads
        tally.arrive_min += row.arrive_min
    encounters = {}
    for pk, district_id, at, outcome in sel.encounters().order_by().values_list(
            "pk", "district_id", "at", "outcome"):
        night = night_and_hour(at)[0]
        encounters[pk] = (district_id, night)
        if outcome == EncounterOutcome.NOT_FOUND:
            cell(district_id, night).not_found += 1
    for _pk, encounter_id, _person, outcome, night, _hour in sel.found_rows():
        district_id = encounters[encounter_id][0]
        tally = cell(district_id, night)
        tally.found += 1
        tally.admitted += outcome == EncounterOutcome.ESCORTED
    for refusal in figures.refusal_rows(sel):
        if refusal["supplied"]:
            district_id, night = encounters[refusal["encounter_id"]]
            cell(district_id, night).refused_supplies += 1
    rows = sorted(cells.values(), key=lambda t: (rank.get(t.district, 0), t.month))
    total = Tally("", "")
    for tally in rows:
        total.add(tally)
    return rows, total


def district_totals(rows: list[Tally]) -> list[Tally]:
    """The tallies summed over the months, one per district."""
    found: dict[str, Tally] = {}
    for row in rows:
        found.setdefault(row.district, Tally(row.district, "")).add(row)
    return list(found.values())


def month_totals(rows: list[Tally]) -> list[Tally]:
    """The tallies summed over the districts, one per month."""
    found: dict[str, Tally] = {}
    for row in sorted(rows, key=lambda t: t.month):
        found.setdefault(row.month, Tally("", row.month)).add(row)
    return list(found.values())


# ------------------------------------------------------------------ the relief network

@dataclass
class Network:
    sites_by_level: dict[str, int]
    open_sites: int
    beds: int
    seats: int


def network(sel: Selection) -> Network:
    """The sites of the selected districts as they stand now (the network keeps no history)."""
    sites = Site.objects.restrict(sel.user, "view").filter(district_id__in=sel.district_ids)
    levels = Counter(sites.values_list("level", flat=True))
    totals = sites.aggregate(beds=Sum("beds"), seats=Sum("seats"))
    return Network({str(label): levels[value] for value, label in SiteLevel.choices},
                   sites.filter(status=SiteStatus.OPEN).count(), totals["beds"] or 0,
                   totals["seats"] or 0)


# ------------------------------------------------------------------ patrols

@dataclass
class Patrols:
    encounters: int
    squads: int
    by_outcome: dict[str, int]
    reached_leads: int


def patrols(sel: Selection) -> Patrols:
    encounters = sel.encounters()
    outcomes = Counter(encounters.values_list("outcome", flat=True))
    reached = (Task.objects.filter(lead__in=sel.leads().values("pk"), arrived_at__isnull=False)
               .values("lead_id").distinct().count())
    return Patrols(encounters.count(), encounters.values("squad_id").distinct().count(),
                   {str(label): outcomes[value] for value, label in EncounterOutcome.choices},
                   reached)


# ------------------------------------------------------------------ admissions and returns

@dataclass
class Admissions:
    admitted: int
    people: int
    discharged: int
    by_outcome: dict[str, int]
    mean_days: float | None


def _stays(sel: Selection):
    return Stay.objects.restrict(sel.user, "view").filter(site__district_id__in=sel.district_ids)


def admissions(sel: Selection) -> Admissions:
    admitted = _stays(sel).filter(admitted_at__gte=sel.starts_at, admitted_at__lt=sel.ends_at)
    discharged = list(_stays(sel).filter(discharged_at__gte=sel.starts_at,
                                         discharged_at__lt=sel.ends_at)
                      .values_list("outcome", "admitted_at", "discharged_at"))
    outcomes = Counter(outcome for outcome, _in, _out in discharged)
    days = [(out - came).total_seconds() / 86400 for _o, came, out in discharged]
    return Admissions(admitted.count(), admitted.values("person_id").distinct().count(),
                      len(discharged),
                      {str(label): outcomes[value] for value, label in StayOutcome.choices},
                      round(statistics.mean(days), 1) if days else None)


@dataclass
class Returns:
    cases_opened: int
    identified: int
    still_open: int
    returned_home: int
    by_travel: dict[str, int]


def returns(sel: Selection) -> Returns:
    """Tracing cases (寻亲) opened and identified in the period, and people returned home
    (返乡) at their discharge."""
    cases = TracingCase.objects.restrict(sel.user, "view").filter(
        site__district_id__in=sel.district_ids)
    opened = cases.filter(opened_at__gte=sel.starts_at, opened_at__lt=sel.ends_at)
    identified = cases.filter(closed_at__gte=sel.starts_at, closed_at__lt=sel.ends_at,
                              status__in=[CaseStatus.IDENTIFIED, CaseStatus.CLOSED],
                              matched_report__isnull=False)
    home = _stays(sel).filter(discharged_at__gte=sel.starts_at, discharged_at__lt=sel.ends_at,
                              outcome=StayOutcome.RETURNED_HOME)
    travel = Counter(home.values_list("travel_mode", flat=True))
    return Returns(opened.count(), identified.count(),
                   opened.filter(status__in=[CaseStatus.OPEN, CaseStatus.STRANDED,
                                             CaseStatus.SETTLEMENT]).count(),
                   home.count(),
                   {str(label): travel[value] for value, label in TravelMode.choices})


# ------------------------------------------------------------------ the campaign report

@dataclass
class CampaignFigures:
    sel: Selection
    tallies: list[Tally]
    total: Tally
    by_district: list[Tally]
    by_month: list[Tally]
    nights: list[figures.ColdNight]
    outcomes: dict[str, int]
    protocol_nights: int
    network: Network
    patrols: Patrols
    admissions: Admissions
    returns: Returns
    grave: list[str]  # deaths and serious cold injuries, a line each

    @property
    def is_empty(self) -> bool:
        return not (self.total.leads or self.total.found or self.patrols.encounters
                    or self.admissions.admitted)


def campaign_figures(sel: Selection, progress=lambda share: None) -> CampaignFigures:
    tallies, total = district_month_tallies(sel)
    progress(0.3)
    nights = figures.nights_vs_cold(sel)
    levels = figures.night_levels(sel)
    protocol_nights = len({night for (_d, night), seen in levels.items()
                           if max(seen, default=0) > ProtocolLevel.NORMAL})
    progress(0.45)
    found = CampaignFigures(sel, tallies, total, district_totals(tallies), month_totals(tallies),
                            nights, figures.outcomes(sel), protocol_nights, network(sel),
                            patrols(sel), admissions(sel), returns(sel), grave_cases(sel))
    progress(0.6)
    return found


def grave_cases(sel: Selection) -> list[str]:
    """Deaths and serious cold injuries that happened in the selection's nights and districts,
    as the incident register flags them: "01-12 03:20 市南区 死亡 · 中山路地下通道"."""
    incidents = (Incident.objects.restrict(sel.user, "view").filter(GRAVE)
                 .filter(district_id__in=sel.district_ids, occurred_at__gte=sel.starts_at,
                         occurred_at__lt=sel.ends_at)
                 .select_related("district").order_by("occurred_at", "pk"))
    return [f"{local(incident.occurred_at):%m-%d %H:%M} {incident.district} "
            f"{incident.get_kind_display()} · {incident.place}" for incident in incidents]


def suggested_texts(found: CampaignFigures) -> dict[str, str]:
    """First drafts of the parts a person writes, from the figures; the reader edits them."""
    total = found.total
    if found.is_empty:
        overview = _("No lead, encounter or admission was recorded in this period.")
    else:
        overview = _(
            "From %(first)s to %(last)s, %(leads)s reports were received and %(found)s people "
            "were found; %(admitted)s were escorted to a site, %(supplies)s refused help and "
            "were given supplies. The cold-weather protocol was in force on %(nights)s nights."
        ) % {"first": found.sel.first, "last": found.sel.last, "leads": total.leads,
             "found": total.found, "admitted": total.admitted,
             "supplies": total.refused_supplies, "nights": found.protocol_nights}
    slow = [t.district for t in found.by_district if t.p90_arrive and t.p90_arrive > 30]
    problems = (_("Slow arrivals (p90 over 30 minutes) in: %(districts)s.")
                % {"districts": listed(slow)}) if slow else ""
    return {"overview": overview, "cases": "", "problems": problems, "next_steps": ""}


# ------------------------------------------------------------------ the daily briefing

@dataclass
class BriefingFigures:
    night: datetime.date
    leads: int
    found: int
    outcomes: dict[str, int]
    overdue_leads: int
    beds_free: int
    low_stocks: list[str]
    level_last_night: ProtocolLevel
    level_now: ProtocolLevel
    min_c_last_night: float | None
    min_c_tonight: float | None
    open_incidents: int
    week: list[figures.ColdNight]
    grave: list[str]


def briefing_figures(sel: Selection, now: datetime.datetime) -> BriefingFigures:
    """The morning's figures: `sel` is the one night just ended."""
    night = sel.last
    week = Selection(sel.user, night - datetime.timedelta(days=6), night, sel.district_ids)
    tonight = Selection(sel.user, night + datetime.timedelta(days=1),
                        night + datetime.timedelta(days=1), sel.district_ids)
    levels = figures.night_levels(sel)
    level_last = max((max(seen, default=0) for seen in levels.values()), default=0)
    level_now = max(protocol_levels(sel.district_ids, now).values(), default=ProtocolLevel.NORMAL)
    return BriefingFigures(
        night=night, leads=len(sel.lead_rows()), found=len(sel.found_rows()),
        outcomes=figures.outcomes(sel), overdue_leads=overdue_leads(sel, now),
        beds_free=beds_free(sel), low_stocks=low_stocks(sel),
        level_last_night=ProtocolLevel(level_last), level_now=ProtocolLevel(level_now),
        min_c_last_night=figures.night_minimums(sel).get(night),
        min_c_tonight=figures.night_minimums(tonight).get(tonight.first),
        open_incidents=(Incident.objects.restrict(sel.user, "view")
                        .filter(district_id__in=sel.district_ids)
                        .exclude(status=IncidentStatus.CLOSED).count()),
        week=figures.nights_vs_cold(week), grave=grave_cases(sel))


def overdue_leads(sel: Selection, now: datetime.datetime) -> int:
    """Open leads of the districts overdue now for assignment or arrival (the board's timers)."""
    queue = (Lead.objects.restrict(sel.user, "view").open().exclude(status=LeadStatus.DUPLICATE)
             .filter(district_id__in=sel.district_ids, received_at__lte=now))
    limits = thresholds_by_district(sel.district_ids, now)
    tasks = {lead_id: (assigned, arrived) for lead_id, assigned, arrived in
             Task.objects.filter(lead_id__in=queue.values("id"), status__in=ACTIVE_TASK_STATUSES)
             .values_list("lead_id", "assigned_at", "arrived_at")}
    late = 0
    for pk, district_id, received_at in queue.values_list("pk", "district_id", "received_at"):
        assigned, arrived = tasks.get(pk, (None, None))
        late += overdue(reported_at=received_at, assigned_at=assigned, arrived_at=arrived,
                        now=now, limits=limits[district_id]) is not None
    return late


def beds_free(sel: Selection) -> int:
    """Beds of the open sites not taken by a stay in the station now."""
    sites = (Site.objects.restrict(sel.user, "view")
             .filter(district_id__in=sel.district_ids, status=SiteStatus.OPEN, beds__gt=0))
    beds = sites.aggregate(n=Sum("beds"))["n"] or 0
    taken = Stay.objects.filter(site__in=sites, status=StayStatus.OPEN).count()
    return max(0, beds - taken)


def low_stocks(sel: Selection) -> list[str]:
    """Each holder's item below its reserve, as "holder · item (quantity/reserve)"."""
    stocks = (Stock.objects.restrict(sel.user, "view")
              .filter(district_id__in=sel.district_ids, quantity__lt=F("reserve_level"))
              .select_related("item", "site", "squad"))
    return [f"{stock} ({stock.quantity}/{stock.reserve_level})" for stock in stocks]


def last_night(now: datetime.datetime | None = None) -> datetime.date:
    """The night that ended at 08:00 this morning (or is ending, before 08:00)."""
    moment = timezone.localtime(now or timezone.now())
    night = night_and_hour(moment)[0]
    return night - datetime.timedelta(days=1) if moment.hour >= NIGHT_ENDS_HOUR else night
