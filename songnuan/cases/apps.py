from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "songnuan.cases"
    verbose_name = _("Publicity cases")

    def ready(self) -> None:
        from songnuan.cases import sections
        from songnuan.people.timeline import PersonSection, register_section
        from songnuan.shell import NavItem, register_nav

        register_section(PersonSection("cases/person_cases.html", "cases.add_case",
                                       sections.cases_of))
        register_nav(NavItem(_("Publicity cases"), "cases:library", "cases.view_case",
                             order=330))
