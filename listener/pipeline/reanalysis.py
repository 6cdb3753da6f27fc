"""Re-score stored mentions after a change of rules, lexicon or taxonomy (``listener reanalyze``).

Walks the selected mentions in id order, ``BATCH`` at a time, each batch in its own transaction, so
memory stays constant and an interrupted run keeps what it finished. A manual sentiment override
is never touched: only the other analysis fields of such a mention are refreshed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from listener.pipeline.analysis import analyze, brand_contexts, pipeline_for
from listener.storage.db import session_scope
from listener.storage.mentions import brand_condition
from listener.storage.models import Brand, Mention

BATCH = 500
_SENTIMENT = ("sentiment_score", "sentiment_label", "sentiment_drivers")


@dataclass(slots=True)
class ReanalyzeReport:
    mentions: int = 0
    changed_labels: int = 0
    kept_overrides: int = 0


def _selection(brand_id: int | None, since: datetime | None):  # type: ignore[no-untyped-def]
    conds = []
    if brand_id is not None:  # every mention linked to the brand, as primary or by an extra link
        conds.append(brand_condition([brand_id]))
    if since is not None:
        conds.append(Mention.published_at >= since)
    return conds


def count(session: Session, *, brand_id: int | None = None, since: datetime | None = None) -> int:
    """How many mentions a reanalysis with these options would touch."""
    return session.scalar(select(func.count()).select_from(Mention).where(*_selection(brand_id, since))) or 0


def reanalyze(
    sessions: sessionmaker[Session],
    *,
    brand_id: int | None = None,
    since: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReanalyzeReport:
    """Re-run the NLP pipeline over the selected mentions; returns what changed."""
    report = ReanalyzeReport()
    last_id = 0
    while True:
        with session_scope(sessions) as session:
            brands = list(session.scalars(select(Brand)))
            names = {b.id: b.name for b in brands}
            contexts = brand_contexts(brands)
            rows = list(
                session.execute(
                    select(
                        Mention.id,
                        Mention.text,
                        Mention.title,
                        Mention.language_hint,
                        Mention.rating,
                        Mention.platform,
                        Mention.kind,
                        Mention.brand_id,
                        Mention.sentiment_label,
                        Mention.sentiment_override_by,
                    )
                    .where(Mention.id > last_id, *_selection(brand_id, since))
                    .order_by(Mention.id)
                    .limit(BATCH)
                )
            )
            if not rows:
                return report
            items = [
                {
                    "text": r.text,
                    "title": r.title,
                    "language": r.language_hint,
                    "rating": r.rating,
                    "platform": r.platform,
                    "kind": r.kind,
                    "brand": names.get(r.brand_id),
                }
                for r in rows
            ]
            for row, columns in zip(rows, analyze(items, contexts, pipeline_for(session)), strict=True):
                if row.sentiment_override_by is not None:
                    report.kept_overrides += 1
                    columns = {k: v for k, v in columns.items() if k not in _SENTIMENT}
                elif columns["sentiment_label"] != row.sentiment_label:
                    report.changed_labels += 1
                session.execute(update(Mention).where(Mention.id == row.id).values(**columns))
            report.mentions += len(rows)
            last_id = rows[-1].id
        if progress:
            progress(len(rows))
