"""The per-mention alert rules on mentions just stored: every caller of ``store_batch`` (the ingest
API, import, the collection job, the demo) calls ``alert_on_new`` after it, in the same transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from listener.engine.evaluation import evaluate_mentions
from listener.settings import Settings
from listener.storage.base import utcnow

log = logging.getLogger(__name__)


def alert_on_new(
    session: Session, mention_ids: Sequence[int], *, settings: Settings, now: datetime | None = None
) -> None:
    """Run the per-mention rules on ``mention_ids`` (new mentions), with the caller's ``settings``
    for the links and replies of any notification. A failing rule never loses the batch: the rules
    run in a savepoint and a failure is logged."""
    if not mention_ids:
        return
    try:
        with session.begin_nested():
            evaluate_mentions(session, list(mention_ids), now or utcnow(), settings=settings)
    except Exception:
        log.exception(
            "per-mention alert rules failed on %d new mention(s); the mentions are stored", len(mention_ids)
        )
