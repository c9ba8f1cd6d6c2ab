"""Lead workflows: intake (idempotent, merged when about the same people, triaged), status
changes, splits of wrong merges, corrections.

`submit_lead` is the one way a lead comes in, from the public page, the API, the hotline form or
a partner; `set_status` is the one way it moves, and dispatch calls it too. Whether a report is
about the people of an open lead is `sameness`'s judgement; `merged_reports` and `nearby_leads`
give the dispatch board what intake decided.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan import prepared
from songnuan.accounts import audit
from songnuan.actors import Actor
from songnuan.geo.coords import UNKNOWN_SYSTEM_MESSAGE, CoordError, CoordSystem, to_wgs84
from songnuan.geo.distance import bounding_box, haversine_m
from songnuan.geo.districts import looks_swapped
from songnuan.leads import feedback, listeners, ratelimit, sameness, signs, triage
from songnuan.leads.models import (
    OPEN_STATUSES,
    Flag,
    Lead,
    LeadPhoto,
    LeadStatus,
    LeadStatusChange,
    NearbyLead,
    Outcome,
    Source,
    TrustedReporter,
)
from songnuan.leads.photos import CleanPhoto
from songnuan.network.city import served_city
from songnuan.network.geography import district_for_point
from songnuan.places import resolver
from songnuan.places.services import district_named_in
from songnuan.places.sources import nearest
from songnuan.refusals import Conflict, Refused
from songnuan.words import for_the_record

MAX_TRACKING_CODE_TRIES = 5
BURST_WINDOW = datetime.timedelta(hours=1)


class RateLimited(Refused):
    """Too many reports from one phone or address in a short time: 429, and when to retry."""

    status = 429

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message, code="rate_limited")
        self.retry_after_s = retry_after_s

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_s)}


@dataclass
class LeadInput:
    """A report as it arrives, already checked field by field at the edge."""

    source: str
    lat: float | None = None
    lon: float | None = None
    coord: str = "wgs84"
    place: str = ""
    description: str = ""
    people_count: int = 1
    flags: list[str] = field(default_factory=list)
    reporter_phone: str = ""
    client_request_id: str | None = None
    photos: list[CleanPhoto] = field(default_factory=list)
    ip: str | None = None
    trusted_reporter: TrustedReporter | None = None
    received_by: object = None  # the hotline operator
    district_id: int | None = None  # chosen by an operator when there are no coordinates
    picked_from: str = ""  # the source of a candidate place chosen for lat/lon ("gazetteer", …)


# ---------------------------------------------------------------------------------------------
# Intake


def submit_lead(data: LeadInput, now: datetime.datetime | None = None) -> tuple[Lead, bool]:
    """Take a report; return (lead, created). A retried request id returns the first lead.

    The lead is committed before this returns, so whatever acknowledges it (201, the tracking
    page) acknowledges something that survives a crash.
    """
    if data.client_request_id:
        existing = lead_for_request(data.client_request_id)
        if existing is not None:
            return existing, False
    lat, lon, location_source, district = locate(data)
    for _attempt in range(MAX_TRACKING_CODE_TRIES):
        written: list[str] = []
        try:
            # One transaction: the limit counters, the lead, its history and the reporter's
            # message commit together (one commit per report keeps a surge fast).
            with transaction.atomic():
                check_limits(data)
                lead = _create(data, lat, lon, location_source, district,
                               now or timezone.now(), written)
                return lead, True
        except BaseException as error:
            # The rows are gone with the rollback; the photo files would stay behind.
            for name in written:
                default_storage.delete(name)
            if not isinstance(error, IntegrityError):
                raise
            if data.client_request_id:
                existing = lead_for_request(data.client_request_id)
                if existing is not None:  # a concurrent retry of the same request won
                    return existing, False
            # otherwise a tracking code collided: draw another
    raise Refused(_("The report could not be stored. Please send it again."))


# The three reads of an intake run once per report in a surge, so they are plain SQL (two of
# them prepared): the ORM took longer to build each of them than PostgreSQL takes to answer it.
def _lead_sql(sql: str, **parts: str) -> str:
    return sql.format(table=connection.ops.quote_name(Lead._meta.db_table), **parts)


# What the acknowledgement of a report shows: its code and its incident's stage.
_ACK_FIELDS = ["id", "tracking_code", "status", "outcome", "duplicate_of_id"]


def lead_for_request(client_request_id: str) -> Lead | None:
    """The lead an earlier copy of this request stored, if any, with the lead it was linked
    to. Only what an acknowledgement shows is read (in one statement: a surge of retries is
    cheap); any other field loads when it is used."""
    rows = prepared.fetch_opening(_lead_sql(
        "SELECT report.id, report.tracking_code, report.status, report.outcome, "
        "report.duplicate_of_id, root.tracking_code, root.status, root.outcome, "
        "root.duplicate_of_id "
        "FROM {table} report LEFT JOIN {table} root ON root.id = report.duplicate_of_id "
        "WHERE report.client_request_id = %s"), [client_request_id])
    if not rows:
        return None
    alias = router.db_for_read(Lead)
    lead = Lead.from_db(alias, _ACK_FIELDS, rows[0][:5])
    if lead.duplicate_of_id is not None:
        lead.duplicate_of = Lead.from_db(alias, _ACK_FIELDS, [rows[0][4], *rows[0][5:]])
    return lead


def recent_leads_from(source_key: str, since: datetime.datetime) -> int:
    """How many leads this source sent since `since` (for the burst penalty)."""
    with prepared.cursor() as cursor:
        cursor.execute(
            _lead_sql("SELECT count(*) FROM {table} WHERE source_key = %s AND received_at >= %s"),
            [source_key, connection.ops.adapt_datetimefield_value(since)])
        return cursor.fetchone()[0]


def check_limits(data: LeadInput) -> None:
    """Anti-abuse limits for the public; hotline operators and trusted reporters skip them."""
    if data.trusted_reporter is not None or data.source == Source.HOTLINE:
        return
    limits = []
    if data.ip:
        limits.append(ratelimit.Limit(ratelimit.hashed("ip", data.ip), settings.LEADS_IP_LIMIT,
                                      settings.LEADS_IP_WINDOW_S))
    if data.reporter_phone:
        limits.append(ratelimit.Limit(ratelimit.hashed("phone", data.reporter_phone),
                                      settings.LEADS_PHONE_LIMIT, settings.LEADS_PHONE_WINDOW_S))
    for verdict in ratelimit.hit_all(limits):
        if not verdict.allowed:
            minutes = max(1, round(verdict.retry_after_s / 60))
            raise RateLimited(_(
                "You have sent many reports in a short time. Please try again in %(minutes)s "
                "minutes, or call the rescue hotline %(hotline)s now."
            ) % {"minutes": minutes, "hotline": served_city().hotline}, verdict.retry_after_s)


def locate(data: LeadInput):
    """WGS-84 coordinates and their district from what was given (coordinates, a photo's GPS,
    a typed place the gazetteer knows): (lat, lon, where from, district)."""
    if data.lat is not None and data.lon is not None:
        try:
            lat, lon = to_wgs84(data.lat, data.lon, data.coord)
        except CoordError as error:
            raise Refused(str(error), "lat") from None
        district = district_for_point(lat, lon)
        if district is None:
            if looks_swapped(lat, lon):
                raise Refused(_("Latitude and longitude seem to be swapped."), "lat")
            raise Refused(_(
                "This place is not in %(city)s. Please call the local rescue hotline or 110."
            ) % {"city": served_city().display_name()}, "lat")
        return lat, lon, data.picked_from or "given", district
    for photo in data.photos:
        district = district_for_point(*photo.gps) if photo.gps else None
        if district is not None:
            return photo.gps[0], photo.gps[1], "photo", district
    if data.place.strip():
        return locate_place(data.place, data.district_id)
    if settings.MAP_TILE_URL:
        raise Refused(_("Tell us where: share your location, pick the place on the map, or "
                        "type the place."), "location")
    raise Refused(_("Tell us where: share your location or type the place."), "location")


def locate_place(place: str, district_id: int | None = None):
    """A typed place resolved in the gazetteer: its point and district when the resolver is
    sure; otherwise no point, and the district the operator chose or the text names."""
    matches = resolver.resolve(place, district_id=district_id)
    if resolver.is_confident(matches):
        district = district_for_point(matches[0].lat, matches[0].lon)
        if district is not None:
            return matches[0].lat, matches[0].lon, "gazetteer", district
    return None, None, "place", None if district_id else district_named_in(place)


def _source_key(data: LeadInput) -> str:
    if data.trusted_reporter is not None:
        return f"partner:{data.trusted_reporter.pk}"
    if data.received_by is not None:
        return f"hotline:{data.received_by.pk}"
    if data.ip:
        return ratelimit.hashed("ip", data.ip)
    return ""


def _create(data: LeadInput, lat, lon, location_source: str, district, now,
            written: list[str]) -> Lead:
    described = signs.described(data.description) - set(data.flags)
    lead = Lead(
        source=data.source, client_request_id=data.client_request_id or None,
        lat=lat, lon=lon, coord_system=data.coord if location_source == "given" else "",
        location_source=location_source, place=data.place.strip(), people_count=data.people_count,
        flags=Flag.together(data.flags, described),
        description=data.description.strip(), reporter_phone=data.reporter_phone,
        reporter_ip=data.ip, source_key=_source_key(data), received_at=now,
        trusted_reporter=data.trusted_reporter, received_by=data.received_by,
        organisation=data.trusted_reporter.organisation if data.trusted_reporter else None,
        photo_hash=sameness.average_hash(data.photos[0].content) if data.photos else "",
    )
    if lead.has_location:
        lead.district = district
        near = nearest("hotspot", lat, lon, settings.LEADS_HOTSPOT_RADIUS_M)
        if near is not None:
            lead.hotspot, lead.hotspot_distance_m = near[0], round(near[1], 1)
    elif data.district_id:
        lead.district_id = data.district_id
    elif district is not None:  # named in the typed place
        lead.district = district
    burst = 0
    if lead.source_key and not data.trusted_reporter and data.source != Source.HOTLINE:
        burst = 1 + recent_leads_from(lead.source_key, now - BURST_WINDOW)
    lead.priority_reasons = [reason.as_json() for reason in triage.base_reasons(
        lead, burst=burst, seen_in=dict.fromkeys(described, "description"))]
    lead.priority = triage.score(lead.priority_reasons)
    decision = decide_merge(lead, now)
    root = decision.into.root() if decision.into else None
    if decision.into is not None:
        lead.duplicate_of, lead.status = root, LeadStatus.DUPLICATE
        lead.merge_probability = round(decision.into.verdict.probability, 3)
        lead.merge_reasons = [reason.as_json() for reason in decision.into.verdict.reasons]
    elif lead.district_id is not None:
        lead.status = LeadStatus.TRIAGED
    # The hot path of a surge: a prepared insert, so the audit event is recorded here.
    prepared.insert(lead)
    audit.record_creation(lead)
    for photo in data.photos:
        stored = LeadPhoto(lead=lead, width=photo.width, height=photo.height,
                           size_bytes=len(photo.content), had_gps=photo.gps is not None)
        stored.image.save("photo.jpg", ContentFile(photo.content), save=False)
        written.append(stored.image.name)
        stored.save()
    steps = [LeadStatusChange(lead=lead, at=now, to_status=LeadStatus.RECEIVED,
                              by=data.received_by)]
    if lead.status != LeadStatus.RECEIVED:
        with for_the_record():
            note = (_("Reported again: linked to %(code)s") % {"code": root.tracking_code}
                    if root else _("Priority worked out on arrival"))
        steps.append(LeadStatusChange(lead=lead, at=now, from_status=LeadStatus.RECEIVED,
                                      to_status=lead.status, note=note))
    prepared.insert(*steps)
    if root is not None and lead.has_location and decision.into.verdict.distance_m is None:
        _place_from_report(root, lead, by=data.received_by)
    if root is not None and root.status in _OPEN_VALUES and lead.flags:
        _signs_from_report(root, lead)
    if decision.nearby:
        prepared.insert(*[NearbyLead(lead=lead, other_id=candidate.root_id, created_at=now,
                                     distance_m=round(candidate.verdict.distance_m or 0, 1),
                                     probability=round(candidate.verdict.probability, 3))
                          for candidate in decision.nearby])
    if lead.reporter_phone:
        feedback.notify_one(lead, feedback.public_stage(lead))
    return lead


@dataclass
class Candidate:
    """An incident near a new report: its root lead and how like the report it is."""

    root_id: int
    tracking_code: str
    status: str
    outcome: str
    verdict: sameness.Verdict

    def root(self) -> Lead:
        """The root as a lead carrying only what a link and the reporter's message need."""
        return Lead(pk=self.root_id, tracking_code=self.tracking_code, status=self.status,
                    outcome=self.outcome)


