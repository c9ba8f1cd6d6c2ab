"""Escorted return home (送返): the plan, the escort's confirmation of departure, and the
receiving side's confirmation of arrival through a link and a one-time code.

The code is shown once, to whoever confirms the departure; the escort (or the letter that
travels with the person) hands it over at arrival, so a confirmed arrival means the receiving
side met the person. Only the code's hash is kept; it expires some hours after the planned
arrival and locks after a few wrong tries (a new one can be issued by the sending station).
The receiving side may be another city's rescue station: the link page is its view of the same
record (民政部《生活无着的流浪乞讨人员救助管理机构工作规程》 on 接送返回 across cities).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from songnuan.notify.services import send_sms
from songnuan.refusals import Conflict, Refused
from songnuan.shelter.discharge import DischargeInput
from songnuan.shelter.models import Outcome, TravelMode
from songnuan.tracing import followups, reunion
from songnuan.tracing.models import (
    CaseStatus,
    ReceiverKind,
    ReturnPlan,
    ReturnStatus,
    TracingCase,
)

CODE_DIGITS = 6
MOBILE = 11

PLAN_FIELDS = ("destination", "route", "travel_mode", "ticket_kind", "ticket_number",
               "departs_at", "arrives_at", "escort", "escort_phone", "escort_user",
               "receiver_kind", "receiver_name", "receiver_phone", "receiver_org", "supplies",
               "money_yuan")


def _hash(code: str, salt: str) -> str:
    key = (settings.SECRET_KEY or "songnuan").encode()
    return f"{salt}${hmac.new(key, f'{salt}:{code}'.encode(), hashlib.sha256).hexdigest()}"


def _code_matches(code: str, stored: str) -> bool:
    salt, _sep, _digest = stored.partition("$")
    return bool(salt) and hmac.compare_digest(_hash(code.strip(), salt), stored)


def _is_mobile(phone: str) -> bool:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return len(digits) == MOBILE and digits.startswith("1")


def plan_refusals(data: dict[str, Any]) -> list[Refused]:
    """Everything wrong in a plan, field by field (the form shows them all at once)."""
    found = []
    departs, arrives = data.get("departs_at"), data.get("arrives_at")
    if departs and arrives and arrives <= departs:
        found.append(Refused(_("The arrival must come after the departure."),
                             field="arrives_at"))
    if data.get("travel_mode") == TravelMode.ESCORT and not (
            data.get("escort_user") or (data.get("escort") or "").strip()):
        found.append(Refused(_("Who escorts the person home?"), field="escort"))
    if data.get("receiver_kind") != ReceiverKind.FAMILY and not (
            data.get("receiver_org") or "").strip():
        found.append(Refused(_("Name the bureau or station that receives the person."),
                             field="receiver_org"))
    if (data.get("money_yuan") or Decimal(0)) < 0:
        found.append(Refused(_("The money given cannot be negative."), field="money_yuan"))
    return found


@transaction.atomic
def plan_return(case: TracingCase, data: dict[str, Any], *, by: Any,
                now: datetime.datetime | None = None) -> ReturnPlan:
    """Plan the return of an identified person; one live plan per case."""
    case = TracingCase.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if case.status != CaseStatus.IDENTIFIED:
        raise Conflict(_("Confirm the family's report before planning the return home."))
    if case.returns.exclude(status=ReturnStatus.CANCELLED).exists():
        raise Conflict(_("This case already has a return plan."))
    refusals = plan_refusals(data)
    if refusals:
        raise refusals[0]
    plan = ReturnPlan(case=case, created_by=by, created_at=now or timezone.now(),
                      link_token=secrets.token_urlsafe(32),
                      **{name: data[name] for name in PLAN_FIELDS if name in data})
    if plan.escort_user and not plan.escort:
        plan.escort = str(plan.escort_user)
        plan.escort_phone = plan.escort_phone or plan.escort_user.phone
    plan.save()
    return plan


def _new_code(plan: ReturnPlan) -> str:
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    plan.code_hash = _hash(code, secrets.token_hex(8))
    plan.code_expires_at = plan.arrives_at + datetime.timedelta(
        hours=settings.TRACING_RETURN_CODE_GRACE_HOURS)
    plan.code_attempts = 0
    return code


def receiving_link(plan: ReturnPlan) -> str:
    return reverse("tracing:receive", args=[plan.link_token])


def _public_url(path: str) -> str:
    """The link with the site's first named host (a text message needs the host)."""
    hosts = [h for h in settings.ALLOWED_HOSTS if h not in ("*", "") and not h.startswith(".")]
    return f"https://{hosts[0]}{path}" if hosts else path


