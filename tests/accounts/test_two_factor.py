"""Two-factor sign-in through the HTTP client: set-up with a real authenticator code (pyotp),
the code step after the password, replays, recovery codes, lock-out and the requirement by role."""

from __future__ import annotations

import datetime
import re

import pyotp
import pytest
from django.urls import reverse

from songnuan.accounts import twofactor
from songnuan.accounts.models import AuditEvent, LoginFailure, RecoveryCode, TwoFactorDevice
from tests.factories import PASSWORD

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")


@pytest.fixture
def required(settings):
    settings.OTP_REQUIRED = True


def sign_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def secret_on(page) -> str:
    found = re.search(r'id="otp-secret"[^>]*>([A-Z2-7 ]+)<', page.content.decode())
    assert found, "the set-up page shows the key as text"
    return found.group(1).replace(" ", "")


def enrol(client) -> tuple[str, list[str]]:
    """Set up the signed-in user's app from the key on the page; the secret and recovery codes."""
    secret = secret_on(client.get(SETUP))
    page = client.post(SETUP, {"code": pyotp.TOTP(secret).now()})
    assert page.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", page.content.decode())
    return secret, codes


def next_code(user, secret) -> str:
    """The code of the time step after the last one used: fresh, and within the ±1 tolerance."""
    step = TwoFactorDevice.objects.get(user=user).last_used_step + 1
    return pyotp.TOTP(secret).generate_otp(step)


def enrolled_and_signed_out(client, username):
    sign_in(client, username)
    secret, codes = enrol(client)
    client.post(reverse("logout"))
    return secret, codes


def test_an_administrator_is_sent_to_set_up_right_after_the_password(cast, client, required):
    response = sign_in(client, "shinan.admin")
    assert response.status_code == 302
    page = client.get(response.url, follow=True)
    assert page.redirect_chain[-1][0].startswith(SETUP)
    assert "设置两步验证" in page.content.decode()
    assert "<svg" in page.content.decode()  # the QR code, drawn on the server
    held = client.get(reverse("accounts:user_list"))
    assert held.status_code == 302 and held.url.startswith(SETUP)


def test_enrolment_shows_ten_recovery_codes_once_and_keeps_only_their_hashes(
        cast, client, required):
    sign_in(client, "shinan.admin")
    secret, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = set(RecoveryCode.objects.filter(user=cast.shinan_admin)
                 .values_list("code_hash", flat=True))
    assert len(stored) == 10 and not stored & {code.replace("-", "") for code in codes}
    assert TwoFactorDevice.objects.get(user=cast.shinan_admin).secret == secret
    assert AuditEvent.objects.filter(action="2fa_enrolled", actor=cast.shinan_admin).exists()
    # Enrolment counts as the second factor for this session: the pages open.
    assert client.get(reverse("accounts:user_list")).status_code == 200


def test_a_wrong_first_code_keeps_the_same_key_and_says_why(cast, client, required):
    sign_in(client, "shinan.admin")
    secret = secret_on(client.get(SETUP))
    page = client.post(SETUP, {"code": "000000" if pyotp.TOTP(secret).now() != "000000"
                               else "111111"})
    assert "验证码不对" in page.content.decode()
    assert secret_on(page) == secret
    assert not TwoFactorDevice.objects.filter(user=cast.shinan_admin).exists()


def test_signing_in_asks_for_the_code_after_the_password(cast, client, required):
    secret, _ = enrolled_and_signed_out(client, "shinan.admin")
    response = sign_in(client, "shinan.admin")
    held = client.get(response.url)
    assert held.status_code == 302 and held.url.startswith(VERIFY)
    page = client.post(VERIFY, {"code": next_code(cast.shinan_admin, secret),
                                "next": reverse("accounts:user_list")})
    assert page.status_code == 302 and page.url == reverse("accounts:user_list")
    assert client.get(reverse("accounts:user_list")).status_code == 200


def test_a_replayed_code_is_refused(cast, client, required):
    secret, _ = enrolled_and_signed_out(client, "shinan.admin")
    sign_in(client, "shinan.admin")
    code = next_code(cast.shinan_admin, secret)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post(reverse("logout"))
    sign_in(client, "shinan.admin")
    page = client.post(VERIFY, {"code": code})
    assert page.status_code == 200
    assert "已经用过" in page.content.decode()
    assert client.get(reverse("home")).url.startswith(VERIFY)
    assert AuditEvent.objects.filter(action="2fa_failed", actor=cast.shinan_admin).count() == 1


def test_a_recovery_code_works_once(cast, client, required):
    _, codes = enrolled_and_signed_out(client, "shinan.admin")
    sign_in(client, "shinan.admin")
    assert client.post(VERIFY, {"code": codes[3].upper()}).status_code == 302
    assert "还剩 9 个" in client.get(reverse("home")).content.decode()
    assert AuditEvent.objects.filter(action="2fa_recovery_used").count() == 1
    client.post(reverse("logout"))
    sign_in(client, "shinan.admin")
    assert client.post(VERIFY, {"code": codes[3]}).status_code == 200
    assert client.post(VERIFY, {"code": codes[4]}).status_code == 302


