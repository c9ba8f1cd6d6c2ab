from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "songnuan.accounts"
    verbose_name = _("Accounts and audit")

    def ready(self) -> None:
        # Imported here: these modules read models, which exist once the app registry is ready.
        from django.apps import apps

        from songnuan.accounts import audit, checks, signals  # noqa: F401
        from songnuan.accounts.roles import AUDIT
        from songnuan.shell import NavItem, register_banner, register_nav, register_panels

        register_nav(
            NavItem(_("Organisations"), "accounts:organisation_list",
                    "accounts.view_organisation", order=900),
            NavItem(_("Staff accounts"), "accounts:user_list", "accounts.view_user", order=910),
            NavItem(_("Audit log"), "accounts:audit_log", AUDIT, order=920),
            NavItem(_("API tokens"), "accounts:token_list", order=930),
            NavItem(_("Two-factor sign-in"), "accounts:two_factor", order=940),
        )
        from songnuan.accounts.twofactor import demo_banner

        register_banner(demo_banner)
        from songnuan.accounts.home import panels

        register_panels(panels)

        for model in apps.get_models():
            if issubclass(model, audit.AuditedModel):
                post_save.connect(audit.on_save, sender=model, dispatch_uid=f"audit-{model}")
                post_delete.connect(audit.on_delete, sender=model, dispatch_uid=f"auditd-{model}")
