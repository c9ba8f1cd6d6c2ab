"""Cold-weather supplies (御寒物资): items, the stock each site or squad holds with its reserve
level, and the append-only ledger of every movement in and out."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from songnuan.accounts.audit import AuditedModel
from songnuan.accounts.scoping import ScopedQuerySet, Scoping
from songnuan.supplies.holders import holder_kinds


class ItemKind(models.TextChoices):
    COAT = "coat", _("Cotton coat")
    QUILT = "quilt", _("Quilt")
    GLOVES = "gloves", _("Gloves")
    HAT = "hat", _("Hat")
    FOOD = "food", _("Food")
    HOT_DRINK = "hot_drink", _("Hot drink")
    WARMER = "warmer", _("Hand warmers")
    MEDICINE_KIT = "medicine_kit", _("Medicine kit")
    CONTACT_CARD = "contact_card", _("Contact card")
    OTHER = "other", _("Other")


class SupplyItem(AuditedModel):
    """One kind of thing handed out, counted in its unit (件, 床, 份 …)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    unit = models.CharField(_("unit"), max_length=10)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(city_wide=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("supply item")
        verbose_name_plural = _("supply items")

    def __str__(self) -> str:
        return self.name


def _members_q(path: str):
    """Rows of a squad's stock (reached by `path`) for the squad's own members: of each holder
    kind registered in `holders`, the holders the user belongs to."""
    def assigned(user) -> models.Q:
        found = models.Q(pk__in=[])
        for kind in holder_kinds():
            found |= models.Q(**{f"{path}{kind.field}_id__in": kind.member_of(user)})
        return found

    return assigned


class Stock(AuditedModel):
    """What one holder (a site or a squad) has of one item, and the reserve it should keep.

    `quantity` changes only through the ledger (`services`), never by editing the row.
    """

    item = models.ForeignKey(SupplyItem, verbose_name=_("item"), on_delete=models.PROTECT,
                             related_name="stocks")
    site = models.ForeignKey("network.Site", verbose_name=_("site"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="stocks")
    squad = models.ForeignKey("outreach.Squad", verbose_name=_("squad"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="stocks")
    district = models.ForeignKey("network.District", on_delete=models.PROTECT,
                                 related_name="stocks", editable=False)
    quantity = models.PositiveIntegerField(_("quantity"), default=0, editable=False)
    reserve_level = models.PositiveIntegerField(
        _("reserve level"), default=0,
        help_text=_("Below this the holder is warned to restock."))

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district", site="site", assigned=_members_q(""))
    audit_exclude = ("quantity",)  # the ledger is its history

    class Meta:
        ordering = ["item__kind", "item__name"]
        verbose_name = _("stock")
        verbose_name_plural = _("stocks")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(site__isnull=False, squad__isnull=True)
                           | models.Q(site__isnull=True, squad__isnull=False)),
                name="stock_one_holder"),
            models.CheckConstraint(condition=models.Q(quantity__gte=0),
                                   name="stock_never_negative"),
            models.UniqueConstraint(fields=["site", "item"], name="stock_once_per_site"),
            models.UniqueConstraint(fields=["squad", "item"], name="stock_once_per_squad"),
        ]

    def __str__(self) -> str:
        return f"{self.holder} · {self.item}"

    @property
    def holder(self):
        return self.site if self.site_id else self.squad

    @property
    def is_low(self) -> bool:
        return self.quantity < self.reserve_level


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    ISSUE = "issue", _("Issued to a person")
    ADJUSTMENT = "adjustment", _("Adjustment")


class Movement(models.Model):
    """One change to one stock (物资台账). Rows are only ever added: a correction is a new row.

    A transfer is two rows (out and in) sharing `transfer_id`; the stock's quantity is always
    the sum of its rows' `change`.
    """

    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind.choices)
    change = models.IntegerField(_("change"))
    balance = models.PositiveIntegerField(_("balance after"))
    counterpart = models.ForeignKey(Stock, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    transfer_id = models.UUIDField(null=True, blank=True, db_index=True)
    person = models.ForeignKey("people.Person", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="supply_movements")
    encounter = models.ForeignKey("outreach.Encounter", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="supply_movements")
    reason = models.CharField(_("reason or source"), max_length=200, blank=True)
    by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="stock__district", site="stock__site",
                      assigned=_members_q("stock__"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("supply movement")
        verbose_name_plural = _("supply movements")
        constraints = [models.CheckConstraint(condition=~models.Q(change=0),
                                              name="movement_changes_something")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.stock.item} {self.change:+d}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("The supplies ledger is append-only: add a correction."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The supplies ledger is append-only: add a correction."))

    @property
    def quantity(self) -> int:
        return abs(self.change)