def test_a_required_role_cannot_reach_a_page_or_the_api_before_verifying(
        cast, client, required):
    enrolled_and_signed_out(client, "laoshan.station")
    client.force_login(cast.laoshan_station)
    for path in (reverse("home"), reverse("accounts:token_list"),
                 reverse("accounts:two_factor"), "/people/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith(VERIFY), path
    api = client.get("/api/v1/me")
    assert api.status_code == 401 and api.json()["errors"] == []
    htmx = client.get("/people/", headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"].startswith(VERIFY)


def test_wrong_codes_lock_the_code_step_even_after_the_password_again(
        cast, client, required, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    secret, _ = enrolled_and_signed_out(client, "shinan.admin")
    sign_in(client, "shinan.admin")
    right = next_code(cast.shinan_admin, secret)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(3):
        client.post(VERIFY, {"code": wrong})
    page = client.post(VERIFY, {"code": right})
    assert "验证码错误次数过多" in page.content.decode()
    assert LoginFailure.objects.filter(username="shinan.admin").count() == 3
    # A password success forgets failed passwords, not the code step's lock.
    LoginFailure.objects.all().delete()
    client.post(reverse("logout"))
    sign_in(client, "shinan.admin")
    assert "验证码错误次数过多" in client.post(VERIFY, {"code": right}).content.decode()


def test_without_the_requirement_an_administrator_signs_in_with_the_password(cast, client):
    response = sign_in(client, "admin")
    assert client.get(response.url).status_code == 200


def test_anyone_may_choose_it_and_then_always_gives_a_code(cast, client):
    secret, _ = enrolled_and_signed_out(client, "shinan.dispatcher")
    sign_in(client, "shinan.dispatcher")
    assert client.get(reverse("home")).url.startswith(VERIFY)
    assert client.post(VERIFY, {"code": next_code(cast.shinan_dispatcher, secret)}).status_code \
        == 302


def test_a_user_not_required_may_turn_it_off_with_a_code(cast, client, required):
    sign_in(client, "shinan.dispatcher")
    secret, _ = enrol(client)
    response = client.post(reverse("accounts:two_factor_disable"),
                           {"code": next_code(cast.shinan_dispatcher, secret)})
    assert response.status_code == 302
    assert not TwoFactorDevice.objects.filter(user=cast.shinan_dispatcher).exists()
    assert not RecoveryCode.objects.filter(user=cast.shinan_dispatcher).exists()
    assert AuditEvent.objects.filter(action="2fa_disabled", actor=cast.shinan_dispatcher).exists()


def test_a_required_role_cannot_turn_it_off(cast, client, required):
    sign_in(client, "shinan.tracing")
    secret, _ = enrol(client)
    page = client.post(reverse("accounts:two_factor_disable"),
                       {"code": next_code(cast.shinan_tracing, secret)})
    assert "必须保留两步验证" in page.content.decode()
    assert TwoFactorDevice.objects.filter(user=cast.shinan_tracing).exists()


def test_new_recovery_codes_replace_the_old_ones(cast, client, required):
    sign_in(client, "shinan.admin")
    _, old = enrol(client)
    page = client.post(reverse("accounts:two_factor_codes"))
    new = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", page.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert AuditEvent.objects.filter(action="2fa_codes_renewed").count() == 1
    client.post(reverse("logout"))
    sign_in(client, "shinan.admin")
    assert client.post(VERIFY, {"code": old[0]}).status_code == 200
    assert client.post(VERIFY, {"code": new[0]}).status_code == 302


def test_the_api_asks_an_enrolled_account_for_its_code_before_a_token(cast, client, required):
    secret, _ = enrolled_and_signed_out(client, "shinan.admin")
    body = {"username": "shinan.admin", "password": PASSWORD}
    without = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert without.status_code == 401
    code = next_code(cast.shinan_admin, secret)
    issued = client.post("/api/v1/auth/token", {**body, "code": code},
                         content_type="application/json")
    assert issued.status_code == 201


def test_the_api_gives_no_token_to_a_required_role_not_yet_set_up(cast, client, required):
    response = client.post("/api/v1/auth/token",
                           {"username": "shinan.admin", "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 403


def test_a_code_one_step_either_side_of_now_is_accepted_and_two_steps_is_not():
    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    now = datetime.datetime(2026, 12, 4, 21, 30, 15, tzinfo=datetime.UTC)
    step = totp.timecode(now)
    for offset, accepted in ((-2, False), (-1, True), (0, True), (1, True), (2, False)):
        found = twofactor.matching_step(secret, totp.generate_otp(step + offset), now, after=None)
        assert found == (step + offset if accepted else None)
    assert twofactor.matching_step(secret, totp.generate_otp(step), now, after=step) is None


def test_the_demo_tells_administrators_that_it_does_not_ask_for_a_code(cast, client, settings):
    settings.DEMO = True
    client.force_login(cast.city_admin)
    assert "演示环境：此处不强制两步验证" in client.get(reverse("home")).content.decode()
    client.force_login(cast.shinan_patroller)
    assert "演示环境" not in client.get(reverse("accounts:token_list")).content.decode()


def test_the_two_factor_page_shows_the_codes_left_and_refuses_a_wrong_code_to_turn_off(
        cast, client):
    sign_in(client, "shinan.dispatcher")
    secret, codes = enrol(client)
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "已开启" in page and "还剩 10 个恢复码" in page
    right = next_code(cast.shinan_dispatcher, secret)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    refused = client.post(reverse("accounts:two_factor_disable"), {"code": wrong})
    assert refused.status_code == 200 and "验证码不对" in refused.content.decode()
    assert TwoFactorDevice.objects.filter(user=cast.shinan_dispatcher).exists()


def test_the_audit_log_names_a_wrong_code_in_words(cast, client):
    enrolled_and_signed_out(client, "shinan.dispatcher")
    sign_in(client, "shinan.dispatcher")
    client.post(VERIFY, {"code": "not-a-code"})
    client.post(reverse("logout"))
    client.force_login(cast.city_admin)
    page = client.get(reverse("accounts:audit_log"), {"action": "2fa_failed"})
    assert "两步验证码错误" in page.content.decode()
    assert "shinan.dispatcher" in page.content.decode()
