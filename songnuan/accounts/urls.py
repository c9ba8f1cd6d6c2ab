from django.urls import path

from songnuan.accounts import token_views, twofactor_views, views

app_name = "accounts"

urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_edit, name="user_add"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_edit, name="organisation_add"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export.xlsx", views.audit_log_xlsx, name="audit_export"),
    path("two-factor/", twofactor_views.manage, name="two_factor"),
    path("two-factor/verify/", twofactor_views.verify, name="two_factor_verify"),
    path("two-factor/setup/", twofactor_views.setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", twofactor_views.renew_codes, name="two_factor_codes"),
    path("two-factor/disable/", twofactor_views.disable, name="two_factor_disable"),
    path("tokens/", token_views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
]
