"""Supplies input checked at the edge: which holder, which item, how many, and why."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from songnuan.accounts.scoping import may_place_in
from songnuan.network.models import Site
from songnuan.supplies.holders import field_of, holder_kinds
from songnuan.supplies.models import SupplyItem
from songnuan.supplies.services import Holder


def holder_key(holder: Holder) -> str:
    """"site:ID" or "squad:ID", as `services.holder_key_of` names a stock row's holder."""
    return f"{field_of(holder)}:{holder.pk}"


def visible_holders(user) -> list[Holder]:
    """Sites and squads whose stock the user may see, sites first."""
    sites = Site.objects.restrict(user, "view").select_related("district").order_by(
        "district__code", "level", "name")
    others = [row for kind in holder_kinds() for row in kind.visible(user)]
    return [*sites, *others]


def may_stock(user, holder: Holder) -> bool:
    """May the user move goods in or out of this holder's stock?"""
    site_id = holder.pk if isinstance(holder, Site) else None
    return may_place_in(user, holder.district_id, site_id)


def writable_holders(user) -> list[Holder]:
    return [holder for holder in visible_holders(user) if may_stock(user, holder)]


def transfer_targets(user, sources: list[Holder]) -> list[Holder]:
    """Where goods may go: any holder the user stocks, and the sites and squads of the
    sources' districts (a station stocks its district's squads without managing them)."""
    districts = {holder.district_id for holder in sources}
    near = [*Site.objects.filter(district_id__in=districts).select_related("district")
            .order_by("district__code", "level", "name"),
            *(row for kind in holder_kinds() for row in kind.in_districts(districts))]
    keys = {holder_key(h) for h in near}
    return near + [h for h in writable_holders(user) if holder_key(h) not in keys]


class HolderField(forms.ChoiceField):
    """A site or squad, chosen by "site:ID" / "squad:ID" among the holders given."""

    def __init__(self, holders: list[Holder], **kwargs) -> None:
        self.holders = {holder_key(h): h for h in holders}
        super().__init__(choices=[(key, _label(h)) for key, h in self.holders.items()],
                         **kwargs)

    def clean(self, value):
        return self.holders[super().clean(value)]


def _label(holder: Holder) -> str:
    return f"{holder.district} · {holder.name}"


class MovementForm(forms.Form):
    item = forms.ModelChoiceField(SupplyItem.objects.filter(is_active=True), label=_("Item"))

    def __init__(self, *args, holders: list[Holder], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"holder": HolderField(holders, label=_("Holder")), **self.fields}


class ReceiveForm(MovementForm):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000)
    source = forms.CharField(label=_("Received from"), max_length=200, required=False,
                             help_text=_("Supplier, donor or allocation document."))


class AdjustForm(MovementForm):
    change = forms.IntegerField(label=_("Change"), min_value=-100000, max_value=100000,
                                help_text=_("Negative to take away, positive to add."))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ReserveForm(MovementForm):
    reserve_level = forms.IntegerField(label=_("Reserve level"), min_value=0, max_value=100000,
                                       help_text=_("Below this the holder is warned to restock."))


class TransferForm(MovementForm):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000)
    reason = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, holders: list[Holder], targets: list[Holder],
                 **kwargs) -> None:
        super().__init__(*args, holders=holders, **kwargs)
        self.user = user
        self.fields["holder"].label = pgettext_lazy("transfer", "From")
        self.fields = {"holder": self.fields["holder"],
                       "target": HolderField(targets, label=pgettext_lazy("transfer", "To")),
                       **{k: v for k, v in self.fields.items() if k != "holder"}}

    def clean(self):
        data = super().clean()
        source, target = data.get("holder"), data.get("target")
        if source is not None and target is not None:
            if holder_key(source) == holder_key(target):
                self.add_error("target", _("Choose a different holder to transfer to."))
            elif source.district_id != target.district_id and not may_stock(self.user, target):
                self.add_error("target", _("Transfers go to a holder in the same district."))
        return data
