from django.urls import path

from songnuan.hotline import views

app_name = "hotline"

urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("new/", views.call_new, name="call_new"),
    path("<int:pk>/", views.call_detail, name="call_detail"),
    path("recordings/<int:pk>/audio", views.recording_audio, name="recording_audio"),
    path("recordings/<int:pk>/shorten/", views.recording_shorten, name="recording_shorten"),
]