@dataclass
class MergeDecision:
    """What intake does with a report: merge it into `into`, or keep it and link it to `nearby`."""

    into: Candidate | None
    nearby: list[Candidate]


# Columns of the candidate read: each report in the area (an open lead, or a report merged into
# one) with its root's status and tracking code.
_CANDIDATE_SQL = (
    "SELECT report.id, report.lat, report.lon, report.received_at, report.people_count, "
    "report.flags, report.description, report.photo_hash, report.status, "
    "report.tracking_code, report.duplicate_of_id, root.status, root.tracking_code, "
    "report.outcome, root.outcome "
    "FROM {table} report LEFT JOIN {table} root ON root.id = report.duplicate_of_id "
    "WHERE report.status IN ({statuses}) AND report.received_at >= %s "
    "AND report.received_at <= %s AND {where}"
)
# Around a located report: the reports in the box, and (a second branch, so that each keeps its
# own index; one OR made a surge's intake a tenth slower) those of its district known only by
# district, from a hotline caller who could not say where. Around one known only by district:
# every report of the district.
_IN_THE_BOX = "report.lat >= %s AND report.lat <= %s AND report.lon >= %s AND report.lon <= %s"
_PLACELESS_IN_THE_DISTRICT = "report.lat IS NULL AND report.district_id = %s"
_IN_THE_DISTRICT = "report.district_id = %s"
NEARBY_LINKS_MAX = 5
# A report about someone a squad has just met and who stayed (refused help, left with supplies
# and a follow-up) joins that incident: the reporter hears what became of the person and no
# second squad drives out. Not after an escort or a hospital transfer (the person is gone, so a
# report made on the spot is about someone else), "not found" or a false report.
STAYED_OUTCOMES = frozenset({Outcome.REFUSED_HELP})
# Joining a closed incident wrongly leaves someone unvisited; a missed join costs one short
# trip. So a closed incident takes a report only when it is very likely the same person.
CLOSED_MERGE_MIN_PROBABILITY = 0.85
# Two reports of which one has no place are compared on what the reporters saw and when; the
# weights were fitted on located reports, so such a pair must be likelier before it is merged.
PLACELESS_MERGE_MIN_PROBABILITY = 0.6


