"""The address a request came from, for every decision that depends on it.

Behind a reverse proxy every request arrives from the proxy, so the sign-in lock-out, the public
report limits and the audit log would all see one address. The client's address is read from
`X-Forwarded-For` only when the immediate peer is one of `TRUSTED_PROXIES`: walking the header
from the right (each proxy appends the address it received from), the first hop that is not a
trusted proxy is the client. Anything to its left was written by the client and is ignored, so
a forged header gains nothing; without a trusted peer the header is not read at all.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=4)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an address or a network (CIDR)") from None
    return tuple(networks)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _parse(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # "198.51.100.7:51234"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network
               for network in networks)


def client_address_from(peer: str | None, forwarded_for: str,
                        networks: tuple[Network, ...]) -> str | None:
    """The client's address given the socket's peer and the `X-Forwarded-For` header."""
    current = _parse(peer or "")
    if current is None:
        return peer or None
    if not networks or not is_trusted_proxy(current, networks):
        return str(current)
    for hop in reversed([part for part in forwarded_for.split(",") if part.strip()]):
        address = _parse(hop)
        if address is None:
            break  # garbage from the client: the last proxy's own address is all we know
        current = address
        if not is_trusted_proxy(address, networks):
            break
    return str(current)


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the request's immediate peer is one of `TRUSTED_PROXIES`."""
    peer = _parse(request.META.get("REMOTE_ADDR") or "")
    return peer is not None and is_trusted_proxy(peer, trusted_networks())


def client_address(request: HttpRequest | None) -> str | None:
    """The address the request came from, trusting `X-Forwarded-For` only from our proxies."""
    if request is None:
        return None
    cached = getattr(request, "_client_address", None)
    if cached is not None:
        return cached or None
    address = client_address_from(request.META.get("REMOTE_ADDR"),
                                  request.META.get("HTTP_X_FORWARDED_FOR", ""),
                                  trusted_networks())
    request._client_address = address or ""
    return address
