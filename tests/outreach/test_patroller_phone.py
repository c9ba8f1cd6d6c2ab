"""The patroller's phone: paged on every assignment, a task list that notices new tasks, a task
page with what the reporter saw and where to drive, and an encounter form that loses nothing."""

from __future__ import annotations

import base64
import datetime
import json
import re
import uuid
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from songnuan import pending_uploads
from songnuan.geo.coords import bd09_to_wgs84, gcj02_to_wgs84, wgs84_to_bd09, wgs84_to_gcj02
from songnuan.leads import services as lead_services
from songnuan.leads.models import Lead, LeadStatus
from songnuan.leads.photos import clean_photo
from songnuan.notify import push
from songnuan.notify.models import Outbox, PushMessage, PushStatus
from songnuan.outreach import dispatch, navigation, paging
from songnuan.outreach.models import Encounter, EncounterOutcome, FollowUp, Task, TaskKind
from songnuan.people.models import PersonPhoto
from songnuan.refusals import Refused
from tests.factories import make_site
from tests.leads.factories import SHINAN_STATION_SQUARE, jpeg_with_gps, report
from tests.outreach.factories import assigned_task, encounter_input, make_squad
from tests.supplies.factories import stocked

JSON = {"Accept": "application/json"}
LAT, LON = SHINAN_STATION_SQUARE


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# ------------------------------------------------------------------ paging


def test_assigning_a_lead_pages_every_member_of_the_squad(chinese_bureau, cast, django_user_model):
    partner = django_user_model.objects.create(username="shinan.patrol2", last_name="王",
                                               first_name="强", role="patroller",
                                               district=cast.shinan_patroller.district,
                                               phone="13853211234")
    squad = make_squad("市南救助一队", members=[cast.shinan_patroller, partner])

    task = assigned_task(squad, cast.shinan_dispatcher, people_count=2,
                         flags=["lying_down", "elderly"], place="青岛站东广场")

    pages = PushMessage.objects.filter(reference=f"task:{task.pk}")
    assert sorted(p.user.username for p in pages) == sorted(
        [cast.shinan_patroller.username, partner.username])
    page = pages.get(user=partner)
    assert page.title == "新任务：青岛站东广场"
    assert page.body == "2人，躺在地上，老年人"
    assert page.url == reverse("outreach:task_detail", args=[task.pk])
    assert page.fallback_phone == "13853211234"
    assert "市南救助一队" in page.fallback_text and "我的任务" in page.fallback_text


def test_each_member_is_paged_and_called_back_in_the_language_they_read(
        chinese_bureau, cast, django_user_model):
    partner = django_user_model.objects.create(username="shinan.patrol2", role="patroller",
                                               district=cast.shinan_patroller.district,
                                               language="en")
    first = make_squad("一队", members=[cast.shinan_patroller, partner])
    task = assigned_task(first, cast.shinan_dispatcher, people_count=2, flags=["lying_down"],
                         place="青岛站东广场")
    pages = PushMessage.objects.filter(reference=f"task:{task.pk}", purpose=paging.PURPOSE)
    assert (pages.get(user=partner).title, pages.get(user=partner).body) == (
        "New task: 青岛站东广场", "2 person(s), Lying on the ground")
    assert pages.get(user=cast.shinan_patroller).body == "2人，躺在地上"

    dispatch.reassign(task, make_squad("二队", members=[cast.shinan_dispatcher]),
                      by=cast.shinan_dispatcher)

    called_back = PushMessage.objects.filter(purpose=paging.CALLED_BACK)
    assert called_back.get(user=partner).body == "moved to 二队"
    assert called_back.get(user=cast.shinan_patroller).body == "已改派二队"


def test_a_refused_assignment_pages_nobody(cast):
    squad = make_squad(members=[cast.shinan_patroller], on_shift=False)
    with pytest.raises(Refused):
        assigned_task(squad, cast.shinan_dispatcher)
    assert not PushMessage.objects.exists()


def test_a_member_without_a_mobile_is_texted_on_the_squads_phone(cast):
    squad = make_squad(members=[cast.shinan_patroller])
    squad.phone = "13712345678"
    squad.save()
    cast.shinan_patroller.phone = "0532-8888"
    cast.shinan_patroller.save()
    assigned_task(squad, cast.shinan_dispatcher)
    assert PushMessage.objects.get().fallback_phone == "13712345678"


