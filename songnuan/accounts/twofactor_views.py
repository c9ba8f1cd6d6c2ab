"""Two-factor sign-in pages: the code step after the password, setting up an authenticator app,
recovery codes and turning it off. Thin: the rules are in `twofactor`."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from songnuan.accounts import twofactor
from songnuan.accounts.client_address import client_address
from songnuan.accounts.forms import TwoFactorCodeForm, TwoFactorDisableForm, TwoFactorEnrolForm

# A user who still owes the second factor sees no menu or banners: they lead nowhere yet.
WITHOUT_SHELL = {"nav_sections": [], "nav_badge": 0, "banners": []}


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("home")


def _shell(request: HttpRequest) -> dict:
    held = not twofactor.is_verified(request) and twofactor.needs_code(request.user)
    return WITHOUT_SHELL if held else {}


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The code step after the password."""
    user = request.user
    if twofactor.is_verified(request) or not twofactor.needs_code(user):
        return redirect(_next_url(request))
    if twofactor.device_of(user) is None:
        return redirect(reverse("accounts:two_factor_setup") + "?"
                        + urlencode({"next": _next_url(request)}))
    form = TwoFactorCodeForm(user, client_address(request), request.POST or None)
    if request.method == "POST" and form.is_valid():
        twofactor.mark_verified(request)
        if form.used == "recovery":
            messages.warning(request, _(
                "You signed in with a recovery code; %(left)s are left. Renew them on the "
                "two-factor page if you have lost your phone."
            ) % {"left": twofactor.recovery_codes_left(user)})
        return redirect(_next_url(request))
    return render(request, "accounts/two_factor_verify.html",
                  {"form": form, "next": _next_url(request), **WITHOUT_SHELL})


@never_cache
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan or type the secret, confirm with a code, keep the codes."""
    user = request.user
    if not twofactor.is_verified(request) and twofactor.device_of(user) is not None:
        # Replacing the app of an account needs that account's current second factor first.
        return redirect(reverse("accounts:two_factor_verify") + "?"
                        + urlencode({"next": request.get_full_path()}))
    shell = _shell(request)
    secret = twofactor.pending_secret(request)
    form = TwoFactorEnrolForm(user, client_address(request), secret, request.POST or None)
    if request.method == "POST" and form.is_valid():
        twofactor.mark_verified(request)
        return render(request, "accounts/two_factor_codes.html",
                      {"codes": form.recovery_codes, "next": _next_url(request)})
    uri = twofactor.provisioning_uri(user, secret)
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "next": _next_url(request), "secret": twofactor.spaced(secret),
        "qr": mark_safe(twofactor.qr_svg(uri)),  # drawn by segno from our own link
        "required": twofactor.is_required(user), **shell,
    })


@never_cache
@login_required
def manage(request: HttpRequest, disable_form: TwoFactorDisableForm | None = None) -> HttpResponse:
    user = request.user
    return render(request, "accounts/two_factor.html", {
        "device": twofactor.device_of(user),
        "required": twofactor.is_required(user),
        "codes_left": twofactor.recovery_codes_left(user),
        "disable_form": disable_form or TwoFactorDisableForm(user, client_address(request)),
    })


@never_cache
@require_POST
@login_required
def renew_codes(request: HttpRequest) -> HttpResponse:
    if twofactor.device_of(request.user) is None:
        return redirect("accounts:two_factor")
    codes = twofactor.renew_recovery_codes(request.user)
    return render(request, "accounts/two_factor_codes.html",
                  {"codes": codes, "next": reverse("accounts:two_factor")})


@require_POST
@login_required
def disable(request: HttpRequest) -> HttpResponse:
    form = TwoFactorDisableForm(request.user, client_address(request), request.POST)
    if not form.is_valid():
        return manage(request, disable_form=form)
    messages.success(request, _("Two-factor sign-in is off for your account."))
    return redirect("accounts:two_factor")
