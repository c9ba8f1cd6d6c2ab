from django.urls import path

from songnuan.accounts import views

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
]
