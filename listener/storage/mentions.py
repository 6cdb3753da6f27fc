"""Mention queries: idempotent bulk insert, the filtered keyset feed, updates with an audit trail.

Functions take a session and flush; the caller commits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, insert, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from listener.storage.base import utcnow
from listener.storage.jsonlist import json_list_contains
from listener.storage.models import AuditEvent, Mention

log = logging.getLogger(__name__)

Key = tuple[str, str]
_KEY_CHUNK = 500  # (platform, external_id) pairs per IN (...) lookup


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


def existing_keys(session: Session, keys: Iterable[Key]) -> set[Key]:
    """The (platform, external_id) pairs among ``keys`` that are already stored."""
    keys = list(keys)
    found: set[Key] = set()
    for start in range(0, len(keys), _KEY_CHUNK):
        chunk = keys[start : start + _KEY_CHUNK]
        stmt = select(Mention.platform, Mention.external_id).where(
            tuple_(Mention.platform, Mention.external_id).in_(chunk)
        )
        found.update((p, e) for p, e in session.execute(stmt))
    return found


def insert_new(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (column dicts), skipping any whose (platform, external_id) exists; returns the
    ids created. Safe against a concurrent writer inserting the same keys (ON CONFLICT DO NOTHING)."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    maker = pg_insert if dialect == "postgresql" else sqlite_insert if dialect == "sqlite" else None
    if maker is None:  # pragma: no cover - only the two supported backends reach here
        stmt = insert(Mention).returning(Mention.id)
    else:
        stmt = (
            maker(Mention)
            .on_conflict_do_nothing(index_elements=["platform", "external_id"])
            .returning(Mention.id)
        )
    ids = list(session.scalars(stmt, list(rows)))
    return ids


def apply_filter(stmt: Select[Any], f: MentionFilter) -> Select[Any]:
    """Add the WHERE clauses for ``f`` to a select over ``Mention``."""
    conds: list[Any] = []
    if f.brand_ids is not None:
        conds.append(
            Mention.brand_id.in_(f.brand_ids) if len(f.brand_ids) != 1 else Mention.brand_id == f.brand_ids[0]
        )
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
    return stmt.where(and_(*conds)) if conds else stmt


def feed_page(
    session: Session, f: MentionFilter, *, after: tuple[datetime, int] | None, limit: int
) -> tuple[list[Mention], tuple[datetime, int] | None]:
    """One page of the feed, newest ``published_at`` first (ties by id), strictly after the keyset
    position ``after``. Returns the rows and the position to continue from (None at the end).

    Keyset paging never skips or repeats a row that existed when paging began, however many rows
    are inserted meanwhile."""
    stmt = apply_filter(select(Mention), f)
    if after is not None:
        stmt = stmt.where(tuple_(Mention.published_at, Mention.id) < tuple_(after[0], after[1]))
    stmt = stmt.order_by(Mention.published_at.desc(), Mention.id.desc()).limit(limit + 1)
    rows = list(session.scalars(stmt))
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        return rows, (last.published_at, last.id)
    return rows, None


def record(
    session: Session, *, actor: str, entity: str, entity_id: int, action: str, changes: dict[str, Any]
) -> None:
    """Append one audit event."""
    session.add(
        AuditEvent(
            actor=actor, entity=entity, entity_id=entity_id, action=action, changes=changes, at=utcnow()
        )
    )


def apply_patch(session: Session, mention: Mention, changes: dict[str, Any], *, actor: str) -> dict[str, Any]:
    """Apply validated changes (``MentionPatch.model_dump(exclude_unset=True)``) to one mention and
    record them; returns ``{field: [old, new]}`` (empty when nothing actually changed)."""
    diff: dict[str, Any] = {}
    now = utcnow()
    for name in ("status", "assignee"):
        if name in changes and getattr(mention, name) != changes[name]:
            diff[name] = [getattr(mention, name), changes[name]]
            setattr(mention, name, changes[name])
    tags = list(mention.tags or [])
    if changes.get("tags") is not None:
        new_tags = list(changes["tags"])
    else:
        new_tags = tags + [t for t in changes.get("add_tags") or [] if t not in tags]
        new_tags = [t for t in new_tags if t not in set(changes.get("remove_tags") or [])]
    if new_tags != tags:
        diff["tags"] = [tags, new_tags]
        mention.tags = new_tags
    if changes.get("note"):
        note = {"at": now.isoformat(), "by": actor, "text": changes["note"]}
        mention.notes = [*(mention.notes or []), note]
        diff["note"] = [None, changes["note"]]
    if changes.get("sentiment"):
        label, score = changes["sentiment"]["label"], changes["sentiment"]["score"]
        old = {"label": mention.sentiment_label, "score": mention.sentiment_score}
        if (old["label"], old["score"]) != (label, score) or mention.sentiment_override_by is None:
            diff["sentiment"] = [old, {"label": label, "score": score}]
            mention.sentiment_label, mention.sentiment_score = label, score
            mention.sentiment_drivers = [{"rule": "manual_override", "by": actor}]
            mention.sentiment_override_by, mention.sentiment_override_at = actor, now
    if diff:
        mention.updated_at = now
        record(session, actor=actor, entity="mention", entity_id=mention.id, action="update", changes=diff)
    return diff


def history(session: Session, mention_id: int) -> list[AuditEvent]:
    """Every recorded change of one mention, oldest first."""
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.entity == "mention", AuditEvent.entity_id == mention_id)
        .order_by(AuditEvent.id)
    )
    return list(session.scalars(stmt))
