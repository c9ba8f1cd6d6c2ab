from django.urls import path

from songnuan.weather import views

app_name = "weather"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("decisions/", views.decisions, name="decisions"),
    path("warnings/", views.warnings, name="warnings"),
    path("warnings/new/", views.warning_add, name="warning_add"),
    path("warnings/<int:pk>/lift/", views.warning_lift, name="warning_lift"),
    path("forecasts/new/", views.forecast_add, name="forecast_add"),
    path("import/", views.import_file, name="import"),
    path("notices/", views.notices, name="notices"),
    path("override/", views.override_add, name="override_add"),
    path("override/<int:pk>/end/", views.override_end, name="override_end"),
    path("rules/", views.rules_list, name="rules_list"),
    path("rules/<int:pk>/copy/", views.rules_copy, name="rules_copy"),
    path("rules/<int:pk>/", views.rules_edit, name="rules_edit"),
    path("rules/<int:pk>/activate/", views.rules_activate, name="rules_activate"),
    path("rules/<int:pk>/test/", views.rules_test, name="rules_test"),
    path("campaign/", views.campaign, name="campaign"),
    path("campaign/season/", views.season_edit, name="season_edit"),
    path("campaign/new/", views.campaign_edit, name="campaign_add"),
    path("campaign/<int:pk>/", views.campaign_edit, name="campaign_edit"),
    path("campaign/<int:pk>/extend/", views.extension_propose, name="extension_propose"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
]
