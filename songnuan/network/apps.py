from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "songnuan.network"
    verbose_name = _("Relief network")

    def ready(self) -> None:
        # Imported here: these modules read models, which exist once the app registry is ready.
        from django.db.models.signals import post_delete, post_migrate, post_save

        from songnuan.accounts.scoping import register_site_tree
        from songnuan.geo.districts import read_city_from
        from songnuan.network import city, geography, occupancy, services
        from songnuan.network.home import panels
        from songnuan.network.models import City, District
        from songnuan.shell import NavItem, register_nav, register_panels

        occupancy.register_seat_source(services.warming_seats_in_use)
        register_site_tree(services.site_and_descendants)
        for signal in (post_save, post_delete):
            signal.connect(geography.forget_districts, sender=District,
                           dispatch_uid=f"forget-{signal}")
            signal.connect(city.forget_city, sender=City, dispatch_uid=f"forget-city-{signal}")
        post_migrate.connect(geography.forget_districts, dispatch_uid="forget-districts-migrate")
        read_city_from(city.configured_code)
        register_nav(
            NavItem(_("Sites"), "network:site_list", "network.view_site", order=200),
            NavItem(_("Network map"), "network:map", "network.view_site", order=210),
            NavItem(_("Capacity board"), "network:board", "network.view_site", order=220),
        )
        register_panels(panels)
