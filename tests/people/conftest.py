from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Rule messages are asserted in English; the pages' own language is tested in the browser."""
    with translation.override("en"):
        yield
