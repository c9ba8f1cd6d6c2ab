from __future__ import annotations

import io
import json
import logging

import pytest

from songnuan.observability.logs import JsonFormatter, RequestContextFilter


@pytest.fixture
def json_log():
    """Every line logged during the test, as the production handler writes it (JSON), parsed."""
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
