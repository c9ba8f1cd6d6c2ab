"""Charts of the report documents, drawn on the server with matplotlib (Agg, no display) in the
Noto Sans CJK font the system provides, as PNG bytes.

matplotlib is loaded the first time a chart is drawn: it takes half a second to import, which
every web process would otherwise pay at start (see `documents`)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from songnuan.analytics.figures import ColdNight

# Debian's fonts-noto-cjk; DejaVu (which has no Chinese) is the fallback where it is missing.
CJK_FONTS = (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
             Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"))
DPI = 150


@cache
def _matplotlib():
    """matplotlib's font manager, Figure and integer tick locator, drawing without a display."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    return font_manager, Figure, MaxNLocator


@cache
def _font():
    font_manager, _figure, _locator = _matplotlib()
    for path in CJK_FONTS:
        if path.exists():
            return font_manager.FontProperties(fname=str(path))
    return font_manager.FontProperties(family="DejaVu Sans")


def _png(figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, bbox_inches="tight")
    return out.getvalue()


def found_vs_cold(nights: list[ColdNight], *, title: str, people: str, leads: str,
                  minimum: str) -> bytes:
    """People found and leads per night (bars) against the night's minimum temperature (line)."""
    _fonts, Figure, MaxNLocator = _matplotlib()  # noqa: N806 (classes)
    font = _font()
    figure = Figure(figsize=(8, 3.6))
    axes = figure.subplots()
    days = [f"{n.night:%m-%d}" for n in nights]
    positions = range(len(nights))
    axes.bar([p - 0.2 for p in positions], [n.people for n in nights], 0.4, label=people,
             color="#c2410c")
    axes.bar([p + 0.2 for p in positions], [n.leads for n in nights], 0.4, label=leads,
             color="#94a3b8")
    axes.set_xticks(list(positions), days, rotation=90 if len(days) > 14 else 0, fontsize=7)
    step = max(1, len(days) // 30)
    for index, label in enumerate(axes.get_xticklabels()):
        label.set_visible(index % step == 0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    cold = axes.twinx()
    temps = [(p, n.min_c) for p, n in zip(positions, nights, strict=True) if n.min_c is not None]
    if temps:
        cold.plot([p for p, _t in temps], [t for _p, t in temps], color="#1d4ed8", marker=".",
                  label=minimum)
    cold.set_ylabel("°C")
    axes.set_title(title, fontproperties=font)
    handles = axes.get_legend_handles_labels()
    more = cold.get_legend_handles_labels()
    # Below the axes, where it hides no bar: the busiest nights reach the top corners.
    axes.legend(handles[0] + more[0], handles[1] + more[1], prop=font, loc="upper center",
                bbox_to_anchor=(0.5, -0.32 if len(days) > 14 else -0.12), ncol=3,
                frameon=False)
    return _png(figure)


def bars(labels: list[str], values: list[int], *, title: str) -> bytes:
    """One horizontal bar per label (leads by district, say)."""
    _fonts, Figure, MaxNLocator = _matplotlib()  # noqa: N806 (classes)
    font = _font()
    figure = Figure(figsize=(8, max(2.0, 0.4 * len(labels) + 1)))
    axes = figure.subplots()
    axes.barh(labels, values, color="#c2410c")
    for label in axes.get_yticklabels():
        label.set_fontproperties(font)
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    for index, value in enumerate(values):
        axes.text(value, index, f" {value}", va="center", fontsize=8)
    axes.set_title(title, fontproperties=font)
    return _png(figure)
