"""Calendar periods of scheduled reports across DST: local midnights, labels from the local
calendar, due once at the local send hour."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from listener.reporting.periods import Range, last_complete, period_containing, preset, zone
from listener.reporting.schedule import due_period, idempotency_key, send_time, upcoming
from listener.storage.alert_models import ReportSchedule

BERLIN = zone("Europe/Berlin")  # DST ends 25 October 2026 (a 25-hour Sunday)


def schedule(frequency: str, **kw) -> ReportSchedule:  # type: ignore[no-untyped-def]
    created = kw.pop("created_at", datetime(2026, 1, 1, tzinfo=UTC))
    return ReportSchedule(id=7, brand_id=3, channel_id=1, frequency=frequency, timezone="Europe/Berlin",
                          send_hour=kw.pop("send_hour", 8), created_at=created, recipients=[], enabled=True,
                          created_by="t")  # fmt: skip


def test_a_week_across_the_dst_change_is_169_hours_and_named_by_the_calendar() -> None:
    week = period_containing("weekly", date(2026, 10, 21), BERLIN)
    assert week.label == "2026-W43"
    assert week.range.since == datetime(2026, 10, 18, 22, 0, tzinfo=UTC)  # Monday 00:00 CEST
    assert week.range.until == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)  # Monday 00:00 CET
    assert week.range.length == timedelta(hours=169)
    month = period_containing("monthly", date(2026, 10, 1), BERLIN)
    assert month.label == "2026-10" and month.range.length == timedelta(days=31, hours=1)
    day = period_containing("daily", date(2026, 10, 25), BERLIN)
    assert day.label == "2026-10-25" and day.range.length == timedelta(hours=25)


@pytest.mark.parametrize("frequency", ["daily", "weekly", "monthly"])
def test_each_period_is_due_once_hour_by_hour_through_dst(frequency: str) -> None:
    s = schedule(frequency)
    keys = []
    at = datetime(2026, 10, 1, tzinfo=UTC)
    while at < datetime(2026, 11, 10, tzinfo=UTC):
        period = due_period(s, at)
        if period is not None:
            keys.append(idempotency_key(s, period, "tr"))
            assert at >= send_time(s, period)
        at += timedelta(minutes=30)
    distinct = list(dict.fromkeys(keys))
    labels = [k.split(f"-{frequency}-", 1)[1].removesuffix("-tr") for k in distinct]
    if frequency == "weekly":
        assert "2026-W43" in labels and "2026-W44" in labels
    if frequency == "daily":
        assert "2026-10-25" in labels and "2026-10-26" in labels
    if frequency == "monthly":
        assert labels == ["2026-08", "2026-09", "2026-10"]  # August until 1 October, 08:00
    # consecutive, no period skipped or named twice
    assert len(labels) == len(set(labels))


def test_due_at_the_local_send_hour_not_before() -> None:
    s = schedule("weekly", send_hour=9)
    week_43 = period_containing("weekly", date(2026, 10, 21), BERLIN)
    monday_9_cet = datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    assert send_time(s, week_43) == monday_9_cet
    assert due_period(s, monday_9_cet - timedelta(minutes=1)).label == "2026-W42"
    assert due_period(s, monday_9_cet).label == "2026-W43"
    nxt, when = upcoming(s, monday_9_cet)
    assert nxt.label == "2026-W44" and when == datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def test_nothing_is_sent_for_periods_that_ended_before_the_schedule() -> None:
    s = schedule("monthly", created_at=datetime(2026, 10, 15, tzinfo=UTC))
    assert due_period(s, datetime(2026, 10, 20, tzinfo=UTC)) is None
    assert due_period(s, datetime(2026, 11, 1, 12, tzinfo=UTC)).label == "2026-10"


def test_last_complete_and_presets() -> None:
    assert last_complete("weekly", datetime(2026, 10, 26, 0, 30, tzinfo=UTC), BERLIN).label == "2026-W43"
    r = preset("7d", datetime(2026, 12, 6, 3, 10, tzinfo=UTC))
    assert r == Range(datetime(2026, 11, 29, 4, tzinfo=UTC), datetime(2026, 12, 6, 4, tzinfo=UTC))
    assert r.previous.until == r.since and r.interval == "day" and preset("24h", r.until).interval == "hour"
    with pytest.raises(ValueError, match="unknown time zone"):
        zone("Mars/Olympus")
