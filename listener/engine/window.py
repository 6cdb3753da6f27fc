"""Build the ``alerts.base.Window`` a rule reads from stored mentions, with the rule's scope applied.

Mentions in the rule's look-back become ``MentionView`` objects; the history (``Params.history()``)
is bucketed hourly into counts, summed reach and mean sentiment in SQL (``history_series``). Rules
of one evaluation round that share a scope share these reads (``WindowCache``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from alerts.base import MentionView, RuleParams, RuleType, Scope, Series, Window
from listener.engine.coverage import source_views
from listener.storage.jsonlist import json_list_contains
from listener.storage.mentions import brand_condition, linked_brand_ids
from listener.storage.models import Mention
from listener.storage.stats import bucket_expr
from listener.storage.times import as_utc

log = logging.getLogger(__name__)
T = TypeVar("T")

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
        cluster_id=m.duplicate_of or m.id,
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


def _needs_terms(rule_type: str, params: RuleParams) -> bool:
    if rule_type == RuleType.NEW_TERM:
        return True
    parts: Sequence[Any] = getattr(params, "rules", ()) or ()
    return any(getattr(p, "type", None) == RuleType.NEW_TERM for p in parts)


def term_rows(
    session: Session, scope: Scope, since: datetime, until: datetime
) -> list[tuple[datetime, frozenset[str]]]:
    """``(published_at, lower-cased hashtags, keyphrases and topics)`` of scoped mentions in
    ``[since, until)``, oldest first."""
    stmt = scoped(select(Mention.published_at, Mention.topics, Mention.keyphrases, Mention.text), scope)
    stmt = stmt.where(Mention.published_at >= since, Mention.published_at < until)
    out = []
    for at, topics, keyphrases, text in session.execute(stmt.order_by(Mention.published_at)):
        terms = {t.lower() for t in (*(topics or ()), *(keyphrases or ()))}
        terms.update(hashtags(text))
        out.append((at, frozenset(terms)))
    return out


def terms_before(rows: Sequence[tuple[datetime, frozenset[str]]], until: datetime) -> frozenset[str]:
    """The union of the terms of ``rows`` (oldest first) published before ``until``."""
    out: set[str] = set()
    for at, terms in rows:
        if at >= until:
            break
        out |= terms
    return frozenset(out)


def history_series(
    session: Session, scope: Scope, since: datetime, now: datetime
) -> tuple[Series, Series, Series]:
    """Hourly counts, summed reach and mean sentiment of scoped mentions in ``[since, now]``,
    aggregated in SQL (one row per hour comes back, not one per mention)."""
    hour = bucket_expr(session, "hour").label("hour")
    stmt = scoped(
        select(
            hour,
            func.count(),
            func.sum(func.coalesce(Mention.author_reach, 0)),
            func.avg(Mention.sentiment_score),
        ),
        scope,
    ).where(Mention.published_at >= since, Mention.published_at <= now)
    if scope.topics:
        stmt = stmt.where(or_(*(json_list_contains(Mention.topics, t) for t in scope.topics)))
    rows = sorted((as_utc(at), n, r, s) for at, n, r, s in session.execute(stmt.group_by(hour)))
    return (
        [(at, float(n)) for at, n, _, _ in rows],
        [(at, float(r or 0)) for at, _, r, _ in rows],
        [(at, float(s)) for at, _, _, s in rows if s is not None],
    )


class WindowCache:
    """What one evaluation round has already read, shared by rules with the same scope: the
    look-back mentions, the history series and the known terms (rules never modify them). Valid
    for one ``now`` and one transaction; ``alerting.evaluate`` makes one per round."""

    def __init__(self) -> None:
        self._hits: dict[tuple[Any, ...], Any] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[Any, ...], load: Callable[[], T]) -> T:
        """The cached value for ``key``, loading it on first use."""
        if key in self._hits:
            self.hits += 1
            return cast(T, self._hits[key])
        self.misses += 1
        value = self._hits[key] = load()
        return value


def build_window(
    session: Session,
    rule_type: str,
    params: RuleParams,
    now: datetime,
    *,
    mention_ids: Sequence[int] = (),
    cache: WindowCache | None = None,
) -> Window:
    """The Window for one rule at ``now``. With ``mention_ids`` (the ingest path) only those
    mentions are loaded and no history is read. Rules of one round share reads through ``cache``."""
    scope = params.scope
    lookback = params.lookback()
    start = now - lookback
    if mention_ids:
        stmt = scoped(select(Mention), scope).where(Mention.id.in_(list(mention_ids)))
        views = views_of(session, session.scalars(stmt), scope)
        views = [v for v in views if scope.matches(v)]
        return Window(start=start, end=now, interval=INTERVAL, mentions=views)
    cache = cache if cache is not None else WindowCache()
    key = scope.model_dump_json()

    def load_views() -> list[MentionView]:
        stmt = scoped(select(Mention), scope).where(Mention.published_at > start, Mention.published_at <= now)
        rows = session.scalars(stmt.order_by(Mention.published_at, Mention.id))
        return [v for v in views_of(session, rows, scope) if scope.matches(v)]

    if rule_type == RuleType.COVERAGE:  # reads the sources feeding the scope, not its mentions
        sources = cache.get(("sources", key, start, now), lambda: source_views(session, scope, start, now))
        return Window(start=start, end=now, interval=INTERVAL, sources=list(sources))
    views = cache.get(("views", key, start, now), load_views)
    history = params.history()
    counts: Series = []
    reach: Series = []
    sentiment: Series = []
    if history > timedelta(0):
        since = bucket(now - history)
        counts, reach, sentiment = cache.get(
            ("history", key, since, now), lambda: history_series(session, scope, since, now)
        )
    terms: frozenset[str] = frozenset()
    if _needs_terms(rule_type, params):
        first = now - timedelta(days=KNOWN_TERMS_DAYS)
        # one read per scope serves every look-back: the terms seen before this rule's window
        rows = cache.get(("terms", key, first, now), lambda: term_rows(session, scope, first, now))
        terms = terms_before(rows, start)
    return Window(
        start=start,
        end=now,
        interval=INTERVAL,
        mentions=list(views),  # copies: a rule may reorder its own lists
        counts=list(counts),
        reach=list(reach),
        sentiment=list(sentiment),
        known_terms=terms,
    )
