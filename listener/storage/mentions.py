"""Mention queries: idempotent bulk insert, the filtered keyset feed, updates with an audit trail.

Functions take a session and flush; the caller commits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import chain
from typing import Any

import orjson
from sqlalchemy import JSON, Select, and_, delete, func, insert, or_, select, text, tuple_, update
from sqlalchemy.orm import Session, aliased

from listener.storage.base import UTCDateTime
from listener.storage.copy import copy_insert
from listener.storage.jsonlist import json_list_contains
from listener.storage.models import Mention, MentionBrand

log = logging.getLogger(__name__)

Key = tuple[str, str]
_KEY_CHUNK = 500  # (platform, external_id) pairs per IN (...) lookup
_JSON_COLUMNS = {c.name for c in Mention.__table__.columns if isinstance(c.type, JSON)}
# how each column is bound on SQLite: "json", "time" (UTCDateTime) or None (as is)
_SQLITE_KINDS: dict[str, str | None] = {
    c.name: "json" if isinstance(c.type, JSON) else "time" if isinstance(c.type, UTCDateTime) else None
    for c in Mention.__table__.columns
}


@dataclass(slots=True)
class MentionFilter:
    """The feed's filters; every field is optional and they combine with AND."""

    brand_ids: list[int] | None = None
    platforms: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    min_score: float | None = None
    max_score: float | None = None
    topic: str | None = None
    languages: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    assignee: str | None = None
    tag: str | None = None
    min_reach: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str | None = None
    hide_duplicates: bool = False
    ids: list[int] | None = None  # these mentions and their near-duplicate copies (an incident's evidence)


def existing_keys(session: Session, keys: Iterable[Key]) -> set[Key]:
    """The (platform, external_id) pairs among ``keys`` that are already stored (one query with
    array parameters on PostgreSQL, one per platform on SQLite; never 2 x 500 placeholders per
    chunk)."""
    keys = list(keys)
    if not keys:
        return set()
    if session.get_bind().dialect.name == "postgresql":
        stmt = text(
            "SELECT platform, external_id FROM mention WHERE (platform, external_id) IN "
            "(SELECT * FROM unnest(CAST(:platforms AS text[]), CAST(:ids AS text[])))"
        )
        params = {"platforms": [p for p, _ in keys], "ids": [e for _, e in keys]}
        return {(p, e) for p, e in session.execute(stmt, params)}
    # SQLite: one query per platform, the ids as one JSON array parameter (json_each), not a
    # compiled tuple IN of 2 x 500 placeholders per chunk
    by_platform: dict[str, list[str]] = {}
    for p, e in keys:
        by_platform.setdefault(p, []).append(e)
    conn = session.connection()
    found: set[Key] = set()
    for p, ids in by_platform.items():
        found.update(
            (p, e)
            for (e,) in conn.exec_driver_sql(
                "SELECT external_id FROM mention WHERE platform = ? AND external_id IN "
                "(SELECT value FROM json_each(?))",
                (p, orjson.dumps(ids).decode()),
            )
        )
    return found


def insert_new(session: Session, rows: Sequence[dict[str, Any]]) -> list[tuple[int, str, str]]:
    """Insert ``rows`` (column dicts, all with the same keys), skipping any whose (platform,
    external_id) exists; returns ``(id, platform, external_id)`` of the rows created. Safe against a
    concurrent writer inserting the same keys (ON CONFLICT DO NOTHING).

    PostgreSQL: COPY into a temporary table, then one ``INSERT … SELECT … ON CONFLICT DO NOTHING
    RETURNING`` (a multi-row VALUES of 1,000 rows x 30 columns costs psycopg more in parsing its
    placeholders than the server spends inserting). SQLite: one multi-row ``INSERT … RETURNING`` per
    1,000 rows through Core (SQLAlchemy's insertmanyvalues). Never the ORM, no identity map."""
    if not rows:
        return []
    if session.get_bind().dialect.name == "postgresql":
        returning = "id, platform, external_id"
        created = copy_insert(session, "mention", rows, _JSON_COLUMNS, "platform, external_id", returning)
        return [(i, p, e) for i, p, e in created]
    return _sqlite_insert_new(session, rows)


