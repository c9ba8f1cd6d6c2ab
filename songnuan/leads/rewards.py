"""有奖征集: rewards for reports that led to someone being found, with limits and approval.

A reporter who left a phone claims on the status page; a one-time code sent to that phone
confirms the claim; a district manager approves it; a payout record closes it and goes into the
district's ledger. An incident (a lead and its linked duplicates) pays at most one reward, and
it belongs to the first person who reported it, whoever claims first. Staff, squad and partner
phones are not paid (their reports are their work); claims that share a device or an address
block with another phone's claim are held for the manager's review.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from songnuan.accounts.models import Organisation, User
from songnuan.accounts.scoping import can
from songnuan.actors import Actor
from songnuan.leads.models import (
    HOLDING_CLAIM,
    ClaimStatus,
    Lead,
    LeadStatus,
    Payout,
    RewardClaim,
    RewardRule,
    TrustedReporter,
)
from songnuan.notify.services import send_sms
from songnuan.refusals import Conflict, Refused

CODE_DIGITS = 6
APPROVE = "leads.approve_rewardclaim"
MOBILE_DIGITS = 11

# Phones of people whose reports are their work, from apps above this one (squads' phones):
# each source returns phone numbers as written.
PhoneSource = Callable[[], Iterable[str]]
_work_phone_sources: list[PhoneSource] = []


def register_work_phones(source: PhoneSource) -> None:
    """Called by a higher app's `AppConfig.ready()`: its phones are never paid a reward."""
    if source not in _work_phone_sources:
        _work_phone_sources.append(source)


def phone_key(phone: str) -> str:
    """A phone reduced to its digits, without the +86 country code, for comparison."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if digits.startswith("86") and len(digits) == MOBILE_DIGITS + 2:
        digits = digits[2:]
    return digits


def _phones(values: Iterable[str]) -> set[str]:
    return {phone_key(value) for value in values if phone_key(value)}


def work_phone_reason(phone: str, rule: RewardRule | None) -> str | None:
    """Why a phone is not paid: it belongs to staff, a squad or (unless the rule pays them) a
    partner organisation's reporter or the organisation itself; None when it may be paid."""
    key = phone_key(phone)
    if not key:
        return None
    if key in _phones(User.objects.filter(is_active=True).exclude(phone="")
                      .values_list("phone", flat=True)):
        return _("Phones of staff are not paid rewards: reporting is part of their work.")
    if any(key in _phones(source()) for source in _work_phone_sources):
        return _("Phones of rescue squads are not paid rewards: reporting is part of their "
                 "work.")
    if rule is not None and rule.partners_eligible:
        return None
    partners = [*TrustedReporter.objects.values_list("phone", flat=True),
                *Organisation.objects.exclude(phone="").values_list("phone", flat=True)]
    if key in _phones(partners):
        return _("Reports made as part of a partner organisation's work are not rewarded.")
    return None


def incident_reports(incident: Lead) -> list[Lead]:
    """The incident's reports in the order they came in (the incident's own lead first on a
    tie, since its duplicates were merged into it)."""
    leads = [incident, *Lead.objects.filter(duplicate_of=incident)]
    return sorted(leads, key=lambda lead: (lead.received_at, lead.pk != incident.pk, lead.pk))


def first_reporter(incident: Lead, rule: RewardRule | None) -> Lead | None:
    """The first report of the incident whose reporter may be paid: the reward is theirs."""
    for lead in incident_reports(incident):
        if lead.reporter_phone and not (lead.trusted_reporter_id and not (
                rule and rule.partners_eligible)) and not work_phone_reason(
                lead.reporter_phone, rule):
            return lead
    return None


def rule_for(incident: Lead) -> RewardRule | None:
    """The active rule for the incident's outcome: the district's own, else the city's."""
    if incident.status != LeadStatus.RESOLVED or not incident.outcome:
        return None
    rules = RewardRule.objects.filter(outcome=incident.outcome, is_active=True).filter(
        Q(district_id=incident.district_id) | Q(district=None)
    )
    return min(rules, key=lambda rule: rule.district_id is None, default=None)


