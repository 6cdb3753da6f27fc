"""Checking, creating and changing an alert rule (the API's rules and the rule editor): params and scope
validated by the rule type, channels and reply templates that exist; and the transient rule a
backtest preview runs before anything is saved."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.rules import RULES
from listener.engine import evaluation
from listener.engine.proposals import check_named
from listener.errors import Unprocessable
from listener.schemas.alerts import RuleCreate, RuleUpdate
from listener.storage.audit import add_recorded, update_changed
from listener.storage.lookup import ensure_name_free
from listener.storage.models import AlertRule, Channel


def check_params(rule_type: str, params: dict[str, Any], scope: dict[str, Any]) -> None:
    """Unprocessable naming each bad field when ``params``/``scope`` do not fit the rule type."""
    if "scope" in params:
        raise Unprocessable(
            "give the scope as 'scope', not inside params", details=[{"field": "params.scope"}]
        )
    try:
        evaluation.parse_params(rule_type, params, scope)
    except ValidationError as exc:
        details = []
        for err in exc.errors():
            loc = [str(p) for p in err["loc"]]
            field = ".".join(loc) if loc and loc[0] == "scope" else ".".join(["params", *loc])
            details.append({"field": field, "message": err["msg"]})
        raise Unprocessable(f"invalid {rule_type} rule params", details=details) from None


def check_channels(session: Session, ids: list[int]) -> None:
    """Unprocessable when a channel id does not exist."""
    found = set(session.scalars(select(Channel.id).where(Channel.id.in_(ids)))) if ids else set()
    missing = sorted(set(ids) - found)
    if missing:
        raise Unprocessable(
            f"no channel with id {missing[0]}", details=[{"field": "channels", "missing": missing}]
        )


def check_templates(session: Session, names: list[str]) -> None:
    """Unprocessable when a named reply template does not exist or is disabled."""
    missing = check_named(session, names)
    if missing:
        raise Unprocessable(
            f"no enabled reply template named {', '.join(map(repr, missing))}",
            details=[{"field": "reply_templates", "missing": missing}],
        )


def unsaved_rule(body: RuleCreate) -> AlertRule:
    """The rule ``body`` describes, checked but not added to the session (a backtest preview)."""
    check_params(body.type.value, body.params, body.scope)
    return _rule(body)


def _rule(body: RuleCreate, **extra: Any) -> AlertRule:
    return AlertRule(
        **body.model_dump(exclude={"type"}),
        type=body.type.value,
        audience=RULES[body.type].audience.value,
        **extra,
    )


def create_rule(session: Session, body: RuleCreate, *, actor: str) -> AlertRule:
    """Check and store a new rule, recorded in the audit trail."""
    ensure_name_free(session, AlertRule, body.name, "an alert rule")
    check_params(body.type.value, body.params, body.scope)
    check_channels(session, body.channels)
    check_templates(session, body.reply_templates)
    rule = _rule(body, created_by=actor)
    add_recorded(session, rule, actor=actor, entity="alert_rule", changes=body.model_dump(mode="json"))
    return rule


def update_rule(session: Session, rule: AlertRule, body: RuleUpdate, *, actor: str) -> AlertRule:
    """Check and apply the fields ``body`` sets (params against the rule's type, channels and
    templates that exist, a free name); the changes are recorded in the audit trail."""
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    if "name" in changes:
        ensure_name_free(session, AlertRule, changes["name"], "an alert rule", exclude=rule.id)
    check_params(rule.type, changes.get("params", rule.params), changes.get("scope", rule.scope))
    if "channels" in changes:
        check_channels(session, changes["channels"])
    if "reply_templates" in changes:
        check_templates(session, changes["reply_templates"])
    update_changed(session, rule, changes, actor=actor, entity="alert_rule")
    return rule
