from django.urls import path

from songnuan.notify import views

app_name = "notify"

urlpatterns = [
    path("notify/push/subscribe/", views.subscribe, name="push_subscribe"),
    path("notify/push/unsubscribe/", views.unsubscribe, name="push_unsubscribe"),
    path("notify/push/ack/", views.acknowledge, name="push_ack"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
