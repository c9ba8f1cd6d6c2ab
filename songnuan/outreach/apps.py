from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "songnuan.outreach"
    verbose_name = _("Street outreach")

    def ready(self) -> None:
        from songnuan.shell import NavItem, register_nav

        register_nav(
            NavItem(_("Dispatch board"), "outreach:board", "leads.change_lead", order=290),
            NavItem(_("My tasks"), "outreach:my_tasks", "outreach.change_task", order=295),
            NavItem(_("Hotspots"), "outreach:hotspot_list", "outreach.view_hotspot", order=300),
            NavItem(_("Night patrol plans"), "outreach:plan_list", "outreach.view_patrolplan",
                    order=305),
        )
