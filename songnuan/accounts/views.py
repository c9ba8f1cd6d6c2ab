"""Login, staff and organisation management, and the audit log: thin views over services."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as remember_in_cookie

from songnuan.accounts import audit, audit_export, audit_labels, services
from songnuan.accounts.forms import AuditFilterForm, LoginForm, OrganisationForm, UserForm
from songnuan.accounts.models import AuditEvent, Organisation, User
from songnuan.accounts.roles import AUDIT

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@never_cache
@csrf_protect
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        target = request.POST.get("next") or request.GET.get("next")
        if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
            return redirect(target)
        return redirect("home")
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next")})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch: remembered on the device, and on the account of a signed-in user,
    so every device they sign in on speaks it and the messages to their phone do too."""
    response = remember_in_cookie(request)
    if request.user.is_authenticated:
        services.choose_language(request.user, request.POST.get("language", ""))
    return response


@login_required
@permission_required("accounts.view_user", raise_exception=True)
def user_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.restrict(request.user, "view").select_related(
        "organisation", "district", "site"
    ).order_by("district__code", "role", "username")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(last_name__icontains=query)
            | Q(first_name__icontains=query) | Q(phone__icontains=query)
        )
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "query": query})


@login_required
def user_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        if not request.user.has_perm("accounts.add_user"):
            return render(request, "403.html", status=403)
        user = User()
    else:
        user = get_object_or_404(User.objects.restrict(request.user, "change"), pk=pk)
    form = UserForm(request.POST or None, instance=user, editor=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Saved %(name)s.") % {"name": saved})
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "object": user})


@login_required
@permission_required("accounts.view_organisation", raise_exception=True)
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.restrict(request.user, "view").select_related(
        "district", "site"
    )
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/organisation_list.html", {"page": page})


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.restrict(request.user, "view"), pk=pk)
    members = User.objects.restrict(request.user, "view").filter(organisation=organisation)
    return render(
        request, "accounts/organisation_detail.html",
        {"object": organisation, "members": members},
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        if not request.user.has_perm("accounts.add_organisation"):
            return render(request, "403.html", status=403)
        organisation = Organisation()
    else:
        organisation = get_object_or_404(
            Organisation.objects.restrict(request.user, "change"), pk=pk
        )
    form = OrganisationForm(request.POST or None, instance=organisation, editor=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Saved %(name)s.") % {"name": saved})
        return redirect("accounts:organisation_detail", pk=saved.pk)
    return render(
        request, "accounts/organisation_form.html", {"form": form, "object": organisation}
    )


def _filtered_events(form: AuditFilterForm):
    events = AuditEvent.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            events = events.filter(actor_name__icontains=data["user"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"])
        if data["since"]:
            events = events.filter(at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(at__date__lt=data["until"] + datetime.timedelta(days=1))
    return events


@login_required
@permission_required(AUDIT, raise_exception=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    page = Paginator(_filtered_events(form), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/audit_log.html", {
        "form": form, "page": page, "rows": audit_labels.shown(page.object_list),
        "query": query.urlencode(),
    })


@login_required
@permission_required(AUDIT, raise_exception=True)
def audit_log_xlsx(request: HttpRequest) -> HttpResponse:
    """The filtered log as XLSX; the export itself goes into the log."""
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return audit_log(request)
    events = _filtered_events(form)
    content = audit_export.audit_workbook(events)
    audit.record("export", changes={"filter": request.GET.urlencode()},
                 object_repr=str(_("Audit log")))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.xlsx"'
    return response
