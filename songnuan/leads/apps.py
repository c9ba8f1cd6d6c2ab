from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "songnuan.leads"
    verbose_name = _("Leads")

    def ready(self) -> None:
        from songnuan.leads.home import panels
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
