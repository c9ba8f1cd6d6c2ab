"""Checking what a browser sends to subscribe to Web Push."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _


class SubscriptionForm(forms.Form):
    endpoint = forms.URLField(max_length=1000, assume_scheme="https",
                               label=_("push service address"))
    p256dh = forms.RegexField(r"^[A-Za-z0-9_\-]+={0,2}$", max_length=200, label=_("public key"))
    auth = forms.RegexField(r"^[A-Za-z0-9_\-]+={0,2}$", max_length=100, label=_("secret"))

    @classmethod
    def from_body(cls, body: bytes) -> SubscriptionForm:
        """The form bound to `PushSubscription.toJSON()`: {endpoint, keys: {p256dh, auth}}."""
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
        return cls({"endpoint": data.get("endpoint", ""), "p256dh": keys.get("p256dh", ""),
                    "auth": keys.get("auth", "")})
