from django.urls import path

from songnuan.network import first_run, views

app_name = "network"

urlpatterns = [
    path("setup/city/", first_run.first_run, name="first_run"),
    path("network/sites/", views.site_list, name="site_list"),
    path("network/sites/new/", views.site_edit, name="site_add"),
    path("network/sites/import/", views.site_import, name="site_import"),
    path("network/sites/export.<str:fmt>", views.site_export, name="site_export"),
    path("network/sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("network/sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("network/sites/<int:pk>/visits/", views.site_visit, name="site_visit"),
    path("network/map/", views.network_map, name="map"),
    path("network/map.geojson", views.network_map_data, name="map_data"),
    path("network/board/", views.capacity_board, name="board"),
    path("warm/", views.warm, name="warm"),
    path("warm/sites/<int:pk>/", views.warm_site, name="warm_site"),
]
