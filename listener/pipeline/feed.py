"""The feed: its keyset cursor codec and the API shape of stored mentions, shared by the API's
feed and the feed page."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.errors import ListenerError
from listener.schemas.mentions import AuthorRead, MentionRead, SentimentRead
from listener.storage.mentions import linked_brand_ids
from listener.storage.models import Brand, Mention


def encode_cursor(position: tuple[datetime, int] | None) -> str | None:
    """An opaque cursor for a keyset position."""
    if position is None:
        return None
    raw = json.dumps([position[0].isoformat(), position[1]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


MAX_CURSOR = 500


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The keyset position in a cursor; 400 for anything this service did not hand out."""
    if not cursor:
        return None
    try:
        if len(cursor) > MAX_CURSOR:  # ours are under 100 characters
            raise ValueError
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


def brand_names(session: Session) -> dict[int, str]:
    """Every brand's name by id."""
    return {i: n for i, n in session.execute(select(Brand.id, Brand.name))}


def mention_reads(session: Session, rows: list[Mention]) -> list[MentionRead]:
    """The API shapes of ``rows``, their extra brand links read in one query."""
    names = brand_names(session)
    extra = linked_brand_ids(session, [m.id for m in rows])
    return [mention_read(m, names, extra.get(m.id, ())) for m in rows]


def mention_read(m: Mention, names: dict[int, str], extra_brand_ids: Iterable[int] = ()) -> MentionRead:
    """The API shape of one stored mention. Built without validation (``model_construct``): the
    values come from typed columns, and the feed builds 200 of these per page. ``brands`` is the
    primary brand, then the extra links (``extra_brand_ids``) by name."""
    primary = names.get(m.brand_id) if m.brand_id is not None else None
    others = sorted(n for n in (names.get(b) for b in extra_brand_ids) if n is not None and n != primary)
    return MentionRead.model_construct(
        id=m.id,
        platform=m.platform,
        external_id=m.external_id,
        brand=primary,
        brands=([primary] if primary else []) + others,
        url=m.url,
        kind=m.kind,
        title=m.title,
        text=m.text,
        author=AuthorRead.model_construct(handle=m.author_handle, name=m.author_name, reach=m.author_reach),
        engagement=m.engagement or {},
        rating=m.rating,
        details=m.details or {},
        in_reply_to=m.in_reply_to,
        published_at=m.published_at,
        collected_at=m.collected_at,
        language=m.language,
        language_confidence=m.language_confidence,
        sentiment=SentimentRead.model_construct(
            score=m.sentiment_score,
            label=m.sentiment_label,
            drivers=m.sentiment_drivers or [],
            overridden_by=m.sentiment_override_by,
            overridden_at=m.sentiment_override_at,
        ),
        topics=m.topics or [],
        entities=m.entities or [],
        crisis_terms=m.crisis_terms or [],
        keyphrases=m.keyphrases or [],
        duplicate_of=m.duplicate_of,
        status=m.status,
        assignee=m.assignee,
        tags=m.tags or [],
        notes=m.notes or [],
        updated_at=m.updated_at,
    )
