"""Help nearer than any squad: for a waiting lead that no squad can reach within the protocol's
limit, the open sites of the network nearest the person (a relief point in a community police
room, a sub-station), with the phone to ask them to look in.

The four-level network exists to push help out to where people are (notice 三(二)). At night in a
county with no squad on shift, a relief point three streets away may be all there is.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from songnuan.accounts.models import User
from songnuan.accounts.roles import ANSWER_LOOK_IN
from songnuan.geo.distance import haversine_m
from songnuan.leads.models import OPEN_STATUSES, Lead, LeadStatus, LeadStatusChange, Outcome
from songnuan.leads.services import set_status
from songnuan.network.models import Site, SiteStatus
from songnuan.network.services import open_now, open_states
from songnuan.notify import push
from songnuan.outreach import paging
from songnuan.outreach.models import LookIn, LookInAnswer
from songnuan.refusals import Conflict, Refused
from songnuan.words import for_the_record, phrases

WITHIN_M = 5_000  # further than this, staff on foot are no help before a squad
AT_MOST = 2
ASKED_LATELY = datetime.timedelta(hours=1)  # asked again sooner, the first request stands
STILL_ASKED = datetime.timedelta(hours=12)  # a request unanswered this long is of last night
ANSWERED_SHOWN = datetime.timedelta(hours=24)
PUSH_PURPOSE = "look_in_asked"


def nearest_open_sites(places: Mapping[int, tuple[float, float]], at: datetime.datetime
                       ) -> dict[int, list[dict]]:
    """For each key's (lat, lon): the open sites with a phone within `WITHIN_M`, nearest first,
    at most `AT_MOST`, each with the requests it has not answered yet (a site whose staff are
    out on three others is slow to look in on a fourth). Two queries for all the keys: the
    board asks for a whole queue at once."""
    if not places:
        return {}
    sites = list(Site.objects.filter(status=SiteStatus.OPEN).exclude(phone=""))
    is_open = open_states(sites, at)
    sites = [site for site in sites if is_open[site.pk]]
    found: dict[int, list[dict]] = {}
    for key, (lat, lon) in places.items():
        near = sorted((haversine_m(lat, lon, site.lat, site.lon), site.pk, site) for site in sites)
        found[key] = [{"site_id": site.pk, "name": site.name, "level": site.level,
                       "level_label": str(site.get_level_display()), "phone": site.phone,
                       "lat": site.lat, "lon": site.lon, "distance_m": round(distance)}
                      for distance, _pk, site in near[:AT_MOST] if distance <= WITHIN_M]
    unanswered = _unanswered(at)
    for near in found.values():
        for site in near:
            site["unanswered"] = unanswered.get(site["site_id"], 0)
    return found


def _unanswered(at: datetime.datetime) -> dict[int, int]:
    """Per site, its requests still waiting for an answer (a handful a night, city-wide)."""
    return dict(_still_asked(LookIn.objects.all(), at).values("site_id")
                .annotate(n=Count("id")).values_list("site_id", "n"))


def _still_asked(look_ins, at: datetime.datetime):
    """Requests not answered yet, about someone still out (on the lead asked about, or the one
    it was merged into since), asked lately enough to stand."""
    return look_ins.filter(Q(lead__status__in=OPEN_STATUSES)
                           | Q(lead__duplicate_of__status__in=OPEN_STATUSES),
                           answered_at=None, asked_at__gte=at - STILL_ASKED)


def ask_to_look_in(lead: Lead, site: Site, *, by) -> LookIn:
    """The dispatcher has phoned `site` about `lead`: kept, and written into the lead's history,
    so the next dispatcher does not phone again. Said twice within the hour, the first stands."""
    now = timezone.now()
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        if not lead.is_open:
            raise Conflict(_("This lead is closed."), "lead")
        earlier = LookIn.objects.filter(lead=lead, site=site,
                                        asked_at__gte=now - ASKED_LATELY).first()
        if earlier is not None:
            return earlier
        if not open_now(site, now):  # closed and suspended sites included
            raise Conflict(_("%(site)s is not open now.") % {"site": site.name}, "site")
        asked = LookIn.objects.create(lead=lead, site=site, asked_at=now, asked_by=by)
        _note_on(lead, _("Asked %(site)s (%(phone)s) to look in") % {"site": site.name,
                                                                     "phone": site.phone}, by)
        _tell_the_site(asked, lead)
    return asked


def _tell_the_site(asked: LookIn, lead: Lead) -> int:
    """The site's staff also get the request on their phones: whoever took the call may be
    the one going out, and the others see it is in hand. When none of them has a phone signed
    up, the staff of the site above it (the sub-station a relief point reports to) are told
    instead: they see the request on their page too, and can ring the point or go themselves.
    Queued with the request; sent by the worker once it is kept."""
    staff = _answering_for(asked.site_id)
    if not push.signed_up(staff) and asked.site.parent_id:
        staff = _answering_for(asked.site.parent_id)
    for user in staff:
        with translation.override(user.spoken_language):
            title = _("Please look in: %(place)s") % {"place": lead.place or lead.tracking_code}
            body = phrases((paging.lead_summary(lead), lead.description))
        push.push_to(user, title=title, body=body, url=reverse("outreach:look_ins"),
                     purpose=PUSH_PURPOSE, reference=f"look-in:{asked.pk}")
    return len(staff)


def _answering_for(site_id: int) -> list[User]:
    return [user for user in User.objects.filter(site=site_id, is_active=True)
            if user.has_perm(ANSWER_LOOK_IN)]


def answer_look_in(look_in: LookIn, answer: str, note: str = "", *, by) -> LookIn:
    """The site's staff say what they found. Brought in, the lead is resolved (a squad on its
    way is called back); found staying out or nobody there, it waits for a squad as before, and
    the board shows the answer beside the site."""
    if answer not in LookInAnswer.values:
        raise Refused(_("Choose what you found."), "answer")
    note = note.strip()
    with transaction.atomic():
        # Merged since it was asked: the person's lead is now the one it joined.
        lead = Lead.objects.select_for_update().get(pk=look_in.lead_id).incident
        look_in = LookIn.objects.select_for_update().get(pk=look_in.pk)
        if look_in.answered_at is not None:
            raise Conflict(_("Already answered at %(at)s: %(answer)s") % {
                "at": _hhmm(look_in.answered_at),
                "answer": look_in.get_answer_display()}, "answer")
        look_in.answer, look_in.answer_note = answer, note[:300]
        look_in.answered_at, look_in.answered_by = timezone.now(), by
        look_in.save()
        with for_the_record():
            said = _("%(site)s: %(answer)s") % {"site": look_in.site.name,
                                                 "answer": look_in.get_answer_display()}
        said = f"{said}（{note}）" if note else said
        if answer == LookInAnswer.BROUGHT_IN and lead.is_open:
            set_status(lead, LeadStatus.RESOLVED, by=by, note=said,
                       outcome=Outcome.HELPED_TO_SITE)
        else:
            _note_on(lead, said, by)
    return look_in


def _note_on(lead: Lead, note: str, by) -> None:
    """A step in the lead's history that leaves its status as it is; the board's change feed
    shows the lead again."""
    LeadStatusChange.objects.create(lead=lead, from_status=lead.status, to_status=lead.status,
                                    by=by, note=note[:500])
    lead.save(update_fields=["updated_at"])


def asked_lately(lead_ids: Iterable[int], now: datetime.datetime) -> dict[int, dict[int, dict]]:
    """Per lead and site asked about it: when it was asked within the hour (local HH:MM) and,
    once the site has answered, what it found and when; and, as `waiting`, how many of its
    requests about this lead still wait for an answer, an hour old or not (they are not
    requests about other people)."""
    found: dict[int, dict[int, dict]] = {}
    for look_in in LookIn.objects.filter(lead_id__in=lead_ids, asked_at__gte=now - STILL_ASKED
                                         ).order_by("asked_at", "id"):
        about = found.setdefault(look_in.lead_id, {}).setdefault(look_in.site_id, {"waiting": 0})
        about["waiting"] += look_in.answered_at is None
        if look_in.asked_at >= now - ASKED_LATELY:
            about.update(asked_at=_hhmm(look_in.asked_at), answered_at=_hhmm(look_in.answered_at),
                         answer=look_in.answer, answer_label=look_in.get_answer_display(),
                         answer_note=look_in.answer_note)
    return found


def with_distance(look_in: LookIn) -> LookIn:
    """The request, with `distance_m` from its site to the person (None when not placed)."""
    lead, site = look_in.lead, look_in.site
    look_in.distance_m = (round(haversine_m(lead.lat, lead.lon, site.lat, site.lon))
                          if lead.lat is not None else None)
    return look_in


def _hhmm(at: datetime.datetime | None) -> str | None:
    return timezone.localtime(at).strftime("%H:%M") if at else None


def waiting_count(user) -> int:
    """The menu's badge for a site's staff: requests to their sites not yet answered. (A
    dispatcher waits for the answer; it is not theirs to give.)"""
    if user.site_id is None:
        return 0
    return _still_asked(LookIn.objects.restrict(user, "view"), timezone.now()).count()


def requests_to(look_ins, now: datetime.datetime) -> tuple[list[LookIn], list[LookIn]]:
    """A site's page: the requests (of `look_ins`, already scoped to the user's sites) waiting
    for its answer, newest first, each with `distance_m` from the site; and those answered, or
    whose lead was closed meanwhile, within the day."""
    rows = list(look_ins.filter(asked_at__gte=now - max(STILL_ASKED, ANSWERED_SHOWN))
                .select_related("lead", "lead__district", "lead__duplicate_of", "site",
                                "asked_by", "answered_by")
                .order_by("-asked_at", "-id"))
    waiting, done = [], []
    for row in map(with_distance, rows):
        still_out = row.lead.incident.is_open
        if row.answered_at is None and still_out and row.asked_at >= now - STILL_ASKED:
            waiting.append(row)
        elif row.answered_at is not None or not still_out:
            done.append(row)
    return waiting, done
