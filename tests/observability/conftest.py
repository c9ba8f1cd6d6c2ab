from __future__ import annotations

import io
import json
import logging

import pytest

from songnuan.observability import logs
from songnuan.observability.logs import JsonFormatter, RequestContextFilter


@pytest.fixture
def json_log():
    """Every line logged during the test, as the production handler writes it (JSON), parsed.
    The test starts outside any request: an earlier test's response left unclosed (a streamed
    file) would otherwise leave its request id bound in this thread."""
    logs.clear()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
