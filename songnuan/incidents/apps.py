from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "songnuan.incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from songnuan.incidents import plans, services, timeline
        from songnuan.people.timeline import register_source
        from songnuan.shell import NavItem, register_nav
        from songnuan.shelter.listeners import register_day_source, register_departure_listener
        from songnuan.weather.protocol import LevelChange, listen

        register_source(timeline.events)
        listen(LevelChange, plans.open_level_checklist)
        register_departure_listener(services.missing_from_station)
        register_day_source(timeline.at_site_on)
        register_nav(
            NavItem(_("Incidents"), "incidents:register", "incidents.view_incident", order=25),
            NavItem(_("Emergency plans"), "incidents:plan_list",
                    "incidents.view_emergencyplan", order=815),
        )
