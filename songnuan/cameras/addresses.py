"""Where a camera's snapshot URL may point (SSRF: the poller must never become a way to reach
the server itself or the cloud's metadata service).

Never allowed, whatever the setting: loopback, link-local (169.254.169.254 answers with cloud
credentials), multicast, unspecified and reserved addresses, and this machine's own addresses.
`CAMERAS_SNAPSHOT_ALLOWED_NETWORKS` (CIDRs, comma-separated) narrows the rest to the camera
networks; empty, any other address is allowed, private camera networks included.

A URL is checked when it is saved (its name resolved where it resolves) and again on every
connection the poller opens, redirects included: the name is resolved, every address checked,
and the socket connected to the address that was checked, so a name that resolves elsewhere a
second time (DNS rebinding) reaches nothing new.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from functools import cache
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from songnuan.refusals import Refused

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
MAX_REDIRECTS = 3


class AddressRefused(Refused):
    """A snapshot URL that leads where the poller may not go."""

    def __init__(self, message) -> None:
        super().__init__(message, "snapshot_url", "address_refused")


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    text = settings.CAMERAS_SNAPSHOT_ALLOWED_NETWORKS
    return [ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",")
            if part.strip()]


@cache
def own_addresses() -> frozenset[Address]:
    """This machine's addresses: what its name resolves to, and the address it serves on."""
    found: set[Address] = set()
    for name in {socket.gethostname(), socket.getfqdn(), os.environ.get("HOST", "")} - {""}:
        try:
            found.update(ipaddress.ip_address(info[4][0].split("%")[0])
                         for info in socket.getaddrinfo(name, None))
        except (OSError, ValueError):
            continue
    return frozenset(found)


def always_refused(address: Address) -> str | None:
    """Why an address is never a camera's, or None."""
    if address.is_loopback:
        return _("a loopback address (this server)")
    if address.is_link_local:
        return _("a link-local address (such as the cloud metadata service)")
    if address.is_multicast:
        return _("a multicast address")
    if address.is_unspecified or address in THIS_NETWORK or address.is_reserved:
        return _("an unspecified or reserved address")
    if address in own_addresses():
        return _("this server's own address")
    return None


def refusal(address: Address) -> str | None:
    """Why the poller may not connect to this address, or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    reason = always_refused(address)
    if reason is None:
        networks = allowed_networks()
        if networks and not any(address in network for network in networks):
            reason = _("outside the camera networks this server may reach")
    return reason


def _refused(host: str, address: Address, reason: str) -> AddressRefused:
    shown = host if host == str(address) else f"{host} ({address})"
    return AddressRefused(_("The snapshot URL leads to %(address)s, %(reason)s: snapshots are "
                            "fetched from the camera network only.")
                          % {"address": shown, "reason": reason})


def resolve(host: str, port: int | None = None) -> list[Address]:
    """The addresses a host name or literal stands for (raises socket.gaierror)."""
    return [ipaddress.ip_address(info[4][0].split("%")[0])
            for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def checked_address(host: str, port: int | None) -> str:
    """The address to connect to for `host`: every address it resolves to checked."""
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        raise AddressRefused(_("The snapshot URL's host %(host)s does not resolve.")
                             % {"host": host}) from None
    for address in addresses:
        reason = refusal(address)
        if reason is not None:
            raise _refused(host, address, reason)
    return str(addresses[0])


def check_url(url: str) -> None:
    """Refuse a snapshot URL that leads where the poller may not go. A name that does not
    resolve here now is let through: it is checked again on every fetch."""
    host = urlsplit(url).hostname
    if not host:
        raise AddressRefused(_("The snapshot URL names no host."))
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            addresses = resolve(host)
        except (OSError, UnicodeError):
            return
    for address in addresses:
        reason = refusal(address)
        if reason is not None:
            raise _refused(host, address, reason)


class _CheckedConnection:
    """Connects to the checked address of the host, keeping the host's name for the Host
    header and for TLS."""

    def _new_conn(self) -> socket.socket:
        address = checked_address(self._dns_host, self.port)
        try:
            return urllib3_connection.create_connection(
                (address, self.port), self.timeout, source_address=self.source_address,
                socket_options=self.socket_options)
        except TimeoutError as error:
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from error
        except OSError as error:
            raise NewConnectionError(self, f"Failed to connect: {error}") from error


class _CheckedHTTPConnection(_CheckedConnection, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_CheckedConnection, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _CheckedHTTPPool,
                                                   "https": _CheckedHTTPSPool}


def session() -> requests.Session:
    """A session whose every connection, redirects included, goes to a checked address and
    never through a proxy from the environment (the proxy's address is not the camera's)."""
    checked = requests.Session()
    checked.trust_env = False
    checked.max_redirects = MAX_REDIRECTS
    adapter = _CheckedAdapter(max_retries=0)
    checked.mount("http://", adapter)
    checked.mount("https://", adapter)
    return checked
