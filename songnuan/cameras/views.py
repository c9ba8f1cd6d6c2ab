"""Staff pages: the camera register, camera owners and the candidates' verification queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from songnuan import maptiles
from songnuan.accounts import audit
from songnuan.accounts.roles import SENSITIVE
from songnuan.cameras import figures, importer, services, snapshots, tasks, thresholds
from songnuan.cameras.forms import (
    CameraForm,
    DismissForm,
    ImportForm,
    NightsForm,
    OwnerForm,
    SnapshotForm,
)
from songnuan.cameras.models import Camera, CameraOwner, Detection, DismissReason, FeedKind
from songnuan.outreach.models import Hotspot
from songnuan.private_files import send_privately
from songnuan.refusals import Refused, add_to_form
from songnuan.table_import import import_page

# ------------------------------------------------------------------ the register

@login_required
@permission_required("cameras.view_camera", raise_exception=True)
def camera_list(request: HttpRequest) -> HttpResponse:
    cameras = list(Camera.objects.restrict(request.user, "view")
                   .select_related("district", "hotspot", "owner"))
    now = timezone.now()
    for camera in cameras:
        camera.silent = camera.is_silent(now)
    return render(request, "cameras/camera_list.html", {
        "cameras": cameras, "silent": sum(camera.silent for camera in cameras),
        "tiles": maptiles.tile_layer(),
        "may_add": request.user.has_perm("cameras.add_camera"),
        "may_see_owners": request.user.has_perm("cameras.add_cameraowner"),
    })


@login_required
@permission_required("cameras.view_camera", raise_exception=True)
def camera_map_data(request: HttpRequest) -> JsonResponse:
    """The cameras in the user's scope with their health and the hotspots they watch, as
    GeoJSON points (the register's map, and the hotspot map's camera layer)."""
    now = timezone.now()
    features = []
    for camera in (Camera.objects.restrict(request.user, "view")
                   .select_related("district", "hotspot")):
        features.append(_point(camera.lon, camera.lat, {
            "kind": "camera", "name": camera.name, "code": camera.code,
            "district": str(camera.district), "hotspot": str(camera.hotspot or ""),
            "feed": camera.get_feed_kind_display(), "active": camera.is_active,
            "silent": camera.is_silent(now), "health": camera.health(now),
            "health_label": _health_label(camera, now),
            "url": reverse("cameras:camera_edit", args=[camera.pk])}))
        if camera.hotspot:
            features.append(_point(camera.hotspot.lon, camera.hotspot.lat, {
                "kind": "hotspot", "name": camera.hotspot.name}))
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _health_label(camera: Camera, now) -> str:
    health = camera.health(now)
    if health == "fetch_problem":
        return f"{gettext('Snapshot not fetched')}: {camera.fetch_problem}"
    return {"inactive": gettext("Inactive"), "silent": gettext("Silent too long")}.get(health, "")


def _point(lon: float, lat: float, properties: dict) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": properties}


def _camera_form(request: HttpRequest, camera: Camera | None) -> HttpResponse:
    hotspots = Hotspot.objects.restrict(request.user, "view").filter(is_active=True)
    initial = CameraForm.initial_for(camera) if camera else None
    form = CameraForm(request.POST or None, initial=initial, hotspots=hotspots)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_camera(services.CameraInput(
                code=data["code"], name=data["name"], owner=data["owner"], lat=data["lat"],
                lon=data["lon"], coord=data["coord"],
                hotspot_id=data["hotspot"].pk if data["hotspot"] else None,
                feed_kind=data["feed_kind"], snapshot_url=data["snapshot_url"] or "",
                active_from=data["active_from"],
                active_until=data["active_until"], masks=services.parse_masks(data["masks"]),
                silent_after_minutes=data["silent_after_minutes"], is_active=data["is_active"],
            ), by=request.user, camera=camera)
        except Refused as refused:
            add_to_form(form, refused)
        else:
            messages.success(request, gettext("Camera %(name)s saved.") % {"name": saved.name})
            return redirect("cameras:camera_list")
    return render(request, "cameras/camera_form.html", {
        "form": form, "camera": camera,
        "threshold": thresholds.for_camera(camera) if camera else None,
    }, status=422 if form.errors else 200)


@login_required
@permission_required("cameras.add_camera", raise_exception=True)
def camera_new(request: HttpRequest) -> HttpResponse:
    return _camera_form(request, None)


@login_required
@permission_required("cameras.change_camera", raise_exception=True)
def camera_edit(request: HttpRequest, pk: int) -> HttpResponse:
    camera = get_object_or_404(Camera.objects.restrict(request.user, "change"), pk=pk)
    return _camera_form(request, camera)


@login_required
@permission_required("cameras.add_camera", raise_exception=True)
def camera_import(request: HttpRequest) -> HttpResponse:
    """The register from a CSV or XLSX file: every row checked, all saved or none."""
    form = ImportForm(request.POST or None, request.FILES or None)

    def save(table, user):
        return importer.import_cameras(table, user, update=form.cleaned_data["update_existing"])

    return import_page(
        request, form, read=importer.read_cameras, save=save, done=_imported,
        next_url="cameras:camera_list", template="cameras/camera_import.html",
        columns=[str(label) for _key, label in importer.COLUMNS])


def _imported(result: importer.ImportResult) -> str:
    return gettext("Imported %(created)d new cameras and updated %(updated)d.") % {
        "created": len(result.created), "updated": len(result.updated)}


TEMPLATES = {
    "csv": (importer.template_csv, "text/csv; charset=utf-8"),
    "xlsx": (importer.template_xlsx,
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@login_required
@permission_required("cameras.add_camera", raise_exception=True)
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    """An empty register with the columns the import reads, named in Chinese."""
    if fmt not in TEMPLATES:
        raise Http404
    make, content_type = TEMPLATES[fmt]
    response = HttpResponse(make(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="cameras-template.{fmt}"'
    return response


@login_required
@permission_required("cameras.add_cameraowner", raise_exception=True)
def owner_list(request: HttpRequest) -> HttpResponse:
    form = OwnerForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            owner, secret = services.create_owner(form.cleaned_data["name"],
                                                  form.cleaned_data["kind"], by=request.user)
        except Refused as refused:
            add_to_form(form, refused)
        else:
            form = OwnerForm()
            secret = {"owner": owner, "value": secret}
    owners = CameraOwner.objects.restrict(request.user, "view")
    return render(request, "cameras/owner_list.html",
                  {"form": form, "owners": owners, "secret": secret},
                  status=422 if form.errors else 200)


@login_required
@permission_required("cameras.change_cameraowner", raise_exception=True)
@require_POST
def owner_secret(request: HttpRequest, pk: int) -> HttpResponse:
    owner = get_object_or_404(CameraOwner.objects.restrict(request.user, "change"), pk=pk)
    value = services.rotate_secret(owner, by=request.user)
    return render(request, "cameras/owner_list.html", {
        "form": OwnerForm(), "owners": CameraOwner.objects.restrict(request.user, "view"),
        "secret": {"owner": owner, "value": value}})


# ------------------------------------------------------------------ figures

def _nights(request: HttpRequest) -> tuple[NightsForm, list[figures.CameraNight]]:
    form = NightsForm(request.GET or None)
    last = figures.last_night()
    first = last
    if form.is_bound and form.is_valid():
        last = form.cleaned_data["last"] or last
        first = form.cleaned_data["first"] or last
    elif form.is_bound:
        return form, []
    return form, figures.camera_nights(request.user, first, last)


@login_required
@permission_required("cameras.view_camera", raise_exception=True)
def figures_page(request: HttpRequest) -> HttpResponse:
    form, rows = _nights(request)
    return render(request, "cameras/figures.html", {
        "form": form, "rows": rows, "reasons": DismissReason.choices,
        "silent": sorted({row.camera.name for row in rows if row.is_silent}),
        "query": request.GET.urlencode()}, status=422 if form.errors else 200)


@login_required
@permission_required("cameras.view_camera", raise_exception=True)
def figures_export(request: HttpRequest) -> HttpResponse:
    form, rows = _nights(request)
    if form.errors:
        return figures_page(request)
    response = HttpResponse(
        figures.workbook(rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="camera-figures.xlsx"'
    return response


# ------------------------------------------------------------------ our detector

@login_required
@permission_required("cameras.change_detection", raise_exception=True)
def snapshot_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """A picture taken by hand from a camera without AI, masked here and searched by the
    worker."""
    camera = get_object_or_404(Camera.objects.restrict(request.user, "view"), pk=pk)
    initial = {"taken_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = SnapshotForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            encoded = snapshots.upload(camera, data["picture"].read(), data["taken_at"])
        except Refused as refused:
            add_to_form(form, refused)
        else:
            tasks.analyse_snapshot.enqueue(camera.pk, data["taken_at"].isoformat(), encoded)
            messages.success(request, gettext(
                "Picture received: our detector looks at it in the background; a person still "
                "at the same place appears in the candidates."))
            return redirect("cameras:snapshot_upload", pk=camera.pk)
    return render(request, "cameras/snapshot_upload.html", {
        "form": form, "camera": camera,
        "takes_uploads": camera.feed_kind != FeedKind.VENDOR_PUSH},
        status=422 if form.errors else 200)


# ------------------------------------------------------------------ verification

def _verifier(view):
    return login_required(permission_required("cameras.change_detection",
                                              raise_exception=True)(view))


@_verifier
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "cameras/queue.html", {
        "candidates": services.queue(request.user), "dismiss_form": DismissForm(),
        "may_see_faces": request.user.has_perm(SENSITIVE),
    })


def _candidate(request: HttpRequest, pk: int) -> Detection:
    return get_object_or_404(Detection.objects.restrict(request.user, "change"), pk=pk)


@_verifier
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    detection = _candidate(request, pk)
    try:
        lead = services.confirm(detection, by=request.user)
    except Refused as refused:
        messages.error(request, str(refused.message))
        return redirect("cameras:queue")
    if lead.duplicate_of_id:
        messages.success(request, gettext("Confirmed: linked to the open lead %(code)s about the "
                                          "same person.") % {"code": lead.duplicate_of})
    else:
        messages.success(request, gettext("Confirmed: lead %(code)s is on the dispatch board.")
                         % {"code": lead.tracking_code})
    return redirect("cameras:queue")


@_verifier
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    detection = _candidate(request, pk)
    form = DismissForm(request.POST)
    try:
        if not form.is_valid():
            raise Refused(gettext("Choose why the candidate is dismissed."), "reason")
        services.dismiss(detection, form.cleaned_data["reason"], form.cleaned_data["note"],
                         by=request.user)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, gettext("Candidate dismissed."))
    return redirect("cameras:queue")


def _send(file) -> FileResponse:
    return send_privately(file, content_type="image/jpeg")


@login_required
def picture(request: HttpRequest, pk: int) -> FileResponse:
    """The picture with faces blurred, for whoever may see the candidate."""
    detection = get_object_or_404(Detection.objects.restrict(request.user, "view"), pk=pk)
    audit.record_sensitive_read(detection, ["picture"], user=request.user)
    return _send(detection.picture)


@login_required
def clear_picture(request: HttpRequest, pk: int) -> FileResponse:
    """The picture with faces, for the sensitive-data permission only; every view logged."""
    if not request.user.has_perm(SENSITIVE):
        raise PermissionDenied
    detection = get_object_or_404(Detection.objects.restrict(request.user, "view"), pk=pk)
    audit.record_sensitive_read(detection, ["clear_picture"], user=request.user)
    return _send(detection.clear_picture)
