"""The audit log: ``record`` one event; ``add_recorded``, ``update_recorded``, ``update_changed``
and ``delete_recorded`` (a row's create, update or delete and its event, for the routers); a mention's
``history``, ``apply_patch`` (a mention's update that records what changed) and ``patch_many``
(one change to many mentions)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.errors import NotFound
from listener.storage.base import utcnow
from listener.storage.models import AuditEvent, Mention


def record(
    session: Session, *, actor: str, entity: str, entity_id: int, action: str, changes: dict[str, Any]
) -> None:
    """Append one audit event."""
    session.add(
        AuditEvent(
            actor=actor, entity=entity, entity_id=entity_id, action=action, changes=changes, at=utcnow()
        )
    )


def add_recorded(session: Session, row: Any, *, actor: str, entity: str, changes: dict[str, Any]) -> None:
    """Add ``row`` (flushed, so it has its id) and record its creation by ``actor``."""
    session.add(row)
    session.flush()
    record(session, actor=actor, entity=entity, entity_id=row.id, action="create", changes=changes)


def update_recorded(
    session: Session,
    row: Any,
    changes: dict[str, Any],
    *,
    actor: str,
    entity: str,
    audit: dict[str, Any] | None = None,
) -> None:
    """Set each of ``changes`` on ``row``, flush, and record the "update" by ``actor``. The event
    says ``audit`` when given (e.g. ``{field: True}`` where values must not be logged), else the
    changes themselves."""
    for name, value in changes.items():
        setattr(row, name, value)
    session.flush()
    record(
        session,
        actor=actor,
        entity=entity,
        entity_id=row.id,
        action="update",
        changes=changes if audit is None else audit,
    )


def update_changed(
    session: Session, row: Any, changes: dict[str, Any], *, actor: str, entity: str
) -> dict[str, list[Any]]:
    """Set those of ``changes`` that differ from ``row``; when any did, flush and record the "update"
    by ``actor`` as ``{field: [old, new]}``. Returns that diff (empty: nothing changed, nothing
    recorded)."""
    diff = {k: [getattr(row, k), v] for k, v in changes.items() if getattr(row, k) != v}
    if diff:
        new = {k: v for k, (_, v) in diff.items()}
        update_recorded(session, row, new, actor=actor, entity=entity, audit=diff)
    return diff


def delete_recorded(
    session: Session, row: Any, *, actor: str, entity: str, changes: dict[str, Any] | None = None
) -> None:
    """Delete ``row`` and record the "delete" by ``actor`` (``changes``: what the event keeps of it)."""
    entity_id = row.id
    session.delete(row)
    record(session, actor=actor, entity=entity, entity_id=entity_id, action="delete", changes=changes or {})


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


def patch_many(session: Session, ids: list[int], changes: dict[str, Any], *, actor: str) -> list[int]:
    """Apply one validated change to many mentions (rows locked); NotFound, and nothing changed,
    when an id does not exist. Returns the ids that actually changed, in the order given."""
    ids = list(dict.fromkeys(ids))
    found = {m.id: m for m in session.scalars(select(Mention).where(Mention.id.in_(ids)).with_for_update())}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(
            f"{len(missing)} mention id(s) do not exist; nothing was changed", details={"missing": missing}
        )
    updated = [i for i in ids if apply_patch(session, found[i], changes, actor=actor)]
    session.flush()
    return updated


def history(session: Session, mention_id: int) -> list[AuditEvent]:
    """Every recorded change of one mention, oldest first."""
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.entity == "mention", AuditEvent.entity_id == mention_id)
        .order_by(AuditEvent.id)
    )
    return list(session.scalars(stmt))
