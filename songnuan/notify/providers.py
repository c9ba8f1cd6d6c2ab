"""Real SMS providers behind `SMS_BACKEND`: Alibaba Cloud SMS (阿里云短信服务, dysmsapi `SendSms`,
API 2017-05-25, RPC signature V1) and Tencent Cloud SMS (腾讯云短信, `SendSms`, API 2021-01-11,
TC3-HMAC-SHA256).

Mainland providers send only approved templates under an approved signature (签名). Each message
purpose names its template in `SMS_TEMPLATES` (`lead_feedback=SMS_123,duty=SMS_456,*=SMS_789`: the
exact purpose, then the part before a colon, then `*`); the template has one variable that
carries the message's text (`${content}` on Alibaba, `{1}` on Tencent).

The provider's answer becomes a `DeliveryError` that says whether trying again may help, or a
`DeliveryUncertain` when the provider may have taken the message (a timeout after the request
left, the provider's own internal error), which is never retried automatically. Each request
carries the message's idempotency key (`OutId`, `SessionContext`), so staff can find an
uncertain message in the provider's records.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import logging
import uuid
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings
from urllib3.exceptions import NewConnectionError

from songnuan.notify.backends import DeliveryError, DeliveryUncertain
from songnuan.notify.models import Outbox

logger = logging.getLogger("songnuan.sms")


@dataclass(frozen=True)
class Account:
    """The SMS contract, from the settings: keys, where to call, signature, templates."""

    key_id: str
    key_secret: str
    region: str
    endpoint: str
    sign_name: str
    app_id: str
    templates: dict[str, str]
    timeout_s: float

    @classmethod
    def from_settings(cls, endpoint: str, region: str) -> Account:
        return cls(key_id=settings.SMS_KEY_ID, key_secret=settings.SMS_KEY_SECRET,
                   region=settings.SMS_REGION or region, endpoint=settings.SMS_ENDPOINT or endpoint,
                   sign_name=settings.SMS_SIGN_NAME, app_id=settings.SMS_APP_ID,
                   templates=settings.SMS_TEMPLATES, timeout_s=settings.SMS_TIMEOUT_S)

    def template_for(self, purpose: str) -> str:
        for name in (purpose, purpose.split(":", 1)[0], "*"):
            if self.templates.get(name):
                return self.templates[name]
        raise DeliveryError(f"no SMS template for purpose {purpose!r} (SMS_TEMPLATES)",
                            retryable=False, code="template_missing")


def post(url: str, timeout_s: float, **kwargs) -> requests.Response:
    """POST to the provider; a failure before the request left may be tried again, one after it
    may have reached the provider."""
    try:
        return requests.post(url, timeout=timeout_s, **kwargs)
    except requests.ConnectTimeout as error:
        raise DeliveryError(f"provider unreachable: {error}", code="connect_timeout") from error
    except requests.Timeout as error:
        raise DeliveryUncertain(f"no answer within {timeout_s} s", code="timeout") from error
    except requests.ConnectionError as error:
        reason = getattr(error.args[0] if error.args else None, "reason", None)
        if isinstance(reason, NewConnectionError):
            raise DeliveryError(f"provider unreachable: {reason}", code="connect") from error
        raise DeliveryUncertain(f"connection lost: {error}", code="connection") from error
    except requests.RequestException as error:
        raise DeliveryError(f"request failed: {error}", code="request") from error


def answer_of(response: requests.Response) -> dict:
    """The provider's JSON answer; a gateway's page instead of one is judged by its status."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        return body
    if response.status_code in (502, 503, 429):
        raise DeliveryError(f"provider answered HTTP {response.status_code}",
                            code=str(response.status_code))
    raise DeliveryUncertain(f"provider answered HTTP {response.status_code} without a result",
                            code=str(response.status_code))


# --------------------------------------------------------------------------- Alibaba Cloud


