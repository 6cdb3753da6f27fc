"""Server-rendered charts (matplotlib, Agg): SVG for the pages, PNG for mail, PNG or PDF for
reports, from the same function. See docs/charts.md."""

from listener.charts.plots import Band, Marker, baseline_series, hbars, sentiment_volume
from listener.charts.render import FORMATS

__all__ = ["FORMATS", "Band", "Marker", "baseline_series", "hbars", "sentiment_volume"]
