"""Every page that shows a sensitive field logs the read: a walk over every page of the people,
shelter, tracing and outreach apps, and a check that templates show those fields only through
the `{% sensitive %}` tag (which logs as it renders).

The walk opens each URL name of the four apps as the city administrator (every permission,
sensitive data included) on a world whose sensitive values are unmistakable markers. Wherever a
marker appears in a page, an audit event of that request must name its object and field. A new
URL name fails the walk until it is given its arguments below, so no page is left out.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver
from PIL import Image

from songnuan.accounts.models import AuditEvent
from songnuan.network import partners
from songnuan.people import crypto
from songnuan.people.models import Person, PersonPhoto
from songnuan.shelter.models import LogKind, Stay, StayLog
from songnuan.tracing.models import CandidateReview, ComparisonRequest, ComparisonStatus
from tests.outreach.factories import assigned_task, make_squad
from tests.people.factories import id_number, make_person
from tests.tracing.factories import admit_unidentified, make_report

APPS = ("people", "shelter", "tracing", "outreach")
SONGNUAN = Path(__file__).resolve().parent.parent / "songnuan"
# Field names whose values are sensitive wherever they are shown (DESIGN: ID numbers, health,
# mental state, photos, biometrics).
SENSITIVE_NAMES = ("id_number", "id_region", "mental_state", "health_notes", "injuries",
                   "temperature_c", "matched_identity", "evidence", "photo", "photos")
# Shown outside the tag on purpose, with the reason.
SHOWN_OPENLY = {
    # A family-search announcement (寻亲公告) is published for the public to see.
    "tracing/templates/tracing/public/announcements.html": "row.photo",
    # Links to the photos sent with a lead: the leads app's photo page logs each one it shows,
    # under its own permission (leads.photos.may_see_photos).
    "people/templates/people/detail.html": "event.photos",
}


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def world(cast, settings, tmp_path):
    """An unidentified man admitted in 市南区 with every sensitive field filled with a marker,
    his case, a family's report that may be him, and a police comparison's result."""
    settings.MEDIA_ROOT = tmp_path
    site = cast.shinan_substation
    case = admit_unidentified(site, by=cast.city_admin)
    person = case.person
    person_number = id_number("370202", "19600101")
    Person.objects.filter(pk=person.pk).update(
        id_number_cipher=crypto.encrypt(person_number),
        mental_state="标记精神状态甲", health_notes="标记健康甲")
    person.refresh_from_db()
    photo = PersonPhoto.objects.create(person=person, image=jpeg(), taken_by=cast.city_admin)
    stay = Stay.objects.get(person=person)
    Stay.objects.filter(pk=stay.pk).update(injuries="标记伤情乙", health_notes="标记入站健康乙")
    StayLog.objects.create(stay=stay, kind=LogKind.NOTE, notes="查房", recorded_by=cast.city_admin)
    report = make_report("张卫东", district=site.district, photo=jpeg())
    report_number = id_number("370212", "19680101")
    report.set_id_number(report_number)
    report.save()
    # Filing the report may already have ranked it for this nameless man.
    review, _created = CandidateReview.objects.update_or_create(
        case=case, report=report, defaults={"score": 0.9, "explanation": []})
    comparison = ComparisonRequest.objects.create(
        case=case, kind="fingerprint", liaison=cast.police_liaison, sent_by=cast.city_admin,
        status=ComparisonStatus.MATCHED, matched_identity="标记比对身份丙",
        evidence=ContentFile(b"%PDF-1.4 report", name="evidence.pdf"))
    other = make_person("王二", district=site.district)
    squad = make_squad(members=[cast.shinan_patroller])
    task = assigned_task(squad, cast.shinan_dispatcher)
    handover_number = id_number("220102", "19630315")
    handover, _new = partners.receive("220100", "CC-1", "370200", "escort_handover", {
        "sent_at": "2026-12-05T20:15:00+08:00", "person_name": "刘德顺", "sex": "M", "age": 63,
        "id_number": handover_number, "escort_name": "赵明", "escort_phone": "13604310077",
        "arrives_at": "2026-12-08T14:30:00+08:00", "receiving_place": "出站口", "notes": ""})
    objects = {"person": person, "photo": photo, "stay": stay, "case": case, "report": report,
               "review": review, "comparison": comparison, "other": other, "squad": squad,
               "task": task, "lead": task.lead, "partner_message": handover}
    markers = {
        person_number: (person, {"id_number"}),
        person.id_region(): (person, {"id_region"}),  # read from the number: 山东省青岛市市南区
        "标记精神状态甲": (person, {"mental_state"}),
        "标记健康甲": (person, {"health_notes"}),
        reverse("people:photo", args=[photo.pk]): (person, {"photos", "photo"}),
        "标记伤情乙": (stay, {"injuries"}),
        "标记入站健康乙": (stay, {"health_notes"}),
        report_number: (report, {"id_number"}),
        reverse("tracing:report_photo", args=[report.pk]): (report, {"photo"}),
        "标记比对身份丙": (comparison, {"matched_identity"}),
        reverse("tracing:comparison_evidence", args=[comparison.pk]): (comparison,
                                                                       {"evidence"}),
        reverse("tracing:comparison_photo", args=[comparison.pk]): (person, {"photo"}),
        handover_number: (handover, {"id_number"}),
    }
    return objects, markers


# Every URL name of the four apps that takes arguments, and what it is opened with. A page
# added without an entry here fails `test_every_page_is_walked`.
def url_args(objects) -> dict[str, tuple[list, str]]:
    person, stay, case = objects["person"], objects["stay"], objects["case"]
    return {
        "people:detail": ([person.pk], ""),
        "people:edit": ([person.pk], ""),
        "people:photo_upload": ([person.pk], ""),
        "people:photo": ([objects["photo"].pk], ""),
        "people:merge": ([person.pk], f"?with={objects['other'].pk}"),
        "people:undo_merge": ([1], ""),  # POST only
        "people:biometrics": ([person.pk], ""),
        "people:identity_add": ([person.pk], ""),
        "people:identity_supersede": ([1], ""),  # none is held here
        "shelter:arrival_cancel": ([1], ""),  # POST only
        "shelter:stay": ([stay.pk], ""),
        "shelter:stay_move_bed": ([stay.pk], ""),
        "shelter:stay_extend": ([stay.pk], ""),
        "shelter:stay_note": ([stay.pk], ""),
        "shelter:stay_refer": ([stay.pk], ""),
        "shelter:stay_discharge": ([stay.pk], ""),
        "shelter:action_done": ([1], ""),  # POST only
        "shelter:referral_update": ([1], ""),  # POST only
        "shelter:visit_end": ([1], ""),  # POST only
        "tracing:case": ([case.pk], ""),
        "tracing:rank": ([case.pk], ""),
        "tracing:announce": ([case.pk], ""),
        "tracing:compare": ([case.pk], ""),
        "tracing:refresh": ([case.pk], ""),
        "tracing:comparison_photo": ([objects["comparison"].pk], ""),
        "tracing:assign_officer": ([case.pk], ""),
        "tracing:discharge_home": ([case.pk], ""),
        "tracing:settlement": ([case.pk], ""),
        "tracing:plan_return": ([case.pk], ""),  # POST only
        "tracing:return": ([1], ""),  # none is planned here
        "tracing:depart": ([1], ""),  # POST only
        "tracing:return_code": ([1], ""),  # POST only
        "tracing:follow_up": ([1], ""),  # POST only
        "tracing:receive": (["no-such-link"], ""),  # public, by its link
        "tracing:decide": ([objects["review"].pk], ""),
        "tracing:report": ([objects["report"].pk], ""),
        "tracing:report_send": ([objects["report"].pk], ""),  # POST only
        "tracing:comparison": ([objects["comparison"].pk], ""),
        "tracing:partner_message": ([objects["partner_message"].pk], ""),
        "tracing:partner_take": ([objects["partner_message"].pk], ""),  # POST only
        "tracing:partner_dismiss": ([objects["partner_message"].pk], ""),  # POST only
        "tracing:report_photo": ([objects["report"].pk], ""),
        "tracing:comparison_evidence": ([objects["comparison"].pk], ""),
        "tracing:announcement_photo": ([1], ""),  # public, and none is published here
        "outreach:hotspot_detail": ([1], ""),
        "outreach:squad_detail": ([objects["squad"].pk], ""),
        "outreach:call_on_reserve": ([objects["squad"].pk], ""),
        "outreach:send_to_standby": ([objects["squad"].pk], ""),
        "outreach:assign_lead": ([objects["lead"].pk], ""),
        "outreach:ask_to_look_in": ([objects["lead"].pk], ""),  # POST
        "outreach:answer_look_in": ([1], ""),  # POST only
        "outreach:assign_follow_up": ([1], ""),
        "outreach:reassign": ([objects["task"].pk], ""),
        "outreach:task_detail": ([objects["task"].pk], ""),
        "outreach:task_encounter": ([objects["task"].pk], ""),
        "outreach:task_decline": ([objects["task"].pk], ""),
        "outreach:task_step": ([objects["task"].pk, "arrive"], ""),
        "outreach:task_someone_else": ([objects["task"].pk, objects["lead"].pk], ""),  # POST
        "outreach:task_same_people": ([objects["task"].pk, objects["lead"].pk], ""),  # POST
        "outreach:plan_detail": ([1], ""),
        "outreach:stop_check": ([1], ""),
    }


# Views that answer a file, and the read each logs.
FILES = {
    "people:photo": ("person", {"photo"}),
    "tracing:report_photo": ("report", {"photo"}),
    "tracing:comparison_evidence": ("comparison", {"evidence"}),
    "tracing:comparison_photo": ("person", {"photo"}),
}

# Pages that must show these markers, so the walk is known to reach what it checks.
MUST_SHOW = {
    "people:detail": {"标记精神状态甲", "标记健康甲", "山东省青岛市市南区"},
    "people:edit": {"标记精神状态甲", "标记健康甲"},
    "shelter:stay": {"标记伤情乙", "标记入站健康乙"},
    "tracing:comparison": {"标记比对身份丙"},
}


def app_url_names() -> dict[str, bool]:
    """Every URL name of the four apps, and whether it takes arguments."""
    found = {}

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif namespace in APPS and pattern.name:
                found[f"{namespace}:{pattern.name}"] = bool(pattern.pattern.regex.groupindex)

    walk(get_resolver().url_patterns, None)
    return found


def reads_since(last_id: int):
    return AuditEvent.objects.filter(action="read_sensitive", pk__gt=last_id)


def assert_read_logged(name, last_id, obj, fields, marker):
    logged = [event for event in reads_since(last_id)
              if event.object_type == obj._meta.label_lower and event.object_id == str(obj.pk)]
    named = {field for event in logged for field in event.changes.get("fields", [])}
    assert named & fields, (
        f"{name} shows {marker!r} ({obj._meta.label_lower} {sorted(fields)}) without logging "
        f"the read: show it with {{% sensitive %}} (logged: {sorted(named)})")


@pytest.mark.django_db
def test_every_page_that_shows_a_sensitive_field_logs_the_read(cast, client, world):
    objects, markers = world
    args = url_args(objects)
    client.force_login(cast.city_admin)
    seen: dict[str, set[str]] = {}
    for name, takes_args in sorted(app_url_names().items()):
        if takes_args:
            positional, query = args[name]
            url = reverse(name, args=positional) + query
        else:
            url = reverse(name)
        last_id = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.get(url)
        if response.status_code != 200:
            continue
        if name in FILES:  # a file itself: its own view logs the read
            obj, fields = FILES[name]
            assert_read_logged(name, last_id, objects[obj], fields, "the file")
            continue
        body = b"".join(response) if response.streaming else response.content
        text = body.decode(errors="replace")
        seen[name] = {marker for marker in markers if marker in text}
        for marker in seen[name]:
            obj, fields = markers[marker]
            assert_read_logged(name, last_id, obj, fields, marker)
    for name, expected in MUST_SHOW.items():
        assert expected <= seen.get(name, set()), (name, expected - seen.get(name, set()))
    assert set().union(*seen.values()) == set(markers)  # each marker is shown somewhere


@pytest.mark.django_db
def test_every_page_is_walked(cast, world):
    objects, _markers = world
    missing = [name for name, takes_args in app_url_names().items()
               if takes_args and name not in url_args(objects)]
    assert not missing, f"give these pages their arguments in url_args(): {missing}"


@pytest.mark.django_db
def test_without_the_permission_nothing_is_shown_and_nothing_logged(cast, client, world):
    objects, markers = world
    client.force_login(cast.shinan_viewer)
    for name in ("people:detail", "shelter:stay", "tracing:case", "tracing:report"):
        positional, query = url_args(objects)[name]
        text = client.get(reverse(name, args=positional) + query).content.decode()
        shown = [marker for marker in markers if marker in text and "标记比对" not in marker]
        assert not shown, (name, shown)
    assert not AuditEvent.objects.filter(action="read_sensitive", actor=cast.shinan_viewer)


TAG_BYPASS = re.compile(
    r"\{\{[^}]*\.(" + "|".join(SENSITIVE_NAMES) + r")\b[^}]*\}\}"
    r"|\{%\s*for\s+\w+\s+in\s+[\w.]+\.(" + "|".join(SENSITIVE_NAMES) + r")\b")


def test_templates_show_sensitive_fields_only_through_the_tag():
    offenders = []
    for app in APPS:
        for path in sorted((SONGNUAN / app / "templates").rglob("*.html")):
            relative = path.relative_to(SONGNUAN / app).as_posix()
            for match in TAG_BYPASS.finditer(path.read_text()):
                allowed = SHOWN_OPENLY.get(f"{app}/{relative}")
                if allowed and allowed in match.group(0):
                    continue
                offenders.append(f"{app}/{relative}: {match.group(0)}")
    assert not offenders, "show these with {% sensitive obj \"field\" as value %}: " + "; ".join(
        offenders)


def test_the_template_check_catches_a_field_shown_directly():
    assert TAG_BYPASS.search("<dd>{{ person.health_notes|linebreaksbr }}</dd>")
    assert TAG_BYPASS.search('<img src="{{ review.report.photo.url }}">')
    assert TAG_BYPASS.search("{% for photo in person.photos.all %}")
    assert not TAG_BYPASS.search("{{ photo.caption }} {{ slot.photo_token }}")
