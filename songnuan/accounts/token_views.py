"""API tokens: the user's own (and, for administrators, their staff's), made and revoked here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from songnuan.accounts import services
from songnuan.accounts.forms import ApiTokenForm

PAGE_SIZE = 50


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        key = services.issue_token(request.user, data["name"], scope=data["scope"],
                                   days=data["days"])
        return render(request, "accounts/token_created.html", {"key": key, "name": data["name"]})
    tokens = services.tokens_visible_to(request.user)
    page = Paginator(tokens, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/token_list.html", {
        "form": form, "page": page, "now": timezone.now(),
        "shows_owner": request.user.has_perm("accounts.change_user"),
    })


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(services.tokens_visible_to(request.user), pk=pk)
    services.revoke_token(token)
    messages.success(request, _("Revoked the token “%(name)s”; it no longer works.")
                     % {"name": token})
    return redirect("accounts:token_list")
