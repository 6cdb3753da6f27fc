"""Stream positions: every mention gets ``stream_seq``, a number given after its insert committed,
in the order the numbering ran, so ``/api/v1/stream`` can follow ``stream_seq > last`` without gaps
or repeats.

Why not the id: ids come from a sequence when the row is inserted, not when it commits. Two
ingests on PostgreSQL can take ids 10 and 11 and commit 11 first; a client that saw 11 and resumes
"after 11" would never get 10. Numbering committed rows instead, one numberer at a time (a
transaction-level advisory lock on PostgreSQL, the single writer on SQLite) and in one transaction
each, makes the numbers visible in order: every number a reader sees has all smaller ones visible
too. The unique index on ``stream_seq`` is the backstop: a numbering that collides rolls back and is
retried on the next poll.

Numbering runs on demand, from the stream's poll and the push job (``number_new``; webhook
subscriptions follow the same positions, ``engine/push.py``); mentions nobody streams or pushes
wait unnumbered, and the first poll after numbers them in id order, ``BATCH`` at a time.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from listener.storage.mentions import MentionFilter, apply_filter
from listener.storage.models import Mention

log = logging.getLogger(__name__)

STREAM_LOCK = 4244  # advisory lock key of the numberer (4243 is the Slack pacer's namespace)
BATCH = 2000
MAX_BATCHES = 25  # per call: a large backlog is numbered over several polls


def _number_batch(session: Session) -> int:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": STREAM_LOCK})
    pending = list(
        session.scalars(
            select(Mention.id).where(Mention.stream_seq.is_(None)).order_by(Mention.id).limit(BATCH)
        )
    )
    if not pending:
        return 0
    top = session.scalar(select(func.max(Mention.stream_seq))) or 0
    session.execute(
        update(Mention), [{"id": ident, "stream_seq": top + n} for n, ident in enumerate(pending, start=1)]
    )
    return len(pending)


def number_new(session: Session) -> int:
    """Number the committed mentions that have no stream position yet (each batch its own
    transaction, committed here); returns how many were numbered. A clash with another numberer
    (or SQLite's busy writer) is rolled back and left to the next call."""
    done = 0
    for _ in range(MAX_BATCHES):
        session.commit()  # a fresh snapshot: see what committed since
        try:
            n = _number_batch(session)
            session.commit()
        except (IntegrityError, DBAPIError) as exc:
            session.rollback()
            log.info("stream numbering deferred: %s", type(exc).__name__)
            return done
        done += n
        if n < BATCH:
            break
    return done


def head(session: Session) -> int:
    """The highest stream position given so far (0 when none)."""
    return int(session.scalar(select(func.max(Mention.stream_seq))) or 0)


def between(session: Session, position: int, until: int, f: MentionFilter, limit: int) -> list[Mention]:
    """Mentions matching ``f`` with ``position < stream_seq <= until``, in stream order, at most
    ``limit``."""
    stmt = select(Mention).where(Mention.stream_seq > position, Mention.stream_seq <= until)
    return list(session.scalars(apply_filter(stmt, f).order_by(Mention.stream_seq).limit(limit)))
