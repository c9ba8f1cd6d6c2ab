"""What a reporter is told: the plain-language stage of their report, on the page and by SMS."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from songnuan.leads.models import Lead, LeadStatus, Outcome
from songnuan.notify.services import send_sms

SMS_PURPOSE = "lead_feedback"

# stage → (headline, explanation, tone)
STAGES = {
    "received": (gettext_lazy("Received"), gettext_lazy(
        "We have your report and are arranging for a rescue squad to go."), "info"),
    "on_the_way": (gettext_lazy("A squad is on the way"), gettext_lazy(
        "A rescue squad has been sent to the place."), "warn"),
    "on_scene": (gettext_lazy("The squad is at the place"), gettext_lazy(
        "The rescue squad has reached the place and is looking for the person."), "warn"),
    "helped": (gettext_lazy("The person was helped to a station"), gettext_lazy(
        "The person was taken to a rescue station or a warm relief point. Thank you."), "ok"),
    "refused": (gettext_lazy("Help was offered"), gettext_lazy(
        "The squad met the person, who did not want to come along; warm clothes and food "
        "were left, and the place will be checked again."), "ok"),
    "hospital": (gettext_lazy("Taken to hospital"), gettext_lazy(
        "The person was taken to hospital for care. Thank you."), "ok"),
    "not_found": (gettext_lazy("Not found at the place"), gettext_lazy(
        "The squad did not find anyone at the place. If you see the person again, report "
        "again or call the hotline."), "muted"),
    "closed": (gettext_lazy("Closed"), gettext_lazy(
        "This report was closed after checking."), "muted"),
}

_OUTCOME_STAGES = {
    Outcome.HELPED_TO_SITE: "helped", Outcome.REFUSED_HELP: "refused",
    Outcome.HOSPITAL: "hospital", Outcome.NOT_FOUND: "not_found",
    Outcome.INVALID: "closed", Outcome.PRANK: "closed",
}


def public_stage(lead: Lead) -> str:
    """The stage a reporter sees; a duplicate follows the lead it was linked to."""
    incident = lead.incident
    if incident.status in (LeadStatus.ASSIGNED, LeadStatus.EN_ROUTE):
        return "on_the_way"
    if incident.status == LeadStatus.ON_SCENE:
        return "on_scene"
    if incident.status == LeadStatus.RESOLVED:
        return _OUTCOME_STAGES.get(incident.outcome, "closed")
    return "received"


def stage_text(stage: str) -> tuple[str, str, str]:
    headline, detail, tone = STAGES[stage]
    return str(headline), str(detail), tone


def notify_reporters(incident: Lead, stage: str) -> int:
    """Text everyone who reported this incident and left a phone; return how many. A report
    split off from the incident is no longer among its duplicates: its reporter follows their
    own lead."""
    phones: dict[str, Lead] = {}
    for lead in [incident, *incident.duplicates.filter(status=LeadStatus.DUPLICATE)]:
        if lead.reporter_phone and lead.reporter_phone not in phones:
            phones[lead.reporter_phone] = lead
    for lead in phones.values():
        notify_one(lead, stage)
    return len(phones)


def notify_one(lead: Lead, stage: str) -> None:
    send_sms(lead.reporter_phone, sms_text(lead, stage), SMS_PURPOSE,
             reference=f"lead:{lead.tracking_code}")


def sms_text(lead: Lead, stage: str) -> str:
    # Reporters are the public: messages go out in Chinese whatever the staff member's language.
    with translation.override("zh-hans"):
        headline, detail, _tone = stage_text(stage)
        return _("[Songnuan] Your report %(code)s: %(headline)s. %(detail)s Status: %(url)s") % {
            "code": lead.tracking_code, "headline": headline, "detail": detail,
            "url": settings.LEADS_PUBLIC_BASE_URL
            + reverse("leads:public_status", args=[lead.tracking_code]),
        }