ALIYUN_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
ALIYUN_REGION = "cn-hangzhou"
ALIYUN_VERSION = "2017-05-25"
# Codes after which the same message may go through later (limits, arrears, an outage).
ALIYUN_RETRYABLE = {
    "isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "isv.OUT_OF_SERVICE",
    "isv.AMOUNT_NOT_ENOUGH", "Throttling", "Throttling.User", "Throttling.Api",
    "ServiceUnavailable", "SignatureNonceUsed", "InvalidTimeStamp.Expired",
}
# The provider's own failure: the message may or may not have been taken.
ALIYUN_UNCERTAIN = {"isp.SYSTEM_ERROR", "InternalError"}
# Codes that will refuse the same message again (number, template, signature, account).
ALIYUN_PERMANENT = {
    "isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT", "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL", "isv.TEMPLATE_MISSING_PARAMETERS", "isv.INVALID_PARAMETERS",
    "isv.INVALID_JSON_PARAM", "isv.PARAM_LENGTH_LIMIT", "isv.PARAM_NOT_SUPPORT_URL",
    "isv.BLACK_KEY_CONTROL_LIMIT", "isv.SMS_CONTENT_ILLEGAL", "isv.SMS_SIGN_ILLEGAL",
    "isv.ACCOUNT_NOT_EXISTS", "isv.ACCOUNT_ABNORMAL", "isv.PRODUCT_UN_SUBSCRIPT",
    "isv.PRODUCT_UNSUBSCRIBE", "isp.RAM_PERMISSION_DENY", "InvalidAccessKeyId.NotFound",
    "InvalidAccessKeyId.Inactive", "SignatureDoesNotMatch", "MissingParameter",
    "Forbidden.RAM", "InvalidVersion",
}


def aliyun_percent(text: str) -> str:
    """RFC 3986 encoding as the signature V1 wants it (space %20, * %2A, ~ kept)."""
    return quote(text, safe="~")


def aliyun_signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    """Signature V1 of RPC-style APIs: HMAC-SHA1 over the method, "/" and the sorted,
    encoded parameters, keyed with the secret and "&"."""
    canonical = "&".join(f"{aliyun_percent(k)}={aliyun_percent(v)}"
                         for k, v in sorted(params.items()))
    to_sign = f"{method}&{aliyun_percent('/')}&{aliyun_percent(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def aliyun_error(code: str, text: str) -> DeliveryError:
    described = f"Alibaba Cloud SMS {code}: {text}"
    if code in ALIYUN_UNCERTAIN:
        return DeliveryUncertain(described, code=code)
    return DeliveryError(described, retryable=code not in ALIYUN_PERMANENT, code=code)


class AliyunSms:
    """Alibaba Cloud SMS (阿里云短信服务): `SMS_BACKEND=songnuan.notify.providers.AliyunSms`."""

    def send(self, message: Outbox) -> str | None:
        account = Account.from_settings(ALIYUN_ENDPOINT, ALIYUN_REGION)
        params = {
            "AccessKeyId": account.key_id, "Action": "SendSms", "Format": "JSON",
            "RegionId": account.region, "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex, "SignatureVersion": "1.0",
            "Timestamp": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": ALIYUN_VERSION,
            "PhoneNumbers": message.phone, "SignName": account.sign_name,
            "TemplateCode": account.template_for(message.purpose),
            "TemplateParam": json.dumps({"content": message.text}, ensure_ascii=False),
            "OutId": message.idempotency_key,
        }
        params["Signature"] = aliyun_signature(params, account.key_secret)
        body = answer_of(post(account.endpoint, account.timeout_s, data=params))
        code = str(body.get("Code", ""))
        if code == "OK":
            return body.get("BizId") or body.get("RequestId")
        raise aliyun_error(code or "unknown", str(body.get("Message", "")))


# --------------------------------------------------------------------------- Tencent Cloud


TENCENT_ENDPOINT = "https://sms.tencentcloudapi.com/"
TENCENT_REGION = "ap-guangzhou"
TENCENT_VERSION = "2021-01-11"
TENCENT_SERVICE = "sms"
TENCENT_RETRYABLE = {
    "LimitExceeded.PhoneNumberThirtySecondLimit", "LimitExceeded.PhoneNumberOneHourLimit",
    "LimitExceeded.PhoneNumberDailyLimit", "LimitExceeded.DailyLimit",
    "LimitExceeded.DeliveryFrequencyLimit", "RequestLimitExceeded",
    "FailedOperation.InsufficientBalanceInSmsPackage", "ResourceUnavailable",
    "AuthFailure.SignatureExpire",
}
TENCENT_UNCERTAIN = {
    "InternalError", "InternalError.Timeout", "InternalError.RequestTimeException",
    "InternalError.SendAndRecvFail", "InternalError.RestApiInterfaceNotExist",
}
TENCENT_PERMANENT_PREFIXES = ("AuthFailure", "UnauthorizedOperation", "InvalidParameter",
                              "MissingParameter", "UnknownParameter", "UnsupportedOperation")