def as_report(lead: Lead) -> sameness.Report:
    return sameness.Report(lat=lead.lat, lon=lead.lon, at=lead.received_at,
                           people_count=lead.people_count, flags=frozenset(lead.flags),
                           description=lead.description, photo_hash=lead.photo_hash)


def decide_merge(lead: Lead, now: datetime.datetime) -> MergeDecision:
    """Compare a new report with every incident around it that is open or closed with the
    person staying there (`sameness.rank`), read in one query; merge it into the likeliest when that
    reaches `LEADS_MERGE_MIN_PROBABILITY`. A report known only by its district (or an incident
    that is) is compared with the incidents of its district, and merged only when what the
    reporters saw makes it likely (`PLACELESS_MERGE_MIN_PROBABILITY`): one person reported by
    two callers gets one squad, not two searching the district."""
    around = _compare_around(lead, now)
    if around is None:
        return MergeDecision(None, [])

    def floor(candidate: Candidate) -> float:
        if candidate.status not in _OPEN_VALUES:
            return CLOSED_MERGE_MIN_PROBABILITY
        if candidate.verdict.distance_m is None:
            return max(PLACELESS_MERGE_MIN_PROBABILITY, settings.LEADS_MERGE_MIN_PROBABILITY)
        return settings.LEADS_MERGE_MIN_PROBABILITY

    best = [candidate for candidate in around.placed[:1] + around.placeless[:1]
            if candidate.verdict.probability >= floor(candidate)]
    if best:
        return MergeDecision(max(best, key=lambda candidate: candidate.verdict.probability), [])
    return MergeDecision(None, around.nearest_open())


