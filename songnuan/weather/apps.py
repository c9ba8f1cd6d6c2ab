from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeatherConfig(AppConfig):
    name = "songnuan.weather"
    verbose_name = _("Weather and cold-weather protocol")

    def ready(self) -> None:
        # Imported here: these modules read models, which exist once the app registry is ready.
        from songnuan.network.city import register_setup_step
        from songnuan.network.services import register_protocol
        from songnuan.shell import NavItem, register_banner, register_nav, register_panels
        from songnuan.weather import shell
        from songnuan.weather.evaluation import propose_for_city
        from songnuan.weather.protocol import active_districts

        register_protocol(active_districts)
        register_setup_step(propose_for_city)

        register_nav(
            NavItem(_("Weather and protocol"), "weather:overview",
                    "weather.view_protocoldecision", order=50),
            NavItem(_("Campaign"), "weather:campaign", "weather.view_campaign", order=800),
        )
        register_banner(shell.protocol_banner)
        register_banner(shell.stale_banner)
        register_panels(shell.panels)
