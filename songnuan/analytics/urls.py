from django.urls import path

from songnuan.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.when, name="when"),
    path("export.xlsx", views.when_export, name="when_export"),
    path("where/", views.where_page, name="where"),
    path("where/export.xlsx", views.where_export, name="where_export"),
    path("rows/", views.figure_rows, name="rows"),
    path("ledger/", views.ledger_page, name="ledger"),
]