@dataclass
class Around:
    """The incidents around a report, each as a candidate, likeliest first: those compared on
    their distance (`placed`) and those compared on what the reporters saw (`placeless`)."""

    placed: list[Candidate]
    placeless: list[Candidate]

    def nearest_open(self) -> list[Candidate]:
        """The open incidents compared on their distance, nearest first, as many as are linked."""
        open_ones = [candidate for candidate in self.placed if candidate.status in _OPEN_VALUES]
        open_ones.sort(key=lambda candidate: candidate.verdict.distance_m or 0.0)
        return open_ones[:NEARBY_LINKS_MAX]


def _compare_around(lead: Lead, now: datetime.datetime) -> Around | None:
    """`lead` compared with each incident around it that a report may join (see `decide_merge`);
    None when it has neither a place nor a district. A report merged into `lead` is not an
    incident around it."""
    if not lead.has_location and lead.district_id is None:
        return None
    radius = settings.LEADS_MERGE_RADIUS_M
    roots: dict[int, tuple[str, str, str]] = {}  # id → (tracking code, status, outcome)
    near: dict[int, list[sameness.Report]] = {}
    placeless: dict[int, list[sameness.Report]] = {}
    rows = _candidate_rows(lead, now)
    for (pk, lat, lon, received_at, people_count, flags, description, photo_hash, status,
         code, root_id, root_status, root_code, outcome, root_outcome) in rows:
        # Both placed: compared on their distance; else on what the reporters saw.
        placed = lead.has_location and lat is not None and lon is not None
        itself = lead.pk is not None and lead.pk in (pk, root_id)
        if itself or (placed and haversine_m(lead.lat, lead.lon, lat, lon) > radius):
            continue
        if root_id is None and _joinable(status, outcome):
            roots[pk] = (code, status, outcome)
        elif root_id is not None and _joinable(root_status, root_outcome):
            pk = root_id
            roots[pk] = (root_code, root_status, root_outcome)
        else:
            continue  # an incident that is over
        (near if placed else placeless).setdefault(pk, []).append(
            sameness.Report(lat, lon, _aware(received_at), people_count,
                            frozenset(_json(flags)), description, photo_hash))
    for pk in set(placeless) & set(near):  # an incident with a report nearby is near
        near[pk] += placeless.pop(pk)
    new = as_report(lead)
    crowd = len(near) + len(placeless) - 1

    def candidates(ranked) -> list[Candidate]:
        return [Candidate(root_id, *roots[root_id], verdict) for root_id, verdict in ranked]

    return Around(candidates(sameness.rank(new, near)),
                  candidates(sameness.rank(new, placeless, crowd=crowd)))


