from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PeopleConfig(AppConfig):
    name = "songnuan.people"
    verbose_name = _("Person files")

    def ready(self) -> None:
        from songnuan.people import checks  # noqa: F401
        from songnuan.people.timeline import own_events, register_source
        from songnuan.shell import NavItem, register_nav

        register_source(own_events)
        register_nav(NavItem(pgettext_lazy("person files", "People"), "people:list",
                             "people.view_person", order=300))
