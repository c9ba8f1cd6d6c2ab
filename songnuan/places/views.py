"""Pages: the gazetteer list, add/edit and import for administrators, and the candidate list
the hotline and lead pages ask for as a place is typed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from songnuan.accounts.scoping import may_place_in
from songnuan.places import importer, resolver, services
from songnuan.places.forms import ImportForm, PlaceFilterForm, PlaceForm
from songnuan.places.keys import normalise
from songnuan.places.models import Place
from songnuan.refusals import add_to_form, refusals_of
from songnuan.table_import import import_page

PAGE_SIZE = 50
MAX_QUERY = 200


@login_required
@permission_required("places.view_place", raise_exception=True)
def place_list(request: HttpRequest) -> HttpResponse:
    places = Place.objects.restrict(request.user, "view").select_related("district")
    form = PlaceFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["district"]:
            places = places.filter(district=data["district"])
        if data["kind"]:
            places = places.filter(kind=data["kind"])
        if data["q"]:
            typed = normalise(data["q"])
            places = [place for place in places if any(
                typed in key.text or typed in key.pinyin or typed == key.initials
                for key in place.search_keys())]
    page = Paginator(places, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "places/place_list.html", {
        "form": form, "page": page, "query": query.urlencode(),
    })


@login_required
def place_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        if not request.user.has_perm("places.add_place"):
            return render(request, "403.html", status=403)
        place = Place()
    else:
        place = get_object_or_404(Place.objects.restrict(request.user, "change"), pk=pk)
    initial = {"coord": "wgs84"}
    form = PlaceForm(request.POST or None, instance=place, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.place_at(place, data["lat"], data["lon"], data["coord"])
            if not may_place_in(request.user, place.district_id):
                raise ValidationError({"lat": _("You may only add places in your own district.")})
            saved = services.save_place(place)
        except ValidationError as error:
            for refused in refusals_of(error):
                add_to_form(form, refused)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": saved})
            return redirect("places:place_list")
    return render(request, "places/place_form.html", {"form": form, "object": place})


def place_add(request: HttpRequest) -> HttpResponse:
    return place_edit(request)


@login_required
def place_import(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("places.add_place"):
        return render(request, "403.html", status=403)
    return import_page(
        request, ImportForm(request.POST or None, request.FILES or None),
        read=importer.read_places, save=importer.import_places,
        done=lambda result: _("Imported %(n)d places.") % {"n": len(result.created)},
        next_url="places:place_list", template="places/place_import.html",
        columns=importer.COLUMNS)


@login_required
@permission_required("places.view_place", raise_exception=True)
def resolve(request: HttpRequest) -> HttpResponse:
    """The candidates for a typed place, as a small list the page swaps in (htmx)."""
    typed = request.GET.get("q", "") or request.GET.get("place", "")
    district = request.GET.get("district_id", "") or request.GET.get("district", "")
    matches = services.candidates(typed[:MAX_QUERY], district_id=int(district)
                                  if district.isdigit() else None) if typed.strip() else []
    return render(request, "places/candidates.html", {
        "matches": services.describe(matches),
        "confident": resolver.is_confident(matches), "typed": typed,
    })