# SQLite's own limit on parameters in one statement (SQLITE_MAX_VARIABLE_NUMBER since 3.32)
_SQLITE_MAX_PARAMS = 32_766
_SQLITE_CHUNK = 500  # rows per statement: the same few SQL texts each time (sqlite3 caches them)


def _sqlite_column(kind: str | None, values: list[Any]) -> list[Any]:
    """One column's values as SQLAlchemy's SQLite types bind them: JSON as orjson text (None as
    ``null``), ``UTCDateTime`` as naive UTC ``YYYY-MM-DD HH:MM:SS.ffffff`` text (naive refused)."""
    if kind is None:
        return values
    if kind == "json":
        dumps, opt = orjson.dumps, orjson.OPT_NON_STR_KEYS
        return [dumps(v, option=opt).decode() for v in values]
    if any(v is not None and v.tzinfo is None for v in values):
        raise ValueError("naive datetime given to a UTC column; attach a timezone")
    return [
        None if v is None else v.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        for v in values
    ]


def _sqlite_insert_new(session: Session, rows: Sequence[dict[str, Any]]) -> list[tuple[int, str, str]]:
    """SQLite: one multi-row ``INSERT … ON CONFLICT DO NOTHING RETURNING`` per ``_SQLITE_CHUNK``
    rows, the values converted here column by column and sent to the driver as they are
    (SQLAlchemy's insertmanyvalues ran a bind processor per value and rebuilt the statement per
    batch: about as long as the insert itself)."""
    columns = list(rows[0])
    if set(columns) - _SQLITE_KINDS.keys():
        raise ValueError(f"not mention columns: {sorted(set(columns) - _SQLITE_KINDS.keys())}")
    per = min(_SQLITE_CHUNK, _SQLITE_MAX_PARAMS // len(columns))
    one = "(" + ", ".join("?" * len(columns)) + ")"
    head = f"INSERT INTO mention ({', '.join(columns)}) VALUES "
    tail = " ON CONFLICT (platform, external_id) DO NOTHING RETURNING id, platform, external_id"
    conn = session.connection()
    out: list[tuple[int, str, str]] = []
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        by_column = [_sqlite_column(_SQLITE_KINDS[c], [row[c] for row in chunk]) for c in columns]
        params = tuple(chain.from_iterable(zip(*by_column, strict=True)))
        sql = head + ", ".join([one] * len(chunk)) + tail
        out.extend((i, p, e) for i, p, e in conn.exec_driver_sql(sql, params))
    return out


def _in(column: Any, values: Sequence[Any]) -> Any:
    return column.in_(list(values)) if len(values) != 1 else column == values[0]


def extra_link_ids(brand_ids: Sequence[int]) -> Select[Any]:
    """The ids of mentions with an extra (non-primary) link to one of ``brand_ids``."""
    return select(MentionBrand.mention_id).where(_in(MentionBrand.brand_id, brand_ids))


def brand_condition(brand_ids: Sequence[int]) -> Any:
    """Mentions linked to any of ``brand_ids``: as their primary brand or by an extra link."""
    return or_(_in(Mention.brand_id, brand_ids), Mention.id.in_(extra_link_ids(brand_ids)))


def insert_links(session: Session, links: Iterable[tuple[int, int, datetime]]) -> None:
    """Bulk-insert extra ``(mention_id, brand_id, published_at)`` links (never a mention's primary
    brand; ``published_at`` is the mention's)."""
    rows = {(m, b): {"mention_id": m, "brand_id": b, "published_at": at} for m, b, at in links}
    if rows:
        session.execute(insert(MentionBrand), list(rows.values()))


def linked_brand_ids(session: Session, mention_ids: Iterable[int]) -> dict[int, list[int]]:
    """``{mention_id: [extra brand id, ...]}`` for the given mentions (absent: no extra link)."""
    ids = list(dict.fromkeys(mention_ids))
    out: dict[int, list[int]] = {}
    for start in range(0, len(ids), _KEY_CHUNK):
        stmt = select(MentionBrand.mention_id, MentionBrand.brand_id).where(
            MentionBrand.mention_id.in_(ids[start : start + _KEY_CHUNK])
        )
        for mention_id, brand_id in session.execute(stmt):
            out.setdefault(mention_id, []).append(brand_id)
    return out


def promote_links(session: Session, brand_id: int) -> int:
    """Before brand ``brand_id`` is deleted: each mention whose primary brand it is and that has an
    extra link gets that other brand (the lowest id) as its primary; returns how many. Mentions
    without another link become unlinked (``brand_id`` NULL) when the brand goes."""
    other = (
        select(func.min(MentionBrand.brand_id))
        .where(MentionBrand.mention_id == Mention.id, MentionBrand.brand_id != brand_id)
        .correlate(Mention)
        .scalar_subquery()
    )
    moved = session.execute(
        update(Mention)
        .where(Mention.brand_id == brand_id, other.is_not(None))
        .values(brand_id=other)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved:
        session.execute(
            delete(MentionBrand)
            .where(
                select(Mention.id)
                .where(Mention.id == MentionBrand.mention_id, Mention.brand_id == MentionBrand.brand_id)
                .correlate(MentionBrand)
                .exists()
            )
            .execution_options(synchronize_session=False)
        )
    return int(moved or 0)


def apply_filter(stmt: Select[Any], f: MentionFilter) -> Select[Any]:
    """Add the WHERE clauses for ``f`` to a select over ``Mention``. ``brand_ids`` keeps a mention
    linked to any of them (primary or extra link)."""
    conds: list[Any] = []
    if f.brand_ids is not None:
        conds.append(brand_condition(f.brand_ids) if f.brand_ids else Mention.brand_id.in_([]))
    for column, values in (
        (Mention.platform, f.platforms),
        (Mention.kind, f.kinds),
        (Mention.sentiment_label, f.labels),
        (Mention.language, f.languages),
        (Mention.status, f.statuses),
    ):
        if values:
            conds.append(column.in_(values) if len(values) > 1 else column == values[0])
    if f.min_score is not None:
        conds.append(Mention.sentiment_score >= f.min_score)
    if f.max_score is not None:
        conds.append(Mention.sentiment_score <= f.max_score)
    if f.topic:
        conds.append(json_list_contains(Mention.topics, f.topic))
    if f.tag:
        conds.append(json_list_contains(Mention.tags, f.tag))
    if f.assignee:
        conds.append(Mention.assignee == f.assignee)
    if f.min_reach is not None:
        conds.append(Mention.author_reach >= f.min_reach)
    if f.since is not None:
        conds.append(Mention.published_at >= f.since)
    if f.until is not None:
        conds.append(Mention.published_at < f.until)
    if f.q:
        pattern = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conds.append(or_(Mention.text.ilike(pattern, escape="\\"), Mention.title.ilike(pattern, escape="\\")))
    if f.hide_duplicates:
        conds.append(Mention.duplicate_of.is_(None))
    if f.ids is not None:
        conds.append(or_(Mention.id.in_(f.ids), Mention.duplicate_of.in_(f.ids)))
    return stmt.where(and_(*conds)) if conds else stmt


def feed_page(
    session: Session, f: MentionFilter, *, after: tuple[datetime, int] | None, limit: int
) -> tuple[list[Mention], tuple[datetime, int] | None]:
    """One page of the feed as ``Mention`` rows, newest ``published_at`` first (ties by id), strictly
    after the keyset position ``after``. Returns the rows and the position to continue from (None at
    the end). See ``page_select`` for the query."""
    rows = list(session.scalars(page_select(session, f, after=after, limit=limit, base=select(Mention))))
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, (rows[-1].published_at, rows[-1].id)
    return rows, None


def page_select(
    session: Session, f: MentionFilter, *, after: tuple[datetime, int] | None, limit: int, base: Select[Any]
) -> Select[Any]:
    """The statement for one page of ``limit + 1`` rows (the extra row tells whether a next page
    exists) selecting what ``base`` selects (``Mention`` rows, or columns over ``mention``), newest
    ``published_at`` first, ties by id, strictly after the keyset position ``after``.

    Keyset paging never skips or repeats a row that existed when paging began, however many rows
    are inserted meanwhile.

    Filtered by brand, the page is the newest of two disjoint branches, each walked newest first
    and limited (two small key queries run here): mentions whose primary brand matches
    (``ix_mention_brand_feed`` on ``mention``), then mentions linked by an extra link only (the
    (brand_id, published_at) index on ``mention_brand``), no older than the first branch's last row.
    A plain ``brand_id = B OR EXISTS link`` can walk neither index and scans the feed index (or
    every link of the brand) instead. (One statement with a CTE for both branches returns the same
    page, but PostgreSQL spends ~7 ms planning it against ~1 ms for the three simple ones.)"""
    order = (Mention.published_at.desc(), Mention.id.desc())

    def newest(stmt: Select[Any]) -> Select[Any]:
        if after is not None:
            stmt = stmt.where(tuple_(Mention.published_at, Mention.id) < tuple_(after[0], after[1]))
        return stmt.order_by(*order).limit(limit + 1)

    if not f.brand_ids:
        return newest(apply_filter(base, f))
    rest = replace(f, brand_ids=None)
    n = limit + 1
    primary = apply_filter(select(Mention.id, Mention.published_at), rest)
    keys = [(i, at) for i, at in session.execute(newest(primary.where(_in(Mention.brand_id, f.brand_ids))))]
    # an extra link older than the primary branch's last row cannot make the page
    floor = (keys[-1][1], keys[-1][0]) if len(keys) == n else None
    keys += [(i, at) for i, at in session.execute(_newest_extra_links(rest, f.brand_ids, after, n, floor))]
    page = [i for i, _ in sorted(keys, key=lambda k: (k[1], k[0]), reverse=True)[:n]]
    return base.where(Mention.id.in_(page)).order_by(*order)


def _newest_extra_links(
    f: MentionFilter,
    brand_ids: list[int],
    after: tuple[datetime, int] | None,
    n: int,
    floor: tuple[datetime, int] | None,
) -> Select[Any]:
    """``(mention_id, published_at)`` of the ``n`` newest mentions that match ``f``, are linked to
    ``brand_ids`` only by an extra link and sit between ``floor`` and ``after`` (keyset positions,
    exclusive), walked newest first on the link table's own (brand_id, published_at) index; each
    mention once even when several of its extra links are wanted."""
    link = MentionBrand
    stmt = apply_filter(
        select(link.mention_id, link.published_at).join(Mention, Mention.id == link.mention_id), f
    ).where(
        _in(link.brand_id, brand_ids), or_(Mention.brand_id.is_(None), Mention.brand_id.not_in(brand_ids))
    )
    if len(brand_ids) > 1:  # keep only the link to the lowest wanted brand
        other = aliased(MentionBrand)
        stmt = stmt.where(
            ~select(other.mention_id)
            .where(
                other.mention_id == link.mention_id,
                other.brand_id.in_(brand_ids),
                other.brand_id < link.brand_id,
            )
            .exists()
        )
    # the window again on the link's copy of published_at, so it bounds the walk of the link index
    if f.since is not None:
        stmt = stmt.where(link.published_at >= f.since)
    if f.until is not None:
        stmt = stmt.where(link.published_at < f.until)
    if after is not None:
        stmt = stmt.where(tuple_(link.published_at, link.mention_id) < tuple_(after[0], after[1]))
    if floor is not None:
        stmt = stmt.where(tuple_(link.published_at, link.mention_id) > tuple_(floor[0], floor[1]))
    return stmt.order_by(link.published_at.desc(), link.mention_id.desc()).limit(n)
