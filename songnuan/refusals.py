"""One way for a service to refuse: `Refused(message, field=None, code=None)`.

A service raises it with a sentence the user can act on, in their language, and the input at
fault where there is one. A web view puts it on its form with `add_to_form`; the API answers it
as `{"message", "errors": [{"field", "message", "type"}]}` with the exception's status: 422 for
what was sent, 409 (`Conflict`) for the state of things (taken by another, already closed).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

NON_FIELD = None


class Refused(Exception):
    """An action refused with a reason; `field` names the input at fault, `code` the kind."""

    status = 422

    def __init__(self, message: Any, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field or None
        self.code = code or "refused"

    def errors(self) -> list[dict[str, str]]:
        """The API's `errors` list: one entry when a field is at fault, none otherwise."""
        if self.field is None:
            return []
        return [{"field": self.field, "message": str(self.message), "type": self.code}]

    def body(self) -> dict[str, Any]:
        return {"message": str(self.message), "errors": self.errors()}

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries besides the body (a 429's `Retry-After`)."""
        return {}


class Conflict(Refused):
    """Refused for the state of things rather than for what was sent."""

    status = 409

    def __init__(self, message: Any, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message, field, code or "conflict")


def refusals_of(error: ValidationError) -> list[Refused]:
    """A model's `full_clean` errors as refusals, one per message, in the order Django gives."""
    return [Refused(message, field=None if name == NON_FIELD_ERRORS else name)
            for name, messages in error.message_dict.items() for message in messages]


def add_to_form(form: forms.BaseForm, refused: Refused) -> None:
    """Show a refusal on the form: under its field when the form has one, above it otherwise."""
    field = refused.field if refused.field in form.fields else NON_FIELD
    form.add_error(field, str(refused.message))


def form_errors_text(form: forms.BaseForm) -> str:
    """A form's errors in one line, for a page that cannot show the form itself."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)