def test_a_follow_up_and_a_reassignment_page_the_new_squad_and_spare_the_old(cast):
    first = make_squad("一队", members=[cast.shinan_patroller])
    second = make_squad("二队", members=[cast.shinan_dispatcher])
    task = assigned_task(first, cast.shinan_dispatcher)

    moved = dispatch.reassign(task, second, by=cast.shinan_dispatcher)

    assert PushMessage.objects.filter(reference=f"task:{moved.pk}",
                                      user=cast.shinan_dispatcher).exists()
    later = timezone.now() + datetime.timedelta(minutes=5)
    push.deliver_due_pushes()
    push.send_fallbacks(later)
    # The first squad's member was told of a task that is no longer theirs: no text about it.
    assert not Outbox.objects.filter(reference=f"task:{task.pk}").exists()


@pytest.mark.parametrize("take_back", ["cancel_task", "unassign", "decline"])
def test_a_task_taken_back_sends_no_text_message_about_it(cast, take_back):
    cast.shinan_patroller.phone = "13853211234"
    cast.shinan_patroller.save()
    task = assigned_task(make_squad(members=[cast.shinan_patroller]), cast.shinan_dispatcher)
    assert PushMessage.objects.get(reference=f"task:{task.pk}").fallback_at is not None

    getattr(dispatch, take_back)(task, by=cast.shinan_dispatcher, reason="同一人，另一组已在现场")

    push.deliver_due_pushes()
    push.send_fallbacks(timezone.now() + datetime.timedelta(minutes=5))
    assert not Outbox.objects.filter(reference=f"task:{task.pk}").exists()


def _sent_texts(task) -> list[str]:
    push.deliver_due_pushes()
    push.send_fallbacks(timezone.now() + datetime.timedelta(minutes=5))
    return list(Outbox.objects.filter(reference=f"task:{task.pk}").values_list("text", flat=True))


def test_a_squad_on_its_way_is_called_back_by_notification_and_by_text(chinese_bureau, cast):
    cast.shinan_patroller.phone = "13853211234"
    cast.shinan_patroller.save()
    task = assigned_task(make_squad("市南救助一队", members=[cast.shinan_patroller]),
                         cast.shinan_dispatcher, place="青岛站东广场")
    dispatch.accept(task, by=cast.shinan_patroller)

    dispatch.cancel_task(task, by=cast.shinan_dispatcher, reason="本人已自行去救助站")

    called_back = PushMessage.objects.get(purpose=paging.CALLED_BACK)
    assert called_back.title == "任务已撤回：青岛站东广场"
    assert called_back.body == "本人已自行去救助站"
    assert _sent_texts(task) == [
        "送暖：市南救助一队在青岛站东广场的任务已撤回（本人已自行去救助站），不必前往。"]


def test_a_lead_resolved_by_a_dispatcher_calls_its_squad_back(cast):
    task = assigned_task(make_squad(members=[cast.shinan_patroller]), cast.shinan_dispatcher)
    dispatch.accept(task, by=cast.shinan_patroller)
    lead_services.mark_invalid(task.lead, reason="重复来电", by=cast.shinan_dispatcher)
    called_back = PushMessage.objects.get(purpose=paging.CALLED_BACK)
    assert called_back.user == cast.shinan_patroller
    assert called_back.body == Task.objects.get(pk=task.pk).closed_reason != ""


def test_a_squad_not_yet_on_its_way_is_called_back_by_notification_only(cast):
    cast.shinan_patroller.phone = "13853211234"
    cast.shinan_patroller.save()
    task = assigned_task(make_squad(members=[cast.shinan_patroller]), cast.shinan_dispatcher)

    dispatch.unassign(task, by=cast.shinan_dispatcher, reason="改派更近的小队")

    assert PushMessage.objects.filter(purpose=paging.CALLED_BACK).count() == 1
    assert _sent_texts(task) == []


def test_a_squad_that_declined_is_not_called_back(cast):
    task = assigned_task(make_squad(members=[cast.shinan_patroller]), cast.shinan_dispatcher)
    dispatch.decline(task, by=cast.shinan_patroller, reason="车辆故障")
    assert not PushMessage.objects.filter(purpose=paging.CALLED_BACK).exists()


def test_a_task_moved_away_calls_the_first_squad_back(chinese_bureau, cast):
    task = assigned_task(make_squad("一队", members=[cast.shinan_patroller]),
                         cast.shinan_dispatcher)
    dispatch.accept(task, by=cast.shinan_patroller)
    dispatch.reassign(task, make_squad("二队"), by=cast.shinan_dispatcher)
    called_back = PushMessage.objects.get(purpose=paging.CALLED_BACK)
    assert called_back.user == cast.shinan_patroller and called_back.body == "已改派二队"


def test_the_page_of_a_task_called_back_says_why(cast, client_for):
    task = assigned_task(make_squad(members=[cast.shinan_patroller]), cast.shinan_dispatcher)
    dispatch.cancel_task(task, by=cast.shinan_dispatcher, reason="本人已自行去救助站")
    page = client_for(cast.shinan_patroller).get(
        reverse("outreach:task_detail", args=[task.pk])).content.decode()
    assert "This task is closed: 本人已自行去救助站" in page
    assert 'action="' + reverse("outreach:task_step", args=[task.pk, "arrive"]) not in page