def link_nearby(lead: Lead, now: datetime.datetime | None = None) -> int:
    """A lead that has just been given a place (a pin, a gazetteer place, the squad on the
    scene) is linked to the open incidents around it, as intake links a report that came with
    one, so the board shows them side by side and one squad may take both. It is not merged:
    staff placed it, and link it to the same people themselves when it is. The links made."""
    if not lead.has_location or lead.status not in _OPEN_VALUES:
        return 0
    now = now or timezone.now()
    around = _compare_around(lead, now)
    linked = {other if one == lead.pk else one for one, other in NearbyLead.objects.filter(
        Q(lead=lead) | Q(other=lead)).values_list("lead_id", "other_id")}
    links = [NearbyLead(lead=lead, other_id=candidate.root_id, created_at=now,
                        distance_m=round(candidate.verdict.distance_m or 0, 1),
                        probability=round(candidate.verdict.probability, 3))
             for candidate in (around.nearest_open() if around else [])
             if candidate.root_id not in linked]
    NearbyLead.objects.bulk_create(links, ignore_conflicts=True)
    return len(links)


def _candidate_rows(lead: Lead, now: datetime.datetime) -> list[tuple]:
    """Each report that may be about the same people as `lead`, read in one statement."""
    since = now - datetime.timedelta(minutes=settings.LEADS_DEDUP_WINDOW_MINUTES)
    statuses = [str(status) for status in (*OPEN_STATUSES, LeadStatus.DUPLICATE,
                                            LeadStatus.RESOLVED)]
    adapt = connection.ops.adapt_datetimefield_value
    window = [*statuses, adapt(since), adapt(now)]

    def branch(where: str) -> str:
        return _lead_sql(_CANDIDATE_SQL, statuses=", ".join(["%s"] * len(statuses)), where=where)

    if lead.has_location:
        box = bounding_box(lead.lat, lead.lon, settings.LEADS_MERGE_RADIUS_M)
        sql = f"{branch(_IN_THE_BOX)} UNION ALL {branch(_PLACELESS_IN_THE_DISTRICT)}"
        params = [*window, box.south, box.north, box.west, box.east, *window, lead.district_id]
    else:
        sql, params = branch(_IN_THE_DISTRICT), [*window, lead.district_id]
    # Planned afresh each time (not prepared): a plan kept from the first reports of a surge,
    # made while the table looked empty, read every lead of the window by time, thousands
    # per report by the end of a surge; planned with the actual box, it reads the box.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _joinable(status: str, outcome: str) -> bool:
    """An incident a new report may join: open, or closed with the person staying where met."""
    return status in _OPEN_VALUES or (status == LeadStatus.RESOLVED and outcome in STAYED_OUTCOMES)


_OPEN_VALUES = frozenset(str(status) for status in OPEN_STATUSES)


def _json(value) -> list:
    # SQLite hands back a JSON column as text; psycopg may too, or as the decoded value.
    return json.loads(value) if isinstance(value, str) else (value or [])


def _aware(value) -> datetime.datetime:
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)


# ---------------------------------------------------------------------------------------------
# Status


ALLOWED = {
    LeadStatus.RECEIVED: {LeadStatus.TRIAGED, LeadStatus.DUPLICATE, LeadStatus.ASSIGNED,
                          LeadStatus.RESOLVED},
    LeadStatus.TRIAGED: {LeadStatus.DUPLICATE, LeadStatus.ASSIGNED, LeadStatus.EN_ROUTE,
                         LeadStatus.RESOLVED},
    LeadStatus.DUPLICATE: {LeadStatus.TRIAGED, LeadStatus.RESOLVED},
    LeadStatus.ASSIGNED: {LeadStatus.TRIAGED, LeadStatus.EN_ROUTE, LeadStatus.ON_SCENE,
                          LeadStatus.RESOLVED},
    LeadStatus.EN_ROUTE: {LeadStatus.ASSIGNED, LeadStatus.ON_SCENE, LeadStatus.RESOLVED},
    LeadStatus.ON_SCENE: {LeadStatus.RESOLVED},
    LeadStatus.RESOLVED: {LeadStatus.TRIAGED},  # reopened
}


