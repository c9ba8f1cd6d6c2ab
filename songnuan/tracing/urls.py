from django.urls import path

from songnuan.tracing import views

app_name = "tracing"
urlpatterns = [
    path("tracing/", views.case_list, name="cases"),
    path("tracing/cases/<int:pk>/", views.case_detail, name="case"),
    path("tracing/cases/<int:pk>/rank/", views.rank, name="rank"),
    path("tracing/cases/<int:pk>/announce/", views.announce, name="announce"),
    path("tracing/cases/<int:pk>/refresh/", views.refresh_announcement, name="refresh"),
    path("tracing/cases/<int:pk>/compare/", views.request_comparison, name="compare"),
    path("tracing/cases/<int:pk>/officer/", views.assign_officer, name="assign_officer"),
    path("tracing/cases/<int:pk>/home/", views.discharge_home, name="discharge_home"),
    path("tracing/cases/<int:pk>/settlement/", views.settlement_step, name="settlement"),
    path("tracing/cases/<int:pk>/return/", views.plan_return, name="plan_return"),
    path("tracing/returns/<int:pk>/", views.return_detail, name="return"),
    path("tracing/returns/<int:pk>/depart/", views.confirm_departure, name="depart"),
    path("tracing/returns/<int:pk>/code/", views.reissue_return_code, name="return_code"),
    path("tracing/follow-ups/<int:pk>/", views.record_follow_up, name="follow_up"),
    path("tracing/candidates/<int:pk>/decide/", views.decide, name="decide"),
    path("tracing/reports/", views.report_list, name="reports"),
    path("tracing/reports/new/", views.report_add, name="report_add"),
    path("tracing/reports/import/", views.report_import, name="report_import"),
    path("tracing/reports/<int:pk>/", views.report_detail, name="report"),
    path("tracing/reports/<int:pk>/photo", views.report_photo, name="report_photo"),
    path("tracing/comparisons/", views.comparison_list, name="comparisons"),
    path("tracing/comparisons/<int:pk>/", views.comparison_detail, name="comparison"),
    path("tracing/comparisons/<int:pk>/photo", views.comparison_photo, name="comparison_photo"),
    path("tracing/comparisons/<int:pk>/evidence", views.comparison_evidence,
         name="comparison_evidence"),
    path("xunqin/", views.public_announcements, name="public_announcements"),
    path("xunqin/export.csv", views.announcements_export, name="announcements_export"),
    path("xunqin/<int:pk>/photo", views.announcement_photo, name="announcement_photo"),
    path("songfan/<str:token>/", views.receive, name="receive"),
    path("xunqin/report/", views.public_report, name="public_report"),
]
