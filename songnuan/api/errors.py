"""Field messages of the API's validation errors in the caller's language.

Pydantic words its errors in English; each common kind gets a translatable sentence here, with
the limits it names. A validator's own message (already translated) is kept as it is.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, Any] = {
    "missing": _("This field is required."),
    "int_parsing": _("Enter a whole number."),
    "int_type": _("Enter a whole number."),
    "int_from_float": _("Enter a whole number."),
    "float_parsing": _("Enter a number."),
    "float_type": _("Enter a number."),
    "finite_number": _("Enter a number."),
    "bool_parsing": _("Enter true or false."),
    "bool_type": _("Enter true or false."),
    "string_type": _("Enter text."),
    "string_too_short": _("Enter at least %(min_length)s characters."),
    "string_too_long": _("Enter at most %(max_length)s characters."),
    "string_pattern_mismatch": _("This value is not in the expected form."),
    "greater_than_equal": _("Enter a value of at least %(ge)s."),
    "greater_than": _("Enter a value above %(gt)s."),
    "less_than_equal": _("Enter a value of at most %(le)s."),
    "less_than": _("Enter a value below %(lt)s."),
    "enum": _("Choose one of: %(expected)s."),
    "literal_error": _("Choose one of: %(expected)s."),
    "datetime_parsing": _("Enter a date and time such as 2026-12-04T21:30:00+08:00."),
    "datetime_from_date_parsing": _("Enter a date and time such as 2026-12-04T21:30:00+08:00."),
    "datetime_type": _("Enter a date and time such as 2026-12-04T21:30:00+08:00."),
    "date_parsing": _("Enter a date such as 2026-12-04."),
    "date_from_datetime_parsing": _("Enter a date such as 2026-12-04."),
    "date_type": _("Enter a date such as 2026-12-04."),
    "list_type": _("Send a list."),
    "too_short": _("Send at least %(min_length)s items."),
    "too_long": _("Send at most %(max_length)s items."),
    "dict_type": _("Send an object."),
    "model_type": _("Send an object."),
    "model_attributes_type": _("Send an object."),
    "json_invalid": _("The body is not valid JSON."),
}
OWN_MESSAGE_PREFIXES = ("Value error, ", "Assertion failed, ")


def field_message(error: dict[str, Any]) -> str:
    """One pydantic error (type, msg, ctx) as a sentence in the active language."""
    message = MESSAGES.get(error.get("type", ""))
    if message is None:
        text = str(error.get("msg", ""))
        for prefix in OWN_MESSAGE_PREFIXES:
            text = text.removeprefix(prefix)
        return text
    ctx = {key: _shown(value) for key, value in (error.get("ctx") or {}).items()}
    try:
        return str(message) % ctx
    except (KeyError, TypeError, ValueError):
        return str(message).split("%(")[0].rstrip(" :")


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
