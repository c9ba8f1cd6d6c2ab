"""The reasons `sameness` gives for two reports being (or not being) about the same people, as
staff read them: "+1.3 same coat colour: blue", "−5.0 sex differs: man / woman"."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from songnuan.leads.models import Flag
from songnuan.words import listed

VALUE_LABELS = {
    "male": gettext_lazy("man"), "female": gettext_lazy("woman"),
    "child": gettext_lazy("child"), "young": gettext_lazy("young"),
    "middle": gettext_lazy("middle-aged"), "elderly": gettext_lazy("elderly"),
    "coat": gettext_lazy("coat"), "trousers": gettext_lazy("trousers"), "hat": gettext_lazy("hat"),
    "scarf": gettext_lazy("scarf"), "shoes": gettext_lazy("shoes"),
    "blue": gettext_lazy("blue"), "red": gettext_lazy("red"), "pink": gettext_lazy("pink"),
    "orange": gettext_lazy("orange"), "yellow": gettext_lazy("yellow"),
    "green": gettext_lazy("green"), "black": gettext_lazy("black"),
    "white": gettext_lazy("white"), "grey": gettext_lazy("grey"), "brown": gettext_lazy("brown"),
    "purple": gettext_lazy("purple"), "patterned": gettext_lazy("patterned"),
    "camouflage": gettext_lazy("camouflage"),
    "lying": gettext_lazy("lying"), "sitting": gettext_lazy("sitting"),
    "standing": gettext_lazy("standing or walking"),
    "wheelchair": gettext_lazy("a wheelchair"), "crutch": gettext_lazy("a crutch"),
    "dog": gettext_lazy("a dog"), "bedding": gettext_lazy("bedding"),
    "luggage": gettext_lazy("bags or luggage"), "cardboard": gettext_lazy("cardboard"),
    "cart": gettext_lazy("a cart or tricycle"),
}


def _label(value) -> str:
    if isinstance(value, list):
        return listed(_label(item) for item in value)
    flags = dict(Flag.choices)
    return str(VALUE_LABELS.get(value) or flags.get(value) or value)


def _text(code: str, params: dict) -> str:
    shown = {name: _label(value) for name, value in params.items()}
    texts = {
        "place": lambda: _("%(metres)s m apart") % shown,
        "no_place": lambda: _("one of the reports has no coordinates"),
        "time": lambda: _("%(minutes)s min apart") % shown,
        "crowd": lambda: _("%(count)s other open leads around: a busy place") % shown,
        "sex_agree": lambda: _("same sex: %(sex)s") % shown,
        "sex_conflict": lambda: _("sex differs: %(first)s / %(second)s") % shown,
        "age_agree": lambda: _("same age group: %(age)s") % shown,
        "age_neighbour": lambda: _("close age groups: %(first)s / %(second)s") % shown,
        "age_conflict": lambda: _("age groups differ: %(first)s / %(second)s") % shown,
        "colour_agree": lambda: _("same %(garment)s colour: %(first)s") % shown,
        "colour_near": lambda: _("similar %(garment)s colours: %(first)s / %(second)s") % shown,
        "colour_conflict": lambda: _("%(garment)s colour differs: %(first)s / %(second)s")
        % shown,
        "garment_agree": lambda: _("both mention %(garments)s") % shown,
        "posture_agree": lambda: _("both saw the person %(posture)s") % shown,
        "posture_conflict": lambda: _("posture differs: %(first)s / %(second)s") % shown,
        "item_agree": lambda: _("both mention %(item)s") % shown,
        "count_agree": lambda: _("same number of people: %(first)s") % shown,
        "count_near": lambda: _("number of people differs: %(first)s / %(second)s") % shown,
        "count_conflict": lambda: _("number of people differs: %(first)s / %(second)s") % shown,
        "flags_agree": lambda: _("both saw: %(flags)s") % shown,
        "same_words": lambda: _("the same words"),
        "photo_same": lambda: _("nearly identical photos"),
        "photo_similar": lambda: _("similar photos"),
        "photo_different": lambda: _("different photos"),
    }
    return texts[code]() if code in texts else code


def explain(reason: dict) -> str:
    """One reason with its weight in log-odds: "+1.3 same coat colour: blue"."""
    weight = float(reason["weight"])
    sign = "+" if weight >= 0 else "−"
    return f"{sign}{abs(weight):.1f} {_text(reason['code'], reason.get('params', {}))}"


def explanation(reasons: list[dict]) -> list[str]:
    return [explain(reason) for reason in reasons]
