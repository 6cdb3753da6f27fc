"""Dry run of one rule over the past: the incidents it would have opened, nothing stored or sent."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from alerts.base import RuleType
from alerts.rules import RULES
from listener.engine.evaluation import parse_params
from listener.engine.window import INTERVAL, bucket, build_window
from listener.storage.models import AlertRule

log = logging.getLogger(__name__)


def dry_run(session: Session, rule: AlertRule, since: datetime, until: datetime) -> dict[str, Any]:
    """Evaluate ``rule`` as if live at every step in ``[since, until]`` (hourly, or the rule's
    look-back when shorter), grouping matches into incidents like the engine does."""
    params = parse_params(rule.type, rule.params, rule.scope)
    impl = RULES[RuleType(rule.type)]()
    step = min(INTERVAL, max(params.lookback(), timedelta(minutes=5)))
    quiet = timedelta(minutes=rule.resolve_after_minutes)
    open_: dict[str, datetime] = {}
    incidents: list[dict[str, Any]] = []
    at = bucket(since, step) + step
    evaluations = 0
    while at <= until:
        evaluations += 1
        window = build_window(session, rule.type, params, at)
        for match in impl.evaluate(params, window, at):
            if match.dedupe_key not in open_:
                incidents.append(
                    {
                        "at": at,
                        "key": match.dedupe_key,
                        "summary": match.summary,
                        "value": match.value,
                        "expected": match.expected,
                        "score": match.score,
                    }
                )
            open_[match.dedupe_key] = at
        for key, last in list(open_.items()):
            if at - last >= quiet:
                del open_[key]
        at += step
    return {
        "rule_id": rule.id,
        "since": since,
        "until": until,
        "evaluations": evaluations,
        "incidents": incidents,
    }
