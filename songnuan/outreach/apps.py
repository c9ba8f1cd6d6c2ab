from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "songnuan.outreach"
    verbose_name = _("Street outreach")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        from songnuan.leads.listeners import register_listener
        from songnuan.network.models import District
        from songnuan.outreach import timeline
        from songnuan.outreach.dispatch import close_tasks_of_resolved_lead
        from songnuan.outreach.models import Hotspot
        from songnuan.outreach.services import forget_districts, forget_hotspots
        from songnuan.people.timeline import PersonSection, register_section, register_source
        from songnuan.places.sources import register_source as register_place_source
        from songnuan.shell import NavItem, register_nav

        for signal in (post_save, post_delete):
            signal.connect(forget_districts, sender=District, dispatch_uid=f"forget-{signal}")
            signal.connect(forget_hotspots, sender=Hotspot,
                           dispatch_uid=f"forget-hotspots-{signal}")
        post_migrate.connect(forget_districts, dispatch_uid="forget-districts-migrate")
        register_source(timeline.events)
        register_section(PersonSection("outreach/person_encounters.html",
                                       "outreach.view_encounter", timeline.encounters_of))
        register_listener(close_tasks_of_resolved_lead)
        register_place_source(Hotspot.objects.active, source="hotspot", senders=(Hotspot,))

        register_nav(
            NavItem(_("Dispatch board"), "outreach:board", "leads.change_lead", order=140),
            NavItem(_("Squads and shifts"), "outreach:squad_list", "leads.change_lead",
                    order=145),
            NavItem(_("My tasks"), "outreach:my_tasks", "outreach.change_task", order=150),
            NavItem(_("Hotspots"), "outreach:hotspot_list", "outreach.view_hotspot", order=160),
            NavItem(_("Night patrol plans"), "outreach:plan_list", "outreach.view_patrolplan",
                    order=165),
        )
