from django.urls import path

from songnuan.leads import views

app_name = "leads"

urlpatterns = [
    # Public (no login): the report page and each report's status page.
    path("report/", views.report, name="report"),
    path("track/", views.track, name="track"),
    path("report/<str:code>/", views.public_status, name="public_status"),
    path("report/<str:code>/reward/", views.claim_start, name="claim_start"),
    path("report/<str:code>/reward/confirm/", views.claim_confirm, name="claim_confirm"),
    # Staff.
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/hotline/", views.hotline, name="hotline"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/status/", views.lead_status, name="lead_status"),
    path("leads/<int:pk>/invalid/", views.lead_invalid, name="lead_invalid"),
    path("leads/<int:pk>/link/", views.lead_link, name="lead_link"),
    path("leads/<int:pk>/location/", views.lead_location, name="lead_location"),
    path("leads/<int:pk>/split/", views.lead_split, name="lead_split"),
    path("leads/<int:pk>/photos/<int:photo_pk>/", views.lead_photo, name="lead_photo"),
    path("leads/rewards/", views.reward_list, name="reward_list"),
    path("leads/rewards/<int:pk>/decide/", views.reward_decide, name="reward_decide"),
    path("leads/rewards/<int:pk>/pay/", views.reward_pay, name="reward_pay"),
    path("leads/rewards/ledger.csv", views.reward_ledger, name="reward_ledger"),
    path("leads/partners/", views.trusted_list, name="trusted_list"),
    path("leads/partners/new/", views.trusted_add, name="trusted_add"),
]
