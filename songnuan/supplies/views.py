"""Supplies pages: stock per holder with low-reserve warnings, receive, transfer, adjust."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from songnuan.refusals import Refused, add_to_form
from songnuan.supplies import forms, services
from songnuan.supplies.models import Movement, Stock
from songnuan.supplies.overview import stock_overview

RECENT_MOVEMENTS = 40


@login_required
@permission_required("supplies.view_stock", raise_exception=True)
def stock(request: HttpRequest) -> HttpResponse:
    user = request.user
    holders = {forms.holder_key(h): h for h in forms.visible_holders(user)}
    stocks = Stock.objects.restrict(user, "view")
    chosen = holders.get(request.GET.get("holder", ""))
    if request.GET.get("holder") and chosen is None:
        raise Http404
    if chosen is not None:
        stocks = services.stocks_of(chosen).filter(pk__in=stocks.values("pk"))
    elif request.GET.get("low"):
        stocks = services.low_stocks(stocks)
    shown = stock_overview(stocks, holders, one_holder=chosen is not None)
    movements = Movement.objects.restrict(user, "view").select_related(
        "stock__item", "stock__site", "stock__squad", "person", "counterpart__site",
        "counterpart__squad", "by")
    if chosen is not None:
        movements = movements.filter(stock__in=services.stocks_of(chosen))
    return render(request, "supplies/stock.html", {
        "groups": shown.groups, "chosen": chosen, "stocked_well": shown.stocked_well,
        "chosen_key": forms.holder_key(chosen) if chosen else "",
        "holders": holders, "low_only": bool(request.GET.get("low")),
        "movements": movements[:RECENT_MOVEMENTS],
        "may_move": user.has_perm("supplies.add_movement"),
    })


def _mover(view):
    return login_required(permission_required("supplies.add_movement",
                                              raise_exception=True)(view))


@login_required
@permission_required("supplies.change_stock", raise_exception=True)
def reserve(request: HttpRequest) -> HttpResponse:
    form = forms.ReserveForm(request.POST or None, holders=_writable(request),
                             initial={"holder": _default_holder(request)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(form, lambda: services.set_reserve(data["holder"], data["item"],
                                                       data["reserve_level"])):
            messages.success(request, _("Reserve level set."))
            return _back(data["holder"])
    return _form_page(request, form, _("Set a reserve level"), _("Save"))


def _writable(request: HttpRequest) -> list:
    """The holders the user may stock; posting to any other is refused as if it did not exist."""
    holders = forms.writable_holders(request.user)
    posted = request.POST.get("holder")
    if posted and posted not in {forms.holder_key(h) for h in holders}:
        raise Http404
    return holders


@_mover
def receive(request: HttpRequest) -> HttpResponse:
    form = forms.ReceiveForm(request.POST or None, holders=_writable(request),
                             initial={"holder": _default_holder(request)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _attempt(form, lambda: services.receive(
            data["holder"], data["item"], data["quantity"], by=request.user,
            source=data["source"]))
        if done:
            messages.success(request, _("Received %(n)d %(unit)s of %(item)s.") % {
                "n": data["quantity"], "unit": data["item"].unit, "item": data["item"]})
            return _back(data["holder"])
    return _form_page(request, form, _("Receive supplies"), _("Receive"))


@_mover
def transfer(request: HttpRequest) -> HttpResponse:
    user = request.user
    sources = _writable(request)
    form = forms.TransferForm(request.POST or None, user=user, holders=sources,
                              targets=forms.transfer_targets(user, sources),
                              initial={"holder": _default_holder(request),
                                       "target": request.GET.get("target")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _attempt(form, lambda: services.transfer(
            data["holder"], data["target"], data["item"], data["quantity"], by=user,
            reason=data["reason"]))
        if done:
            messages.success(request, _("%(n)d %(unit)s of %(item)s moved to %(target)s.") % {
                "n": data["quantity"], "unit": data["item"].unit, "item": data["item"],
                "target": data["target"]})
            return _back(data["holder"])
    return _form_page(request, form, _("Transfer supplies"), _("Transfer"))


@_mover
def adjust(request: HttpRequest) -> HttpResponse:
    form = forms.AdjustForm(request.POST or None, holders=_writable(request),
                            initial={"holder": _default_holder(request)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _attempt(form, lambda: services.adjust(
            data["holder"], data["item"], data["change"], by=request.user,
            reason=data["reason"]))
        if done:
            messages.success(request, _("Stock adjusted."))
            return _back(data["holder"])
    return _form_page(request, form, _("Adjust stock"), _("Adjust"))


def _default_holder(request: HttpRequest) -> str:
    """The holder the page was opened for, else the user's own site."""
    if request.GET.get("holder"):
        return request.GET["holder"]
    return f"site:{request.user.site_id}" if request.user.site_id else ""


def _attempt(form, action) -> bool:
    try:
        action()
    except Refused as refused:
        add_to_form(form, refused)
        return False
    return True


def _back(holder) -> HttpResponse:
    return redirect(reverse("supplies:stock") + "?holder=" + forms.holder_key(holder))


def _form_page(request: HttpRequest, form, title: str, action: str) -> HttpResponse:
    status = 422 if request.method == "POST" else 200
    return render(request, "supplies/movement_form.html", {
        "form": form, "title": title, "action": action}, status=status)
