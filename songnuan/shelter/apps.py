from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShelterConfig(AppConfig):
    name = "songnuan.shelter"
    verbose_name = _("Stations and shelter")

    def ready(self) -> None:
        from songnuan.network.occupancy import register_bed_source, register_seat_source
        from songnuan.people.services import register_merge_check
        from songnuan.people.site_links import register_site_link
        from songnuan.people.timeline import register_source
        from songnuan.shell import NavItem, register_nav, register_panels
        from songnuan.shelter import home, links, timeline

        register_bed_source(links.beds_in_use)
        register_seat_source(links.seats_in_use)
        register_site_link(links.stayed_or_visited)
        register_merge_check(links.refuse_two_open_stays)
        register_source(timeline.events)
        register_panels(home.panels)
        register_nav(
            NavItem(_("Occupancy board"), "shelter:board", "shelter.view_bed", order=400),
            NavItem(_("Arrivals and admission"), "shelter:arrivals", "shelter.add_stay",
                    order=410),
            NavItem(_("Relief-point visits"), "shelter:visits", "shelter.view_reliefvisit",
                    order=420),
        )
