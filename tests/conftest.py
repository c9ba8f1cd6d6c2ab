"""Fixtures shared by the whole suite: a fixed cast of staff across two districts."""

from __future__ import annotations

import pytest
from hypothesis import settings

from tests.migrating import migrate_to_latest

# Speed is measured in benchmarks/, not asserted: no per-example deadline, which a busy machine
# would turn into random failures.
settings.register_profile("songnuan", deadline=None)
settings.load_profile("songnuan")


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Each test's weather, hotspots and person index are its own: a rolled-back row sends no
    signal and its primary key is used again."""
    forget_process_caches()


def forget_process_caches() -> None:
    from songnuan.leads.triage import forget_conditions
    from songnuan.outreach import night_plan
    from songnuan.outreach.services import forget_hotspots
    from songnuan.places.resolver import forget as forget_places
    from songnuan.tracing.person_index import persons

    forget_conditions()
    forget_hotspots()
    night_plan.forget()
    forget_places()
    persons.clear()


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
def latest_schema_after():
    """Later tests in the process expect the newest schema, not the one a migration test ends
    on."""
    yield
    migrate_to_latest()