def allowed_next(lead: Lead) -> list[str]:
    return [status for status in LeadStatus.values if status in ALLOWED[lead.status]]


def set_status(lead: Lead, status: str, *, by: Actor, note: str = "", outcome: str = "") -> Lead:
    """Move a lead on, record the step, and tell the reporter(s) when what they see changes."""
    status = LeadStatus(status)
    if status == LeadStatus.RESOLVED and outcome not in Outcome.values:
        raise Refused(_("Choose the outcome."), "outcome")
    if status != LeadStatus.RESOLVED and outcome:
        raise Refused(_("Only a resolved lead has an outcome."), "outcome")
    if status == LeadStatus.DUPLICATE:
        raise Refused(_("Link the lead to another lead instead."), "status")
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        if status not in ALLOWED[lead.status]:
            raise Conflict(_("A lead that is %(now)s cannot become %(next)s.") % {
                "now": lead.get_status_display(), "next": status.label}, "status")
        if lead.status == LeadStatus.DUPLICATE and status == LeadStatus.TRIAGED:
            return split_duplicate(lead, by=by, note=note)
        before = feedback.public_stage(lead)
        previous = lead.status
        if previous == LeadStatus.DUPLICATE:
            lead.duplicate_of = None
        lead.status, lead.outcome = status, outcome
        lead.resolved_at = timezone.now() if status == LeadStatus.RESOLVED else None
        lead.save()
        LeadStatusChange.objects.create(lead=lead, from_status=previous, to_status=status,
                                        outcome=outcome, by=by, note=note[:500])
        listeners.status_changed(lead, previous, by)
        after = feedback.public_stage(lead)
        if after != before:
            if lead.duplicate_of_id is None and previous != LeadStatus.DUPLICATE:
                feedback.notify_reporters(lead, after)
            elif lead.reporter_phone:
                feedback.notify_one(lead, after)
    return lead


def mark_invalid(lead: Lead, *, reason: str, prank: bool = False, by: Actor) -> Lead:
    """Close a lead that was not real, with the reason staff found."""
    if not reason.strip():
        raise Refused(_("Say why the report is not valid."), "reason")
    return set_status(lead, LeadStatus.RESOLVED, by=by, note=reason.strip(),
                      outcome=Outcome.PRANK if prank else Outcome.INVALID)


def link_duplicate(lead: Lead, root: Lead, *, by: Actor, note: str = "") -> Lead:
    """Staff link a lead to an open one about the same person (dedup missed it)."""
    root = root.incident
    if root.pk == lead.pk:
        raise Refused(_("A lead cannot be a duplicate of itself."), "duplicate_of")
    if not root.is_open:
        raise Conflict(_("Link only to an open lead."), "duplicate_of")
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        if lead.status not in (LeadStatus.RECEIVED, LeadStatus.TRIAGED):
            raise Conflict(_("Only a lead not yet dispatched can be linked."), "duplicate_of")
        previous = lead.status
        lead.duplicate_of, lead.status = root, LeadStatus.DUPLICATE
        lead.save()
        Lead.objects.filter(duplicate_of=lead).update(duplicate_of=root)
        _signs_from_report(root, lead)
        with for_the_record():
            note = note or _("Linked to %(code)s") % {"code": root.tracking_code}
        LeadStatusChange.objects.create(
            lead=lead, from_status=previous, to_status=LeadStatus.DUPLICATE, by=by,
            note=note[:500])
    return lead


def split_duplicate(lead: Lead, *, by: Actor, note: str = "") -> Lead:
    """A dispatcher splits a merged report off into a lead of its own (it is about someone
    else): triaged, its priority worked out again, the step in both leads' histories, and the
    two linked as nearby. From now on its reporter follows this lead's outcome only."""
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        if lead.status != LeadStatus.DUPLICATE or lead.duplicate_of_id is None:
            raise Conflict(_("Only a merged report can be split off."), "status")
        root = Lead.objects.select_for_update().get(pk=lead.duplicate_of_id)
        _take_back_signs(root, lead)
        lead.duplicate_of = root
        before = feedback.public_stage(lead)
        lead.duplicate_of, lead.status = None, LeadStatus.TRIAGED
        lead.merge_probability, lead.merge_reasons = None, []
        triage.work_out_again(lead)
        lead.save()
        why = f": {note.strip()}" if note.strip() else ""
        with for_the_record():
            split_off = _("Split from %(code)s: not the same people") % {
                "code": root.tracking_code}
            lost_one = _("Report %(code)s split off into its own lead") % {
                "code": lead.tracking_code}
        LeadStatusChange.objects.bulk_create([
            LeadStatusChange(lead=lead, from_status=LeadStatus.DUPLICATE,
                             to_status=LeadStatus.TRIAGED, by=by, note=(split_off + why)[:500]),
            LeadStatusChange(lead=root, from_status=root.status, to_status=root.status, by=by,
                             note=(lost_one + why)[:500]),
        ])
        if lead.has_location and root.has_location:
            NearbyLead.objects.get_or_create(lead=lead, other=root, defaults={
                "distance_m": round(haversine_m(lead.lat, lead.lon, root.lat, root.lon), 1)})
        after = feedback.public_stage(lead)
        if after != before and lead.reporter_phone:
            feedback.notify_one(lead, after)
    return lead


