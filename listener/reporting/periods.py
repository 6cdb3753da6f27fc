"""Time ranges for summaries and reports: the presets (24 h, 7 d, 30 d), the previous period of
the same length, the bucket size a chart of the range uses, and the calendar periods of scheduled
reports (a day, an ISO week from Monday, a month) in a brand's time zone, DST-safe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PRESETS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
FREQUENCIES = ("daily", "weekly", "monthly")
MAX_RANGE = timedelta(days=400)
HOURLY_UP_TO = timedelta(days=3)  # ranges this short are charted per hour, longer ones per day


@dataclass(frozen=True, slots=True)
class Range:
    """``[since, until)`` in aware UTC datetimes."""

    since: datetime
    until: datetime

    def __post_init__(self) -> None:
        if self.since.tzinfo is None or self.until.tzinfo is None:
            raise ValueError("a range needs aware datetimes")
        if self.since >= self.until:
            raise ValueError("since must be before until")

    @property
    def length(self) -> timedelta:
        return self.until - self.since

    @property
    def previous(self) -> Range:
        """The period of the same length just before this one."""
        return Range(self.since - self.length, self.since)

    @property
    def interval(self) -> str:
        """``hour`` for ranges up to three days, ``day`` above (what ``storage.stats.volume`` takes)."""
        return "hour" if self.length <= HOURLY_UP_TO else "day"


def preset(name: str, now: datetime) -> Range:
    """The last ``name`` (``24h``, ``7d`` or ``30d``) up to the end of ``now``'s hour."""
    if name not in PRESETS:
        raise ValueError(f"unknown range {name!r}; use one of {', '.join(PRESETS)} or since/until")
    end = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return Range(end - PRESETS[name], end)


def zone(name: str | None) -> ZoneInfo:
    """A time zone by IANA name (``UTC`` when empty); ValueError for an unknown name."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


@dataclass(frozen=True, slots=True)
class CalendarPeriod:
    """One scheduled report's period: ``label`` names it (``2026-W49``, ``2026-11``, ``2026-12-05``)
    and goes into the idempotency key; ``range`` is its UTC span."""

    frequency: str
    label: str
    range: Range


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def period_containing(frequency: str, day: date, tz: ZoneInfo) -> CalendarPeriod:
    """The daily, weekly (ISO, Monday first) or monthly period that contains local date ``day``.
    Its bounds are local midnights, so a week across a DST change is 167 or 169 hours long."""
    if frequency == "daily":
        start, end = day, day + timedelta(days=1)
        label = day.isoformat()
    elif frequency == "weekly":
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=7)
        year, week, _ = start.isocalendar()
        label = f"{year}-W{week:02d}"
    elif frequency == "monthly":
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
        label = f"{start:%Y-%m}"
    else:
        raise ValueError(f"unknown frequency {frequency!r}; use one of {', '.join(FREQUENCIES)}")
    return CalendarPeriod(frequency, label, Range(_local_midnight(start, tz), _local_midnight(end, tz)))


def last_complete(frequency: str, now: datetime, tz: ZoneInfo) -> CalendarPeriod:
    """The latest period of ``frequency`` that has ended at ``now`` (in ``tz``)."""
    today = now.astimezone(tz).date()
    current = period_containing(frequency, today, tz)
    before = current.range.since.astimezone(tz).date() - timedelta(days=1)
    return period_containing(frequency, before, tz)