def test_opening_the_task_acknowledges_the_openers_page_only(cast, client_for,
                                                           django_user_model):
    partner = django_user_model.objects.create(username="shinan.patrol3", role="patroller",
                                               district=cast.shinan_patroller.district)
    squad = make_squad(members=[cast.shinan_patroller, partner])
    task = assigned_task(squad, cast.shinan_dispatcher)

    client_for(cast.shinan_patroller).get(reverse("outreach:task_detail", args=[task.pk]))

    seen = dict(PushMessage.objects.values_list("user__username", "status"))
    assert seen == {cast.shinan_patroller.username: PushStatus.ACKNOWLEDGED,
                    partner.username: PushStatus.QUEUED}


def test_the_service_worker_keeping_a_page_is_not_a_read(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    task = assigned_task(squad, cast.shinan_dispatcher)
    client_for(cast.shinan_patroller).get(reverse("outreach:task_detail", args=[task.pk]),
                                          headers={"X-Songnuan-Keep": "1"})
    assert PushMessage.objects.get().acknowledged_at is None


def test_accepting_the_task_acknowledges_every_members_page(cast, client_for,
                                                           django_user_model):
    partner = django_user_model.objects.create(username="shinan.patrol4", role="patroller",
                                               district=cast.shinan_patroller.district)
    squad = make_squad(members=[cast.shinan_patroller, partner])
    task = assigned_task(squad, cast.shinan_dispatcher)

    client_for(cast.shinan_patroller).post(
        reverse("outreach:task_step", args=[task.pk, "accept"]), headers=JSON)

    assert set(PushMessage.objects.values_list("status", flat=True)) == {
        PushStatus.ACKNOWLEDGED}


# ------------------------------------------------------------------ the task list

def _embedded(page: str, element_id: str):
    return json.loads(re.search(rf'id="{element_id}"[^>]*>(.*?)</script>', page).group(1))


def test_the_task_list_follows_the_api_change_feed_with_the_pages_own_words(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    client = client_for(cast.shinan_patroller)
    page = client.get(reverse("outreach:my_tasks")).content.decode()
    assert 'data-changes-url="/api/v1/my/changes"' in page
    labels = _embedded(page, "phone-labels")
    assert labels["status"]["assigned"] == "Assigned" and labels["assigned"] == "Assigned %(at)s"
    assert labels["people"] == {"one": "%(n)s person", "other": "%(n)s people"}
    first = _embedded(page, "task-feed")  # what the feed answers without a cursor

    task = assigned_task(squad, cast.shinan_dispatcher)

    after = client.get("/api/v1/my/changes", {"cursor": first["cursor"]}).json()
    assert first["tasks"] == [] and [row["id"] for row in after["tasks"]] == [task.pk]
    # The same row drawn into the page and read again is the same JSON, to the character: the
    # script leaves the card as it is.
    again = _embedded(client.get(reverse("outreach:my_tasks")).content.decode(), "task-feed")
    assert again["tasks"] == after["tasks"]


def test_the_task_list_reads_on_from_when_it_was_drawn_so_a_task_called_back_meanwhile_comes(
        cast, client_for):
    """Its first read asks what changed since the page was drawn: a task cancelled before that
    read comes with its reason, where a read of what is live now would just leave it out."""
    task = assigned_task(make_squad(members=[cast.shinan_patroller]), cast.shinan_dispatcher)
    client = client_for(cast.shinan_patroller)
    drawn = _embedded(client.get(reverse("outreach:my_tasks")).content.decode(), "task-feed")
    assert [row["id"] for row in drawn["tasks"]] == [task.pk]

    dispatch.cancel_task(task, by=cast.shinan_dispatcher, reason="本人已自行去救助站")

    after = client.get("/api/v1/my/changes", {"cursor": drawn["cursor"]}).json()
    assert [(row["id"], row["status"], row["closed_reason"]) for row in after["tasks"]] == [
        (task.pk, "cancelled", "本人已自行去救助站")]


def test_accepting_through_the_api_acknowledges_every_members_page(cast, client_for,
                                                                  django_user_model):
    partner = django_user_model.objects.create(username="shinan.patrol5", role="patroller",
                                               district=cast.shinan_patroller.district)
    task = assigned_task(make_squad(members=[cast.shinan_patroller, partner]),
                         cast.shinan_dispatcher)

    client_for(cast.shinan_patroller).post(f"/api/v1/my/tasks/{task.pk}/accept", {},
                                           content_type="application/json")

    assert set(PushMessage.objects.values_list("status", flat=True)) == {
        PushStatus.ACKNOWLEDGED}


def test_a_squad_declines_on_the_page_without_its_script(cast, client_for):
    task = assigned_task(make_squad(members=[cast.shinan_patroller]), cast.shinan_dispatcher)
    client = client_for(cast.shinan_patroller)
    url = reverse("outreach:task_decline", args=[task.pk])

    no_reason = client.post(url, {"reason": " "})
    assert no_reason.status_code == 422  # the page again, the form open and the error above it
    page = no_reason.content.decode()
    assert '<span class="field-error">Say why.</span></label>' in page  # beside its field
    assert '<details class="decline" data-until="assigned accepted" open>' in page
    assert Task.objects.get(pk=task.pk).status == "assigned"

    declined = client.post(url, {"reason": "车辆抛锚"})
    assert declined.headers["Location"] == reverse("outreach:my_tasks")
    task.refresh_from_db()
    assert task.status == "declined" and task.closed_reason == "车辆抛锚"
    assert Lead.objects.get(pk=task.lead_id).status == LeadStatus.TRIAGED


def test_a_squad_on_the_scene_is_told_why_it_cannot_decline(cast, client_for):
    task = assigned_task(make_squad(members=[cast.shinan_patroller]), cast.shinan_dispatcher)
    dispatch.arrive(task, by=cast.shinan_patroller)
    client = client_for(cast.shinan_patroller)
    refused = client.post(reverse("outreach:task_decline", args=[task.pk]), {"reason": "车辆抛锚"})
    assert refused.status_code == 409
    assert "The squad is on the scene: record what they found instead." in \
        refused.content.decode()
    assert Task.objects.get(pk=task.pk).status == "arrived"


def test_the_task_page_sends_each_action_to_the_api(cast, client_for):
    task = assigned_task(make_squad(members=[cast.shinan_patroller]), cast.shinan_dispatcher)
    page = client_for(cast.shinan_patroller).get(
        reverse("outreach:task_detail", args=[task.pk])).content.decode()
    for path in (f"/api/v1/my/tasks/{task.pk}/accept", f"/api/v1/my/tasks/{task.pk}/arrive",
                 f"/api/v1/my/tasks/{task.pk}/decline", f"/api/v1/my/tasks/{task.pk}/encounter"):
        assert f'data-api="{path}"' in page
    # The same forms still post to the pages, for a phone without the script.
    assert f'action="{reverse("outreach:task_decline", args=[task.pk])}"' in page


def test_a_patrollers_home_page_is_their_tasks(cast, client_for):
    response = client_for(cast.shinan_patroller).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:my_tasks")


def test_other_roles_keep_their_home_page(cast, client_for):
    assert client_for(cast.shinan_dispatcher).get("/").status_code == 200


# ------------------------------------------------------------------ the task page

def test_the_task_page_carries_what_the_reporter_saw(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    lead = report(people_count=2, flags=["lying_down", "injured_ill"], place="青岛站东广场",
                  description="地下通道口有两位老人，一位腿上有伤",
                  photos=[clean_photo(jpeg_with_gps())])
    again = report(description="还在那里，盖着纸板", people_count=1)
    Lead.objects.filter(pk=again.pk).update(duplicate_of=lead, status=LeadStatus.DUPLICATE)
    task = dispatch.assign_lead(lead, squad, by=cast.shinan_dispatcher)

    page = client_for(cast.shinan_patroller).get(
        reverse("outreach:task_detail", args=[task.pk])).content.decode()

    assert "2 people" in page
    assert "Lying on the ground" in page and "Injured or ill" in page
    assert "地下通道口有两位老人，一位腿上有伤" in page
    photo = lead.photos.get()
    assert reverse("leads:lead_photo", args=[lead.pk, photo.pk]) in page
    assert again.tracking_code in page and "还在那里，盖着纸板" in page
    assert "Assigned to" in page  # the dispatcher's note on the lead's history


def test_the_task_page_lists_the_open_leads_nearby_and_who_is_on_them(cast, client_for):
    """One squad may take both, or see that their people are the ones in front of it."""
    squad = make_squad(members=[cast.shinan_patroller])
    other_squad = make_squad("市南救助二队")
    lead = report(description="一个老大爷躺在通道口，穿蓝色棉袄")
    taken = report(LAT + 0.0003, LON, description="有个年轻女的坐在台阶上，红羽绒服")
    waiting = report(LAT, LON + 0.0004, description="两个中年男的，穿黑色夹克", people_count=2)
    closed = report(LAT - 0.0003, LON, description="一个小伙子站着")
    assert {other.pk for other in lead_services.nearby_of(lead)} >= {taken.pk, waiting.pk}
    dispatch.assign_lead(taken, other_squad, by=cast.shinan_dispatcher)
    lead_services.mark_invalid(closed, reason="重复来电", by=cast.shinan_dispatcher)
    task = dispatch.assign_lead(lead, squad, by=cast.shinan_dispatcher)

    page = client_for(cast.shinan_patroller).get(
        reverse("outreach:task_detail", args=[task.pk])).content.decode()

    nearby = page[page.index("Open leads nearby"):]
    assert taken.tracking_code in nearby and "市南救助二队 is on it" in nearby
    assert "有个年轻女的坐在台阶上，红羽绒服" in nearby
    assert waiting.tracking_code in nearby and "2 people" in nearby and "no squad yet" in nearby
    assert closed.tracking_code not in page


def _on_the_scene_beside_another_lead(cast):
    """The patroller's squad on the scene of an old man; 二队 on its way to a lead 30 m off."""
    squad = make_squad(members=[cast.shinan_patroller])
    other_squad = make_squad("市南救助二队")
    lead = report(description="一个老大爷躺在通道口，穿蓝色棉袄")
    other = report(LAT + 0.0003, LON, description="两个人在台阶上", people_count=2)
    assert other.pk in {near.pk for near in lead_services.nearby_of(lead)}
    elsewhere = dispatch.assign_lead(other, other_squad, by=cast.shinan_dispatcher)
    task = dispatch.arrive(dispatch.assign_lead(lead, squad, by=cast.shinan_dispatcher),
                           by=cast.shinan_patroller)
    return task, other, elsewhere


def test_a_squad_on_the_scene_says_a_lead_nearby_is_about_the_people_it_found(cast, client_for):
    task, other, elsewhere = _on_the_scene_beside_another_lead(cast)
    phone = client_for(cast.shinan_patroller)
    page = phone.get(reverse("outreach:task_detail", args=[task.pk])).content.decode()
    action = reverse("outreach:task_same_people", args=[task.pk, other.pk])
    assert action in page and "These are the people here" in page

    answer = phone.post(action, follow=True).content.decode()

    assert f"{other.tracking_code} is merged into this lead" in answer
    other.refresh_from_db()
    elsewhere.refresh_from_db()
    assert other.status == LeadStatus.DUPLICATE and other.duplicate_of_id == task.lead_id
    assert elsewhere.status == "cancelled"
    assert elsewhere.closed_reason == f"Same people as {task.lead.tracking_code}, with " \
                                      f"{task.squad.name} on the scene"
    # Merged, it is shown with the lead's own reports, where the squad may split it off again.
    assert reverse("outreach:task_someone_else", args=[task.pk, other.pk]) in answer
    assert phone.post(action).status_code == 302  # a second tap changes nothing
    assert Task.objects.get(pk=elsewhere.pk).status == "cancelled"


def test_a_lead_whose_own_squad_is_on_its_scene_is_not_merged_from_another(cast, client_for):
    task, other, elsewhere = _on_the_scene_beside_another_lead(cast)
    dispatch.arrive(elsewhere, by=None)

    with pytest.raises(Refused) as refused:
        dispatch.same_people(task, other, by=cast.shinan_patroller)

    assert "市南救助二队 is on the scene of" in refused.value.message
    other.refresh_from_db()
    assert other.status == LeadStatus.ON_SCENE and other.duplicate_of_id is None
    assert Task.objects.get(pk=elsewhere.pk).status == "arrived"


def test_only_a_lead_shown_nearby_can_be_merged_from_the_scene(cast):
    task, _other, _elsewhere = _on_the_scene_beside_another_lead(cast)
    far = report(LAT + 0.03, LON, description="另一个区域的人")
    with pytest.raises(Refused):
        dispatch.same_people(task, far, by=cast.shinan_patroller)
    far.refresh_from_db()
    assert far.duplicate_of_id is None


def test_the_task_page_says_what_squads_found_around_it_in_the_last_hours(cast, client_for):
    """Who was met around the place lately (refused to come in, taken to a site), by which
    squad: never who they were."""
    other_squad = make_squad("市南救助二队")
    earlier = assigned_task(other_squad, cast.shinan_dispatcher)
    dispatch.arrive(earlier, by=None)
    dispatch.record_encounter(earlier, encounter_input(
        EncounterOutcome.REFUSED, people=[dispatch.PersonMet(sex="M", self_name="老周")]),
        by=None)
    far = assigned_task(other_squad, cast.shinan_dispatcher, lat=LAT + 0.02, lon=LON)
    dispatch.record_encounter(far, encounter_input(EncounterOutcome.NOT_FOUND), by=None)
    yesterday = assigned_task(other_squad, cast.shinan_dispatcher, lat=LAT + 0.001, lon=LON)
    dispatch.record_encounter(yesterday, encounter_input(EncounterOutcome.FALSE_REPORT), by=None)
    Encounter.objects.filter(task=yesterday).update(
        at=timezone.now() - datetime.timedelta(hours=20))
    task = dispatch.assign_lead(report(LAT + 0.0005, LON, description="又看到那个老人"),
                                make_squad(members=[cast.shinan_patroller]),
                                by=cast.shinan_dispatcher)

    page = client_for(cast.shinan_patroller).get(
        reverse("outreach:task_detail", args=[task.pk])).content.decode()

    start = page.index("Met here in the last 12 hours")
    met = page[start:page.index("</ul>", start)]
    assert "市南救助二队" in met and "Refused help" in met and "1 person" in met
    assert "Not found" not in met and "False report" not in met
    assert "老周" not in page
    answer = client_for(cast.shinan_patroller).get(f"/api/v1/my/tasks/{task.pk}",
                                                   HTTP_ACCEPT="application/json")
    assert [(row["squad"], row["outcome"], row["people_count"])
            for row in answer.json()["met_here"]] == [("市南救助二队", "refused", 1)]


def test_a_revisit_page_follows_the_server_and_says_what_was_found_there(cast, client_for):
    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])
    first = assigned_task(squad, cast.shinan_dispatcher, place="青岛站东广场")
    dispatch.arrive(first, by=None)
    dispatch.record_encounter(first, encounter_input(
        EncounterOutcome.REFUSED, people=[dispatch.PersonMet(sex="M", age_estimate=60)]),
        by=None)
    follow_up = FollowUp.objects.get(encounter__task=first)
    revisit = dispatch.assign_follow_up(follow_up, squad, by=cast.shinan_dispatcher)

    page = client_for(cast.shinan_patroller).get(
        reverse("outreach:task_detail", args=[revisit.pk])).content.decode()

    brief = page[page.index('<section class="lead-brief"'):page.index("</section>")]
    assert "data-follow" in brief and "Revisit" in brief
    assert "Refused help" in brief and "市南救助一队" in brief  # the visit it follows up
    tasks = client_for(cast.shinan_patroller).get(reverse("outreach:my_tasks"))
    assert tasks.status_code == 200 and f'data-task="{revisit.pk}"' in tasks.content.decode()


def test_without_the_photo_permission_the_task_page_shows_no_photo(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller, cast.shinan_viewer])
    lead = report(photos=[clean_photo(jpeg_with_gps())])
    task = dispatch.assign_lead(lead, squad, by=cast.shinan_dispatcher)

    response = client_for(cast.shinan_viewer).get(
        reverse("outreach:task_detail", args=[task.pk]))

    assert not cast.shinan_viewer.has_perm("leads.view_lead_photos")
    assert response.status_code == 200 and task.lead.tracking_code in response.content.decode()
    assert "/photos/" not in response.content.decode()


