"""Dry run of one rule over the past: the incidents it would have opened, nothing stored or sent."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from alerts import stories
from alerts.base import RuleType
from alerts.rules import RULES
from listener.engine.evaluation import parse_params
from listener.engine.window import INTERVAL, bucket, build_window
from listener.storage.models import AlertRule

log = logging.getLogger(__name__)


def dry_run(session: Session, rule: AlertRule, since: datetime, until: datetime) -> dict[str, Any]:
    """Evaluate ``rule`` as if live at every step in ``[since, until]`` (hourly, or the rule's
    look-back when shorter), grouping matches into incidents like the engine does: one per scope key,
    a per-mention rule's matches one per story; an incident quiet for ``resolve_after_minutes``
    resolves (``resolved_at``) and a later match opens a new one."""
    params = parse_params(rule.type, rule.params, rule.scope)
    impl = RULES[RuleType(rule.type)]()
    step = min(INTERVAL, max(params.lookback(), timedelta(minutes=5)))
    quiet = timedelta(minutes=rule.resolve_after_minutes)
    open_: dict[str, dict[str, Any]] = {}  # key -> the open incident (with its story tokens)
    incidents: list[dict[str, Any]] = []
    at = bucket(since, step) + step
    evaluations = 0
    while at <= until:
        evaluations += 1
        window = build_window(session, rule.type, params, at)
        for match in impl.evaluate(params, window, at):
            key = match.dedupe_key
            if match.story:  # one story, one incident, as the engine groups them
                key = stories.find({k: v["story"] for k, v in open_.items()}, match.story) or key
            current = open_.get(key)
            if current is None:
                current = open_[key] = {
                    "at": at,
                    "key": key,
                    "summary": match.summary,
                    "value": match.value,
                    "expected": match.expected,
                    "score": match.score,
                    "mentions": len(match.mention_ids),
                    "resolved_at": None,
                    "story": set(match.story),
                    "ids": set(match.mention_ids),
                }
                incidents.append(current)
            elif match.story:
                current["story"] |= set(match.story)
                current["ids"] |= set(match.mention_ids)
                current["mentions"] = current["value"] = len(current["ids"])
            else:
                current["value"] = match.value
            current["last"] = at
        for key, inc in list(open_.items()):
            if at - inc["last"] >= quiet:
                inc["resolved_at"] = at  # quiet for resolve_after_minutes: resolved, as live
                del open_[key]
        at += step
    for inc in incidents:
        for private in ("story", "ids", "last"):
            inc.pop(private, None)
    return {
        "rule_id": rule.id,
        "since": since,
        "until": until,
        "evaluations": evaluations,
        "incidents": incidents,
    }