def merged_reports(lead_ids) -> dict[int, list[dict]]:
    """For each lead, the reports merged into it (oldest first), in one query."""
    found: dict[int, list[dict]] = {}
    rows = (Lead.objects.filter(duplicate_of_id__in=list(lead_ids), status=LeadStatus.DUPLICATE)
            .order_by("received_at", "id")
            .values("duplicate_of_id", "tracking_code", "place", "lat", "lon", "received_at",
                    "people_count"))
    for row in rows:
        found.setdefault(row.pop("duplicate_of_id"), []).append(row)
    return found


def merged_into(lead: Lead) -> list[Lead]:
    """The reports merged into `lead`, oldest first, each with its `distance_m` from it."""
    reports = list(lead.duplicates.filter(status=LeadStatus.DUPLICATE)
                   .select_related("district").order_by("received_at", "id"))
    for report in reports:
        report.distance_m = (round(haversine_m(lead.lat, lead.lon, report.lat, report.lon))
                             if lead.has_location and report.has_location else None)
    return reports


def nearby_of(lead: Lead) -> list[Lead]:
    """The leads linked to `lead` as nearby (either way round), nearest first, each with its
    `distance_m` and the `probability` intake gave that they are the same people."""
    links = (NearbyLead.objects.filter(Q(lead=lead) | Q(other=lead))
             .select_related("lead", "other").order_by("distance_m", "id"))
    found = []
    for link in links:
        other = link.other if link.lead_id == lead.pk else link.lead
        other.distance_m, other.probability = round(link.distance_m), link.probability
        found.append(other)
    return found


def nearby_leads(lead_ids) -> dict[int, list[int]]:
    """For each lead, the open leads linked to it as nearby (either way round), in one query."""
    wanted = set(lead_ids)
    pairs = (NearbyLead.objects
             .filter(Q(lead_id__in=wanted) | Q(other_id__in=wanted),
                     lead__status__in=OPEN_STATUSES, other__status__in=OPEN_STATUSES)
             .order_by("distance_m", "id").values_list("lead_id", "other_id"))
    found: dict[int, list[int]] = {}
    for first, second in pairs:
        for one, other in ((first, second), (second, first)):
            if one in wanted and other not in found.get(one, []):
                found.setdefault(one, []).append(other)
    return found


