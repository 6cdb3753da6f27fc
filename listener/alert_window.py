"""Build the ``alerts.base.Window`` a rule reads from stored mentions, with the rule's scope applied.

Mentions in the rule's look-back become ``MentionView`` objects; the history (``Params.history()``)
is bucketed hourly into counts, summed reach and mean sentiment, in Python so both backends agree.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from alerts.base import MentionView, RuleParams, RuleType, Scope, Series, Window
from listener.storage.mentions import brand_condition, linked_brand_ids
from listener.storage.models import Mention

log = logging.getLogger(__name__)

INTERVAL = timedelta(hours=1)
KNOWN_TERMS_DAYS = 30
HASHTAG = re.compile(r"(?<!\w)#(\w{2,64})")
SNIPPET = 280


def hashtags(text: str) -> tuple[str, ...]:
    """The distinct hashtags of ``text``, lower-cased, in order."""
    return tuple(dict.fromkeys(t.lower() for t in HASHTAG.findall(text or "")))


def view(m: Mention, brand_id: int | None = None) -> MentionView:
    """The read-only record of ``m`` that rules see; ``brand_id`` overrides the primary brand (the
    brand a scope found the mention by, when that is one of its extra links)."""
    return MentionView(
        id=m.id,
        published_at=m.published_at,
        brand_id=m.brand_id if brand_id is None else brand_id,
        platform=m.platform,
        kind=m.kind,
        language=m.language,
        sentiment_label=m.sentiment_label,
        sentiment_score=m.sentiment_score,
        topics=tuple(m.topics or ()),
        crisis_terms=tuple(m.crisis_terms or ()),
        keyphrases=tuple(m.keyphrases or ()),
        hashtags=hashtags(m.text),
        author_handle=m.author_handle,
        author_reach=m.author_reach,
        rating=m.rating,
        url=m.url,
        text=(m.text or "")[:SNIPPET],
    )


def scoped(stmt: Select[Any], scope: Scope) -> Select[Any]:
    """``stmt`` over Mention narrowed in SQL by the scope's column filters (topics and queries are
    checked in Python by ``Scope.matches``). A brand scope takes every mention linked to one of its
    brands, as the primary brand or by an extra link."""
    if scope.brand_ids:
        stmt = stmt.where(brand_condition(scope.brand_ids))
    for column, values in (
        (Mention.platform, scope.platforms),
        (Mention.language, scope.languages),
        (Mention.sentiment_label, scope.sentiment_labels),
        (Mention.kind, scope.kinds),
    ):
        if values:
            stmt = stmt.where(column.in_(list(values)))
    return stmt.where(Mention.duplicate_of.is_(None))


def views_of(session: Session, mentions: Iterable[Mention], scope: Scope) -> list[MentionView]:
    """Views of scoped ``mentions``, in order. Under a brand scope, a mention whose primary brand is
    outside the scope is seen as belonging to its first in-scope linked brand (lowest id), so
    ``Scope.matches`` keeps it and an alert names that brand."""
    rows = list(mentions)
    if not scope.brand_ids:
        return [view(m) for m in rows]
    wanted = set(scope.brand_ids)
    outside = [m.id for m in rows if m.brand_id not in wanted]
    extra = linked_brand_ids(session, outside) if outside else {}
    out = []
    for m in rows:
        found = sorted(wanted & set(extra.get(m.id, ())))
        out.append(view(m, found[0] if m.brand_id not in wanted and found else None))
    return out


def bucket(at: datetime, interval: timedelta = INTERVAL) -> datetime:
    """Start of the bucket holding ``at``."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((at - epoch) // interval) * interval


def series(
    rows: Iterable[tuple[datetime, int | None, float | None]],
) -> tuple[Series, Series, Series]:
    """Counts, summed reach and mean sentiment per hourly bucket (empty buckets left out)."""
    counts: dict[datetime, float] = {}
    reach: dict[datetime, float] = {}
    scores: dict[datetime, list[float]] = {}
    for at, r, s in rows:
        b = bucket(at)
        counts[b] = counts.get(b, 0.0) + 1
        reach[b] = reach.get(b, 0.0) + float(r or 0)
        if s is not None:
            scores.setdefault(b, []).append(s)
    keys = sorted(counts)
    return (
        [(k, counts[k]) for k in keys],
        [(k, reach[k]) for k in keys],
        [(k, sum(scores[k]) / len(scores[k])) for k in keys if k in scores],
    )


def _needs_terms(rule_type: str, params: RuleParams) -> bool:
    if rule_type == RuleType.NEW_TERM:
        return True
    parts: Sequence[Any] = getattr(params, "rules", ()) or ()
    return any(getattr(p, "type", None) == RuleType.NEW_TERM for p in parts)


def known_terms(session: Session, scope: Scope, since: datetime, until: datetime) -> frozenset[str]:
    """Lower-cased hashtags, keyphrases and topics of scoped mentions in ``[since, until)``."""
    stmt = scoped(select(Mention), scope).where(Mention.published_at >= since, Mention.published_at < until)
    out: set[str] = set()
    for m in session.scalars(stmt):
        out.update(t.lower() for t in (*(m.topics or ()), *(m.keyphrases or ())))
        out.update(hashtags(m.text))
    return frozenset(out)


def build_window(
    session: Session, rule_type: str, params: RuleParams, now: datetime, *, mention_ids: Sequence[int] = ()
) -> Window:
    """The Window for one rule at ``now``. With ``mention_ids`` (the ingest path) only those
    mentions are loaded and no history is read."""
    scope = params.scope
    lookback = params.lookback()
    start = now - lookback
    if mention_ids:
        stmt = scoped(select(Mention), scope).where(Mention.id.in_(list(mention_ids)))
        views = views_of(session, session.scalars(stmt), scope)
        views = [v for v in views if scope.matches(v)]
        return Window(start=start, end=now, interval=INTERVAL, mentions=views)
    stmt = scoped(select(Mention), scope).where(Mention.published_at > start, Mention.published_at <= now)
    views = [
        v
        for v in views_of(session, session.scalars(stmt.order_by(Mention.published_at)), scope)
        if scope.matches(v)
    ]
    history = params.history()
    counts: Series = []
    reach: Series = []
    sentiment: Series = []
    if history > timedelta(0):
        since = bucket(now - history)
        cols = select(
            Mention.published_at, Mention.author_reach, Mention.sentiment_score, Mention.topics
        ).where(Mention.published_at >= since, Mention.published_at <= now)
        rows = session.execute(scoped(cols, scope)).all()
        wanted = set(scope.topics)
        counts, reach, sentiment = series(
            (at, r, s) for at, r, s, topics in rows if not wanted or wanted & set(topics or ())
        )
    terms: frozenset[str] = frozenset()
    if _needs_terms(rule_type, params):
        terms = known_terms(session, scope, now - timedelta(days=KNOWN_TERMS_DAYS), start)
    return Window(
        start=start,
        end=now,
        interval=INTERVAL,
        mentions=views,
        counts=counts,
        reach=reach,
        sentiment=sentiment,
        known_terms=terms,
    )
