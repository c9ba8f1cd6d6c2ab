"""Roles: what each kind of staff member may do, and how far their view reaches.

Permissions are granted by role in code (see `backends.RolePermissionBackend`) so every
installation starts from the same, reviewable matrix; individual extra grants (for example the
sensitive-data permission for one officer) use Django's ordinary user permissions.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("City administrator")
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    DISPATCHER = "dispatcher", _("Dispatcher")
    STATION_STAFF = "station_staff", _("Station staff")
    RELIEF_POINT_OPERATOR = "relief_operator", _("Relief-point operator")
    PATROLLER = "patroller", _("Patroller")
    TRACING_OFFICER = "tracing_officer", _("Tracing officer")
    POLICE_LIAISON = "police_liaison", _("Police liaison")
    VIEWER = "viewer", _("Read-only viewer")


class Reach(StrEnum):
    """How far a role's view reaches."""

    CITY = "city"  # everything in the city
    DISTRICT = "district"  # the user's district; the whole city when the user has none
    SITE = "site"  # the user's site and the sites under it
    ASSIGNMENT = "assignment"  # only what is addressed to the user


@dataclass(frozen=True)
class RoleSpec:
    reach: Reach
    grants: tuple[str, ...]
    # A district or site this role cannot work without.
    needs_district: bool = False
    needs_site: bool = False


SENSITIVE = "accounts.view_sensitive"
AUDIT = "accounts.view_auditevent"
APPROVE_REWARDS = "leads.approve_rewardclaim"
# Photos sent with leads show people who did not ask to be photographed; a patroller sees them
# only for leads assigned to their squad (leads.photos.may_see_photos).
LEAD_PHOTOS = "leads.view_lead_photos"
# The duty officer keeps the weather current: manual forecasts and warnings, lifting warnings.
WEATHER_DUTY = ("weather.add_forecast", "weather.add_weatherwarning",
                "weather.change_weatherwarning")
OVERRIDE_PROTOCOL = "weather.override_protocol"
# Everyone who may be told something on duty reads and acknowledges their own alerts.
OWN_ALERTS = ("duty.view_alert", "duty.change_alert")
# The roster is kept by district administrators (their district) and the city administrator.
ROSTER_VIEW = "duty.view_dutyshift"
# Desk officers write the handover at the change of shift and the next shift acknowledges it;
# the roster decides who may (duty.handovers).
HANDOVERS = ("duty.view_handover", "duty.add_handover", "duty.change_handover")
# Anyone who may be at the scene reports an incident (突发事件) and sees the register of their
# scope; managers acknowledge, close and keep the emergency plans.
REPORT_INCIDENTS = ("incidents.view_incident", "incidents.add_incident",
                    "incidents.view_emergencyplan")
# Station staff propose publicity cases (典型案例) and record consent; managers review them.
PROPOSE_CASES = ("cases.view", "cases.add", "cases.change")
REVIEW_CASES = "cases.review_case"
# Hotline operators log calls and replay their recordings; managers may also keep a recording
# for less than the standard period, with a reason.
HOTLINE_DESK = ("hotline.view_call", "hotline.add_call", "hotline.view_recording")
SHORTEN_RECORDINGS = "hotline.shorten_retention"
# Managers may house someone against the zone rules, with a reason (shelter admission).
OVERRIDE_ALLOCATION = "shelter.override_allocation"

# A site asked by the dispatcher to look in on someone no squad can reach in time answers what
# its staff found (or the dispatcher they phoned back does).
ANSWER_LOOK_IN = "outreach.answer_lookin"
ANSWER_LOOK_INS = ("outreach.view_lookin", "outreach.change_lookin", ANSWER_LOOK_IN)

