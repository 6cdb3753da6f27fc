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

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from listener.reporting.files import report_files
from listener.reporting.mail import mail_payload
from listener.reporting.periods import CalendarPeriod, last_complete, period_containing, zone
from listener.settings import Settings
from listener.storage.models import Brand, Channel, Notification, ReportSchedule

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
            key = idempotency_key(schedule, period, locale)
            if session.scalar(select(Notification.id).where(Notification.idempotency_key == key)):
                continue
            files = report_files(
                session, brand, period.range, locale, base_url=settings.base_url, label=period.label,
                csv_limit=settings.report_csv_max_rows, tz=zone(schedule.timezone),
            )  # fmt: skip
            meta = {"brand": brand.name if brand else None, "schedule_id": schedule.id,
                    "period": {"frequency": period.frequency, "label": period.label,
                               "since": period.range.since.isoformat(),
                               "until": period.range.until.isoformat()}}  # fmt: skip
            row = Notification(
                incident_id=None, channel_id=schedule.channel_id, kind="report", idempotency_key=key,
                payload=mail_payload(files, recipients=emails, meta=meta), status="pending", attempts=0,
                next_attempt_at=now,
            )  # fmt: skip
            try:
                with session.begin_nested():
                    session.add(row)
            except IntegrityError:  # another worker queued it first
                log.info("report %s was queued by another worker", key)
                continue
            queued.append(row)
    return queued
