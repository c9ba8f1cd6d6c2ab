from django.urls import path

from songnuan.outreach import views

app_name = "outreach"

urlpatterns = [
    path("hotspots/", views.hotspot_list, name="hotspot_list"),
    path("hotspots/<int:pk>/", views.hotspot_detail, name="hotspot_detail"),
]
