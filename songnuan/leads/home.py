"""Home-page cards: the open queue and claims awaiting a decision."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from songnuan.leads.models import ClaimStatus, Lead, LeadStatus, RewardClaim
from songnuan.shell import Panel


def panels(user) -> list[Panel]:
    found = []
    if user.has_perm("leads.view_lead"):
        leads = Lead.objects.restrict(user, "view")
        waiting = leads.filter(status__in=[LeadStatus.RECEIVED, LeadStatus.TRIAGED]).count()
        found.append(Panel(
            _("Leads waiting for a squad"), reverse("leads:lead_list"), count=waiting,
            hint=_("Most urgent first"), tone="alert" if waiting else "ok", order=10,
        ))
    if user.has_perm("leads.approve_rewardclaim"):
        claims = RewardClaim.objects.restrict(user, "view").filter(
            status=ClaimStatus.AWAITING_APPROVAL).count()
        found.append(Panel(_("Reward claims to decide"), reverse("leads:reward_list"),
                           count=claims, tone="warn" if claims else "info", order=60))
    return found
