"""Fixtures shared by the whole suite: a fixed cast of staff across two districts."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import transaction
from hypothesis import settings

from tests.migrating import migrate_to_latest

# Speed is measured in benchmarks/, not asserted: no per-example deadline, which a busy machine
# would turn into random failures.
settings.register_profile("songnuan", deadline=None)
settings.load_profile("songnuan")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Keep `--dist loadgroup` grouping by `xdist_group`: pytest-xdist names a test's group by
    appending "@group" to its `_nodeid`, which pytest 9 no longer reads (a node's id is `_id`), so
    every group was spread over the workers and a group's shared set-up made once per worker."""
    if not config.getoption("loadgroup", default=False):  # set on pytest-xdist's workers only
        return
    from _pytest.nodeid import NodeId

    for item in items:
        groups = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                         for mark in item.iter_markers("xdist_group")})
        suffix = "@" + "_".join(groups)
        if groups and not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Each test's weather, hotspots, person index and worker watch are its own: a rolled-back
    row sends no signal and its primary key is used again, and a watch left by an earlier test
    would lapse at its minute in the middle of this one, adding a query to a counted request."""
    forget_process_caches()


def forget_process_caches() -> None:
    from songnuan import health
    from songnuan.leads.triage import forget_conditions
    from songnuan.outreach import night_plan
    from songnuan.places.resolver import forget as forget_places
    from songnuan.places.sources import forget as forget_hotspots
    from songnuan.tracing.person_index import persons

    forget_conditions()
    forget_hotspots()
    health.forget()
    night_plan.forget()
    forget_places()
    persons.clear()


@contextmanager
def kept_for_the_tests_that_follow(django_db_blocker):
    """Rows written inside stay in the database for the tests that follow, each of which runs in
    a savepoint of its own (as in Django's TestCase), and are rolled back after the last."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # as Django's TestCase marks its class-wide transaction
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            forget_process_caches()


@pytest.fixture
def cast(db):
    from tests.factories import build_cast

    return build_cast()


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def api_for(client):
    """A test client that sends the given user's API token on every request."""
    from songnuan.accounts.services import issue_token

    class ApiClient:
        def __init__(self, user):
            self.headers = {"Authorization": f"Bearer {issue_token(user)}"}

        def get(self, path, **kwargs):
            return client.get(path, headers=self.headers, **kwargs)

        def post(self, path, data=None, **kwargs):
            return client.post(path, data, content_type="application/json",
                               headers=self.headers, **kwargs)

        def patch(self, path, data=None, **kwargs):
            return client.patch(path, data, content_type="application/json",
                                headers=self.headers, **kwargs)

    return ApiClient


@pytest.fixture
def partnership(settings):
    """This deployment shares a secret with 长春 (and one more city) for signed partner
    messages."""
    from songnuan.network.city import forget_city
    from tests.network.factories import PARTNER_SECRETS

    settings.PARTNER_CITY_SECRETS = PARTNER_SECRETS
    yield
    forget_city()


@pytest.fixture
def latest_schema_after():
    """Later tests in the process expect the newest schema, not the one a migration test ends
    on."""
    yield
    migrate_to_latest()
