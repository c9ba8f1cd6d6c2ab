"""Schemathesis against the API in process (WSGI): generated requests for every operation —
public ones anonymously, staff ones with a city administrator's token — never answer 5xx nor
anything the OpenAPI document does not describe (status, content type, body schema)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from songnuan.accounts.services import issue_token
from songnuan.api.main import api

EXAMPLES_PER_OPERATION = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]

schema = schemathesis.openapi.from_dict(dict(api.get_openapi_schema(path_prefix="/api/v1/")))
schema.config.phases.update(phases=["examples", "fuzzing"])
app = get_wsgi_application()


@pytest.fixture
def token(cast, settings):
    settings.OUTREACH_STREAM_SECONDS = 0  # the event stream answers at once
    return issue_token(cast.city_admin)


@pytest.fixture
def in_test_transaction():
    """The WSGI handler closes the database connection after each request, which would end the
    test's transaction; Django's own test client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_as_documented(case, token,
                                                              in_test_transaction):
    headers = {"Authorization": f"Bearer {token}"} if case.operation.definition.raw.get(
        "security") else {}
    with transaction.atomic():  # each request on its own, as in autocommit
        case.call_and_validate(app=app, headers=headers, checks=CHECKS)
