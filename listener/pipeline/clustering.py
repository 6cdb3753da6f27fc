"""Near-duplicate clustering of stored mentions (``duplicate_of``): reposts, quote-copies and
syndicated news with the same text point at the first mention of their cluster.

The detector is ``listener.pipeline.dedup.NearDuplicateIndex`` (MinHash over word 3-shingles, Jaccard
≥ 0.8, a bounded window of 50,000 mentions / 3 days; see docs/queries.md). One index per process
and database, warmed from the newest stored mentions on first use and fed by every batch this
process stores. Across processes: before each batch, the index reads the rows stored since its
last look (ids above its high-water mark, less a margin for concurrent commits), so two workers
cluster each other's copies; only two copies committed in the same instant by two workers can
both stay roots.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from listener.pipeline.dedup import NearDuplicateIndex
from listener.storage.models import Mention

log = logging.getLogger(__name__)

WARM_UP = 5_000
# rows of other processes are read by id above the highest id this process has seen, minus this
# margin: a concurrent writer's lower id that committed after our last read is still caught
CATCH_UP_MARGIN = 1_000
_lock = threading.Lock()


def _text(title: str | None, text: str | None) -> str:
    return f"{title}. {text}" if title and text else (title or text or "")


class _State:
    """One database's index, the ids it holds and the highest id seen."""

    def __init__(self) -> None:
        self.index = NearDuplicateIndex(max_age=timedelta(days=3))
        self.known: OrderedDict[int, None] = OrderedDict()
        self.high = 0

    def add(self, mention_id: int, root: int, text: str, at: Any) -> Any:
        self.known[mention_id] = None
        while len(self.known) > 2 * self.index.max_items:
            self.known.popitem(last=False)
        self.high = max(self.high, mention_id)
        return self.index.add(root, text, at)

    def add_many(self, items: Sequence[tuple[int, int, str, Any]]) -> list[Any]:
        """:meth:`add` each ``(mention id, root, text, at)`` in order, signatures computed together."""
        for mention_id, _, _, _ in items:
            self.known[mention_id] = None
            self.high = max(self.high, mention_id)
        while len(self.known) > 2 * self.index.max_items:
            self.known.popitem(last=False)
        return self.index.add_many([(root, text, at) for _, root, text, at in items])


_states: dict[str, _State] = {}

_COLUMNS = (Mention.id, Mention.title, Mention.text, Mention.published_at, Mention.duplicate_of)


def _state_for(session: Session, exclude: Sequence[int]) -> _State:
    """This database's state, warmed from the newest stored mentions on first use, then brought up
    to date with what other processes stored since (ids above our high-water mark)."""
    url = session.get_bind().engine.url.render_as_string(hide_password=True)
    state = _states.get(url)
    batch = list(exclude)  # the batch being clustered is added by the caller
    if state is None:
        state = _states[url] = _State()
        rows = session.execute(
            select(*_COLUMNS)
            .where(Mention.id.not_in(batch))
            .order_by(Mention.published_at.desc(), Mention.id.desc())
            .limit(WARM_UP)
        ).all()
        rows.reverse()
    else:  # ids first: the texts only of rows this index does not hold yet (most it does); the
        # batch is left out here, not in SQL (NOT IN with 1,000 placeholders cost psycopg more than
        # reading 1,000 more ids)
        skip = set(batch)
        recent = session.scalars(select(Mention.id).where(Mention.id > state.high - CATCH_UP_MARGIN))
        unknown = [i for i in recent if i not in state.known and i not in skip]
        rows = []
        if unknown:
            rows = session.execute(
                select(*_COLUMNS).where(Mention.id.in_(unknown)).order_by(Mention.id)
            ).all()
    fresh, seen = [], set()
    for row in rows:
        if row.id not in state.known and row.id not in seen:
            seen.add(row.id)
            fresh.append((row.id, row.duplicate_of or row.id, _text(row.title, row.text), row.published_at))
    state.add_many(fresh)
    return state


def cluster(session: Session, created: Sequence[tuple[int, tuple[str | None, str | None, Any]]]) -> int:
    """Mark each newly stored mention that repeats an earlier one; returns how many were marked.
    ``created`` pairs the new ids with their ``(title, text, published_at)``. The marks are written
    with one executemany."""
    marks: list[dict[str, int]] = []
    with _lock:
        state = _state_for(session, [mention_id for mention_id, _ in created])
        todo = sorted(created, key=lambda c: (c[1][2], c[0]))
        roots = state.add_many([(i, i, _text(title, text), at) for i, (title, text, at) in todo])
        for (mention_id, _), root in zip(todo, roots, strict=True):
            if root is not None and root != mention_id:
                marks.append({"mention": mention_id, "root": int(root)})
    if marks:
        # the root may be a mention of a batch that was rolled back: then leave this one unclustered
        table = Mention.__table__
        exists = select(table.c.id).where(table.c.id == bindparam("root")).scalar_subquery()
        stmt = update(table).where(table.c.id == bindparam("mention")).values(duplicate_of=exists)
        session.connection().execute(stmt, marks)
    return len(marks)


def forget() -> None:
    """Drop every process index (tests, or after a bulk delete)."""
    with _lock:
        _states.clear()
