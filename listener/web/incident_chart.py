"""The spike chart on an incident's page: mentions per hour (per day for long incidents) of the
incident's brand from a day before it began, drawn over the band its baseline hours make (mean ± 2
standard deviations of the hours before it), with markers where it opened and resolved. SVG from
the charts module (``listener.charts``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from statistics import fmean, pstdev

from markupsafe import Markup
from sqlalchemy.orm import Session

from listener.charts import Band, Marker, baseline_series
from listener.storage.mentions import MentionFilter
from listener.storage.models import Incident
from listener.storage.stats import volume
from listener.storage.times import as_utc
from listener.web.i18n import gettext
from listener.web.svg import inline_svg

LEAD = timedelta(hours=24)  # baseline shown before the incident's first mention
TAIL = timedelta(hours=2)
LONG = timedelta(days=3)  # longer incidents are drawn per day


def spike_chart(session: Session, incident: Incident, now: datetime | None = None) -> Markup:
    """The incident's chart as inline SVG (call inside ``i18n.use_locale``: titles are translated)."""
    now = now or datetime.now(UTC)
    first, last = as_utc(incident.first_seen), as_utc(incident.last_seen)
    end_at = as_utc(incident.resolved_at) if incident.resolved_at else last
    since = first - LEAD
    until = min(max(end_at, last) + TAIL, max(now, last + timedelta(minutes=1)))
    interval = "day" if until - since > LONG else "hour"
    if interval == "day":
        since = first - timedelta(days=7)
    f = MentionFilter(brand_ids=[incident.brand_id] if incident.brand_id else None, since=since, until=until)
    buckets = volume(session, f, interval)
    before = [float(b["total"]) for b in buckets if b["bucket"] < first - (timedelta(hours=1))]
    mean = fmean(before) if before else None
    spread = 2 * pstdev(before) if len(before) > 1 else 0.0
    points = [
        Band(
            at=b["bucket"],
            value=float(b["total"]),
            expected=mean,
            low=max(0.0, mean - spread) if mean is not None else None,
            high=mean + spread if mean is not None else None,
        )
        for b in buckets
    ]
    markers = [Marker(as_utc(incident.opened_at), gettext("opened"), incident.severity)]
    if incident.resolved_at:
        markers.append(Marker(as_utc(incident.resolved_at), gettext("resolved"), "info"))
    svg = baseline_series(
        points,
        markers=markers,
        value_name=gettext("mentions per hour") if interval == "hour" else gettext("mentions per day"),
        band_name=gettext("usual range"),
        title=gettext("Mentions of the incident's brand against their usual range"),
        empty=gettext("No mentions in this period."),
        fmt="svg",
    )
    return inline_svg(svg)