# Grants: "app.action" (every model of the app), "app.*" (every action) or a full
# "app.codename" permission. Apps that do not exist yet simply grant nothing.
ROLE_SPECS: dict[str, RoleSpec] = {
    Role.CITY_ADMIN: RoleSpec(Reach.CITY, ("*", SENSITIVE, AUDIT, APPROVE_REWARDS,
                                          OVERRIDE_PROTOCOL, OVERRIDE_ALLOCATION, LEAD_PHOTOS,
                                          SHORTEN_RECORDINGS, REVIEW_CASES, ANSWER_LOOK_IN)),
    Role.DISTRICT_ADMIN: RoleSpec(
        Reach.DISTRICT,
        (
            "accounts.view_user", "accounts.add_user", "accounts.change_user",
            "accounts.view_organisation", "accounts.add_organisation",
            "accounts.change_organisation",
            "network.*", "places.*", "leads.*", "outreach.*", "cameras.*", "people.*",
            "shelter.*", "hotline.*",
            "tracing.view",
            "supplies.*", "duty.*", "incidents.*", "cases.*", REVIEW_CASES, "weather.view",
            *WEATHER_DUTY,
            OVERRIDE_PROTOCOL,
            "analytics.view", SENSITIVE, APPROVE_REWARDS, OVERRIDE_ALLOCATION, LEAD_PHOTOS,
            SHORTEN_RECORDINGS, ANSWER_LOOK_IN,
        ),
        needs_district=True,
    ),
    Role.DISPATCHER: RoleSpec(
        Reach.DISTRICT,
        (
            "accounts.view_organisation", "network.view", "places.view", "leads.*",
            "outreach.*", "cameras.view", "cameras.change_detection", "people.view",
            "weather.view", *WEATHER_DUTY, ROSTER_VIEW, *OWN_ALERTS,
            "supplies.view", LEAD_PHOTOS, *REPORT_INCIDENTS, *HANDOVERS, *HOTLINE_DESK,
            ANSWER_LOOK_IN,
        ),
    ),
    Role.STATION_STAFF: RoleSpec(
        Reach.SITE,
        (
            "accounts.view_organisation", "network.view", "network.change", "leads.view",
            "people.*", "shelter.*", "tracing.view", "supplies.*", ROSTER_VIEW, *OWN_ALERTS,
            "weather.view", SENSITIVE, *REPORT_INCIDENTS, *HANDOVERS, *PROPOSE_CASES,
            "tracing.change_returnplan",  # the escort confirms the departure
            *ANSWER_LOOK_INS,
        ),
        needs_site=True,
    ),
    Role.RELIEF_POINT_OPERATOR: RoleSpec(
        Reach.SITE,
        (
            "accounts.view_organisation", "network.view", "network.change", "people.view",
            "people.add", "supplies.view", "supplies.add", "supplies.change", "weather.view",
            "shelter.view_reliefvisit", "shelter.add_reliefvisit", "shelter.change_reliefvisit",
            *OWN_ALERTS, *REPORT_INCIDENTS, *ANSWER_LOOK_INS,
        ),
        needs_site=True,
    ),
    Role.PATROLLER: RoleSpec(
        Reach.DISTRICT,
        (
            "network.view", "leads.view", "outreach.view", "outreach.add", "outreach.change",
            "people.view", "people.add", "people.change", "supplies.view", "weather.view",
            *OWN_ALERTS, LEAD_PHOTOS, *REPORT_INCIDENTS,
        ),
        needs_district=True,
    ),
    Role.TRACING_OFFICER: RoleSpec(
        Reach.DISTRICT,
        (
            "accounts.view_organisation", "network.view", "people.view", "people.change",
            "shelter.view", "tracing.*", "weather.view", SENSITIVE, *OWN_ALERTS,
            *REPORT_INCIDENTS,
        ),
    ),
    Role.POLICE_LIAISON: RoleSpec(
        Reach.ASSIGNMENT,
        ("tracing.view_comparisonrequest", "tracing.change_comparisonrequest"),
    ),
    Role.VIEWER: RoleSpec(
        Reach.DISTRICT,
        (
            "accounts.view_organisation", "network.view", "leads.view", "outreach.view",
            "people.view", "shelter.view", "tracing.view", "supplies.view", ROSTER_VIEW,
            *OWN_ALERTS, "weather.view", "analytics.view", "incidents.view",
            "duty.view_handover",
        ),
    ),
}
