"""`/metrics` for Prometheus: allowed from METRICS_ALLOWED_IPS or with the METRICS_TOKEN bearer
token, and not found for anybody else."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_GET

from songnuan.observability import metrics

# A request that came through a proxy carries its client's address in one of these; the socket's
# address is then the proxy's own (often loopback), which says nothing about who is asking.
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def has_token(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(token) and constant_time_compare(given, f"Bearer {token}")


def from_allowed_address(request: HttpRequest) -> bool:
    if any(request.META.get(header) for header in FORWARDING_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in ipaddress.ip_network(cidr, strict=False)
               for cidr in settings.METRICS_ALLOWED_IPS)


def may_scrape(request: HttpRequest) -> bool:
    return has_token(request) or from_allowed_address(request)


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not may_scrape(request):
        raise Http404
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)
