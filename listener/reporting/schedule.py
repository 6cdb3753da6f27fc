"""Scheduled reports: which period of each enabled ``ReportSchedule`` is due, and queueing it into
the outbox once.

A schedule's period is a calendar day, ISO week or month in its time zone; its report is due from
``send_hour`` local time on the day the period ends (the next period's first day). Exactly once per
schedule, period and recipient language: the idempotency key ``report-b{brand}-s{schedule}-
{frequency}-{label}-{locale}`` (``label``: ``2026-11-19``, ``2026-W47``, ``2026-11``) is unique in
the outbox, so several workers, restarts and DST changes (the label is the local calendar, never
a count of hours) never send a period twice. A worker that was down catches up on the latest due
period only; a schedule never sends a period that ended before the schedule was created.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.reporting.files import report_files
from listener.reporting.mail import mail_payload
from listener.reporting.periods import CalendarPeriod, last_complete, period_containing, zone
from listener.settings import Settings
from listener.storage.alert_models import ReportSchedule
from listener.storage.models import Brand, Channel, Notification
from listener.storage.outbox import queue_once

log = logging.getLogger(__name__)


def send_time(schedule: ReportSchedule, period: CalendarPeriod) -> datetime:
    """When ``period``'s report is due: ``send_hour`` local time on the day it ends."""
    tz = zone(schedule.timezone)
    end = period.range.until.astimezone(tz).date()
    return datetime(end.year, end.month, end.day, schedule.send_hour, tzinfo=tz)


def due_period(schedule: ReportSchedule, now: datetime) -> CalendarPeriod | None:
    """The latest period whose report is due at ``now`` (None before the first one)."""
    tz = zone(schedule.timezone)
    period = last_complete(schedule.frequency, now, tz)
    if now < send_time(schedule, period):
        before = period.range.since.astimezone(tz).date() - timedelta(days=1)
        period = period_containing(schedule.frequency, before, tz)
    if schedule.created_at is not None and period.range.until <= schedule.created_at:
        return None
    return period


def upcoming(schedule: ReportSchedule, now: datetime) -> tuple[CalendarPeriod, datetime]:
    """The next period to be sent after ``now`` and when it goes out."""
    tz = zone(schedule.timezone)
    period = period_containing(schedule.frequency, now.astimezone(tz).date(), tz)
    if send_time(schedule, period) <= now:  # this period's report already went: the next one
        period = period_containing(schedule.frequency, period.range.until.astimezone(tz).date(), tz)
    return period, send_time(schedule, period)


def idempotency_key(schedule: ReportSchedule, period: CalendarPeriod, locale: str) -> str:
    """The outbox key of one schedule's report for one period and language."""
    return f"report-b{schedule.brand_id}-s{schedule.id}-{period.frequency}-{period.label}-{locale}"


def by_locale(schedule: ReportSchedule) -> dict[str, list[str]]:
    """The schedule's recipients grouped by language."""
    out: dict[str, list[str]] = defaultdict(list)
    for r in schedule.recipients or []:
        out[str(r.get("locale") or "en")].append(str(r["email"]))
    return dict(sorted(out.items()))


def report_payload(
    session: Session,
    schedule: ReportSchedule,
    brand: Brand | None,
    period: CalendarPeriod,
    locale: str,
    emails: list[str],
    settings: Settings,
) -> dict[str, Any]:
    """The outbox payload of one schedule's report for one period and language: the rendered mail
    with its files, for ``emails``."""
    files = report_files(
        session, brand, period.range, locale, base_url=settings.base_url, label=period.label,
        csv_limit=settings.report_csv_max_rows, tz=zone(schedule.timezone),
    )  # fmt: skip
    meta = {"brand": brand.name if brand else None, "schedule_id": schedule.id,
            "period": {"frequency": period.frequency, "label": period.label,
                       "since": period.range.since.isoformat(),
                       "until": period.range.until.isoformat()}}  # fmt: skip
    return mail_payload(files, recipients=emails, meta=meta)


def queue_due(session: Session, now: datetime, settings: Settings) -> list[Notification]:
    """Queue every due report not queued yet (one outbox row per language); returns the new rows."""
    queued = []
    stmt = (
        select(ReportSchedule)
        .join(Channel, Channel.id == ReportSchedule.channel_id)
        .where(ReportSchedule.enabled.is_(True), Channel.enabled.is_(True))
        .order_by(ReportSchedule.id)
    )
    for schedule in session.scalars(stmt):
        period = due_period(schedule, now)
        if period is None:
            continue
        brand = session.get(Brand, schedule.brand_id)
        for locale, emails in by_locale(schedule).items():
            row = queue_once(
                session, key=idempotency_key(schedule, period, locale), channel_id=schedule.channel_id,
                kind="report", now=now,
                payload=partial(report_payload, session, schedule, brand, period, locale, emails, settings),
            )  # fmt: skip
            if row is not None:
                queued.append(row)
    return queued
