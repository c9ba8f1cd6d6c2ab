from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SongnuanConfig(AppConfig):
    """The project itself: the page shell, scheduling, and the serve/worker/demo commands."""

    name = "songnuan"
    verbose_name = _("Songnuan")
    default_auto_field = "django.db.models.BigAutoField"
