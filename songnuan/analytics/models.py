"""Analytics keeps no data of its own: its figures are read from the other apps' rows.

`Figure` holds no rows. It stands for "the analytics figures" so that roles can grant
`analytics.view` (which becomes `analytics.view_figure`) like any other permission.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Figure(models.Model):
    class Meta:
        default_permissions = ("view",)
        verbose_name = _("analytics figure")
        verbose_name_plural = _("analytics figures")
