"""The sign-in lock-out cannot be turned against a known user: only the guessing address is
locked; the account itself is only ever slowed for the addresses that failed for it."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from songnuan.accounts import lockout
from songnuan.accounts.models import AuditEvent, LoginFailure
from tests.factories import PASSWORD


def attempt(client, username, password, address):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("home")


def test_failures_for_admin_from_elsewhere_never_keep_admin_out(cast, client, settings):
    settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_SOURCE_FAILURE_LIMIT = 5, 20
    settings.LOGIN_USER_FAILURE_LIMIT = 20
    for guesser in range(30):  # many addresses, several tries each
        for _ in range(3):
            attempt(client, "admin", f"guess-{guesser}", f"203.0.113.{guesser + 1}")
    for _ in range(40):  # and one address hammering far past every limit
        attempt(client, "admin", "hunter2", "198.51.100.66")
    # Every attempt is in the log; past the limits most were turned away unchecked.
    assert AuditEvent.objects.filter(action="login_failed", actor_name="admin").count() == 130
    assert LoginFailure.objects.filter(username="admin").count() >= 20

    response = attempt(client, "admin", PASSWORD, "10.20.30.40")

    assert signed_in(response)
    assert AuditEvent.objects.filter(action="login", actor=cast.city_admin,
                                     ip="10.20.30.40").exists()


def test_the_attackers_failures_survive_the_real_users_success(cast, client, settings):
    settings.LOGIN_SOURCE_FAILURE_LIMIT = 3
    for _ in range(3):
        attempt(client, "admin", "wrong", "198.51.100.66")
    assert signed_in(attempt(client, "admin", PASSWORD, "10.20.30.40"))
    client.logout()
    response = attempt(client, "admin", PASSWORD, "198.51.100.66")
    assert not signed_in(response)
    assert "此网络地址登录失败次数过多" in response.content.decode()


def test_an_address_with_too_many_failures_is_locked_for_every_account(cast, client, settings):
    settings.LOGIN_SOURCE_FAILURE_LIMIT = 4
    for name in ("nobody1", "nobody2", "shinan.viewer", "laoshan.viewer"):
        attempt(client, name, "wrong", "198.51.100.7")
    response = attempt(client, "shinan.dispatcher", PASSWORD, "198.51.100.7")
    assert not signed_in(response)
    assert "此网络地址登录失败次数过多，请在" in response.content.decode()
    refused = AuditEvent.objects.filter(action="login_failed", actor_name="shinan.dispatcher",
                                        ip="198.51.100.7").get()
    assert refused.changes["refused"] == "source_locked"
    # The same person from another address is not affected.
    assert signed_in(attempt(client, "shinan.dispatcher", PASSWORD, "198.51.100.8"))


def test_the_source_lock_ends_after_the_lock_period(cast, client, settings):
    settings.LOGIN_SOURCE_FAILURE_LIMIT = 2
    for _ in range(2):
        attempt(client, "shinan.viewer", "wrong", "198.51.100.7")
    earlier = timezone.now() - datetime.timedelta(minutes=settings.LOGIN_LOCK_MINUTES + 1)
    LoginFailure.objects.update(at=earlier)
    assert signed_in(attempt(client, "shinan.viewer", PASSWORD, "198.51.100.7"))


def test_the_wait_for_one_account_from_one_address_grows_with_each_failure(settings):
    settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_THROTTLE_SECONDS = 5, 30
    settings.LOGIN_LOCK_MINUTES = 15
    waits = [lockout.pair_delay_s(n) for n in range(4, 12)]
    assert waits == [0, 30, 60, 120, 240, 480, 900, 900]


def test_a_slowed_address_is_told_when_to_try_again_and_may_then(cast, client, settings):
    settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_THROTTLE_SECONDS = 3, 30
    for _ in range(3):
        attempt(client, "shinan.viewer", "wrong", "198.51.100.9")
    latest = LoginFailure.objects.latest("at").at
    refused = lockout.refusal("shinan.viewer", "198.51.100.9")
    assert isinstance(refused, lockout.LoginThrottled)
    assert refused.until == latest + datetime.timedelta(seconds=30)
    shown = timezone.localtime(refused.until).strftime("%H:%M:%S")
    response = attempt(client, "shinan.viewer", PASSWORD, "198.51.100.9")
    assert f"请等到 {shown} 再试" in response.content.decode()
    assert not LoginFailure.objects.filter(at__gt=latest).exists()  # refusals are not failures
    LoginFailure.objects.update(at=latest - datetime.timedelta(seconds=31))
    assert signed_in(attempt(client, "shinan.viewer", PASSWORD, "198.51.100.9"))


def test_an_account_guessed_from_many_addresses_slows_each_of_them_after_one_try(
        cast, client, settings):
    settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_USER_FAILURE_LIMIT = 5, 4
    for guesser in range(4):
        attempt(client, "admin", "wrong", f"203.0.113.{guesser + 1}")
    # Each guesser has failed once only, far below its own limit, and is still slowed...
    assert isinstance(lockout.refusal("admin", "203.0.113.1"), lockout.LoginThrottled)
    # ...while a clean address is not, and nobody else's account is touched.
    assert lockout.refusal("admin", "10.20.30.40") is None
    assert lockout.refusal("shinan.viewer", "203.0.113.1") is None


def test_every_failure_is_audited_with_the_address(cast, client):
    attempt(client, "admin", "wrong", "198.51.100.3")
    event = AuditEvent.objects.get(action="login_failed")
    assert (event.actor_name, event.ip) == ("admin", "198.51.100.3")


def test_the_audit_log_page_says_why_a_sign_in_was_refused(cast, client, settings):
    settings.LOGIN_SOURCE_FAILURE_LIMIT = 1
    attempt(client, "nobody", "wrong", "198.51.100.7")
    attempt(client, "nobody", "wrong", "198.51.100.7")
    client.force_login(cast.city_admin)
    page = client.get(reverse("accounts:audit_log")).content.decode()
    assert "地址已锁定" in page
