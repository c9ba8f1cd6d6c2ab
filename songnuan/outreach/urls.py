from django.urls import path

from songnuan.outreach import views

app_name = "outreach"

urlpatterns = [
    path("hotspots/", views.hotspot_list, name="hotspot_list"),
    path("hotspots/<int:pk>/", views.hotspot_detail, name="hotspot_detail"),
    path("board/", views.board, name="board"),
    path("board/queue/", views.board_queue, name="board_queue"),
    path("board/data.json", views.board_data_json, name="board_data"),
    path("squads/", views.squad_list, name="squad_list"),
    path("squads/new/", views.squad_new, name="squad_new"),
    path("squads/<int:pk>/", views.squad_detail, name="squad_detail"),
    path("squads/<int:pk>/call-on/", views.call_on_reserve, name="call_on_reserve"),
    path("squads/<int:pk>/standby/", views.send_to_standby, name="send_to_standby"),
    path("leads/<int:pk>/look-in/", views.ask_to_look_in, name="ask_to_look_in"),
    path("look-ins/", views.look_ins, name="look_ins"),
    path("look-ins/<int:pk>/answer/", views.answer_look_in, name="answer_look_in"),
    path("leads/<int:pk>/assign/", views.assign_lead, name="assign_lead"),
    path("follow-ups/<int:pk>/assign/", views.assign_follow_up, name="assign_follow_up"),
    path("tasks/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("my/", views.my_tasks, name="my_tasks"),
    path("my/people/", views.person_search, name="person_search"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/encounter/", views.task_encounter, name="task_encounter"),
    path("tasks/<int:pk>/decline/", views.task_decline, name="task_decline"),
    path("tasks/<int:pk>/reports/<int:report_pk>/someone-else/", views.task_someone_else,
         name="task_someone_else"),
    path("tasks/<int:pk>/nearby/<int:lead_pk>/same-people/", views.task_same_people,
         name="task_same_people"),
    path("tasks/<int:pk>/<slug:step>/", views.task_step, name="task_step"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("stops/<int:pk>/visited/", views.stop_check, name="stop_check"),
    path("service-levels/", views.service_levels, name="service_levels"),
]
