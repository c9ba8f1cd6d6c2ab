"""Prometheus metrics for `/metrics`: requests and their latency by route, and gauges read from
the database when Prometheus scrapes.

Request counters are kept in memory, per process. When `PROMETHEUS_MULTIPROC_DIR` is set (as
`songnuan serve` does, to a fresh folder under var/), prometheus_client's multiprocess mode keeps
them in files there, and a scrape answered by any gunicorn worker sums every worker's. (Process
metrics such as memory are then left out: prometheus_client cannot sum them.)

Gauges are a registry: `declare_gauge` names a gauge and, optionally, the function reading it;
`provide` gives a declared gauge its reader from another module. A gauge without a reader, or
whose reader answers None, is left out of the scrape, so a gauge can be declared here before the
code that measures it exists. The worker's heartbeat is such a gauge: the module that records the
worker's heartbeat provides it from its app's `ready()`::

    metrics.provide(WORKER_HEARTBEAT_AGE, worker_heartbeat_age_seconds)

A reader returns a number, or for a gauge with labels a mapping from a tuple of label values to
a number. The database gauges themselves are provided by `songnuan.observability.readings`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger("songnuan.metrics")
# The `_created` timestamp series double what is scraped and no dashboard reads them.
disable_created_metrics()

Reading = float | Mapping[tuple[str, ...], float] | None


@dataclass
class GaugeSpec:
    name: str
    documentation: str
    labels: tuple[str, ...] = ()
    read: Callable[[], Reading] | None = None


_gauges: dict[str, GaugeSpec] = {}


def declare_gauge(name: str, documentation: str, labels: tuple[str, ...] = (),
                  read: Callable[[], Reading] | None = None) -> str:
    _gauges[name] = GaugeSpec(name, documentation, labels, read)
    return name


def provide(name: str, read: Callable[[], Reading]) -> None:
    """Give the declared gauge `name` the function that reads it."""
    _gauges[name].read = read


def declared_gauges() -> list[GaugeSpec]:
    return list(_gauges.values())


WORKER_HEARTBEAT_AGE = declare_gauge(
    "songnuan_worker_heartbeat_age_seconds",
    "Seconds since a background worker last said it was alive.")


class GaugeCollector(Collector):
    """Reads every declared gauge at scrape time. A reader that fails is logged and left out;
    the others are still answered."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for spec in declared_gauges():
            if spec.read is None:
                continue
            try:
                reading = spec.read()
            except Exception:
                logger.exception("reading the gauge %s failed", spec.name)
                continue
            if reading is None:
                continue
            family = GaugeMetricFamily(spec.name, spec.documentation, labels=spec.labels)
            if isinstance(reading, Mapping):
                for label_values, value in reading.items():
                    family.add_metric(list(label_values), value)
            else:
                family.add_metric([], reading)
            yield family


# Requests, in this process (or in the multiprocess files). `route` is the URL pattern's name,
# never the path, so that tracking codes and ids do not make a series each.
_process_registry = CollectorRegistry()
REQUESTS = Counter(
    "songnuan_http_requests", "HTTP requests answered, by route, method and status class.",
    ["route", "method", "status"], registry=_process_registry)
LATENCY = Histogram(
    "songnuan_http_request_duration_seconds", "Time to answer an HTTP request, by route.",
    ["route", "method"], registry=_process_registry,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0))
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    method = method if method in KNOWN_METHODS else "other"
    REQUESTS.labels(route, method, f"{status // 100}xx").inc()
    LATENCY.labels(route, method).observe(seconds)


def is_multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def fresh_multiprocess_dir(path: Path) -> Path:
    """Make `path` an empty folder for the web workers' counters: the files of the processes of
    an earlier start would otherwise be added to this one's."""
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.db"):
        old.unlink()
    return path


_gauge_collector = GaugeCollector()
if not is_multiprocess():
    _process_registry.register(_gauge_collector)
    ProcessCollector(registry=_process_registry)
    PlatformCollector(registry=_process_registry)


def _scrape_registry() -> CollectorRegistry:
    if not is_multiprocess():
        return _process_registry
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(_gauge_collector)
    return registry


def exposition() -> tuple[bytes, str]:
    """The scrape's body and content type."""
    return generate_latest(_scrape_registry()), CONTENT_TYPE_LATEST
