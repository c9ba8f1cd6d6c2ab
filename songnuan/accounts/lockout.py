"""Sign-in lock-out that an outsider cannot turn against a known user.

Only the *source* (the client's address) is ever locked: after `LOGIN_SOURCE_FAILURE_LIMIT`
failures from one address within the window, that address may not try again for
`LOGIN_LOCK_MINUTES`. A *username* is never locked. Guessing one account is slowed instead:

- per username and source, after `LOGIN_FAILURE_LIMIT` failures each further attempt from that
  address waits `LOGIN_THROTTLE_SECONDS`, doubling with each failure (capped at the lock period);
- per username across sources, once it has `LOGIN_USER_FAILURE_LIMIT` failures from anywhere
  (someone is guessing it from many addresses), every address that has already failed for it
  waits `LOGIN_THROTTLE_SECONDS` between attempts, however few its own failures.

An address with no failure for the username is never delayed, so the real user signs in from
their own desk whatever is thrown at their account elsewhere. The price is that a guesser with
many fresh addresses gets one guess from each (and each is then slowed or locked); the failures,
and every refused attempt, go into the audit log for the administrator to see.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.accounts import audit
from songnuan.accounts.models import LoginFailure


class LoginLocked(Exception):
    """A sign-in refused before the password was checked; `until` says when to try again."""

    def __init__(self, until: datetime.datetime, message: str) -> None:
        self.until = until
        super().__init__(message)

    @property
    def retry_after_s(self) -> int:
        return max(1, int((self.until - timezone.now()).total_seconds() + 0.999))


class SourceLocked(LoginLocked):
    reason = "source_locked"

    def __init__(self, until: datetime.datetime) -> None:
        super().__init__(until, _(
            "Too many failed logins from this network address. Try again after %(time)s."
        ) % {"time": _clock(until)})


class CodesLocked(LoginLocked):
    """Too many wrong two-factor codes: the code step waits, whatever the password does."""

    reason = "codes_locked"

    def __init__(self, until: datetime.datetime) -> None:
        super().__init__(until, _(
            "Too many wrong codes. Try again after %(time)s."
        ) % {"time": _clock(until)})


class LoginThrottled(LoginLocked):
    reason = "throttled"

    def __init__(self, until: datetime.datetime) -> None:
        super().__init__(until, _(
            "Too many failed logins for this account from here. Wait until %(time)s and "
            "try again."
        ) % {"time": _clock(until)})


def _clock(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M:%S")


@dataclass(frozen=True)
class Tally:
    """Recent failures as the rules count them."""

    from_source: int
    source_latest: datetime.datetime | None
    for_pair: int
    pair_latest: datetime.datetime | None
    for_username: int


def _source_filter(ip: str | None) -> dict:
    return {"ip": ip} if ip else {"ip__isnull": True}


def tally(username: str, ip: str | None, now: datetime.datetime) -> Tally:
    since = now - datetime.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    recent = LoginFailure.objects.filter(at__gte=since)
    source = recent.filter(**_source_filter(ip)).aggregate(n=Count("pk"), latest=Max("at"))
    pair = recent.filter(username__iexact=username, **_source_filter(ip)).aggregate(
        n=Count("pk"), latest=Max("at"))
    for_username = recent.filter(username__iexact=username).count() if pair["n"] else 0
    return Tally(source["n"] if ip else 0, source["latest"], pair["n"], pair["latest"],
                 for_username)


def pair_delay_s(failures: int) -> float:
    """The growing wait for one username from one source."""
    if failures < settings.LOGIN_FAILURE_LIMIT:
        return 0
    doublings = min(failures - settings.LOGIN_FAILURE_LIMIT, 20)
    return min(settings.LOGIN_THROTTLE_SECONDS * 2 ** doublings,
               settings.LOGIN_LOCK_MINUTES * 60)


def refusal(username: str, ip: str | None,
            now: datetime.datetime | None = None) -> LoginLocked | None:
    """Why an attempt for `username` from `ip` may not be checked now, or None if it may."""
    now = now or timezone.now()
    counts = tally(username, ip, now)
    if counts.from_source >= settings.LOGIN_SOURCE_FAILURE_LIMIT and counts.source_latest:
        until = counts.source_latest + datetime.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        if until > now:
            return SourceLocked(until)
    if not counts.for_pair or counts.pair_latest is None:
        return None  # a clean source is never delayed
    wait = pair_delay_s(counts.for_pair)
    if counts.for_username >= settings.LOGIN_USER_FAILURE_LIMIT:
        wait = max(wait, settings.LOGIN_THROTTLE_SECONDS)
    until = counts.pair_latest + datetime.timedelta(seconds=wait)
    return LoginThrottled(until) if until > now else None


def record_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username[:150], ip=ip)
    audit.record("login_failed", username=username[:150], ip=ip, object_repr=username[:200])


def record_refusal(username: str, ip: str | None, refused: LoginLocked) -> None:
    """An attempt turned away unchecked: logged, but not counted as another failure."""
    audit.record("login_failed", username=username[:150], ip=ip, object_repr=username[:200],
                 changes={"refused": refused.reason, "until": refused.until.isoformat()})


def clear_failures(username: str, ip: str | None) -> None:
    """The user got in from here: forget their failures from here (not other sources')."""
    LoginFailure.objects.filter(username__iexact=username, **_source_filter(ip)).delete()


def prune_login_failures(now: datetime.datetime | None = None) -> int:
    """Forget failures older than any window could look at."""
    now = now or timezone.now()
    horizon = max(settings.LOGIN_FAILURE_WINDOW_MINUTES, settings.LOGIN_LOCK_MINUTES) * 2
    deleted, _count = LoginFailure.objects.filter(
        at__lt=now - datetime.timedelta(minutes=horizon)
    ).delete()
    return deleted
