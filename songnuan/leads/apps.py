from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "songnuan.leads"
    verbose_name = _("Leads")

    def ready(self) -> None:
        from django.core.signals import setting_changed
        from django.db.models.signals import post_delete, post_save

        from songnuan.leads import timeline
        from songnuan.leads.home import panels
        from songnuan.leads.triage import forget_conditions
        from songnuan.people.timeline import register_source
        from songnuan.shell import NavItem, register_nav, register_panels

        register_nav(
            NavItem(_("Leads queue"), "leads:lead_list", "leads.view_lead", order=100),
            NavItem(_("Hotline intake"), "leads:hotline", "leads.add_lead", order=110),
            NavItem(_("Reward claims"), "leads:reward_list", "leads.approve_rewardclaim",
                    order=120),
            NavItem(_("Trusted reporters"), "leads:trusted_list", "leads.view_trustedreporter",
                    order=130),
        )
        register_panels(panels)
        register_source(timeline.events)

        for model in ("weather.Forecast", "weather.ProtocolDecision"):
            for signal in (post_save, post_delete):
                signal.connect(forget_conditions, sender=model,
                               dispatch_uid=f"forget-conditions-{model}-{signal}")
        setting_changed.connect(forget_conditions, dispatch_uid="forget-conditions-settings")
