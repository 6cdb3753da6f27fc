"""Times in and out of the service: everything is an aware UTC datetime."""

from __future__ import annotations

from datetime import UTC, datetime

from listener.errors import Unprocessable


def as_utc(value: datetime | str) -> datetime:
    """``value`` (a datetime, or an ISO string as SQLite hands back) as an aware UTC datetime; a
    value without a zone is taken as UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def aware(value: datetime | None, name: str) -> datetime | None:
    """Query-string times without a zone are taken as UTC."""
    if value is None:
        return None
    try:
        return as_utc(value)
    except OverflowError as exc:  # e.g. 0001-01-01T00:00+05:00 is before year 1 in UTC
        raise Unprocessable(f"{name} is out of range", details=[{"field": name}]) from exc
