from django.urls import path

from songnuan.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_edit, name="add"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("<int:pk>/merge/", views.merge_view, name="merge"),
    path("<int:pk>/biometrics/", views.biometrics_add, name="biometrics"),
    path("<int:pk>/identities/new/", views.identity_add, name="identity_add"),
    path("identities/<int:pk>/supersede/", views.identity_supersede, name="identity_supersede"),
    path("merges/<int:pk>/undo/", views.undo_merge_view, name="undo_merge"),
]