def test_the_navigate_links_carry_each_maps_own_coordinates(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    task = assigned_task(squad, cast.shinan_dispatcher, place="青岛站东广场")

    page = client_for(cast.shinan_patroller).get(
        reverse("outreach:task_detail", args=[task.pk])).content.decode()

    links = {link.key: link.url for link in navigation.map_links(task.lat, task.lon, task.place)}
    for url in links.values():
        assert url.replace("&", "&amp;") in page
    gcj = wgs84_to_gcj02(LAT, LON)
    bd = wgs84_to_bd09(LAT, LON)
    amap = parse_qs(urlparse(links["amap"]).query)
    lon, lat, name = amap["to"][0].split(",")
    assert (float(lat), float(lon)) == pytest.approx(gcj, abs=1e-6) and name == "青岛站东广场"
    baidu = parse_qs(urlparse(links["baidu"]).query)
    assert baidu["destination"][0].startswith(f"latlng:{bd[0]:.6f},{bd[1]:.6f}|")
    assert baidu["coord_type"] == ["bd09ll"]
    tencent = parse_qs(urlparse(links["tencent"]).query)
    assert tencent["tocoord"] == [f"{gcj[0]:.6f},{gcj[1]:.6f}"]
    # GCJ-02 in Qingdao is a few hundred metres off WGS-84: the links must not carry WGS-84.
    assert abs(gcj[1] - LON) > 0.003


def test_a_task_known_only_by_its_district_says_to_set_the_place_on_arrival(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    task = Task.objects.create(kind=TaskKind.LEAD, lead=report(), squad=squad,
                               district=squad.district, lat=None, lon=None)

    page = client_for(cast.shinan_patroller).get(
        reverse("outreach:task_detail", args=[task.pk])).content.decode()

    assert "set the place on arrival" in page
    assert "uri.amap.com" not in page


# ------------------------------------------------------------------ the encounter form

def test_the_nearest_open_site_with_a_free_bed_is_preselected(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    make_site("无床位的近处站点", lat=LAT + 0.001, lon=LON, beds=0, seats=10)
    with_beds = make_site("有床位的站点", lat=LAT + 0.01, lon=LON, beds=20)
    task = assigned_task(squad, cast.shinan_dispatcher)

    page = client_for(cast.shinan_patroller).get(
        reverse("outreach:task_detail", args=[task.pk])).content.decode()

    assert f'<option value="{with_beds.pk}" selected>' in page
    assert "20 beds free" in page


def refused_body(coat) -> dict:
    return {"client_request_id": "keep-1", "outcome": "escorted", "site": "",
            "p0-sex": "F", "p0-age": "72", "p0-name": "刘奶奶", "p0-outcome": "escorted",
            f"p0-item-{coat.pk}": "2", "p1-sex": "M", "p1-age": "68", "p1-name": "刘大爷",
            "hospital": "青岛市市立医院", "contact_card": "1", "note": "老两口，腿脚不便"}


def test_an_encounter_refused_for_its_site_comes_back_as_it_was_typed(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    coat = stocked(squad, "coat", 5).item
    task = assigned_task(squad, cast.shinan_dispatcher)
    photo = SimpleUploadedFile("me.jpg", jpeg_with_gps().read(), content_type="image/jpeg")
    body = refused_body(coat) | {"p0-photo": photo}

    response = client_for(cast.shinan_patroller).post(
        reverse("outreach:task_encounter", args=[task.pk]), body)

    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="escorted" required checked' in page
    assert 'name="p0-outcome" value="escorted" checked' in page
    assert 'value="72"' in page and 'value="刘奶奶"' in page
    assert 'value="68"' in page and 'value="刘大爷"' in page
    assert '<option value="F" selected>' in page and '<option value="M" selected>' in page
    assert f'name="p0-item-{coat.pk}" value="2"' in page
    assert 'value="青岛市市立医院"' in page and "老两口，腿脚不便</textarea>" in page
    assert 'name="contact_card" value="1" checked' in page
    assert 'name="client_request_id" value="keep-1"' in page
    assert 'data-person="1" data-field="">' in page  # the second person's slot stays open
    assert 'class="escort has-error"' in page
    token = response.context["slots"][0]["photo_token"]
    assert token and f'name="p0-photo_token" value="{token}"' in page
    assert not Encounter.objects.exists()


def test_a_held_photo_goes_with_the_final_submission_and_is_then_released(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    coat = stocked(squad, "coat", 5).item
    task = assigned_task(squad, cast.shinan_dispatcher)
    client = client_for(cast.shinan_patroller)
    photo = SimpleUploadedFile("me.jpg", jpeg_with_gps().read(), content_type="image/jpeg")
    first = client.post(reverse("outreach:task_encounter", args=[task.pk]),
                        refused_body(coat) | {"p0-photo": photo})
    token = first.context["slots"][0]["photo_token"]

    # The phone sends the form again without the file: only the token.
    response = client.post(reverse("outreach:task_encounter", args=[task.pk]),
                           refused_body(coat) | {"site": cast.shinan_substation.pk,
                                                 "p0-photo_token": token}, headers=JSON)

    assert response.status_code == 200, response.content
    person = Encounter.objects.get().people.get(person__self_name="刘奶奶").person
    assert PersonPhoto.objects.get(person=person).image.size > 0
    assert pending_uploads.held(token, cast.shinan_patroller) is None


def test_another_users_photo_token_is_worth_nothing(cast):
    photo = SimpleUploadedFile("me.jpg", jpeg_with_gps().read(), content_type="image/jpeg")
    token = pending_uploads.hold(photo, cast.shinan_patroller)
    assert pending_uploads.held(token, cast.laoshan_patroller) is None
    assert pending_uploads.held("../../etc/passwd", cast.shinan_patroller) is None
    assert pending_uploads.held(token, cast.shinan_patroller).size > 0


def test_an_age_that_is_not_a_number_is_refused_on_the_field(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    task = assigned_task(squad, cast.shinan_dispatcher)
    response = client_for(cast.shinan_patroller).post(
        reverse("outreach:task_encounter", args=[task.pk]),
        {"client_request_id": uuid.uuid4().hex, "outcome": "refused", "p0-age": "七十"},
        headers=JSON)
    assert response.status_code == 422
    assert response.json()["field"] == "age"


def test_a_queued_tap_keeps_the_time_it_was_made(cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    task = assigned_task(squad, cast.shinan_dispatcher)
    Task.objects.filter(pk=task.pk).update(
        assigned_at=timezone.now() - datetime.timedelta(minutes=20))
    tapped = timezone.now() - datetime.timedelta(minutes=5)
    client = client_for(cast.shinan_patroller)

    client.post(reverse("outreach:task_step", args=[task.pk, "accept"]),
                {"client_at": tapped.isoformat()}, headers=JSON)

    task.refresh_from_db()
    assert task.accepted_client_at == tapped and task.accepted_at > tapped


def test_the_phones_queue_replayed_after_an_hour_offline_lands_with_its_own_times(
        cast, client_for):
    """What phone.js sends from the signed-in page: JSON, a key made at the tap, the tap's time."""
    squad = make_squad(members=[cast.shinan_patroller])
    coat = stocked(squad, "coat", 3).item
    task = assigned_task(squad, cast.shinan_dispatcher)
    now = timezone.now()
    Task.objects.filter(pk=task.pk).update(assigned_at=now - datetime.timedelta(minutes=90))
    client = client_for(cast.shinan_patroller)
    tapped = {step: now - datetime.timedelta(minutes=minutes)
              for step, minutes in (("accept", 75), ("arrive", 64), ("encounter", 60))}
    body = {"outcome": None, "site_id": None, "hospital": "", "contact_card_left": True,
            "note": "桥洞下", "client_at": tapped["encounter"].isoformat(),
            "people": [{"sex": "M", "age_estimate": 66, "outcome": "refused",
                        "supplies": {str(coat.pk): 1},
                        "photo": "data:image/jpeg;base64," + base64.b64encode(
                            jpeg_with_gps().read()).decode()}]}

    def replay(step, payload):
        return client.post(f"/api/v1/my/tasks/{task.pk}/{step}", payload,
                           content_type="application/json",
                           headers={"Idempotency-Key": f"tap-{step}-0001"})

    answers = [replay("accept", {"client_at": tapped["accept"].isoformat()}),
               replay("arrive", {"client_at": tapped["arrive"].isoformat()}),
               replay("encounter", body)]

    assert [answer.status_code for answer in answers] == [200, 200, 201]
    task.refresh_from_db()
    assert (task.accepted_client_at, task.arrived_client_at, task.closed_client_at) == (
        tapped["accept"], tapped["arrive"], tapped["encounter"])
    assert task.accepted_at >= now and task.closed_at >= now and task.status == "done"
    encounter = Encounter.objects.get()
    assert encounter.at == tapped["encounter"] and encounter.recorded_at >= now
    assert encounter.client_request_id == "tap-encounter-0001"
    assert PersonPhoto.objects.filter(person__outreach_encounters__encounter=encounter).count() == 1
    # The phone lost the answer and sends it again: the first answer, still one encounter.
    assert replay("encounter", body).json() == answers[2].json()
    assert Encounter.objects.count() == 1


def test_a_phone_clock_far_in_the_future_or_the_past_is_refused_and_changes_nothing(
        cast, client_for):
    squad = make_squad(members=[cast.shinan_patroller])
    task = assigned_task(squad, cast.shinan_dispatcher)
    client = client_for(cast.shinan_patroller)
    ahead = client.post(reverse("outreach:task_step", args=[task.pk, "accept"]),
                        {"client_at": (timezone.now() + datetime.timedelta(days=1)).isoformat()},
                        headers=JSON)
    stale = client.post(reverse("outreach:task_step", args=[task.pk, "arrive"]),
                        {"client_at": "2020-01-01T00:00:00+08:00"}, headers=JSON)
    assert ahead.status_code == stale.status_code == 409
    task.refresh_from_db()
    assert task.status == "assigned" and task.accepted_at is None


QINGDAO_LAT = st.floats(min_value=35.5, max_value=37.1)
QINGDAO_LON = st.floats(min_value=119.5, max_value=121.0)


@given(lat=QINGDAO_LAT, lon=QINGDAO_LON)
def test_every_map_link_leads_back_to_the_same_place(lat, lon):
    links = {link.key: parse_qs(urlparse(link.url).query)
             for link in navigation.map_links(lat, lon, "青岛站")}
    amap_lon, amap_lat, _name = links["amap"]["to"][0].split(",")
    tencent_lat, tencent_lon = links["tencent"]["tocoord"][0].split(",")
    bd_lat, bd_lon = links["baidu"]["destination"][0][len("latlng:"):].split("|")[0].split(",")
    # Six decimals of a degree are about 0.1 m; every app's position is the same place.
    for back in (gcj02_to_wgs84(float(amap_lat), float(amap_lon)),
                 gcj02_to_wgs84(float(tencent_lat), float(tencent_lon)),
                 bd09_to_wgs84(float(bd_lat), float(bd_lon))):
        assert back == pytest.approx((lat, lon), abs=1e-5)
