"""Near-duplicate clustering of stored mentions (``duplicate_of``): reposts, quote-copies and
syndicated news with the same text point at the first mention of their cluster.

The detector is ``collectors.dedup.NearDuplicateIndex`` (MinHash over word 3-shingles, Jaccard
≥ 0.8, a bounded window of 50,000 mentions / 3 days; see docs/queries.md). One index per process
and database, warmed from the newest stored mentions on first use and fed by every batch this
process stores. Best-effort across processes: each worker knows what it stored and the warm-up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from collectors.dedup import NearDuplicateIndex
from listener.storage.models import Mention

log = logging.getLogger(__name__)

WARM_UP = 5_000
_indexes: dict[str, NearDuplicateIndex] = {}
_lock = threading.Lock()


def _text(title: str | None, text: str | None) -> str:
    return f"{title}. {text}" if title and text else (title or text or "")


def _index_for(session: Session, exclude: Sequence[int]) -> NearDuplicateIndex:
    url = session.get_bind().engine.url.render_as_string(hide_password=True)
    index = _indexes.get(url)
    if index is None:
        index = NearDuplicateIndex(max_age=timedelta(days=3))
        recent = session.execute(
            select(Mention.id, Mention.title, Mention.text, Mention.published_at, Mention.duplicate_of)
            .where(Mention.id.not_in(list(exclude)))  # the batch being clustered is added below
            .order_by(Mention.published_at.desc(), Mention.id.desc())
            .limit(WARM_UP)
        ).all()
        for row in reversed(recent):
            index.add(row.duplicate_of or row.id, _text(row.title, row.text), row.published_at)
        _indexes[url] = index
    return index


def cluster(session: Session, created: Sequence[tuple[int, dict[str, Any]]]) -> int:
    """Mark each newly stored mention that repeats an earlier one; returns how many were marked.

    ``created`` pairs the new ids with their rows (``title``, ``text``, ``published_at``)."""
    marks: list[tuple[int, int]] = []
    with _lock:
        index = _index_for(session, [mention_id for mention_id, _ in created])
        for mention_id, row in sorted(created, key=lambda c: (c[1]["published_at"], c[0])):
            root = index.add(mention_id, _text(row.get("title"), row.get("text")), row["published_at"])
            if root is not None and root != mention_id:
                marks.append((mention_id, int(root)))
    for mention_id, root in marks:
        # the root may be a mention of a batch that was rolled back: then leave this one unclustered
        exists = select(Mention.id).where(Mention.id == root).scalar_subquery()
        session.execute(update(Mention).where(Mention.id == mention_id).values(duplicate_of=exists))
    return len(marks)


def forget() -> None:
    """Drop every process index (tests, or after a bulk delete)."""
    with _lock:
        _indexes.clear()
