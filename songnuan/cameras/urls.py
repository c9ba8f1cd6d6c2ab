from django.urls import path

from songnuan.cameras import views

app_name = "cameras"

urlpatterns = [
    path("", views.camera_list, name="camera_list"),
    path("map.json", views.camera_map_data, name="camera_map_data"),
    path("new/", views.camera_new, name="camera_new"),
    path("import/", views.camera_import, name="camera_import"),
    path("import/template.<str:fmt>", views.import_template, name="import_template"),
    path("<int:pk>/", views.camera_edit, name="camera_edit"),
    path("<int:pk>/snapshot/", views.snapshot_upload, name="snapshot_upload"),
    path("figures/", views.figures_page, name="figures"),
    path("figures.xlsx", views.figures_export, name="figures_export"),
    path("owners/", views.owner_list, name="owner_list"),
    path("owners/<int:pk>/secret/", views.owner_secret, name="owner_secret"),
    path("candidates/", views.queue, name="queue"),
    path("candidates/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("candidates/<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("candidates/<int:pk>/picture.jpg", views.picture, name="picture"),
    path("candidates/<int:pk>/clear.jpg", views.clear_picture, name="clear_picture"),
]
