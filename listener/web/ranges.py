"""The brand and time range a page was asked for (``brand``, ``range`` = 24h / 7d / 30d / custom,
``since``/``until`` as dates or ISO times), shared by the overview, authors and trends pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.deps import make_range
from listener.errors import Unprocessable
from listener.reporting.periods import PRESETS, Range
from listener.storage.lookup import resolve_brand_or_all
from listener.storage.mentions import MentionFilter
from listener.storage.models import Brand
from listener.web.i18n import translate
from listener.web.session import PageUser


def parse_when(value: str, name: str, *, end: bool) -> datetime | None:
    """A date (``2026-11-19``: its midnight; as an end, the next midnight, so the day is included)
    or an ISO time from the query string; Unprocessable for anything else."""
    if not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            at = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return at + timedelta(days=1) if end else at
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError as exc:
        raise Unprocessable(f"{name}: not a date", details=[{"field": name}]) from exc


def page_range(
    session: Session, brand: str, range_: str, since: str, until: str
) -> tuple[Brand | None, Range]:
    """The brand (None: all brands) and range the query string asks for; a custom range's ``until``
    day is included. Unprocessable naming the field when either is unusable."""
    found = resolve_brand_or_all(session, brand)
    preset = range_ if range_ in PRESETS else "7d"
    if range_ != "custom":
        return found, make_range(None, None, preset)
    return found, make_range(
        parse_when(since, "since", end=False), parse_when(until, "until", end=True), preset
    )


@dataclass(frozen=True, slots=True)
class Asked:
    """The brand and period fields of a page's query string, as given."""

    brand: str
    range: str
    since: str
    until: str


def asked(
    brand: Annotated[str, Query(max_length=200)] = "",
    range: Annotated[str, Query(max_length=10)] = "7d",  # noqa: A002
    since: Annotated[str, Query(max_length=40)] = "",
    until: Annotated[str, Query(max_length=40)] = "",
) -> Asked:
    """The brand and period fields from the query string."""
    return Asked(brand, range, since, until)


AskedDep = Annotated[Asked, Depends(asked)]


def page_context(session: Session, who: PageUser, ask: Asked) -> tuple[Brand | None, Range, dict[str, Any]]:
    """The brand (None: all) and range asked for, and the page context of the brand and period form
    (``brands``, ``chosen``, ``range``, ``since_day``, ``until_day``, ``period``, and ``error``
    with the range falling back to the last 7 days of all brands when the request was unusable)."""
    error, range_ = None, ask.range
    try:
        found, rng = page_range(session, ask.brand, ask.range, ask.since, ask.until)
    except Unprocessable as exc:
        error = translate(who.locale, "That brand or range cannot be shown: %(why)s", why=exc.message)
        found, rng, range_ = None, make_range(None, None, "7d"), "7d"
    context = {
        "brands": list(session.scalars(select(Brand.name).order_by(Brand.name))),
        "chosen": found.name if found else "",
        "range": range_ if range_ in (*PRESETS, "custom") else "7d",
        "since_day": rng.since.date().isoformat(),
        "until_day": (rng.until - timedelta(seconds=1)).date().isoformat(),
        "error": error,
        "period": rng,
    }
    return found, rng, context


def brand_filter(found: Brand | None, rng: Range | None = None) -> MentionFilter:
    """The mentions of ``found`` (None: all brands), within ``rng`` when given."""
    brand_ids = [found.id] if found else None
    if rng is None:
        return MentionFilter(brand_ids=brand_ids)
    return MentionFilter(brand_ids=brand_ids, since=rng.since, until=rng.until)
