from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "songnuan.outreach"
    verbose_name = _("Street outreach")

    def ready(self) -> None:
        from songnuan.shell import NavItem, register_nav

        register_nav(NavItem(_("Hotspots"), "outreach:hotspot_list", "outreach.view_hotspot",
                             order=300))
