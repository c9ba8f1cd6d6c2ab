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


@pytest.fixture
def camera_network_at_loopback(monkeypatch):
    """A test server on 127.0.0.1 stands in for a camera on the camera network: that one
    loopback address is let through; every other never-allowed address stays refused."""
    import ipaddress

    from songnuan.cameras import addresses

    real = addresses.always_refused
    stand_in = ipaddress.ip_address("127.0.0.1")
    monkeypatch.setattr(addresses, "always_refused",
                        lambda address: None if address == stand_in else real(address))
