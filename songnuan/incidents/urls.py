from django.urls import path

from songnuan.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.register, name="register"),
    path("report/", views.report, name="report"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/actions/", views.add_action, name="add_action"),
    path("<int:pk>/attachments/", views.attach, name="attach"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/checklist/<int:item_pk>/", views.tick, name="tick"),
    path("<int:pk>/close/", views.close, name="close"),
    path("checklists/<int:pk>/", views.level_checklist, name="checklist"),
    path("checklists/<int:pk>/<int:item_pk>/", views.level_tick, name="level_tick"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_add, name="plan_add"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
]
