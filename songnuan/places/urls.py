from django.urls import path

from songnuan.places import views

app_name = "places"

urlpatterns = [
    path("", views.place_list, name="place_list"),
    path("new/", views.place_add, name="place_add"),
    path("import/", views.place_import, name="place_import"),
    path("resolve/", views.resolve, name="resolve"),
    path("<int:pk>/", views.place_edit, name="place_edit"),
]
