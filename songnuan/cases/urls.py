from django.urls import path

from songnuan.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.library, name="library"),
    path("export.docx", views.export_list, name="export_list"),
    path("propose/<int:person_pk>/", views.propose, name="propose"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/consent/", views.consent, name="consent"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/export.docx", views.export_one, name="export"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
