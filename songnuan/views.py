"""The shell's own pages: the public front door, each role's home, health check, logout, error
pages and the offline basemap's tiles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from songnuan import health, maptiles
from songnuan.accounts.roles import Reach, Role
from songnuan.accounts.scoping import scope_of
from songnuan.leads.forms import TrackForm
from songnuan.network.first_run import needs_first_run
from songnuan.shell import panels_for

# What each role is here to do, in the order they usually do it.
NEXT_STEPS = {
    Role.CITY_ADMIN: [
        _("Check the campaign's state across every district and county of the city."),
        _("Keep staff accounts and organisations up to date; disable accounts of people who left."),
        _("Review the audit log for failed logins and reads of sensitive data."),
    ],
    Role.DISTRICT_ADMIN: [
        _("Make sure tonight's duty roster and patrol squads cover your district."),
        _("Keep your district's staff accounts and organisations up to date."),
    ],
    Role.DISPATCHER: [
        _("Watch the queue of open leads: the highest priority and the longest waiting first."),
        _("Assign each lead to the suggested squad, or to another with a reason."),
        _("Escalate to the leader on duty when a lead waits too long."),
    ],
    Role.STATION_STAFF: [
        _("Receive people escorted in: security check, health screening, zone and bed."),
        _("Keep today's roll calls, meals and disinfection log."),
        _("Watch stays approaching their limit and the tracing deadlines."),
    ],
    Role.RELIEF_POINT_OPERATOR: [
        _("Record warming visits as people arrive and leave."),
        _("Report when the point is full or must close."),
    ],
    Role.PATROLLER: [
        _("Open your tasks, accept the next one and go."),
        _("At the scene, record who you met and what happened."),
    ],
    Role.TRACING_OFFICER: [
        _("Publish family-search announcements within 24 hours of admission."),
        _("Send police comparison requests within 7 working days."),
        _("Review candidate matches for unidentified people."),
    ],
    Role.POLICE_LIAISON: [
        _("Answer the comparison requests sent to you: acknowledge, then return the result."),
    ],
    Role.VIEWER: [
        _("Follow the campaign's figures; you can look but not change."),
    ],
}


def scope_label(user) -> str:
    scope = scope_of(user)
    if scope.reach is Reach.CITY:
        return str(_("Whole city"))
    if scope.reach is Reach.SITE and user.site_id:
        return str(user.site)
    if scope.reach is Reach.DISTRICT and user.district_id:
        return str(user.district)
    return str(_("Only what is assigned to you"))


def home(request: HttpRequest) -> HttpResponse:
    """The front door: the public's three ways to get help, or a signed-in user's own home."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "public/home.html", {"track_form": TrackForm()})
    if needs_first_run(user):
        return redirect("network:first_run")
    if user.role == Role.PATROLLER:
        # On the street the phone shows one thing: the squad's tasks, a tap from a notification.
        return redirect("outreach:my_tasks")
    return render(
        request,
        "songnuan/home.html",
        {
            "role_label": user.get_role_display(),
            "scope_label": scope_label(user),
            "next_steps": NEXT_STEPS.get(user.role, []),
            "panels": panels_for(user),
        },
    )


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness with detail: 503 naming what is stale (database, worker heartbeat, periodic
    jobs, text-message outbox), 200 with the same detail when all is well. Also the web side's
    watch on the worker, which cannot report its own death."""
    health.watch_worker()
    found = health.report()
    return JsonResponse(found, status=200 if found["status"] == "ok" else 503)


@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness for the proxy: only whether this process can serve (database reachable,
    migrations applied). A silent worker or a backlog of text messages is no reason to take
    the web servers out of the proxy: the public must still be able to report someone in the
    cold, so those stay in /healthz."""
    found = health.ready()
    return JsonResponse(found, status=200 if found["status"] == "ok" else 503)


@require_GET
def map_tile(request: HttpRequest, z: int, x: int, y: int) -> FileResponse:
    """A tile of the offline basemap (MAP_TILE_DIR); public, as the public maps draw it too."""
    found = maptiles.tile_file(z, x, y)
    if found is None:
        raise Http404
    path, content_type = found
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if not request.user.is_authenticated:
        return _public_error(request, 403, _("You may not open this page"),
                             _("This page is for relief staff. The public pages are below."))
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if not request.user.is_authenticated:
        return _public_error(request, 404, _("This page does not exist"),
                             _("The address may be mistyped, or the link has expired."))
    return render(request, "404.html", status=404)


def _public_error(request: HttpRequest, status: int, heading: str, explanation: str
                  ) -> HttpResponse:
    """Members of the public get an error page in the public layout, with where to go instead."""
    context = {"heading": heading, "explanation": explanation}
    return render(request, "public/error.html", context, status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: whatever failed (the database, a context processor) must not fail again.
    context = {"rescue_hotline": settings.RESCUE_HOTLINE}
    return HttpResponse(get_template("500.html").render(context), status=500)