def update_details(lead: Lead, *, by: Actor, **changes) -> Lead:
    """Staff correct what was reported (place, people, flags, district); priority follows."""
    allowed = {"place", "description", "people_count", "flags", "district_id"}
    unknown = set(changes) - allowed
    if unknown:
        raise Refused(_("These fields cannot be changed: %(fields)s")
                        % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        flags_before, description_before = set(lead.flags), lead.description
        for name, value in changes.items():
            setattr(lead, name, value)
        if lead.has_location:  # the coordinates decide the district
            found = district_for_point(lead.lat, lead.lon)
            lead.district_id = found.pk if found else lead.district_id
        flags_set = set(lead.flags) != flags_before
        described = set()
        if lead.description != description_before and not flags_set:
            described = signs.described(lead.description) - flags_before
            lead.flags = Flag.together(flags_before, described)
        triage.work_out_again(lead, flags_set_by_staff=flags_set,
                              seen_in=dict.fromkeys(described, "description"))
        if lead.status == LeadStatus.RECEIVED and lead.district_id:
            lead.status = LeadStatus.TRIAGED
            with for_the_record():
                note = _("Located by staff")
            LeadStatusChange.objects.create(lead=lead, from_status=LeadStatus.RECEIVED,
                                            to_status=LeadStatus.TRIAGED, by=by, note=note)
        lead.save()
    return lead


def _place_from_report(root: Lead, report: Lead, *, by: Actor) -> None:
    """An open incident known only by its district takes the place of a report merged into it
    that has one: the squad drives there instead of searching the district."""
    if root.status in _OPEN_VALUES and Lead.objects.filter(pk=root.pk, lat__isnull=True).exists():
        set_location(root, report.lat, report.lon, by=by, source="report")


def _signs_from_report(root: Lead, report: Lead) -> None:
    """An open incident takes the signs a later report of the same person saw that it had not
    (now lying on the ground, an old man the first caller did not describe): its priority, and
    the night's plan, count them from now on."""
    root = Lead.objects.select_for_update().get(pk=root.pk)
    new = [flag for flag in report.flags if flag not in root.flags]
    if not new:
        return
    root.flags = Flag.together(root.flags, new)
    triage.work_out_again(root, seen_in=dict.fromkeys(new, report.tracking_code))
    root.save(update_fields=["flags", "priority", "priority_reasons", "updated_at"])


def _take_back_signs(root: Lead, report: Lead) -> None:
    """A report split off the incident (not the same person) takes back the signs only it
    brought there."""
    brought = {reason["params"]["flag"] for reason in root.priority_reasons
               if reason["code"] == "flag"
               and reason["params"].get("seen_in") == report.tracking_code}
    if brought:
        root.flags = [flag for flag in root.flags if flag not in brought]
        triage.work_out_again(root)
        root.save(update_fields=["flags", "priority", "priority_reasons", "updated_at"])


def _location_sources() -> dict[str, str]:
    return {"report": _("another report of the same person"),
            "gazetteer": _("a gazetteer place"), "site": _("a relief site"),
            "hotspot": _("a hotspot"), "geocoder": _("the online geocoder"),
            "pin": _("a pin on the map"), "coordinates": _("coordinates")}


def set_location(lead: Lead, lat: float, lon: float, *, by: Actor, source: str,
                 coord: str = "wgs84") -> Lead:
    """Staff put a lead at a point (a candidate place, a pin, coordinates): its district,
    hotspot and priority follow, and the history records where it was put and how."""
    labels = _location_sources()
    if source not in labels:
        raise ValueError(f"unknown location source {source!r}")
    try:
        lat, lon = to_wgs84(lat, lon, coord)
    except CoordError as error:
        field = "coord" if error.template == UNKNOWN_SYSTEM_MESSAGE else "lat"
        raise Refused(str(error), field) from None
    district = district_for_point(lat, lon)
    if district is None:
        if looks_swapped(lat, lon):
            raise Refused(_("Latitude and longitude seem to be swapped."), "lat")
        raise Refused(_("This point is outside %(city)s.")
                      % {"city": served_city().display_name()}, "lat")
    near = nearest("hotspot", lat, lon, settings.LEADS_HOTSPOT_RADIUS_M)
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        if lead.status == LeadStatus.RESOLVED:
            raise Conflict(_("A resolved lead keeps its place."), "lat")
        lead.lat, lead.lon = lat, lon
        lead.coord_system, lead.location_source = CoordSystem.parse(coord).value, source
        lead.district = district
        lead.hotspot, lead.hotspot_distance_m = (near[0], round(near[1], 1)) if near else (
            None, None)
        triage.work_out_again(lead)
        previous = lead.status
        if lead.status == LeadStatus.RECEIVED:
            lead.status = LeadStatus.TRIAGED
        lead.save()
        with for_the_record():
            note = _("Placed at %(lat).5f, %(lon).5f in %(district)s from %(how)s") % {
                "lat": lat, "lon": lon, "district": district, "how": _location_sources()[source]}
        LeadStatusChange.objects.create(
            lead=lead, from_status=previous, to_status=lead.status, by=by, note=note)
        link_nearby(lead)
    return lead


def queue(leads, now: datetime.datetime | None = None) -> list[Lead]:
    """Open leads, most urgent first, as the night's plan weighs them (`triage.urgency`: those
    in danger before others, then priority including waiting time), then the oldest."""
    now = now or timezone.now()
    ranked = list(leads)
    for lead in ranked:
        lead.priority_now = triage.current_priority(lead, now)
    ranked.sort(key=lambda lead: (-triage.urgency(lead.priority_now, lead.flags),
                                  lead.received_at))
    return ranked


# ---------------------------------------------------------------------------------------------
# Trusted reporters


def issue_reporter_key(reporter: TrustedReporter) -> str:
    """A new personal report key for a trusted reporter (shown once); the old one stops working."""
    key = secrets.token_urlsafe(18)
    reporter.key_hash = hashlib.sha256(key.encode()).hexdigest()
    reporter.save()
    return key


def trusted_reporter_for_key(key: str | None) -> TrustedReporter | None:
    if not key:
        return None
    return (TrustedReporter.objects.select_related("organisation")
            .filter(key_hash=hashlib.sha256(key.strip().encode()).hexdigest(), is_active=True)
            .first())
