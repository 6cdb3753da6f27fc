"""The inbox's small queries around the feed: how many copies each mention's cluster has, how many
mentions matching the filters arrived after the newest one shown, a cluster's members, and the
assignees people pick from."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from listener.storage.mentions import MentionFilter, apply_filter
from listener.storage.models import Mention
from listener.storage.people_models import User


def copy_counts(session: Session, ids: Sequence[int]) -> dict[int, int]:
    """``{mention id: near-duplicate copies of it}`` for the ids that have any."""
    if not ids:
        return {}
    stmt = (
        select(Mention.duplicate_of, func.count())
        .where(Mention.duplicate_of.in_(list(ids)))
        .group_by(Mention.duplicate_of)
    )
    return {int(root): int(n) for root, n in session.execute(stmt)}


def newer_count(session: Session, f: MentionFilter, after_id: int, cap: int = 100) -> int:
    """How many mentions matching ``f`` were stored after mention ``after_id`` (counted up to ``cap``)."""
    ids = apply_filter(select(Mention.id), f).where(Mention.id > after_id).limit(cap)
    return int(session.scalar(select(func.count()).select_from(ids.subquery())) or 0)


def cluster_of(session: Session, m: Mention, limit: int = 50) -> list[Mention]:
    """The other members of ``m``'s near-duplicate cluster (its original and copies), newest first."""
    root = m.duplicate_of or m.id
    stmt = (
        select(Mention)
        .where(or_(Mention.id == root, Mention.duplicate_of == root), Mention.id != m.id)
        .order_by(Mention.published_at.desc(), Mention.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def people_by_name(session: Session) -> dict[str, str]:
    """``{e-mail: display name}`` of active users: who a mention can be assigned to."""
    stmt = select(User.email, User.display_name).where(User.active).order_by(User.display_name)
    return dict(session.execute(stmt).all())
