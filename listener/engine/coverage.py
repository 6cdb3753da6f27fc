"""Coverage alerts on stored state: the sources feeding a scope (``Window.sources``) and the
built-in coverage rule every brand gets (on by default, switchable like any rule)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.base import RuleType, Scope, SourceView
from listener.storage.mentions import brand_condition
from listener.storage.models import AlertRule, Brand, Mention, Source
from listener.storage.times import as_utc

log = logging.getLogger(__name__)

RESOLVE_AFTER_MINUTES = 1  # a coverage incident resolves at the first round its source is back


def source_views(session: Session, scope: Scope, since: datetime, now: datetime) -> list[SourceView]:
    """The sources that brought mentions of ``scope`` (brands and platforms) collected in
    ``[since, now]``, with their state and pace; sources that never fed the scope are not its."""
    stmt = select(
        Mention.source_id, func.count(), func.min(Mention.collected_at), func.max(Mention.collected_at)
    ).where(Mention.source_id.is_not(None), Mention.collected_at >= since, Mention.collected_at <= now)
    if scope.brand_ids:
        stmt = stmt.where(brand_condition(scope.brand_ids))
    if scope.platforms:
        stmt = stmt.where(Mention.platform.in_(scope.platforms))
    pace = {
        sid: (n, as_utc(first), as_utc(last))
        for sid, n, first, last in session.execute(stmt.group_by(Mention.source_id))
    }
    if not pace:
        return []
    out = []
    for s in session.scalars(select(Source).where(Source.id.in_(list(pace))).order_by(Source.id)):
        n, first, last = pace[s.id]
        out.append(
            SourceView(
                id=s.id,
                name=s.name,
                platform=s.platform,
                enabled=s.enabled,
                status=s.status,
                interval_seconds=float(s.interval_seconds or 0),
                last_success_at=s.last_success_at,
                first_mention_at=first,
                last_mention_at=last,
                busy_mentions=int(n),
                last_error=s.last_error,
            )
        )
    return out


def ensure_rules(session: Session) -> list[AlertRule]:
    """Give every brand without one its built-in coverage rule (enabled); returns those created.
    Switch one off with ``enabled=false``: a deleted one comes back at the next round."""
    covered = {
        int(ids[0])
        for (scope,) in session.execute(
            select(AlertRule.scope).where(AlertRule.type == RuleType.COVERAGE.value)
        )
        if len(ids := (scope or {}).get("brand_ids") or []) == 1
    }
    taken = set(session.scalars(select(AlertRule.name).where(AlertRule.name.startswith("Coverage: "))))
    created = []
    for brand in session.scalars(select(Brand).order_by(Brand.id)):
        if brand.id in covered:
            continue
        name = f"Coverage: {brand.name}"[:200]
        if name in taken:
            name = f"Coverage: {brand.name} #{brand.id}"[:200]
        rule = AlertRule(
            name=name,
            type=RuleType.COVERAGE.value,
            params={},
            scope={"brand_ids": [brand.id]},
            severity="warning",
            channels=[],
            enabled=True,
            audience="team",
            resolve_after_minutes=RESOLVE_AFTER_MINUTES,
            created_by="system",
        )
        session.add(rule)
        created.append(rule)
    if created:
        session.flush()
        log.info("coverage: built-in rule created for %d brand(s)", len(created))
    return created
