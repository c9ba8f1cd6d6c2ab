from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliesConfig(AppConfig):
    name = "songnuan.supplies"
    verbose_name = _("Supplies")

    def ready(self) -> None:
        from songnuan.people.timeline import register_source
        from songnuan.shell import NavItem, register_nav, register_panels
        from songnuan.supplies import home, timeline

        register_source(timeline.events)
        register_panels(home.panels)
        register_nav(NavItem(_("Supplies"), "supplies:stock", "supplies.view_stock", order=430))
