from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "songnuan.hotline"
    verbose_name = _("Hotline")

    def ready(self) -> None:
        from songnuan.shell import NavItem, register_nav

        register_nav(NavItem(_("Hotline calls"), "hotline:call_list", "hotline.view_call",
                             order=112))
