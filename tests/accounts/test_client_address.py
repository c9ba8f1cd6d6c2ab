"""The client's address: X-Forwarded-For is believed only from a trusted proxy, and the same
address reaches the sign-in lock-out, the public report limits and the audit log."""

from __future__ import annotations

import ipaddress

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from songnuan.accounts.checks import trusted_proxies_readable
from songnuan.accounts.client_address import client_address, client_address_from, trusted_networks
from songnuan.accounts.models import AuditEvent, LoginFailure
from tests.factories import PASSWORD

PROXY = "10.1.2.3"


def address_of(settings, peer, forwarded="", proxies=("10.1.0.0/16",)):
    settings.TRUSTED_PROXIES = list(proxies)
    meta = {"REMOTE_ADDR": peer}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


def test_without_trusted_proxies_the_header_is_never_read(settings):
    assert address_of(settings, "203.0.113.5", "198.51.100.1", proxies=()) == "203.0.113.5"


def test_a_header_from_an_untrusted_peer_is_ignored(settings):
    assert address_of(settings, "203.0.113.5", "198.51.100.1") == "203.0.113.5"


def test_behind_a_trusted_proxy_the_client_is_the_hop_it_appended(settings):
    assert address_of(settings, PROXY, "198.51.100.1") == "198.51.100.1"


def test_a_spoofed_left_entry_is_ignored(settings):
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real address.
    assert address_of(settings, PROXY, "1.2.3.4, 198.51.100.1") == "198.51.100.1"


def test_a_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_hop(settings):
    assert address_of(settings, PROXY, "1.2.3.4, 198.51.100.1, 10.1.9.9") == "198.51.100.1"


def test_garbage_in_the_header_stops_at_the_last_known_hop(settings):
    assert address_of(settings, PROXY, "198.51.100.1, not-an-address") == PROXY


def test_ipv6_and_ports_are_understood(settings):
    assert address_of(settings, "2001:db8::1", "[2001:db8:ffff::7]:443",
                      proxies=("2001:db8::/64",)) == "2001:db8:ffff::7"
    assert address_of(settings, PROXY, "198.51.100.1:5123") == "198.51.100.1"


def test_a_malformed_proxy_setting_is_refused_loudly(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured):
        trusted_networks()


def test_the_pure_rule_needs_no_request():
    networks = (ipaddress.ip_network("10.0.0.0/8"),)
    assert client_address_from("10.0.0.1", "198.51.100.1", networks) == "198.51.100.1"
    assert client_address_from("198.51.100.9", "198.51.100.1", networks) == "198.51.100.9"


def test_sign_in_failures_and_the_audit_log_record_the_forwarded_client(cast, client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client.post(reverse("login"), {"username": "shinan.dispatcher", "password": "wrong"},
                headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.20"})
    assert LoginFailure.objects.get().ip == "198.51.100.20"
    assert AuditEvent.objects.get(action="login_failed").ip == "198.51.100.20"
    client.post(reverse("login"), {"username": "shinan.dispatcher", "password": PASSWORD},
                headers={"X-Forwarded-For": "198.51.100.21"})
    assert AuditEvent.objects.get(action="login").ip == "198.51.100.21"


def test_an_untrusted_peer_cannot_choose_the_address_the_log_records(cast, client, settings):
    settings.TRUSTED_PROXIES = ["10.9.9.9"]
    client.post(reverse("login"), {"username": "shinan.dispatcher", "password": "wrong"},
                headers={"X-Forwarded-For": "198.51.100.20"})
    assert AuditEvent.objects.get(action="login_failed").ip == "127.0.0.1"


def test_the_start_up_check_names_a_malformed_proxy_entry(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1", "proxy.example"]
    [error] = trusted_proxies_readable(None)
    assert error.id == "accounts.E001" and "proxy.example" in error.msg
    settings.TRUSTED_PROXIES = ["10.0.0.1", "2001:db8::/32"]
    assert trusted_proxies_readable(None) == []
