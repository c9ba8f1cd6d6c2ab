"""Every role, from outside 崂山区, tries to read and change 崂山区's objects.

Refusal is a 403 or a 404 (a 404 does not even confirm the record exists), and a refused
change leaves the row as it was.
"""

from __future__ import annotations

import pytest

from tests.conftest import kept_for_the_tests_that_follow
from tests.factories import build_cast
from tests.permission_matrix import ACTORS, TARGETS

pytestmark = pytest.mark.django_db

REFUSED = {403, 404}
CASES = [(actor, target) for target in TARGETS for actor in ACTORS]
IDS = [f"{actor}-{target.name}" for actor, target in CASES]


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker):
    """One cast for the module's five hundred cases: each case's own writes are rolled back."""
    with kept_for_the_tests_that_follow(django_db_blocker):
        yield build_cast()


def reload(obj):
    return type(obj)._default_manager.get(pk=obj.pk)


@pytest.mark.parametrize(("actor", "target"), CASES, ids=IDS)
def test_web_pages_refuse_what_is_outside_the_actors_scope(cast, client, actor, target):
    obj = target.make(cast)
    client.force_login(getattr(cast, actor))
    if target.web_view:
        response = client.get(target.web_view(obj))
        if actor in target.may_view:
            assert response.status_code == 200
        else:
            assert response.status_code in REFUSED
    if target.web_change:
        url, data = target.web_change(obj)
        response = client.post(url, data)
        if actor in target.may_change:
            assert response.status_code == 302, getattr(response, "context", None) and \
                response.context.get("form") and response.context["form"].errors
            assert target.changed(reload(obj))
        else:
            assert response.status_code in REFUSED
            assert not target.changed(reload(obj))


@pytest.mark.parametrize(("actor", "target"), CASES, ids=IDS)
def test_the_api_refuses_what_is_outside_the_actors_scope(cast, api_for, actor, target):
    obj = target.make(cast)
    api = api_for(getattr(cast, actor))
    if target.api_view:
        response = api.get(target.api_view(obj))
        expected = {200} if actor in target.may_view else REFUSED
        assert response.status_code in expected
    if target.api_change:
        path, data = target.api_change(obj)
        response = api.patch(path, data)
        if actor in target.may_change:
            assert response.status_code == 200
            assert target.changed(reload(obj))
        else:
            assert response.status_code in REFUSED
            assert not target.changed(reload(obj))


def test_a_district_administrator_can_work_on_their_own_district(cast, client):
    client.force_login(cast.laoshan_admin)
    for target in TARGETS:
        obj = target.make(cast)
        if target.web_view:
            assert client.get(target.web_view(obj)).status_code == 200, target.name
        if target.web_change:
            url, data = target.web_change(obj)
            assert client.post(url, data).status_code == 302, target.name
            assert target.changed(reload(obj)), target.name


def test_the_api_without_a_token_is_refused(client, cast):
    for target in TARGETS:
        if target.api_view:
            assert client.get(target.api_view(target.make(cast))).status_code == 401
