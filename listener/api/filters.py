"""The feed's query parameters, parsed once and shared by the feed, the stats and the export.

Multi-valued filters accept repeated parameters or commas (``platform=twitter,reddit``). Enum values
are checked here, so ``status=done`` is a 422 that lists the allowed values.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from listener.deps import SessionDep
from listener.errors import ListenerError, Unprocessable
from listener.storage.mentions import MentionFilter
from listener.storage.models import MENTION_KINDS, MENTION_STATUSES, SENTIMENT_LABELS, Brand


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for raw in values or [] for v in raw.split(",") if v.strip()]


def _check(name: str, values: list[str], allowed: tuple[str, ...]) -> list[str]:
    bad = [v for v in values if v not in allowed]
    if bad:
        raise Unprocessable(
            f"unknown {name} {', '.join(map(repr, bad))}; use one of {', '.join(allowed)}",
            details=[{"field": name, "message": f"allowed: {list(allowed)}"}],
        )
    return values


def resolve_brand(session: Session, brand: str) -> Brand:
    """A brand by id or (case-insensitive) name; 422 when there is none."""
    is_id = brand.isascii() and brand.isdigit() and len(brand) < 19  # not "²"; fits a BIGINT
    found = session.get(Brand, int(brand)) if is_id else None
    if found is None:
        found = session.scalar(select(Brand).where(func.lower(Brand.name) == brand.lower()))
    if found is None:
        raise Unprocessable(
            f"unknown brand {brand!r}", details=[{"field": "brand", "message": "no such brand"}]
        )
    return found


def aware(value: datetime | None, name: str) -> datetime | None:
    """Query-string times without a zone are taken as UTC."""
    if value is None:
        return None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError as exc:  # e.g. 0001-01-01T00:00+05:00 is before year 1 in UTC
        raise Unprocessable(f"{name} is out of range", details=[{"field": name}]) from exc


def mention_filter(
    session: SessionDep,
    brand: Annotated[str | None, Query(description="Brand id or name")] = None,
    platform: Annotated[list[str] | None, Query()] = None,
    kind: Annotated[list[str] | None, Query(description="post, comment, review, news")] = None,
    sentiment: Annotated[list[str] | None, Query(description="positive, negative, neutral, unscored")] = None,
    min_score: Annotated[float | None, Query(ge=-1, le=1)] = None,
    max_score: Annotated[float | None, Query(ge=-1, le=1)] = None,
    topic: Annotated[str | None, Query(max_length=100)] = None,
    language: Annotated[list[str] | None, Query()] = None,
    status: Annotated[list[str] | None, Query(description=", ".join(MENTION_STATUSES))] = None,
    assignee: Annotated[str | None, Query(max_length=200)] = None,
    tag: Annotated[str | None, Query(max_length=64)] = None,
    min_reach: Annotated[int | None, Query(ge=0)] = None,
    since: Annotated[datetime | None, Query(description="ISO time, inclusive (UTC if no zone)")] = None,
    until: Annotated[datetime | None, Query(description="ISO time, exclusive")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text contains (case-insensitive)")] = None,
    hide_duplicates: bool = False,
) -> MentionFilter:
    """The filters from the query string."""
    if min_score is not None and max_score is not None and min_score > max_score:
        raise Unprocessable("min_score is above max_score", details=[{"field": "min_score"}])
    since, until = aware(since, "since"), aware(until, "until")
    if since and until and since >= until:
        raise Unprocessable("since must be before until", details=[{"field": "since"}])
    return MentionFilter(
        brand_ids=[resolve_brand(session, brand).id] if brand else None,
        platforms=_split(platform),
        kinds=_check("kind", _split(kind), MENTION_KINDS),
        labels=_check("sentiment", _split(sentiment), SENTIMENT_LABELS),
        min_score=min_score,
        max_score=max_score,
        topic=topic or None,
        languages=_split(language),
        statuses=_check("status", _split(status), MENTION_STATUSES),
        assignee=assignee or None,
        tag=tag or None,
        min_reach=min_reach,
        since=since,
        until=until,
        q=q or None,
        hide_duplicates=hide_duplicates,
    )


FilterDep = Annotated[MentionFilter, Depends(mention_filter, scope="function")]


def encode_cursor(position: tuple[datetime, int] | None) -> str | None:
    """An opaque cursor for a keyset position."""
    if position is None:
        return None
    raw = json.dumps([position[0].isoformat(), position[1]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The keyset position in a cursor; 400 for anything this service did not hand out."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        when, ident = json.loads(raw)
        at = datetime.fromisoformat(when)
        if at.tzinfo is None or not isinstance(ident, int) or isinstance(ident, bool):
            raise ValueError
        if not -(2**63) <= ident < 2**63:
            raise ValueError
        return at.astimezone(UTC), ident
    except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError) as exc:
        raise ListenerError(
            "invalid cursor: pass back the next_cursor of a previous page unchanged", code="invalid_cursor"
        ) from exc
