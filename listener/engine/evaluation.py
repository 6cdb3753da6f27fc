"""The alert engine: rules → matches → incidents (grouping, escalation, silences, auto-resolve) →
notifications in the outbox, all in the caller's transaction.

- ``evaluate(session, now, settings=...)`` runs every enabled windowed rule (a job calls it every
  minute).
- ``evaluate_mentions(session, mention_ids, now, settings=...)`` runs the per-mention rules on newly stored
  mentions (the ingest path calls it in the transaction that stored them).
- On PostgreSQL one evaluator per brand: ``pg_try_advisory_xact_lock`` per brand; a brand whose lock
  is held elsewhere is skipped this round. A partial unique index keeps one open incident per
  (rule, scope key) whatever happens.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from alerts.base import Match, RuleParams, RuleType
from alerts.rules import RULES
from listener.engine import coverage, stories
from listener.engine.outbox import enqueue, silenced
from listener.engine.window import WindowCache, build_window
from listener.settings import Settings
from listener.storage.models import AlertRule, Incident

log = logging.getLogger(__name__)

LOCK_NAMESPACE = 4242  # first key of the two-key advisory lock; the second is the brand id (0: none)
ESCALATION_FACTOR = 2.0
PER_MENTION = {RuleType.MENTION}


@dataclass
class EvaluationReport:
    rules: int = 0
    matches: int = 0
    opened: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    notifications: int = 0
    skipped_brands: list[int] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)


def parse_params(rule_type: str, params: dict[str, Any], scope: dict[str, Any]) -> RuleParams:
    """The rule's Params model from stored ``params`` and ``scope`` (raises ``ValidationError``)."""
    return RULES[RuleType(rule_type)].Params.model_validate({**params, "scope": scope})


def brand_of(rule: AlertRule) -> int:
    """The brand a rule's evaluation is locked under (0 when the rule spans brands)."""
    ids = (rule.scope or {}).get("brand_ids") or []
    return int(ids[0]) if len(ids) == 1 else 0


