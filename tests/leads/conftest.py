from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Photos go to a temporary MEDIA_ROOT, never the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _steady_weather(settings):
    """The weather interface answers from settings: a mild evening unless a test says so."""
    settings.WEATHER_FALLBACK_TEMPERATURE_C = 8
    settings.WEATHER_FALLBACK_LEVEL = 0
