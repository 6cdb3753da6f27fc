"""Case ids: ``LISTENER_CASE_ID_FORMAT`` (default ``CS-{year}-{n:06d}``) filled from a real counter.

A mention gets its case id the first time a reply needs one (a suggestion or a draft that names
``{{ case_id }}``) and keeps it. The counter is one row per scope (the year when the format uses
``{year}``, else ``all``) in ``case_counter``, bumped with ``UPDATE … SET value = value + 1
RETURNING value``: PostgreSQL locks the row and SQLite the database for the rest of the
transaction, so two requests never get the same number. A number whose mention was given an id by
a concurrent request in the meantime is skipped (a gap, never a duplicate).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from listener.storage.base import utcnow
from listener.storage.models import Mention
from listener.storage.reply_models import CaseCounter


def scope_for(fmt: str, now: datetime) -> str:
    """The counter a case id in ``fmt`` counts on: per year when the format shows the year."""
    return str(now.year) if "{year" in fmt else "all"


def next_number(session: Session, scope: str) -> int:
    """The next number of ``scope``'s counter (safe under concurrent transactions)."""
    bump = update(CaseCounter).where(CaseCounter.scope == scope).values(value=CaseCounter.value + 1)
    value = session.execute(bump.returning(CaseCounter.value)).scalar()
    if value is None:
        try:
            with session.begin_nested():
                session.add(CaseCounter(scope=scope, value=0))
        except IntegrityError:  # another transaction created the row first
            pass
        value = session.execute(bump.returning(CaseCounter.value)).scalar_one()
    return int(value)


def case_id_for(session: Session, mention: Mention, fmt: str, now: datetime | None = None) -> str:
    """The mention's case id, given now from the counter when it has none yet."""
    if mention.case_id:
        return mention.case_id
    now = now or utcnow()
    case_id = fmt.format(n=next_number(session, scope_for(fmt, now)), year=now.year, month=now.month)
    stmt = (
        update(Mention)
        .where(Mention.id == mention.id, Mention.case_id.is_(None))
        .values(case_id=case_id)
        .execution_options(synchronize_session=False)
    )
    session.execute(stmt)
    session.refresh(mention, ["case_id"])
    if mention.case_id is None:  # pragma: no cover - the row vanished
        mention.case_id = case_id
    return mention.case_id


__all__ = ["case_id_for", "next_number", "scope_for"]