def try_lock(session: Session, brand_id: int) -> bool:
    """Take this brand's evaluator lock for the transaction (always granted on SQLite)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    got = session.scalar(
        text("SELECT pg_try_advisory_xact_lock(:a, :b)"), {"a": LOCK_NAMESPACE, "b": brand_id}
    )
    return bool(got)


def evaluate(
    session: Session, now: datetime, *, settings: Settings, rule_ids: Sequence[int] | None = None
) -> EvaluationReport:
    """Evaluate enabled windowed rules at ``now``; update incidents; queue notifications (their links
    and proposed replies from the caller's ``settings``). Every brand gets its built-in coverage
    rule first (``engine.coverage.ensure_rules``)."""
    coverage.ensure_rules(session)
    stmt = select(AlertRule).where(AlertRule.enabled.is_(True)).order_by(AlertRule.id)
    if rule_ids is not None:
        stmt = stmt.where(AlertRule.id.in_(list(rule_ids)))
    by_brand: dict[int, list[AlertRule]] = defaultdict(list)
    report = EvaluationReport()
    for rule in session.scalars(stmt):
        if RuleType(rule.type) not in PER_MENTION:
            by_brand[brand_of(rule)].append(rule)
        else:  # evaluated at ingest; their stories still resolve here once quiet
            auto_resolve(session, rule, now, report, settings=settings)
    cache = WindowCache()  # rules of this round with the same scope share their reads
    for brand_id in sorted(by_brand):
        if not try_lock(session, brand_id):
            report.skipped_brands.append(brand_id)
            continue
        for rule in by_brand[brand_id]:
            _run(session, rule, now, report, settings=settings, cache=cache)
    return report


def evaluate_mentions(
    session: Session, mention_ids: Sequence[int], now: datetime, *, settings: Settings
) -> EvaluationReport:
    """Evaluate the enabled per-mention rules on just-stored ``mention_ids`` (no auto-resolve)."""
    report = EvaluationReport()
    if not mention_ids:
        return report
    types = [t.value for t in PER_MENTION]
    rules = session.scalars(
        select(AlertRule).where(AlertRule.enabled.is_(True), AlertRule.type.in_(types)).order_by(AlertRule.id)
    )
    for rule in rules:
        _run(session, rule, now, report, settings=settings, mention_ids=mention_ids, resolve=False)
    return report


def _run(
    session: Session,
    rule: AlertRule,
    now: datetime,
    report: EvaluationReport,
    *,
    settings: Settings,
    mention_ids: Sequence[int] = (),
    resolve: bool = True,
    cache: WindowCache | None = None,
) -> None:
    report.rules += 1
    try:
        params = parse_params(rule.type, rule.params, rule.scope)
        window = build_window(session, rule.type, params, now, mention_ids=mention_ids, cache=cache)
        matches = RULES[RuleType(rule.type)]().evaluate(params, window, now)
    except Exception as exc:  # noqa: BLE001 - one broken rule must not stop the others
        log.exception("rule %s (%s) failed to evaluate", rule.id, rule.name)
        report.errors[rule.id] = f"{type(exc).__name__}: {exc}"
        return
    report.matches += len(matches)
    seen = set()
    for match in matches:
        seen.add(apply_match(session, rule, match, now, report, settings=settings).scope_key)
    if resolve:
        auto_resolve(session, rule, now, report, settings=settings, keep=seen)


def open_incident(session: Session, rule_id: int, key: str) -> Incident | None:
    """The open (firing or acknowledged) incident of ``rule_id`` for ``key``."""
    return session.scalar(
        select(Incident).where(
            Incident.rule_id == rule_id, Incident.scope_key == key, Incident.status != "resolved"
        )
    )


def apply_match(
    session: Session,
    rule: AlertRule,
    match: Match,
    now: datetime,
    report: EvaluationReport,
    *,
    settings: Settings,
) -> Incident:
    """Open or update the incident for ``match`` (a story's match joins its story's incident); notify
    on open and when the value doubles."""
    match = stories.grow(session, rule, match)
    incident = open_incident(session, rule.id, match.dedupe_key)
    brand_id = brand_of(rule) or None
    if incident is None:
        incident = Incident(
            rule_id=rule.id,
            scope_key=match.dedupe_key[:200],
            brand_id=brand_id,
            status="firing",
            severity=rule.severity,
            opened_at=now,
            first_seen=now,
            peak_value=match.value,
            matches=0,
        )
        session.add(incident)
        kind: str | None = "opened"
    else:
        kind = None
        if incident.last_notified_value is None and incident.status == "firing":
            kind = "opened"  # opened while silenced: the team has not heard of it yet
        elif incident.status == "firing" and match.value >= ESCALATION_FACTOR * max(
            incident.last_notified_value, 1e-9
        ):
            kind = "escalated"
    incident.last_seen = now
    incident.summary = match.summary
    keep = stories.MAX_STORY_IDS if match.story else 100
    incident.evidence = {**match.evidence, "mention_ids": list(match.mention_ids)[:keep]}
    incident.value = match.value
    incident.expected = match.expected
    incident.score = match.score
    incident.peak_value = max(incident.peak_value or 0.0, match.value)
    incident.matches = (incident.matches or 0) + 1
    session.flush()
    incident.silenced = silenced(session, rule, incident, now)
    if kind == "opened" and incident.matches == 1:
        report.opened.append(incident.id)
    if kind and not incident.silenced:
        if kind == "escalated":
            report.escalated.append(incident.id)
        incident.last_notified_value = match.value
        report.notifications += enqueue(session, rule, incident, kind, now, settings=settings)
    return incident


def auto_resolve(
    session: Session,
    rule: AlertRule,
    now: datetime,
    report: EvaluationReport,
    *,
    settings: Settings,
    keep: Iterable[str] = (),
) -> None:
    """Resolve this rule's open incidents that have been quiet for ``resolve_after_minutes``."""
    cutoff = now - timedelta(minutes=rule.resolve_after_minutes)
    keep = set(keep)
    stale = session.scalars(
        select(Incident).where(
            Incident.rule_id == rule.id, Incident.status != "resolved", Incident.last_seen <= cutoff
        )
    )
    for incident in stale:
        if incident.scope_key in keep:
            continue
        resolve(session, rule, incident, now, by="auto", settings=settings, report=report)


def resolve(
    session: Session,
    rule: AlertRule,
    incident: Incident,
    now: datetime,
    *,
    by: str,
    settings: Settings,
    report: EvaluationReport | None = None,
) -> None:
    """Mark ``incident`` resolved; notify the channels that heard of it (unless silenced)."""
    incident.status = "resolved"
    incident.resolved_at = now
    incident.resolved_by = by
    session.flush()
    if report is not None:
        report.resolved.append(incident.id)
    if incident.last_notified_value is not None and not silenced(session, rule, incident, now):
        n = enqueue(session, rule, incident, "resolved", now, settings=settings)
        if report is not None:
            report.notifications += n
