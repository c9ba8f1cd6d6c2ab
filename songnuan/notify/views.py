"""The phone's side of Web Push: subscribing, acknowledging, the service worker and the web app
manifest (both served from the site root, the only place whose scope covers every page)."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from songnuan.notify import push
from songnuan.notify.forms import SubscriptionForm


def _error(message: str, errors: list[dict], status: int) -> JsonResponse:
    return JsonResponse({"message": message, "errors": errors}, status=status)


@require_POST
@login_required
def subscribe(request: HttpRequest) -> JsonResponse:
    """Body: the browser's `PushSubscription.toJSON()`."""
    form = SubscriptionForm.from_body(request.body)
    if not form.is_valid():
        return _error(_("This phone could not be signed up for notifications."),
                      [{"field": name, "message": str(errors[0])}
                       for name, errors in form.errors.items()], 422)
    data = form.cleaned_data
    push.subscribe(request.user, data["endpoint"], data["p256dh"], data["auth"],
                   request.headers.get("User-Agent", ""))
    return JsonResponse({"ok": True}, status=201)


@require_POST
@login_required
def unsubscribe(request: HttpRequest) -> JsonResponse:
    try:
        endpoint = str(json.loads(request.body or b"{}").get("endpoint", ""))
    except (ValueError, AttributeError):
        endpoint = ""
    return JsonResponse({"ok": push.unsubscribe(request.user, endpoint)})


# The service worker posts this without a session's CSRF token; the unguessable token in the
# notification is what proves it, and it can do nothing but mark that notification seen.
@csrf_exempt
@require_POST
def acknowledge(request: HttpRequest) -> JsonResponse:
    token = request.POST.get("token", "")
    if not token or not push.acknowledge(token):
        return _error(_("Unknown or already acknowledged notification."),
                      [{"field": "token", "message": _("Unknown notification.")}], 404)
    return JsonResponse({"ok": True})


@require_GET
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(request, "notify/service_worker.js", {"static_url": settings.STATIC_URL},
                      content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    icons = [{"src": static(f"notify/icon-{size}.png"), "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": "any maskable"} for size in (192, 512)]
    response = JsonResponse({
        "name": _("Songnuan winter relief"), "short_name": _("Songnuan"),
        "start_url": reverse("home"), "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#b8401d", "lang": request.LANGUAGE_CODE,
        "icons": icons,
    }, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response
