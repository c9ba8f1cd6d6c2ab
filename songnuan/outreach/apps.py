from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "songnuan.outreach"
    verbose_name = _("Street outreach")

    def ready(self) -> None:
        from songnuan.duty.models import Topic
        from songnuan.duty.services import register_also_told, register_in_the_field
        from songnuan.leads.listeners import register_listener
        from songnuan.outreach import habits, help_nearby, protocol_alerts, timeline
        from songnuan.outreach.dispatch import close_tasks_of_resolved_lead, squads_in_the_field
        from songnuan.outreach.models import Hotspot
        from songnuan.people.timeline import PersonSection, register_section, register_source
        from songnuan.places.sources import register_source as register_place_source
        from songnuan.shell import NavItem, register_nav

        register_source(timeline.events)
        register_also_told(Topic.PROTOCOL, protocol_alerts.squad_members_on_shift)
        register_section(PersonSection("outreach/person_habits.html",
                                       "outreach.view_encounter", habits.habits_of))
        register_section(PersonSection("outreach/person_encounters.html",
                                       "outreach.view_encounter", timeline.encounters_of))
        register_listener(close_tasks_of_resolved_lead)
        register_in_the_field(squads_in_the_field)
        register_place_source(Hotspot.objects.active, source="hotspot", senders=(Hotspot,))

        register_nav(
            NavItem(_("Dispatch board"), "outreach:board", "leads.change_lead", order=140),
            NavItem(_("Squads and shifts"), "outreach:squad_list", "leads.change_lead",
                    order=145),
            NavItem(_("My tasks"), "outreach:my_tasks", "outreach.change_task", order=150),
            NavItem(_("Asked to look in"), "outreach:look_ins", "outreach.answer_lookin",
                    order=155, badge=help_nearby.waiting_count),
            NavItem(_("Hotspots"), "outreach:hotspot_list", "outreach.view_hotspot", order=160),
            NavItem(_("Night patrol plans"), "outreach:plan_list", "outreach.view_patrolplan",
                    order=165),
        )
        self.register_with_lower_apps()

    def register_with_lower_apps(self) -> None:
        """What lower apps read of outreach without importing it: squads as stock holders,
        who may see a lead's photos, squads' phones (never paid a reward)."""
        from songnuan.leads.photos import register_patroller_access
        from songnuan.leads.rewards import register_work_phones
        from songnuan.outreach import holders, lead_photos
        from songnuan.outreach.models import Squad
        from songnuan.supplies.holders import register_holder

        register_holder(holders.SQUADS)
        register_patroller_access(lead_photos.squad_sent_to)
        register_work_phones(lambda: Squad.objects.exclude(phone="").values_list("phone",
                                                                                 flat=True))
