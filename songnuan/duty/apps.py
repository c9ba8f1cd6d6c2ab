from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "songnuan.duty"
    verbose_name = _("Duty")

    def ready(self) -> None:
        # Imported here: these modules read models, which exist once the app registry is ready.
        from songnuan.duty import protocol_alerts
        from songnuan.duty.services import unread_count
        from songnuan.shell import NavItem, register_nav
        from songnuan.weather.protocol import LevelChange, StaleWeather, listen

        listen(LevelChange, protocol_alerts.level_changed)
        listen(StaleWeather, protocol_alerts.weather_went_stale)
        register_nav(
            NavItem(_("My alerts"), "duty:inbox", "duty.view_alert", order=20,
                    badge=unread_count),
            NavItem(_("Duty roster"), "duty:roster", "duty.view_dutyshift", order=810),
            NavItem(_("Roster coverage"), "duty:coverage", "duty.view_dutyshift", order=811),
            NavItem(_("On duty now"), "duty:now", "duty.view_alert", order=21),
            NavItem(_("Handover log"), "duty:handovers", "duty.view_handover", order=812),
        )
