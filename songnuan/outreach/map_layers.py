"""Layers other apps add to the hotspot map, so the map shows what watches or serves a hotspot
without outreach knowing those apps: the cameras app adds its cameras coloured by health.

A layer is drawn by a script of its own app (it sets `SongnuanMapLayers[key]`), from GeoJSON
its own URL serves, and is offered only to users with its permission; the map loads it when it
is switched on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class MapLayer:
    key: str
    label: Any
    url_name: str
    script: str
    permission: str


_layers: list[MapLayer] = []


def register_layer(layer: MapLayer) -> None:
    if layer not in _layers:
        _layers.append(layer)


def layers_for(user) -> list[MapLayer]:
    return [layer for layer in _layers if user.has_perm(layer.permission)]


def as_map_data(layers: list[MapLayer]) -> list[dict[str, str]]:
    """What the map's script needs of each layer."""
    return [{"key": layer.key, "label": str(layer.label), "url": reverse(layer.url_name)}
            for layer in layers]