def why_not_eligible(lead: Lead) -> str | None:
    """None when the reporter of `lead` may claim now, else the reason in plain words."""
    incident = lead.incident
    if not lead.reporter_phone:
        return _("Rewards need the phone number given with the report.")
    rule = rule_for(incident)
    if rule is None:
        return _("This report's outcome does not carry a reward.")
    if lead.trusted_reporter_id and not rule.partners_eligible:
        return _("Reports made as part of a partner organisation's work are not rewarded.")
    reason = work_phone_reason(lead.reporter_phone, rule)
    if reason:
        return reason
    first = first_reporter(incident, rule)
    if first is None or phone_key(first.reporter_phone) != phone_key(lead.reporter_phone):
        return _("The reward for this incident goes to the person who reported it first.")
    holder = RewardClaim.objects.filter(HOLDING_CLAIM, incident=incident).first()
    if holder is not None and holder.phone != lead.reporter_phone and not _may_supersede(
            holder):
        return _("The reward for this incident has already been claimed.")
    return None


def _may_supersede(claim: RewardClaim) -> bool:
    """A later reporter's claim not yet approved gives way to the first reporter's."""
    return claim.status in (ClaimStatus.AWAITING_CODE, ClaimStatus.AWAITING_APPROVAL)


def _supersede(claim: RewardClaim, now: datetime.datetime) -> None:
    claim.status, claim.decided_at = ClaimStatus.REJECTED, now
    with translation.override("zh-hans"):
        claim.decision_note = _("The incident was reported first by someone else: the reward "
                                "is theirs.")
    claim.save()


def device_key(device: str) -> str:
    return _keyed("device", device) if device else ""


