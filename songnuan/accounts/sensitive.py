"""Sensitive fields shown in edit forms are logged as read, as the pages that show them are.

An edit form pre-filled with a file's health notes shows them as surely as the file's page does.
A form lists the sensitive fields it may show in `sensitive_fields_shown`; rendering one that
holds a value on file logs the read (once per object and request, with the page's other reads).
Pages use the `{% sensitive %}` template tag (accounts/templatetags/sensitive.py) instead.
"""

from __future__ import annotations

from django.forms.boundfield import BoundField

from songnuan.accounts import audit


class SensitiveBoundField(BoundField):
    def as_widget(self, widget=None, attrs=None, only_initial=False):
        instance = getattr(self.form, "instance", None)
        if getattr(instance, "pk", None) is not None and self.initial not in (None, "", [], ()):
            audit.record_sensitive_read(instance, [self.name])
        return super().as_widget(widget, attrs, only_initial)


class AuditsSensitiveFields:
    """Form mixin: its `sensitive_fields_shown` render through `SensitiveBoundField`."""

    sensitive_fields_shown: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.sensitive_fields_shown:
            if name in self.fields:
                self.fields[name].bound_field_class = SensitiveBoundField