TENCENT_PERMANENT = {
    "FailedOperation.PhoneNumberInBlacklist", "FailedOperation.SignatureIncorrectOrUnapproved",
    "FailedOperation.TemplateIncorrectOrUnapproved", "FailedOperation.ContainSensitiveWord",
    "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
    "FailedOperation.PhoneNumberParseFail", "FailedOperation.MissingSignature",
    "FailedOperation.MissingTemplateToModify",
}


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac_sha256(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def tencent_authorization(*, secret_id: str, secret_key: str, host: str, action: str,
                          payload: bytes, timestamp: int) -> str:
    """The TC3-HMAC-SHA256 Authorization header for a JSON POST to `/`."""
    date = datetime.datetime.fromtimestamp(timestamp, datetime.UTC).strftime("%Y-%m-%d")
    signed_headers = "content-type;host;x-tc-action"
    canonical_request = "\n".join([
        "POST", "/", "",
        f"content-type:application/json; charset=utf-8\nhost:{host}\n"
        f"x-tc-action:{action.lower()}\n",
        signed_headers, _sha256_hex(payload)])
    scope = f"{date}/{TENCENT_SERVICE}/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), scope,
                         _sha256_hex(canonical_request.encode())])
    key = _hmac_sha256(f"TC3{secret_key}".encode(), date)
    key = _hmac_sha256(key, TENCENT_SERVICE)
    key = _hmac_sha256(key, "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
            f"SignedHeaders={signed_headers}, Signature={signature}")


def tencent_error(code: str, text: str) -> DeliveryError:
    described = f"Tencent Cloud SMS {code}: {text}"
    if code in TENCENT_UNCERTAIN:
        return DeliveryUncertain(described, code=code)
    permanent = code in TENCENT_PERMANENT or code.startswith(TENCENT_PERMANENT_PREFIXES)
    return DeliveryError(described, retryable=not permanent, code=code)


class TencentSms:
    """Tencent Cloud SMS (腾讯云短信): `SMS_BACKEND=songnuan.notify.providers.TencentSms`."""

    def send(self, message: Outbox) -> str | None:
        account = Account.from_settings(TENCENT_ENDPOINT, TENCENT_REGION)
        payload = json.dumps({
            "PhoneNumberSet": [f"+86{message.phone}"], "SmsSdkAppId": account.app_id,
            "SignName": account.sign_name,
            "TemplateId": account.template_for(message.purpose),
            "TemplateParamSet": [message.text], "SessionContext": message.idempotency_key,
        }, ensure_ascii=False).encode()
        host = urlsplit(account.endpoint).netloc
        timestamp = int(datetime.datetime.now(datetime.UTC).timestamp())
        headers = {
            "Content-Type": "application/json; charset=utf-8", "Host": host,
            "X-TC-Action": "SendSms", "X-TC-Version": TENCENT_VERSION,
            "X-TC-Timestamp": str(timestamp), "X-TC-Region": account.region,
            "Authorization": tencent_authorization(
                secret_id=account.key_id, secret_key=account.key_secret, host=host,
                action="SendSms", payload=payload, timestamp=timestamp),
        }
        body = answer_of(post(account.endpoint, account.timeout_s, data=payload,
                              headers=headers)).get("Response", {})
        if "Error" in body:
            raise tencent_error(str(body["Error"].get("Code", "unknown")),
                                str(body["Error"].get("Message", "")))
        statuses = body.get("SendStatusSet") or []
        if not statuses:
            raise DeliveryUncertain("Tencent Cloud SMS answered without a send status")
        status = statuses[0]
        if status.get("Code") == "Ok":
            return status.get("SerialNo") or body.get("RequestId")
        raise tencent_error(str(status.get("Code", "unknown")), str(status.get("Message", "")))
