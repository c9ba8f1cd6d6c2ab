"""Outreach tests read messages in English: the rules are the same in every language."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def chinese_bureau(settings):
    """Staff who chose no language are messaged in the bureau's default: Chinese here."""
    settings.LANGUAGE_CODE = "zh-hans"
