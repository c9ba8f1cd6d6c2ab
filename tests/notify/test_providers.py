"""The Alibaba Cloud and Tencent Cloud SMS adapters, through the real courier, against local fakes
that check the signature as the providers do: what they send, and how each answer is recorded
(sent with the provider's reference, tried again later, given up, or outcome unknown)."""

from __future__ import annotations

import json
import socket

import pytest

from songnuan.notify import services
from songnuan.notify.models import OutboxStatus
from tests.notify.fake_sms import KEY_ID, KEY_SECRET, FakeAliyun, FakeTencent

PHONE = "13953212345"
TEXT = "【寒冬送暖】您的报告 7XTHQ4RB：已派出救助小组。"


def configure(settings, backend: str, url: str, **overrides) -> None:
    settings.SMS_BACKEND = f"songnuan.notify.providers.{backend}"
    settings.SMS_KEY_ID, settings.SMS_KEY_SECRET = KEY_ID, KEY_SECRET
    settings.SMS_ENDPOINT, settings.SMS_REGION = url, ""
    settings.SMS_SIGN_NAME, settings.SMS_APP_ID = "青岛市救助管理站", "1400787878"
    settings.SMS_TEMPLATES = {"lead_feedback": "SMS_470001", "duty": "SMS_470002",
                              "*": "SMS_470009"}
    settings.SMS_TIMEOUT_S = 5
    for name, value in overrides.items():
        setattr(settings, name, value)


@pytest.fixture
def aliyun(settings):
    provider = FakeAliyun().start()
    configure(settings, "AliyunSms", provider.url)
    yield provider
    provider.stop()


@pytest.fixture
def tencent(settings):
    provider = FakeTencent().start()
    configure(settings, "TencentSms", provider.url)
    yield provider
    provider.stop()


def send(purpose: str = "lead_feedback"):
    message = services.send_sms(PHONE, TEXT, purpose)
    services.deliver_due()
    message.refresh_from_db()
    return message


# --------------------------------------------------------------------------- Alibaba Cloud


def test_aliyun_takes_a_signed_message_and_its_reference_is_kept(db, aliyun):
    message = send()
    assert aliyun.refused == []
    assert message.status == OutboxStatus.SENT
    assert message.provider_reference == "100000000^0"
    params = aliyun.received[0]
    assert params["Action"] == "SendSms" and params["Version"] == "2017-05-25"
    assert params["PhoneNumbers"] == PHONE and params["SignName"] == "青岛市救助管理站"
    assert params["TemplateCode"] == "SMS_470001"
    assert json.loads(params["TemplateParam"]) == {"content": TEXT}
    assert params["OutId"] == message.idempotency_key


def test_aliyun_uses_the_template_of_the_purposes_family_then_the_default(db, aliyun):
    send("duty:lead_overdue")
    send("reward_code")
    assert [p["TemplateCode"] for p in aliyun.received] == ["SMS_470002", "SMS_470009"]


def test_aliyun_refuses_a_wrong_secret_and_the_message_is_given_up(db, aliyun, settings):
    settings.SMS_KEY_SECRET = "not-the-secret"
    message = send()
    assert aliyun.refused == ["SignatureDoesNotMatch"]
    assert message.status == OutboxStatus.FAILED and message.retry_at is None
    assert "SignatureDoesNotMatch" in message.error


@pytest.mark.parametrize(("code", "retried"), [
    ("isv.BUSINESS_LIMIT_CONTROL", True), ("isv.AMOUNT_NOT_ENOUGH", True),
    ("isv.MOBILE_NUMBER_ILLEGAL", False), ("isv.SMS_TEMPLATE_ILLEGAL", False),
])
def test_aliyun_refusals_are_tried_again_only_when_that_may_help(db, aliyun, code, retried):
    aliyun.outcome = code
    message = send()
    assert message.status == OutboxStatus.FAILED and code in message.error
    assert (message.retry_at is not None) is retried


def test_aliyun_system_error_leaves_the_outcome_unknown(db, aliyun):
    aliyun.outcome = "isp.SYSTEM_ERROR"
    message = send()
    assert message.status == OutboxStatus.UNKNOWN and message.retry_at is None


def test_a_purpose_without_a_template_is_given_up_without_calling(db, aliyun, settings):
    settings.SMS_TEMPLATES = {"lead_feedback": "SMS_470001"}
    message = send("reward_code")
    assert aliyun.received == [] and aliyun.refused == []
    assert message.status == OutboxStatus.FAILED and message.retry_at is None
    assert "SMS_TEMPLATES" in message.error


# --------------------------------------------------------------------------- Tencent Cloud


def test_tencent_takes_a_signed_message_and_its_serial_number_is_kept(db, tencent):
    message = send()
    assert tencent.refused == []
    assert message.status == OutboxStatus.SENT and message.provider_reference == "2433:1"
    payload = tencent.received[0]
    assert payload == {"PhoneNumberSet": [f"+86{PHONE}"], "SmsSdkAppId": "1400787878",
                       "SignName": "青岛市救助管理站", "TemplateId": "SMS_470001",
                       "TemplateParamSet": [TEXT], "SessionContext": message.idempotency_key}


def test_tencent_refuses_a_wrong_key_and_the_message_is_given_up(db, tencent, settings):
    settings.SMS_KEY_SECRET = "not-the-secret"
    message = send()
    assert tencent.refused == ["AuthFailure.SignatureFailure"]
    assert message.status == OutboxStatus.FAILED and message.retry_at is None


@pytest.mark.parametrize(("code", "retried"), [
    ("LimitExceeded.PhoneNumberDailyLimit", True), ("RequestLimitExceeded", True),
    ("FailedOperation.InsufficientBalanceInSmsPackage", True),
    ("InvalidParameterValue.IncorrectPhoneNumber", False),
    ("FailedOperation.TemplateIncorrectOrUnapproved", False),
    ("FailedOperation.PhoneNumberInBlacklist", False),
])
def test_tencent_refusals_are_tried_again_only_when_that_may_help(db, tencent, code, retried):
    tencent.outcome = code
    message = send()
    assert message.status == OutboxStatus.FAILED and code in message.error
    assert (message.retry_at is not None) is retried


def test_tencent_internal_error_leaves_the_outcome_unknown(db, tencent):
    tencent.outcome = "InternalError.Timeout"
    assert send().status == OutboxStatus.UNKNOWN


# --------------------------------------------------------------------------- the line


def test_a_provider_that_cannot_be_reached_is_tried_again(db, settings):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    configure(settings, "AliyunSms", f"http://127.0.0.1:{port}/")
    message = send()
    assert message.status == OutboxStatus.FAILED and message.retry_at is not None
    assert "unreachable" in message.error


def test_no_answer_in_time_leaves_the_outcome_unknown_and_nothing_is_sent_again(db, tencent,
                                                                                 settings):
    settings.SMS_TIMEOUT_S = 0.3
    tencent.delay_s = 1
    message = send()
    assert message.status == OutboxStatus.UNKNOWN
    assert services.deliver_due() == 0
    assert len(tencent.received) == 1
