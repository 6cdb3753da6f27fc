"""The charts Listener draws: mentions over time stacked by sentiment with incident markers, a
series against its expected band (an incident's spike), and horizontal bars (share of voice,
platform mix, top topics). Each returns SVG, PNG or PDF bytes from the same drawing code.

Text on a chart (legend names, titles, the empty message) comes from the caller, already
translated; dates on the axes are numeric (``06.12``, ``14:00``), so no month names need a locale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator, PercentFormatter

from listener.charts.render import figure, save

LABELS = ("positive", "neutral", "negative", "unscored")  # bottom to top
COLORS = {"positive": "#1e8e3e", "neutral": "#9aa0a6", "negative": "#d93025", "unscored": "#dadce0"}
SEVERITY_COLORS = {"critical": "#a50e0e", "warning": "#e37400", "info": "#1a73e8"}
ACCENT, MUTED = "#1a73e8", "#a8c7fa"
WIDE, BARS_WIDTH = (8.0, 3.0), 6.0


@dataclass(frozen=True, slots=True)
class Marker:
    """A moment to mark on a time chart: an incident opening (``severity`` picks the colour)."""

    at: datetime
    label: str = ""
    severity: str = "warning"


@dataclass(frozen=True, slots=True)
class Band:
    """One point of a series with what was expected there: ``low``..``high`` is the normal band."""

    at: datetime
    value: float
    expected: float | None = None
    low: float | None = None
    high: float | None = None


def _time_axis(ax: Axes, tz: tzinfo) -> None:
    locator = mdates.AutoDateLocator(tz=tz, minticks=3, maxticks=9)
    formatter = mdates.ConciseDateFormatter(
        locator,
        tz=tz,
        formats=["%Y", "%m.%Y", "%d.%m", "%H:%M", "%H:%M", "%S"],
        zero_formats=["", "%Y", "%d.%m", "%d.%m", "%H:%M", "%H:%M"],
        offset_formats=["", "%Y", "%m.%Y", "%d.%m.%Y", "%d.%m.%Y", "%d.%m.%Y %H:%M"],
    )
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=1))
    ax.grid(axis="x", visible=False)


def _empty(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#5f6368")
    ax.set_xticks([])
    ax.set_yticks([])


def _markers(ax: Axes, markers: Sequence[Marker]) -> None:
    top = ax.get_ylim()[1]
    for m in markers:
        color = SEVERITY_COLORS.get(m.severity, SEVERITY_COLORS["warning"])
        ax.axvline(mdates.date2num(m.at), color=color, linewidth=1.1, linestyle=(0, (3, 2)), zorder=3)
        ax.plot(
            [mdates.date2num(m.at)], [top], marker="v", color=color, markersize=6, clip_on=False, zorder=4
        )
        if m.label:
            ax.annotate(
                m.label[:40], (mdates.date2num(m.at), top), xytext=(3, -2), textcoords="offset points",
                fontsize=7, color=color, va="top", clip_on=False,
            )  # fmt: skip


def sentiment_volume(
    buckets: Sequence[Mapping[str, Any]],
    *,
    step: timedelta,
    markers: Sequence[Marker] = (),
    names: Mapping[str, str] | None = None,
    title: str = "",
    empty: str = "No mentions in this period",
    tz: tzinfo = UTC,
    fmt: str = "svg",
    size: tuple[float, float] = WIDE,
) -> bytes:
    """Mentions per bucket stacked by sentiment label (``buckets`` as ``storage.stats.volume``
    returns them: ``bucket`` plus one count per label), ``step`` wide, with a dashed line per
    marker. ``names`` translates the label names in the legend."""
    names = {label: label for label in LABELS} | dict(names or {})
    with figure(size) as fig:
        ax = fig.add_subplot()
        if not buckets or not any(int(b.get("total", 0) or 0) for b in buckets):
            _empty(ax, empty)
        else:
            x = [mdates.date2num(b["bucket"]) for b in buckets]
            width = step / timedelta(days=1) * 0.85
            bottom = [0] * len(buckets)
            for label in LABELS:
                heights = [int(b.get(label, 0) or 0) for b in buckets]
                if not any(heights):
                    continue
                ax.bar(
                    x, heights, width, bottom=bottom, align="edge", color=COLORS[label], label=names[label]
                )
                bottom = [s + h for s, h in zip(bottom, heights, strict=True)]
            _time_axis(ax, tz)
            ax.set_xlim(x[0], x[-1] + step / timedelta(days=1))
            ax.set_ylim(0, max(bottom) * 1.12 + 1)
            _markers(ax, [m for m in markers if x[0] <= mdates.date2num(m.at) <= x[-1] + width])
            ax.legend(loc="upper left", ncols=4, fontsize=8, bbox_to_anchor=(0, 1.16))
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontsize=10)
        return save(fig, fmt, title=title)


def baseline_series(
    points: Sequence[Band],
    *,
    markers: Sequence[Marker] = (),
    value_name: str = "mentions",
    band_name: str = "expected range",
    title: str = "",
    empty: str = "No data",
    tz: tzinfo = UTC,
    fmt: str = "svg",
    size: tuple[float, float] = WIDE,
) -> bytes:
    """A series (``Band.value``) as a line over its expected band (``low``..``high``, shaded, with
    ``expected`` dotted): the picture of a spike against its baseline."""
    with figure(size) as fig:
        ax = fig.add_subplot()
        if not points:
            _empty(ax, empty)
        else:
            x = [mdates.date2num(p.at) for p in points]
            banded = [
                (xi, p) for xi, p in zip(x, points, strict=True) if p.low is not None and p.high is not None
            ]
            if banded:
                ax.fill_between(
                    [b[0] for b in banded], [b[1].low for b in banded], [b[1].high for b in banded],
                    color=MUTED, alpha=0.45, linewidth=0, label=band_name, step="mid",
                )  # fmt: skip
            expected = [(xi, p.expected) for xi, p in zip(x, points, strict=True) if p.expected is not None]
            if expected:
                ax.plot(*zip(*expected, strict=True), color=ACCENT, linewidth=1, linestyle=":")
            dots = "o" if len(points) <= 48 else None
            ax.plot(x, [p.value for p in points], color="#202124", linewidth=1.6, label=value_name,
                    drawstyle="steps-mid", marker=dots, markersize=2.5)  # fmt: skip
            _time_axis(ax, tz)
            high = max([p.value for p in points] + [b[1].high or 0 for b in banded])
            ax.set_ylim(0, high * 1.15 + 1)
            _markers(ax, markers)
            ax.legend(loc="upper left", ncols=2, fontsize=8, bbox_to_anchor=(0, 1.16))
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontsize=10)
        return save(fig, fmt, title=title)


def hbars(
    items: Sequence[tuple[str, float]],
    *,
    highlight: str | None = None,
    percent: bool = False,
    title: str = "",
    empty: str = "No data",
    fmt: str = "svg",
    width: float = BARS_WIDTH,
) -> bytes:
    """Horizontal bars, the first item on top, each with its value written at its end; the item
    named ``highlight`` (the own brand) in the accent colour, the others muted. ``percent``: values
    are shares (0..1) shown as percentages."""
    height = 0.6 + 0.32 * max(len(items), 1) + (0.3 if title else 0)
    with figure((width, height)) as fig:
        ax = fig.add_subplot()
        if not items:
            _empty(ax, empty)
        else:
            names = [_short(name) for name, _ in items][::-1]
            values = [float(v) for _, v in items][::-1]
            colors = [ACCENT if highlight is None or n == highlight else MUTED for n, _ in items][::-1]
            bars = ax.barh(range(len(values)), values, color=colors, height=0.66)
            ax.set_yticks(range(len(values)), names)
            ax.tick_params(axis="y", length=0)
            ax.grid(axis="y", visible=False)
            ax.spines["left"].set_visible(False)
            shown = [f"{v:.0%}" if percent else f"{v:,.0f}" for v in values]
            ax.bar_label(bars, shown, padding=3, fontsize=8, color="#3c4043")
            ax.set_xlim(0, (max(values) or 1) * 1.18)
            if percent:
                ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=not percent))
        if title:
            ax.set_title(title, loc="left", fontsize=10)
        return save(fig, fmt, title=title)


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
