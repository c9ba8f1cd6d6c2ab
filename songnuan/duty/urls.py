from django.urls import path

from songnuan.duty import desk_views, handover_views, views

app_name = "duty"
urlpatterns = [
    path("", views.roster, name="roster"),
    path("shifts/new/", views.shift_add, name="shift_add"),
    path("shifts/<int:pk>/", views.shift_edit, name="shift_edit"),
    path("shifts/<int:pk>/delete/", views.shift_delete, name="shift_delete"),
    path("coverage/", desk_views.coverage_page, name="coverage"),
    path("now/", desk_views.now_page, name="now"),
    path("alerts/", views.inbox, name="inbox"),
    path("alerts/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("handovers/", handover_views.handover_log, name="handovers"),
    path("handovers/<int:pk>/", handover_views.handover, name="handover"),
    path("handovers/<int:pk>/acknowledge/", handover_views.handover_acknowledge,
         name="handover_acknowledge"),
]
