from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "songnuan.tracing"
    verbose_name = _("Tracing")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from songnuan.network import partners
        from songnuan.outreach.models import EncounterPerson
        from songnuan.people.duplicates import register_matcher
        from songnuan.people.models import BiometricNotTaken, FingerprintCapture, PersonPhoto
        from songnuan.people.timeline import register_source
        from songnuan.shell import NavItem, register_nav, register_panels
        from songnuan.shelter.listeners import register_admission_listener
        from songnuan.tracing import home, hooks, partner_inbox, timeline
        from songnuan.tracing.models import MissingReport

        register_admission_listener(hooks.stay_admitted)
        post_save.connect(hooks.photo_saved, sender=PersonPhoto, dispatch_uid="tracing_face")
        post_save.connect(hooks.photo_saved, sender=MissingReport,
                          dispatch_uid="tracing_report_face")
        for model in (PersonPhoto, FingerprintCapture, BiometricNotTaken):
            post_save.connect(hooks.biometrics_saved, sender=model,
                              dispatch_uid=f"tracing_biometrics_{model.__name__}")
        post_save.connect(hooks.person_met, sender=EncounterPerson,
                          dispatch_uid="tracing_re_encounter")
        register_matcher(hooks.engine_duplicates)
        partners.register_handler(partner_inbox.FAMILY_SEARCH, partner_inbox.on_family_search)
        partners.register_handler(partner_inbox.ESCORT_HANDOVER,
                                  partner_inbox.on_escort_handover)
        register_panels(home.panels)
        register_source(timeline.events)
        register_nav(
            NavItem(_("Tracing cases"), "tracing:cases", "tracing.view_tracingcase", order=500),
            NavItem(_("Missing-person reports"), "tracing:reports",
                    "tracing.view_missingreport", order=510),
            NavItem(_("Comparison requests"), "tracing:comparisons",
                    "tracing.view_comparisonrequest", order=520),
            NavItem(_("Messages from partner cities"), "tracing:partner_inbox",
                    "tracing.view_missingreport", order=530, badge=partner_inbox.new_count),
        )
