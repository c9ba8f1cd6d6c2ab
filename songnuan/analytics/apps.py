from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "songnuan.analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from songnuan.shell import NavItem, register_nav

        register_nav(
            NavItem(_("When and how"), "analytics:when", "analytics.view_figure", order=180),
            NavItem(_("Where people gather"), "analytics:where", "analytics.view_figure",
                    order=181),
            NavItem(_("Key-information ledger"), "analytics:ledger", "analytics.view_figure",
                    order=182),
            NavItem(_("Campaign summary report"), "analytics:reports", "analytics.view_figure",
                    order=183),
            NavItem(_("Daily briefings"), "analytics:briefings", "analytics.view_figure",
                    order=184),
        )
