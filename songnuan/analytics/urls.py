from django.urls import path

from songnuan.analytics import report_views, views

app_name = "analytics"
urlpatterns = [
    path("", views.when, name="when"),
    path("export.xlsx", views.when_export, name="when_export"),
    path("where/", views.where_page, name="where"),
    path("where/export.xlsx", views.where_export, name="where_export"),
    path("rows/", views.figure_rows, name="rows"),
    path("ledger/", views.ledger_page, name="ledger"),
    path("reports/", report_views.report_page, name="reports"),
    path("briefings/", report_views.briefing_page, name="briefings"),
    path("reports/<int:pk>/status.json", report_views.report_status, name="report_status"),
    path("reports/<int:pk>/retry", report_views.report_retry, name="report_retry"),
    path("reports/<int:pk>/<str:kind>", report_views.report_file, name="report_file"),
]