def _tell_receiver(plan: ReturnPlan) -> None:
    if not _is_mobile(plan.receiver_phone):
        return
    with translation.override("zh-hans"):
        text = _("[Songnuan] %(person)s is on the way home (%(route)s), arriving about "
                 "%(at)s. On arrival, confirm with the code the escort gives you: %(link)s") % {
            "person": plan.case.person.display_name, "route": plan.route,
            "at": f"{timezone.localtime(plan.arrives_at):%m-%d %H:%M}",
            "link": _public_url(receiving_link(plan))}
    send_sms(plan.receiver_phone, text, "return_link", reference=f"return:{plan.pk}")


def confirm_departure(plan: ReturnPlan, *, by: Any,
                      now: datetime.datetime | None = None) -> tuple[ReturnPlan, str]:
    """The escort confirms the person left: the stay is discharged home, the case closes, the
    receiving side gets its link; returns the plan and the arrival code (shown once)."""
    now = now or timezone.now()
    with transaction.atomic():
        plan = ReturnPlan.objects.select_for_update().select_related("case__person").get(
            pk=plan.pk)
        if plan.status != ReturnStatus.PLANNED:
            raise Conflict(_("The departure was already confirmed."))
        reunion.discharge_home(plan.case, DischargeInput(
            outcome=Outcome.RETURNED_HOME, destination=plan.destination,
            travel_mode=plan.travel_mode, family_contact=plan.receiver_name,
            family_phone=plan.receiver_phone, notes=plan.route), by=by, now=now)
        code = _new_code(plan)
        plan.status, plan.departed_at, plan.departed_by = ReturnStatus.DEPARTED, now, by
        plan.save()
        _tell_receiver(plan)
    return plan, code


@transaction.atomic
def reissue_code(plan: ReturnPlan, *, by: Any) -> str:
    """A new arrival code (the old one expired, was lost or locked by wrong tries)."""
    plan = ReturnPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != ReturnStatus.DEPARTED:
        raise Conflict(_("A code is issued only while the person is on the way."))
    code = _new_code(plan)
    plan.code_expires_at = max(plan.code_expires_at, timezone.now() + datetime.timedelta(
        hours=settings.TRACING_RETURN_CODE_GRACE_HOURS))
    plan.save()
    return code


def confirm_arrival(token: str, code: str, *, received_by: str, note: str = "",
                    now: datetime.datetime | None = None) -> ReturnPlan:
    """The receiving side confirms arrival with the code. A wrong code only counts a try; an
    expired, locked or used code is refused and nothing is written."""
    now = now or timezone.now()
    if not received_by.strip():
        raise Refused(_("Say who received the person."), field="received_by")
    with transaction.atomic():
        plan = ReturnPlan.objects.select_for_update().filter(link_token=token).first()
        if plan is None:
            raise Refused(_("This link is not valid."))
        if plan.status == ReturnStatus.ARRIVED:
            raise Conflict(_("The arrival was already confirmed; the code cannot be used "
                             "again."), field="code")
        if plan.status != ReturnStatus.DEPARTED:
            raise Conflict(_("The person has not left yet: the sending station confirms the "
                             "departure first."))
        if plan.code_expires_at is None or now > plan.code_expires_at:
            raise Refused(_("The code has expired. Ask the sending station for a new one."),
                          field="code")
        if plan.code_attempts >= settings.TRACING_RETURN_CODE_MAX_ATTEMPTS:
            raise Refused(_("Too many wrong codes. Ask the sending station for a new one."),
                          field="code")
        if _code_matches(code, plan.code_hash):
            plan.status, plan.arrived_at = ReturnStatus.ARRIVED, now
            plan.received_by_name = received_by.strip()[:100]
            plan.arrival_note = note.strip()[:300]
            plan.code_hash = ""
            plan.save()
            followups.schedule(plan)
            return plan
        plan.code_attempts += 1
        plan.save(update_fields=["code_attempts"])
    # Raised after the commit, so the wrong try is counted.
    raise Refused(_("The code is not right. Check it with the escort and try again."),
                  field="code")


@transaction.atomic
def cancel(plan: ReturnPlan, *, by: Any, reason: str) -> ReturnPlan:
    plan = ReturnPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != ReturnStatus.PLANNED:
        raise Conflict(_("Only a plan that has not left can be cancelled."))
    if not reason.strip():
        raise Refused(_("Say why the plan is cancelled."), field="reason")
    plan.status, plan.arrival_note = ReturnStatus.CANCELLED, reason.strip()[:300]
    plan.save()
    return plan
