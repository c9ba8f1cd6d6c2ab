from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Pictures go to a temporary MEDIA_ROOT, never the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _steady_weather(settings):
    settings.WEATHER_FALLBACK_TEMPERATURE_C = -6
    settings.WEATHER_FALLBACK_LEVEL = 0
