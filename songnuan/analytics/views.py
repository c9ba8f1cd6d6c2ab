"""The analytics pages: thin views over `figures`, `where` and `rows`, each with its XLSX export."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from songnuan import maptiles
from songnuan.analytics import export, figures, ledger, rows, where
from songnuan.analytics.forms import SelectionForm
from songnuan.analytics.selection import Selection, covered_districts, select
from songnuan.geo.districts import district_by_code
from songnuan.refusals import Refused, add_to_form

ROWS_PER_PAGE = 100
# Past this many district-nights the page shows the latest and the export holds them all.
SERVICE_ROWS_SHOWN = 60
REFUSALS_SHOWN = 30  # people; the Excel export lists everyone
_view_figures = permission_required("analytics.view_figure", raise_exception=True)


def _selection(request: HttpRequest) -> tuple[SelectionForm, Selection | None, list]:
    """The form as filled in and the selection it asks for (None, with errors, if refused)."""
    districts = covered_districts(request.user)
    form = SelectionForm(request.GET, districts=districts)
    if not form.is_valid():
        return form, None, districts
    data = form.cleaned_data
    try:
        sel = select(request.user, data["first"], data["last"], data["district"])
    except Refused as refused:
        add_to_form(form, refused)
        return form, None, districts
    return form, sel, districts


def _names(sel: Selection, districts) -> list[str]:
    return [d.name for d in districts if d.pk in sel.district_ids]


def _refused(request: HttpRequest, template: str, form, districts) -> HttpResponse:
    return render(request, template, {"form": form, "sel": None, "districts": districts},
                  status=400 if request.GET else 403)


def _selected(template: str):
    """A view over the period and districts asked for; a selection the user may not make is
    refused on `template`, the form keeping its input."""
    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest) -> HttpResponse:
            form, sel, districts = _selection(request)
            if sel is None:
                return _refused(request, template, form, districts)
            return view(request, form, sel, districts)
        return wrapper
    return decorate


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=export.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
@_view_figures
@_selected("analytics/when.html")
def when(request: HttpRequest, form: SelectionForm, sel: Selection,
         districts: list) -> HttpResponse:
    nights = figures.nights_vs_cold(sel)
    service = figures.service_times(sel)
    refusals = figures.repeat_refusals(sel)
    return render(request, "analytics/when.html", {
        "form": form, "sel": sel, "query": _query(sel), "rows_base": _rows_base(sel),
        "weekdays": figures.weekday_names(),
        "leads_grid": figures.leads_grid(sel), "people_grid": figures.people_grid(sel),
        "nights": nights, "chart": cold_chart(nights),
        "service": service[:SERVICE_ROWS_SHOWN],
        "service_count": len(service), "by_district": figures.service_by_district(service),
        "outcomes": _outcome_rows(figures.outcomes(sel)),
        "refusals": refusals[:REFUSALS_SHOWN], "refusals_count": len(refusals),
    })


@login_required
@_view_figures
@_selected("analytics/when.html")
def when_export(request: HttpRequest, form: SelectionForm, sel: Selection,
                districts: list) -> HttpResponse:
    return _xlsx(export.when_workbook(sel, _names(sel, districts)),
                 f"analytics-{sel.first}-{sel.last}")


@login_required
@_view_figures
@_selected("analytics/where.html")
def where_page(request: HttpRequest, form: SelectionForm, sel: Selection,
               districts: list) -> HttpResponse:
    ranked = where.ranked_hotspots(sel)
    proposed = where.proposals(sel)
    codes = sorted(d.code for d in districts if d.pk in sel.district_ids)
    return render(request, "analytics/where.html", {
        "form": form, "sel": sel, "query": _query(sel), "rows_base": _rows_base(sel),
        "ranked": ranked,
        "proposals": proposed,
        "map_data": where.map_data(sel, ranked, proposed) | maptiles.tile_layer() | {
            "outlines": [district_by_code(code).geojson() for code in codes]},
        "radius_m": round(where.HOTSPOT_RADIUS_M), "eps_m": round(where.PROPOSAL_EPS_M),
        "min_people": where.PROPOSAL_MIN_PEOPLE,
    })


@login_required
@_view_figures
@_selected("analytics/where.html")
def where_export(request: HttpRequest, form: SelectionForm, sel: Selection,
                 districts: list) -> HttpResponse:
    return _xlsx(export.where_workbook(sel, _names(sel, districts)),
                 f"hotspots-{sel.first}-{sel.last}")


@login_required
@_view_figures
@_selected("analytics/rows.html")
def figure_rows(request: HttpRequest, form: SelectionForm, sel: Selection,
                districts: list) -> HttpResponse:
    try:
        drill = rows.drill(sel, request.GET.get("figure", ""), request.GET.get("cell", ""))
    except Refused as refused:
        return render(request, "analytics/rows.html", {"form": form, "sel": sel,
                                                        "error": refused.message}, status=400)
    if request.GET.get("format") == "xlsx":
        return _xlsx(export.rows_workbook(sel, _names(sel, districts), drill), "rows")
    found = drill.rows.select_related("district")
    if drill.kind == rows.ENCOUNTERS:
        found = found.select_related("squad").annotate(found=Count("people")).order_by("-at")
    else:
        found = found.order_by("-received_at")
    page = Paginator(found, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "analytics/rows.html", {
        "form": form, "sel": sel, "drill": drill, "page": page, "query": _query(sel),
        "params": params.urlencode(), "xlsx": f"?{params.urlencode()}&format=xlsx",
    })


def _query(sel: Selection) -> str:
    """The selection as a query string, for links to the rows and exports."""
    district = next(iter(sel.district_ids)) if len(sel.district_ids) == 1 else ""
    return f"first={sel.first}&last={sel.last}&district={district}"


def _outcome_rows(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(key, label, counts[key]) for key, label in rows.outcome_labels()]


def cold_chart(nights: list[figures.ColdNight], width: int = 320, height: int = 180) -> dict:
    """An SVG scatter of people found (y) against the night's minimum temperature (x)."""
    known = [n for n in nights if n.min_c is not None]
    if not known:
        return {"points": []}
    low, high = min(n.min_c for n in known), max(n.min_c for n in known)
    top = max(max(n.people for n in known), 1)
    span = (high - low) or 1.0
    pad = 28
    points = [{"x": round(pad + (n.min_c - low) / span * (width - 2 * pad), 1),
               "y": round(height - pad - n.people / top * (height - 2 * pad), 1),
               "night": n.night, "people": n.people, "min_c": n.min_c} for n in known]
    return {"points": points, "low": low, "high": high, "top": top, "width": width,
            "height": height, "pad": pad, "base": height - pad}


def _rows_base(sel: Selection) -> str:
    """The address of the rows behind a figure, to which a template adds figure and cell."""
    return f"{reverse('analytics:rows')}?{_query(sel)}"


@login_required
@_view_figures
@_selected("analytics/ledger.html")
def ledger_page(request: HttpRequest, form: SelectionForm, sel: Selection,
                districts: list) -> HttpResponse:
    entries = ledger.ranked(request.user, sel.district_ids)
    if request.GET.get("format") == "xlsx":
        return _xlsx(export.ledger_workbook(ledger.with_people(entries), _names(sel, districts)),
                     "ledger")
    page = Paginator(entries, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    ledger.with_people(page.object_list)
    return render(request, "analytics/ledger.html", {
        "form": form, "sel": sel, "entries": page, "page": page, "query": _query(sel),
        "refusals_to_watch": ledger.REFUSALS_TO_WATCH,
    })
