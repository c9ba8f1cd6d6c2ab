from django.urls import path
from django.views.generic import RedirectView

from songnuan.shelter import views

app_name = "shelter"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="shelter:board"), name="index"),
    path("board/", views.board, name="board"),
    path("arrivals/", views.arrivals, name="arrivals"),
    path("arrivals/<int:pk>/cancel/", views.arrival_cancel, name="arrival_cancel"),
    path("admit/", views.admit_view, name="admit"),
    path("stays/<int:pk>/", views.stay_detail, name="stay"),
    path("stays/<int:pk>/bed/", views.stay_move_bed, name="stay_move_bed"),
    path("stays/<int:pk>/extend/", views.stay_extend, name="stay_extend"),
    path("stays/<int:pk>/note/", views.stay_note, name="stay_note"),
    path("stays/<int:pk>/refer/", views.stay_refer, name="stay_refer"),
    path("stays/<int:pk>/discharge/", views.stay_discharge, name="stay_discharge"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("referrals/<int:pk>/", views.referral_update, name="referral_update"),
    path("daily/", views.daily, name="daily"),
    path("daily/entry-check/", views.entry_check, name="entry_check"),
    path("zones/", views.zones, name="zones"),
    path("visits/", views.visits, name="visits"),
    path("visits/<int:pk>/end/", views.visit_end, name="visit_end"),
]
