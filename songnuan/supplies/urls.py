from django.urls import path

from songnuan.supplies import views

app_name = "supplies"

urlpatterns = [
    path("", views.stock, name="stock"),
    path("receive/", views.receive, name="receive"),
    path("transfer/", views.transfer, name="transfer"),
    path("adjust/", views.adjust, name="adjust"),
    path("reserve/", views.reserve, name="reserve"),
]
