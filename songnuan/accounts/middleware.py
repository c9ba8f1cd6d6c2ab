"""Makes the signed-in user the actor of every audited change made during a request, writes the
sensitive reads the request collected (one event per object shown), speaks to a signed-in user
in the language they chose, and holds users who owe a second factor at the code page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from songnuan.accounts import audit, twofactor
from songnuan.accounts.client_address import client_address


class AuditContextMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = audit.set_actor(request.user, client_address(request))
        reads = audit.collect_reads()
        try:
            return self.get_response(request)
        finally:
            audit.write_reads(reads)
            audit.reset_actor(token)


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the browser's and the device's cookie, so a
    dispatcher reads their own language on the shared duty-room computer and on their phone."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.language and user.language != request.LANGUAGE_CODE:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class TwoFactorMiddleware:
    """Holds a signed-in user who owes a second factor on the code page (or, not yet set up, on
    the set-up page) until they give it: every other page and the session's API calls wait.

    Token-authenticated API calls carry no session user and pass untouched.
    """

    OPEN_URL_NAMES = ("accounts:two_factor_verify", "accounts:two_factor_setup", "logout")
    OPEN_PREFIXES = ("/i18n/", "/jsi18n/", "/healthz", "/readyz", "/metrics",
                     settings.STATIC_URL)

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not twofactor.is_verified(request)
                and not self._is_open(request) and twofactor.needs_code(user)):
            return self._hold(request, user)
        return self.get_response(request)

    def _is_open(self, request) -> bool:
        if request.path.startswith(self.OPEN_PREFIXES):
            return True
        if request.path.startswith("/api/") and "Authorization" in request.headers:
            return True
        return request.path in {reverse(name) for name in self.OPEN_URL_NAMES}

    def _hold(self, request, user):
        if request.path.startswith("/api/"):
            return JsonResponse({"message": _("Finish signing in: enter your two-factor code."),
                                 "errors": []}, status=401)
        name = "accounts:two_factor_verify" if twofactor.device_of(user) else \
            "accounts:two_factor_setup"
        target = reverse(name)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
