"""A period summary as a report document in one language: the headline numbers, the charts (drawn
on demand, each once), the tables and the representative mentions. Every string is translated
here, through the pages' gettext catalogues (``listener.web.i18n``)."""

from __future__ import annotations

import re
from datetime import UTC, time, timedelta, tzinfo
from functools import cache, partial
from typing import Any
from urllib.parse import urlencode

from listener.charts import Marker, hbars, sentiment_volume
from listener.reporting.document import Figure, Kpi, Quote, ReportDoc, Table
from listener.reporting.periods import Range
from listener.storage.stats import STEP
from listener.web.i18n import N_, format_day, format_number, format_share, format_when, gettext, use_locale

KIND_TITLES = {"topics": N_("topic"), "hashtags": N_("hashtag"), "terms": N_("term")}


def slug(name: str) -> str:
    """A file-name-safe form of a brand name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "brand"


def period_text(rng: Range, tz: tzinfo = UTC) -> str:
    """``6 Nov 2026 – 12 Nov 2026`` when the range is whole days in ``tz``, else with times (UTC)."""
    since, until = rng.since.astimezone(tz), rng.until.astimezone(tz)
    if since.time() == time(0) and until.time() == time(0):
        first, last = since.date(), until.date() - timedelta(days=1)
        return format_day(first) if last == first else f"{format_day(first)} – {format_day(last)}"
    return f"{format_when(rng.since, 'short')} – {format_when(rng.until, 'short')}"


def _delta(now: float | None, before: float | None, *, points: bool = False) -> str:
    """The change as ``+12%`` (relative) or ``+3.2 pp`` (percentage points), per locale."""
    if now is None or before is None or (not points and not before):
        return "–"
    change = (now - before) * 100 if points else (now - before) / before
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    if points:
        return sign + gettext("%(n)s pp", n=format_number(abs(change), 1))
    return sign + format_share(abs(change))


def _tone(now: float | None, before: float | None, bad_when_up: bool) -> str:
    if now is None or before is None or now == before:
        return "neutral"
    return "bad" if (now > before) == bad_when_up else "good"


def kpis(s: dict[str, Any]) -> list[Kpi]:
    """Mentions, negative share, positive share and responses, against the previous period."""
    c, p = s["counts"], s["previous_counts"]
    pos_now = c["positive"] / c["total"] if c["total"] else None
    pos_before = p["positive"] / p["total"] if p["total"] else None
    r = s["responses"]
    minutes = r["median_minutes_to_first_response"]
    return [
        Kpi(gettext("Mentions"), format_number(c["total"]),
            gettext("before: %(n)s", n=format_number(p["total"])), _delta(c["total"], p["total"])),
        Kpi(gettext("Negative share"), format_share(s["negative_share"], 1),
            gettext("before: %(n)s", n=format_share(s["previous_negative_share"], 1)),
            _delta(s["negative_share"], s["previous_negative_share"], points=True),
            _tone(s["negative_share"], s["previous_negative_share"], bad_when_up=True)),
        Kpi(gettext("Positive share"), format_share(pos_now, 1),
            gettext("before: %(n)s", n=format_share(pos_before, 1)),
            _delta(pos_now, pos_before, points=True), _tone(pos_now, pos_before, bad_when_up=False)),
        Kpi(gettext("Response rate"), format_share(r["response_rate"] if r["mentions"] else None, 0),
            gettext("%(n)s of %(total)s answered",
                    n=format_number(r["responded"]), total=format_number(r["mentions"])),
            gettext("median first reply: %(t)s", t=duration(minutes)) if minutes is not None else "–"),
    ]  # fmt: skip


def duration(minutes: float) -> str:
    """``45 min``, ``3.5 h`` or ``2.1 d`` in the current locale."""
    if minutes < 90:
        return gettext("%(n)s min", n=format_number(minutes))
    if minutes < 48 * 60:
        return gettext("%(n)s h", n=format_number(minutes / 60, 1))
    return gettext("%(n)s d", n=format_number(minutes / 1440, 1))


def figures(s: dict[str, Any], tz: tzinfo = UTC) -> list[Figure]:
    """The volume chart with incident markers and the three bar charts, texts translated now."""
    names = {label: gettext(label) for label in ("positive", "negative", "neutral", "unscored")}
    markers = [Marker(i["opened_at"], f"#{i['id']}", i["severity"]) for i in s["incidents"]]
    voice = [(v["brand"], v["share"]) for v in s["share_of_voice"]]
    top_topics = [(t.replace("_", " "), n) for t, n in s["trends"]["top"]["topics"]]
    empty = gettext("No mentions in this period")
    specs = [
        ("volume", gettext("Mentions over time, by sentiment"), False,
         partial(sentiment_volume, s["series"], step=STEP[s["interval"]], markers=markers, names=names,
                 empty=empty, tz=tz)),
        ("voice", gettext("Share of voice"), True,
         partial(hbars, voice, highlight=s["brand"], percent=True, empty=empty)),
        ("platforms", gettext("Platforms"), True, partial(hbars, s["platforms"], empty=empty)),
        ("topics", gettext("Top topics"), False, partial(hbars, top_topics, empty=empty, width=8.0)),
    ]  # fmt: skip
    out = []
    for key, title, half, draw in specs:
        out.append(Figure(key, title, cache(lambda fmt, d=draw, t=title: d(fmt=fmt, title=t)), half))
    return out


def tables(s: dict[str, Any]) -> list[Table]:
    """Rising topics/hashtags/terms, top authors, incidents and share of voice, as text."""
    rising = [
        [gettext(KIND_TITLES[kind]), t["term"].replace("_", " "), format_number(t["count"]),
         format_number(t["baseline_count"]), f"×{format_number(t['lift'], 1)}"]
        for kind in ("topics", "hashtags", "terms") for t in s["trends"][kind][:5]
    ]  # fmt: skip
    authors = [
        [a["name"] if a["name"] == a["handle"] else f"{a['name']} (@{a['handle']})", a["platform"],
         format_number(a["mentions"]), format_number(a["reach"]),
         format_number(a["average_sentiment"], 2) if a["average_sentiment"] is not None else "–",
         format_number(a["influence"], 1)]
        for a in s["authors"]
    ]  # fmt: skip
    outcomes = {
        "resolved": gettext("resolved"),
        "acknowledged": gettext("acknowledged"),
        "open": gettext("open"),
    }
    incidents = [
        [format_when(i["opened_at"], "short"), i["rule"], gettext(i["severity"]),
         outcomes[i["outcome"]] + (f" ({duration(i['minutes_open'])})" if i["minutes_open"] else ""),
         i["summary"][:140]]
        for i in s["incidents"]
    ]  # fmt: skip
    voice = [
        [v["brand"], format_number(v["mentions"]), format_share(v["share"], 1), format_number(v["negative"])]
        for v in s["share_of_voice"]
    ]
    _ = gettext
    return [
        Table(_("Rising above their usual level"),
              [_("Kind"), _("Term"), _("Mentions"), _("Before"), _("Lift")], rising,
              _("Nothing rose clearly above its usual level."), frozenset({2, 3, 4}), [1.2, 3, 1.2, 1.2, 1]),
        Table(_("Share of voice"), [_("Brand"), _("Mentions"), _("Share"), _("Negative")], voice,
              _("No mentions in this period"), frozenset({1, 2, 3}), [3, 1.2, 1.2, 1.2]),
        Table(_("Top authors by influence"),
              [_("Author"), _("Platform"), _("Mentions"), _("Reach"), _("Avg. sentiment"), _("Influence")],
              authors, _("No authors in this period"), frozenset({2, 3, 4, 5}), [3.2, 1.4, 1, 1.2, 1.2, 1]),
        Table(_("Incidents"), [_("Opened"), _("Rule"), _("Severity"), _("Outcome"), _("Summary")], incidents,
              _("No incidents in this period."), frozenset(), [1.6, 1.6, 1, 1.6, 4]),
    ]  # fmt: skip


def _quote(m: Any) -> Quote:
    who = m.author_name or m.author_handle or "?"
    meta = f"{who} · {m.platform} · {format_when(m.published_at, 'short')}"
    url = m.url if isinstance(m.url, str) and m.url.startswith(("https://", "http://")) else None
    return Quote(meta, (m.title + " — " if m.title else "") + m.text, url)


def build(
    s: dict[str, Any], *, locale: str, base_url: str = "", label: str | None = None, tz: tzinfo = UTC
) -> ReportDoc:
    """The report document of summary ``s`` in ``locale``; ``label`` names a scheduled period
    (``2026-W47``) in the file name, else the dates do; dates of the period and the chart's axis
    are in ``tz`` (a schedule's time zone)."""
    rng: Range = s["range"]
    brand = s["brand"]
    default_label = f"{rng.since:%Y%m%d}-{rng.until:%Y%m%d}"
    with use_locale(locale):
        title = gettext("Brand report") if brand else gettext("Report for all brands")
        name = brand or gettext("All brands")
        query = {
            "since": rng.since.isoformat(),
            "until": rng.until.isoformat(),
            **({"brand": brand} if brand else {}),
        }
        return ReportDoc(
            locale=locale,
            title=title,
            subtitle=f"{name} · {period_text(rng, tz)}",
            period_note=gettext("Compared with %(period)s", period=period_text(s["previous"], tz)),
            generated_at=rng.until,
            filename=f"{slug(brand or 'all-brands')}-{label or default_label}-{locale}",
            kpis=kpis(s),
            figures=figures(s, tz),
            tables=tables(s),
            quotes=[
                (gettext("Negative mentions that stood out"), [_quote(m) for m in s["samples"]["negative"]]),
                (gettext("Positive mentions that stood out"), [_quote(m) for m in s["samples"]["positive"]]),
            ],
            footer=gettext("Listener · %(period)s · times in UTC", period=period_text(rng, tz)),
            link=f"{base_url.rstrip('/')}/overview?{urlencode(query)}" if base_url else None,
            link_text=gettext("Open the overview for this period"),
        )  # fmt: skip
