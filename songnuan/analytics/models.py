"""Analytics reads the other apps' rows for its figures; the only rows it keeps are the
documents it generates (the campaign summary report and the daily briefings).

`Figure` holds no rows. It stands for "the analytics figures" so that roles can grant
`analytics.view` (which becomes `analytics.view_figure`) like any other permission.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Figure(models.Model):
    class Meta:
        default_permissions = ("view",)
        verbose_name = _("analytics figure")
        verbose_name_plural = _("analytics figures")


class ReportKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Campaign summary report")
    BRIEFING = "briefing", _("Daily briefing")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Being generated")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Generation failed")


IN_FLIGHT = (ReportStatus.QUEUED, ReportStatus.RUNNING)


def document_path(instance: GeneratedReport, filename: str) -> str:
    return f"analytics/reports/{timezone.now():%Y/%m}/{filename}"


class GeneratedReport(models.Model):
    """One generation of a report document over nights `first`..`last` in some districts.

    `districts_key` (the sorted district ids) names the parameters, so that one kind of report
    over the same nights and districts is generated only once at a time. Its files are served
    only through a view that checks the reader covers every one of its districts.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    first = models.DateField(_("first night"))
    last = models.DateField(_("last night"))
    district_ids = models.JSONField(_("districts"), default=list)
    districts_key = models.CharField(max_length=200)
    scope_name = models.CharField(_("covering"), max_length=200)
    texts = models.JSONField(_("written parts"), default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("why it failed"), blank=True)
    docx = models.FileField(_("Word document"), upload_to=document_path, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=document_path, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "first", "last", "districts_key"],
                condition=Q(status__in=["queued", "running"]),
                name="analytics_report_one_in_flight"),
            models.CheckConstraint(condition=Q(last__gte=models.F("first")),
                                   name="analytics_report_first_before_last"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scope_name} {self.first}–{self.last}"

    @property
    def is_in_flight(self) -> bool:
        return self.status in IN_FLIGHT
