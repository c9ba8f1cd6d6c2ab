"""Staff pages of the network and the public "where can I get warm" pages: thin views."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from songnuan.accounts import audit
from songnuan.network import maps, offers, services, transfer
from songnuan.network.forms import ImportForm, PlaceForm, SiteFilterForm, SiteForm, VisitForm
from songnuan.network.models import District, Site, SiteLevel, SiteStatus
from songnuan.refusals import Refused, add_to_form, refusals_of
from songnuan.table_import import import_page

PAGE_SIZE = 50
PUBLIC_LIMIT = 8


# ---------------------------------------------------------------- staff: sites

def _filtered_sites(request: HttpRequest):
    form = SiteFilterForm(request.GET or None)
    sites = Site.objects.restrict(request.user, "view").select_related("district", "parent")
    want_open = want_full = False
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            sites = sites.filter(Q(name__icontains=data["q"]) | Q(address__icontains=data["q"]))
        if data["district"]:
            sites = sites.filter(district=data["district"])
        if data["level"]:
            sites = sites.filter(level=data["level"])
        if data["host_type"]:
            sites = sites.filter(host_type=data["host_type"])
        if data["status"] == "full":
            sites, want_full = sites.filter(status=SiteStatus.OPEN), True
        elif data["status"]:
            sites = sites.filter(status=data["status"])
        want_open = data["open_now"]
    rows = list(sites)
    states = services.open_states(rows)
    loads = services.loads(rows)
    if want_open:
        rows = [site for site in rows if states[site.pk]]
    if want_full:
        rows = [site for site in rows if loads[site.pk].is_full]
    for site in rows:
        site.is_open = states[site.pk]
        site.load = loads[site.pk]
        site.shown_status = services.shown_status(site, site.load)
    return form, rows


@login_required
@permission_required("network.view_site", raise_exception=True)
def site_list(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered_sites(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "network/site_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "total": len(rows),
    })


@login_required
@permission_required("network.view_site", raise_exception=True)
def site_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, rows = _filtered_sites(request)
    audit.record("export", None, changes={"sites": len(rows), "format": fmt},
                 object_repr=_("Site export"))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        response = HttpResponse(
            transfer.export_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(transfer.export_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sites-{stamp}.{fmt}"'
    return response


@login_required
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(
        Site.objects.restrict(request.user, "view").select_related("district", "parent"), pk=pk
    )
    load = services.loads([site])[site.pk]
    visible = Site.objects.restrict(request.user, "view")
    children = visible.filter(parent=site)
    return render(request, "network/site_detail.html", {
        "site": site, "load": load, "is_open": services.open_now(site),
        "shown_status": services.shown_status(site, load), "children": children,
        "parent_visible": visible.filter(pk=site.parent_id).exists() if site.parent_id else False,
        "may_change": Site.objects.restrict(request.user, "change").filter(pk=pk).exists(),
        "visit_form": VisitForm(),
    })


@login_required
def site_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        if not request.user.has_perm("network.add_site"):
            return render(request, "403.html", status=403)
        site = Site()
    else:
        site = get_object_or_404(Site.objects.restrict(request.user, "change"), pk=pk)
    form = SiteForm(request.POST or None, instance=site, editor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_site(form.instance)
        except ValidationError as error:
            for refused in refusals_of(error):
                add_to_form(form, refused)
        except Refused as refused:
            add_to_form(form, refused)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": saved})
            return redirect("network:site_detail", pk=saved.pk)
    return render(request, "network/site_form.html", {"form": form, "object": site})


@login_required
@require_POST
def site_visit(request: HttpRequest, pk: int) -> HttpResponse:
    """Check people in or out of a site's warm room (the buttons on the site page)."""
    site = get_object_or_404(Site.objects.restrict(request.user, "change"), pk=pk)
    form = VisitForm(request.POST)
    if form.is_valid():
        action = services.check_in if form.cleaned_data["direction"] == "in" else services.check_out
        try:
            in_use = action(site, form.cleaned_data["count"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(n)d people warming up here now.") % {"n": in_use})
    else:
        messages.error(request, _("Give a number of people from 1 to 50."))
    return redirect("network:site_detail", pk=pk)


@login_required
def site_import(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("network.add_site"):
        return render(request, "403.html", status=403)
    return import_page(
        request, ImportForm(request.POST or None, request.FILES or None),
        read=transfer.read_table, save=transfer.import_sites,
        done=lambda result: _("Imported %(n)d sites.") % {"n": len(result.created)},
        next_url="network:site_list", template="network/site_import.html",
        columns=transfer.COLUMNS)


# ---------------------------------------------------------------- staff: map and board

@login_required
@permission_required("network.view_site", raise_exception=True)
def network_map(request: HttpRequest) -> HttpResponse:
    return render(request, "network/map.html", {
        "tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "tile_crs": settings.MAP_TILE_CRS,
        "vendor": maps.leaflet_available(),
    })


@login_required
@permission_required("network.view_site", raise_exception=True)
def network_map_data(request: HttpRequest) -> JsonResponse:
    sites = list(Site.objects.restrict(request.user, "view").select_related("district"))
    return JsonResponse(maps.network_geojson(sites))


@login_required
@permission_required("network.view_site", raise_exception=True)
def capacity_board(request: HttpRequest) -> HttpResponse:
    sites = list(Site.objects.restrict(request.user, "view").select_related("district", "parent"))
    now = timezone.localtime()
    states = services.open_states(sites, now)
    night = services.tonight(now)
    tonight_states = services.open_states(sites, night)
    loads = services.loads(sites)
    table: dict[tuple[str, str], dict] = defaultdict(lambda: defaultdict(int))
    for site in sites:
        cell = table[(site.district.code, site.level)]
        load = loads[site.pk]
        cell["sites"] += 1
        cell["open"] += states[site.pk]
        cell["seats"] += load.seats
        cell["seats_used"] += load.seats_used
        cell["beds"] += load.beds
        cell["beds_used"] += load.beds_used
        cell["full"] += states[site.pk] and load.is_full
    districts = {d.code: d for d in District.objects.filter(
        pk__in={site.district_id for site in sites})}
    rows = []
    for (code, level), cell in sorted(table.items(), key=lambda item: (
            item[0][0], list(SiteLevel.values).index(item[0][1]))):
        rows.append({"district": districts[code], "level": SiteLevel(level).label, **cell})
    totals = defaultdict(int)
    for row in rows:
        for key in ("sites", "open", "seats", "seats_used", "beds", "beds_used", "full"):
            totals[key] += row[key]
    full = [site for site in sites if states[site.pk] and loads[site.pk].is_full]
    for site in full:
        site.load = loads[site.pk]
    closed_tonight = [site for site in sites if not tonight_states[site.pk]
                      and site.level != SiteLevel.GUIDANCE_POINT]
    return render(request, "network/board.html", {
        "rows": rows, "totals": totals, "full": full, "closed_tonight": closed_tonight,
        "night": night, "now": now,
    })


# ---------------------------------------------------------------- public pages

def warm(request: HttpRequest) -> HttpResponse:
    """Where can I get warm now: from a position, a district or a place, the open places in
    the order of need (a warm room with space before a guidance point), each saying what it
    offers and how far it is to walk."""
    place_form = PlaceForm(request.GET or None)
    show_all = request.GET.get("all") == "1"
    origin = None
    error = None
    if "lat" in request.GET and "lon" in request.GET:
        try:
            lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
            origin = (lat, lon, request.GET.get("coord", "wgs84"), _("your location"))
        except ValueError:
            error = _("The position sent by your phone could not be read.")
    elif place_form.is_valid() and (place_form.cleaned_data["district"]
                                    or place_form.cleaned_data["place"]):
        district = place_form.cleaned_data["district"]
        if district is not None:
            origin = (district.centre_lat, district.centre_lon, "wgs84", str(district))
        else:
            found = services.locate_place(place_form.cleaned_data["place"])
            if found is None:
                error = _("No district or site matches “%(place)s”. Choose your district.") % {
                    "place": place_form.cleaned_data["place"]}
            else:
                origin = (found[0], found[1], "wgs84", found[2])
    results = []
    if origin is not None:
        try:
            results = services.nearest(origin[0], origin[1], origin[2], open_only=not show_all,
                                       limit=offers.NEED_POOL, queryset=services.public_sites())
        except Refused as refused:
            error = str(refused.message)
            origin = None
    loads = services.loads([item.site for item in results])
    ranked = offers.rank(results, loads)[:PUBLIC_LIMIT]
    cards = [_card(row.site, row.open_now, loads[row.site.pk], row.distance_m) for row in ranked]
    query = request.GET.copy()
    query["all"] = "0" if show_all else "1"
    return render(request, "network/public/warm.html", {
        "place_form": place_form, "cards": cards, "origin": origin, "error": error,
        "show_all": show_all, "toggle_query": query.urlencode(),
    })


def warm_site(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(services.public_sites().select_related("district"), pk=pk)
    load = services.loads([site])[site.pk]
    distance = None
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
        wgs = services.geography.to_wgs84(lat, lon, request.GET.get("coord", "wgs84"))
        distance = services.geography.haversine_m(wgs[0], wgs[1], site.lat, site.lon)
    except (KeyError, ValueError):
        pass
    return render(request, "network/public/site.html", {
        "card": _card(site, services.open_now(site), load, distance),
    })


def _card(site: Site, is_open: bool, load: services.Load, distance_m: float | None) -> dict:
    offer = offers.offer_of(site, load.beds_used)
    return {
        "site": site, "open": is_open, "full": is_open and load.is_full,
        "by_protocol": is_open and services.opened_by_protocol(site),
        "distance": _distance_text(distance_m), "services": site.service_labels(),
        "offer": offer, "offer_labels": offer.labels(),
        "walk": offers.walking_text(distance_m) if distance_m is not None else "",
        "links": maps.direction_links(site),
    }


def _distance_text(distance_m: float | None) -> str:
    if distance_m is None:
        return ""
    if distance_m < 1000:
        return _("%(m)d m") % {"m": round(distance_m / 10) * 10}
    return _("%(km).1f km") % {"km": distance_m / 1000}