def address_cluster(address: str | None) -> str:
    """The address block a claim came from: /24 for IPv4, /48 for IPv6 (one household's or
    one shop's connection), as a keyed hash."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return _keyed("net", str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False)))


def _keyed(kind: str, value: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def hold_reason(claim: RewardClaim, now: datetime.datetime) -> str:
    """Why a claim needs review: another phone claimed from the same device or address block
    within the period; empty when nothing links it to another claimant."""
    since = now - datetime.timedelta(days=settings.REWARD_PERIOD_DAYS)
    others = RewardClaim.objects.filter(created_at__gte=since).exclude(phone=claim.phone)
    if claim.pk:
        others = others.exclude(pk=claim.pk)
    if claim.device_hash and others.filter(device_hash=claim.device_hash).exists():
        return _("Another phone claimed a reward from the same device.")
    if claim.address_cluster and others.filter(address_cluster=claim.address_cluster).exists():
        return _("Another phone claimed a reward from the same network address block.")
    return ""


def _hash(code: str, salt: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{salt}:{code}".encode(), hashlib.sha256)
    return f"{salt}${digest.hexdigest()}"


def _code_matches(code: str, stored: str) -> bool:
    salt, _sep, _digest = stored.partition("$")
    return bool(salt) and hmac.compare_digest(_hash(code.strip(), salt), stored)


def check_limits(phone: str, amount: Decimal, now: datetime.datetime,
                 exclude_pk: int | None = None) -> None:
    """Per-phone limits over the period: number of claims and total amount."""
    since = now - datetime.timedelta(days=settings.REWARD_PERIOD_DAYS)
    claims = RewardClaim.objects.filter(HOLDING_CLAIM, phone=phone, created_at__gte=since)
    if exclude_pk:
        claims = claims.exclude(pk=exclude_pk)
    if claims.count() >= settings.REWARD_MAX_CLAIMS_PER_PHONE:
        raise Refused(_(
            "This phone has reached the limit of %(count)s rewards in %(days)s days."
        ) % {"count": settings.REWARD_MAX_CLAIMS_PER_PHONE, "days": settings.REWARD_PERIOD_DAYS})
    total = claims.aggregate(total=Sum("amount_yuan"))["total"] or Decimal(0)
    if total + amount > Decimal(settings.REWARD_MAX_YUAN_PER_PHONE):
        raise Refused(_(
            "This phone has reached the limit of ¥%(amount)s in rewards in %(days)s days."
        ) % {"amount": settings.REWARD_MAX_YUAN_PER_PHONE, "days": settings.REWARD_PERIOD_DAYS})


def start_claim(lead: Lead, now: datetime.datetime | None = None, *, device: str = "",
                address: str | None = None) -> RewardClaim:
    """Open (or re-send the code of) the reporter's claim and text them a one-time code;
    `device` and `address` identify where the claim came from (kept only as keyed hashes)."""
    now = now or timezone.now()
    lead = Lead.objects.select_related("duplicate_of").get(pk=lead.pk)
    reason = why_not_eligible(lead)
    if reason:
        raise Refused(reason)
    code_ttl = datetime.timedelta(minutes=settings.REWARD_CODE_TTL_MINUTES)
    try:
        with transaction.atomic():
            incident = Lead.objects.select_for_update().get(pk=lead.incident.pk)
            RewardClaim.objects.filter(
                incident=incident, status=ClaimStatus.AWAITING_CODE, code_sent_at__lt=now - code_ttl
            ).update(status=ClaimStatus.EXPIRED)
            claim = RewardClaim.objects.filter(HOLDING_CLAIM, incident=incident).first()
            if claim is not None and claim.phone != lead.reporter_phone and _may_supersede(
                    claim):
                _supersede(claim, now)
                claim = None
            if claim is not None and (claim.phone != lead.reporter_phone
                                      or claim.status != ClaimStatus.AWAITING_CODE):
                if claim.phone == lead.reporter_phone:
                    return claim  # already confirmed: nothing to send
                raise Conflict(_("The reward for this incident has already been claimed."))
            if claim is not None and claim.code_sent_at and now - claim.code_sent_at < \
                    datetime.timedelta(seconds=settings.REWARD_CODE_RESEND_S):
                raise Refused(_("A code was just sent. Please wait a minute before asking "
                                    "for another."))
            rule = rule_for(incident)
            check_limits(lead.reporter_phone, rule.amount_yuan, now,
                         exclude_pk=claim.pk if claim else None)
            if claim is None:
                claim = RewardClaim(incident=incident, lead=lead, district=incident.district,
                                    phone=lead.reporter_phone)
            code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
            claim.rule, claim.amount_yuan = rule, rule.amount_yuan
            claim.device_hash = device_key(device) or claim.device_hash
            claim.address_cluster = address_cluster(address) or claim.address_cluster
            claim.code_hash = _hash(code, secrets.token_hex(8))
            claim.code_sent_at, claim.code_attempts = now, 0
            claim.save()
            with translation.override("zh-hans"):
                text = _(
                    "[Songnuan] Your confirmation code is %(code)s, valid for %(minutes)s "
                    "minutes. Do not share it with anyone."
                ) % {"code": code, "minutes": settings.REWARD_CODE_TTL_MINUTES}
            send_sms(claim.phone, text, "reward_code", reference=f"claim:{claim.pk}")
    except IntegrityError:
        raise Conflict(_("The reward for this incident has already been claimed.")) from None
    return claim


def confirm_claim(claim: RewardClaim, code: str,
                  now: datetime.datetime | None = None) -> RewardClaim:
    """Check the one-time code; a right code puts the claim before the district manager."""
    now = now or timezone.now()
    with transaction.atomic():
        claim = RewardClaim.objects.select_for_update().get(pk=claim.pk)
        if claim.status != ClaimStatus.AWAITING_CODE:
            return claim
        expired = claim.code_sent_at is None or now - claim.code_sent_at > datetime.timedelta(
            minutes=settings.REWARD_CODE_TTL_MINUTES)
        if expired or claim.code_attempts >= settings.REWARD_CODE_MAX_ATTEMPTS:
            claim.status = ClaimStatus.EXPIRED
            claim.save()
            error = _("The code has expired. Ask for a new one.")
        elif not _code_matches(code, claim.code_hash):
            claim.code_attempts += 1
            claim.save()
            error = _("The code is not right. Check the text message and try again.")
        else:
            check_limits(claim.phone, claim.amount_yuan, now, exclude_pk=claim.pk)
            claim.status, claim.confirmed_at, claim.code_hash = (
                ClaimStatus.AWAITING_APPROVAL, now, "")
            claim.hold_reason = hold_reason(claim, now)
            claim.save()
            return claim
    raise Refused(error, "code")  # after the commit, so the failed attempt is counted


def _decide(claim: RewardClaim, by, status: str, note: str) -> RewardClaim:
    if not by.has_perm(APPROVE) or not can(by, "change", claim):
        raise Refused(_("Only a manager of the claim's district may decide on it."))
    with transaction.atomic():
        claim = RewardClaim.objects.select_for_update().get(pk=claim.pk)
        if claim.status != ClaimStatus.AWAITING_APPROVAL:
            raise Conflict(_("This claim is not awaiting approval."))
        if status == ClaimStatus.APPROVED:
            if claim.hold_reason and not note.strip():
                raise Refused(_("This claim is held for review: say what you checked before "
                                "approving it."), "note")
            check_limits(claim.phone, claim.amount_yuan, timezone.now(), exclude_pk=claim.pk)
        claim.status, claim.decided_by, claim.decided_at = status, by, timezone.now()
        claim.decision_note = note.strip()[:300]
        claim.save()
        with translation.override("zh-hans"):
            if status == ClaimStatus.APPROVED:
                text = _("[Songnuan] Your reward of ¥%(amount)s for report %(code)s was "
                         "approved. Staff will contact you about payment.")
            else:
                text = _("[Songnuan] Your reward claim for report %(code)s was not approved: "
                         "%(reason)s")
            text = text % {"amount": claim.amount_yuan, "code": claim.lead.tracking_code,
                           "reason": claim.decision_note}
        send_sms(claim.phone, text, "reward_decision", reference=f"claim:{claim.pk}")
    return claim


def approve(claim: RewardClaim, *, by: Actor, note: str = "") -> RewardClaim:
    return _decide(claim, by, ClaimStatus.APPROVED, note)


def reject(claim: RewardClaim, *, by: Actor, reason: str) -> RewardClaim:
    if not reason.strip():
        raise Refused(_("Say why the claim is rejected."), "reason")
    return _decide(claim, by, ClaimStatus.REJECTED, reason)


def record_payout(claim: RewardClaim, *, by: Actor, method: str, reference: str,
                  paid_at: datetime.datetime | None = None) -> Payout:
    if not by.has_perm(APPROVE) or not can(by, "change", claim):
        raise Refused(_("Only a manager of the claim's district may record payments."))
    if not reference.strip():
        raise Refused(_("Enter the payment reference."), "reference")
    with transaction.atomic():
        claim = RewardClaim.objects.select_for_update().get(pk=claim.pk)
        if claim.status != ClaimStatus.APPROVED:
            raise Conflict(_("Only an approved claim can be paid."))
        payout = Payout.objects.create(
            claim=claim, district=claim.district, amount_yuan=claim.amount_yuan, method=method,
            reference=reference.strip()[:100], paid_at=paid_at or timezone.now(), paid_by=by,
        )
        claim.status = ClaimStatus.PAID
        claim.save()
    return payout


LEDGER_HEADER = ["paid_at", "district", "tracking_code", "claim_id", "amount_yuan", "method",
                 "reference", "approved_by", "approved_at", "recorded_by"]


def ledger_rows(payouts) -> list[list[str]]:
    rows = []
    for payout in payouts.select_related("district", "claim__lead", "claim__decided_by",
                                         "paid_by"):
        claim = payout.claim
        rows.append([
            timezone.localtime(payout.paid_at).strftime("%Y-%m-%d %H:%M"),
            str(payout.district or ""),
            claim.lead.tracking_code, str(claim.pk), f"{payout.amount_yuan:.2f}",
            payout.get_method_display(), payout.reference,
            str(claim.decided_by or ""),
            timezone.localtime(claim.decided_at).strftime("%Y-%m-%d %H:%M")
            if claim.decided_at else "",
            str(payout.paid_by or ""),
        ])
    return rows
