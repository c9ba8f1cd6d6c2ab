from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture
def english():
    """Service messages read in English, so tests state what they expect in plain words."""
    with translation.override("en"):
        yield
