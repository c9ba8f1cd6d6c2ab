from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "songnuan.places"
    verbose_name = _("Gazetteer")

    def ready(self) -> None:
        # Imported here: these modules read models, which exist once the app registry is ready.
        from django.db.models.signals import post_delete, post_save

        from songnuan.network.models import District, Site
        from songnuan.places import resolver, services
        from songnuan.places.models import Place
        from songnuan.places.sources import register_source
        from songnuan.shell import NavItem, register_nav

        # The relief sites are named places too; the gazetteer sits above the network.
        register_source(Site.objects.all, source="site", senders=(Site,))

        for signal in (post_save, post_delete):
            signal.connect(resolver.forget, sender=Place, dispatch_uid=f"places-forget-{signal}")
            signal.connect(services.forget_districts, sender=District,
                           dispatch_uid=f"places-forget-districts-{signal}")
        register_nav(NavItem(_("Gazetteer"), "places:place_list", "places.change_place",
                             order=170))
