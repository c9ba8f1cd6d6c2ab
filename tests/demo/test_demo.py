"""The demo loads into an empty database once, with an account for every role."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from songnuan.accounts.models import User
from songnuan.accounts.roles import Role
from songnuan.leads.models import Lead
from tests.demo.conftest import DEMO_CLOCK

# The small demo is loaded once for the package (tests/demo/conftest.py).
pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture
def small_demo(demo, db):
    return demo.printed


def test_the_demo_has_an_account_for_every_role(small_demo):
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)


def test_the_demo_prints_its_logins(small_demo):
    assert "songnuan-demo-2026" in small_demo
    assert "shinan.dispatcher" in small_demo


def test_the_demo_is_not_loaded_twice(small_demo):
    users = User.objects.count()
    output = StringIO()
    call_command("demo", "--size", "small", stdout=output)
    assert "reusing it" in output.getvalue()
    assert User.objects.count() == users


def test_demo_staff_work_inside_the_district_they_belong_to(small_demo):
    for user in User.objects.exclude(site=None):
        assert user.district_id == user.site.district_id, user.username


def test_the_server_refuses_to_start_without_a_secret_key(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if key not in ("SECRET_KEY", "DEBUG", "DEMO", "DJANGO_SETTINGS_MODULE")}
    env["SONGNUAN_VAR_DIR"] = str(tmp_path)
    env["FIELD_ENCRYPTION_KEY"] = "a-field-key-long-enough-for-the-check-0123"
    result = subprocess.run([sys.executable, "-m", "songnuan.cli", "serve", "--no-collectstatic"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_demo_clock_can_be_set_from_the_command_line(small_demo):
    # The package's demo was loaded with `--now DEMO_CLOCK`.
    latest = Lead.objects.latest("received_at").received_at
    assert timezone.localtime(latest).date() == datetime.date.fromisoformat(DEMO_CLOCK[:10])
    assert latest <= timezone.make_aware(datetime.datetime.fromisoformat(DEMO_CLOCK))
def test_every_demo_lead_in_progress_has_a_live_task_with_a_squad(small_demo):
    from songnuan.leads.models import Lead, LeadStatus
    from songnuan.outreach.models import ACTIVE_TASK_STATUSES

    in_progress = Lead.objects.filter(
        status__in=[LeadStatus.ASSIGNED, LeadStatus.EN_ROUTE, LeadStatus.ON_SCENE])
    assert in_progress.exists()
    orphans = in_progress.exclude(tasks__status__in=ACTIVE_TASK_STATUSES)
    assert list(orphans.values_list("tracking_code", "status")) == []


def test_the_relief_point_has_a_request_to_look_in_to_answer(small_demo):
    from songnuan.outreach import help_nearby
    from songnuan.outreach.models import LookIn

    relief = User.objects.get(username="shinan.relief")
    now = timezone.make_aware(datetime.datetime.fromisoformat(DEMO_CLOCK))
    waiting, _answered = help_nearby.requests_to(LookIn.objects.restrict(relief, "view"), now)
    assert waiting
    assert {row.lead.district_id for row in waiting} == {relief.district_id}
    assert all(row.lead.history.filter(note__contains="前往查看").exists() for row in waiting)
    assert all(row.distance_m <= help_nearby.WITHIN_M for row in waiting)  # as the board asks
    for operator in User.objects.filter(role=Role.RELIEF_POINT_OPERATOR):  # in every district
        assert help_nearby.requests_to(LookIn.objects.restrict(operator, "view"), now)[0], (
            operator.username)
    askers = set(LookIn.objects.values_list("asked_by__role", flat=True))
    assert askers == {Role.DISPATCHER}  # the city's dispatcher where a district has none


def test_every_page_in_each_roles_menu_opens_on_the_demos_data(small_demo, client):
    """The demo's own records (districts with no dispatcher or squad of their own, requests to
    relief points there) are the ones a factory-made test does not think of."""
    visited = 0
    for role in Role.values:
        user = User.objects.filter(role=role, is_active=True).order_by("username").first()
        client.force_login(user)
        home = client.get("/", follow=True).content.decode()  # a patroller's is their tasks
        menu = home.split("<nav", 1)[1].split("</nav>", 1)[0]
        for href in sorted(set(re.findall(r'href="(/[^"#?]*)"', menu))):
            response = client.get(href, follow=True)
            assert response.status_code == 200, (user.username, href, response.status_code)
            visited += 1
        client.logout()
    assert visited > 100
