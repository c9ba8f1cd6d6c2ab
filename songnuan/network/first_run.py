"""The administrator's first-run page: choose the city this deployment serves.

The same lookup and setup as `songnuan setup-city`: a name meaning several places lists them to
choose from, and a deployment that already holds data moves only when the administrator ticks
the box that stands for `--force`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from songnuan.accounts.roles import Role
from songnuan.geo import cities
from songnuan.network.city import CityNotFound, holds_data, served_city, setup_city
from songnuan.network.models import City
from songnuan.refusals import Conflict, Refused, add_to_form


class CityChoiceForm(forms.Form):
    city = forms.CharField(
        label=gettext_lazy("City"), max_length=40,
        help_text=gettext_lazy("Its six-digit code (230100) or its name (哈尔滨市, 哈尔滨)."))
    hotline = forms.CharField(label=gettext_lazy("Rescue hotline"), max_length=30,
                              required=False,
                              help_text=gettext_lazy("Left empty: 12345, which reaches the "
                                                     "city's own government service line."))
    force = forms.BooleanField(
        label=gettext_lazy("Move this deployment even though it holds data (the data and its "
                           "districts are kept)"), required=False)


def needs_first_run(user) -> bool:
    """Send this administrator to choose the city: none is set up and nothing recorded yet."""
    return may_set_up_city(user) and not City.objects.exists() and not holds_data()


def may_set_up_city(user) -> bool:
    """Only the city administrator chooses the city (district administrators manage the
    network in their district, which includes the city record's permission)."""
    return user.is_authenticated and (user.is_superuser or user.role == Role.CITY_ADMIN)


def candidate_cities(error: CityNotFound) -> list[cities.Place]:
    """The cities the candidates stand for (a district's city), each once."""
    found: dict[str, cities.Place] = {}
    for place in error.candidates:
        city = place if not place.city else cities.city_of(place.code)
        if city is not None:
            found.setdefault(city.code, city)
    return list(found.values())


@login_required
def first_run(request: HttpRequest) -> HttpResponse:
    if not may_set_up_city(request.user):
        raise PermissionDenied
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and data.get("choose"):  # one of the candidates listed
        data["city"] = data["choose"]
    form = CityChoiceForm(data)
    candidates: list[cities.Place] = []
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data
        try:
            result = setup_city(chosen["city"], hotline=chosen["hotline"].strip(),
                                force=chosen["force"])
        except CityNotFound as error:
            add_to_form(form, error)
            candidates = candidate_cities(error)
        except Conflict as error:
            add_to_form(form, error)
            if not chosen["force"]:
                form.add_error("force", _("Tick this box to move it anyway: nothing that "
                                          "anything refers to is deleted."))
        except Refused as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("This deployment now serves %(city)s: %(count)d "
                                        "districts, counties and county-level cities.")
                             % {"city": result.city.name, "count": len(result.added)
                                + len(result.updated)})
            for line in result.proposals:
                messages.info(request, line)
            return redirect("home")
    return render(request, "network/first_run.html", {
        "form": form, "candidates": candidates, "current": served_city(),
        "set_up": City.objects.exists()})
