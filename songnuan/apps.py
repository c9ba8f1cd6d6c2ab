from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SongnuanConfig(AppConfig):
    """The project itself: the page shell, scheduling, and the serve/worker/demo commands."""

    name = "songnuan"
    verbose_name = _("Songnuan")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings

        from songnuan.geo.districts import use_boundaries
        from songnuan.health import (
            outcome_unknown_panels,
            worker_banner,
            worker_heartbeat_age_seconds,
        )
        from songnuan.observability import metrics
        from songnuan.shell import register_banner, register_panels

        if settings.DISTRICT_BOUNDARIES_FILE:
            use_boundaries(settings.DISTRICT_BOUNDARIES_FILE)
        register_banner(worker_banner)
        register_panels(outcome_unknown_panels)
        metrics.provide(metrics.WORKER_HEARTBEAT_AGE, worker_heartbeat_age_seconds)
