"""The feed: its keyset cursor codec, the API shape of stored mentions (shared by the API's feed and
the feed page), and the API's feed page as JSON bytes built straight from one row query.

``feed_json`` is the hot path of ``GET /api/v1/mentions``: the page's columns (primary brand name
and extra brand names included, as correlated subqueries) come back as plain tuples, the JSON
columns as their stored text (spliced in with ``orjson.Fragment``, never parsed and re-encoded),
and orjson writes the page in ``MentionRead``'s field order; no ORM objects, no pydantic models.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Select, Text, cast, func, select
from sqlalchemy.orm import Session

from listener.errors import ListenerError
from listener.schemas.mentions import AuthorRead, MentionRead, SentimentRead
from listener.storage.mentions import MentionFilter, linked_brand_ids, page_select
from listener.storage.models import Brand, Mention, MentionBrand


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


def _raw(column: Any) -> Any:
    """A JSON column as its stored text."""
    return cast(column, Text)


def _feed_columns(dialect: str) -> Select[Any]:
    """The page's columns in ``MentionRead`` order, brand names included."""
    agg = func.json_agg if dialect == "postgresql" else func.json_group_array
    extra = (
        select(cast(agg(Brand.name), Text))
        .select_from(MentionBrand)
        .join(Brand, Brand.id == MentionBrand.brand_id)
        .where(MentionBrand.mention_id == Mention.id)
        .scalar_subquery()
    )
    primary = select(Brand.name).where(Brand.id == Mention.brand_id).scalar_subquery()
    m = Mention
    return select(
        m.id, m.platform, m.external_id, primary, extra, m.url, m.kind, m.title, m.text,
        m.author_handle, m.author_name, m.author_reach, _raw(m.engagement), m.rating, _raw(m.details),
        m.in_reply_to, m.published_at, m.collected_at, m.language, m.language_confidence,
        m.sentiment_score, m.sentiment_label, _raw(m.sentiment_drivers), m.sentiment_override_by,
        m.sentiment_override_at, _raw(m.topics), _raw(m.entities), _raw(m.crisis_terms),
        _raw(m.keyphrases), m.duplicate_of, m.status, m.assignee, _raw(m.tags), _raw(m.notes),
        m.updated_at,
    )  # fmt: skip


_COLUMNS: dict[str, Select[Any]] = {}
_PUBLISHED_AT = 16  # published_at's position in ``_feed_columns`` (the cursor's time)
_EMPTY_LIST, _EMPTY_DICT = orjson.Fragment(b"[]"), orjson.Fragment(b"{}")


def _json(text: str | None, empty: orjson.Fragment) -> orjson.Fragment:
    return orjson.Fragment(text) if text and text != "null" else empty


def _item(r: tuple[Any, ...]) -> dict[str, Any]:
    (ident, platform, external_id, primary, extra, url, kind, title, text, handle, name, reach,
     engagement, rating, details, in_reply_to, published_at, collected_at, language, language_confidence,
     score, label, drivers, override_by, override_at, topics, entities, crisis_terms, keyphrases,
     duplicate_of, status, assignee, tags, notes, updated_at) = r  # fmt: skip
    brands = [primary] if primary else []
    if extra:
        brands += sorted(n for n in orjson.loads(extra) if n is not None and n != primary)
    return {
        "id": ident, "platform": platform, "external_id": external_id, "brand": primary,
        "brands": brands, "url": url, "kind": kind, "title": title, "text": text,
        "author": {"handle": handle, "name": name, "reach": reach},
        "engagement": _json(engagement, _EMPTY_DICT), "rating": rating,
        "details": _json(details, _EMPTY_DICT), "in_reply_to": in_reply_to, "published_at": published_at,
        "collected_at": collected_at, "language": language, "language_confidence": language_confidence,
        "sentiment": {
            "score": score, "label": label, "drivers": _json(drivers, _EMPTY_LIST),
            "overridden_by": override_by, "overridden_at": override_at,
        },
        "topics": _json(topics, _EMPTY_LIST), "entities": _json(entities, _EMPTY_LIST),
        "crisis_terms": _json(crisis_terms, _EMPTY_LIST), "keyphrases": _json(keyphrases, _EMPTY_LIST),
        "duplicate_of": duplicate_of, "status": status, "assignee": assignee,
        "tags": _json(tags, _EMPTY_LIST), "notes": _json(notes, _EMPTY_LIST), "updated_at": updated_at,
    }  # fmt: skip


def feed_json(session: Session, f: MentionFilter, *, after: tuple[datetime, int] | None, limit: int) -> bytes:
    """One page of the feed (``Page[MentionRead]``) as JSON bytes: the same items, order and cursor
    as ``feed_page`` + ``mention_reads``, from one row query (see the module docstring)."""
    dialect = session.get_bind().dialect.name
    base = _COLUMNS.get(dialect)
    if base is None:
        base = _COLUMNS[dialect] = _feed_columns(dialect)
    rows = session.execute(page_select(session, f, after=after, limit=limit, base=base)).all()
    position = None
    if len(rows) > limit:
        rows = rows[:limit]
        position = (rows[-1][_PUBLISHED_AT], rows[-1][0])
    page = {"items": [_item(r) for r in rows], "next_cursor": encode_cursor(position)}
    return orjson.dumps(page, option=orjson.OPT_UTC_Z)
