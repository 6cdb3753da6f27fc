"""Alert rules (CRUD and a dry run) and incidents (list, detail, acknowledge, resolve)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.deps import Manager, SessionDep, SettingsDep, Viewer
from listener.engine import handling, rule_check
from listener.engine.dryrun import dry_run
from listener.engine.payload import brief
from listener.errors import Unprocessable
from listener.schemas.alerts import (
    DryRunRead,
    IncidentDetail,
    IncidentRead,
    NotificationRead,
    RuleCreate,
    RuleRead,
    RuleUpdate,
)
from listener.schemas.common import IsoTime
from listener.settings import Settings
from listener.storage.audit import delete_recorded
from listener.storage.lookup import get_or_404, where_given
from listener.storage.models import AlertRule, Incident, Notification
from listener.storage.times import aware

router = APIRouter(tags=["alerts"])
INCIDENT_STATUSES = ("firing", "acknowledged", "resolved")


def get_rule(session: Session, rule_id: int) -> AlertRule:
    return get_or_404(session, AlertRule, rule_id, "alert rule")


def get_incident(session: Session, incident_id: int) -> Incident:
    return get_or_404(session, Incident, incident_id, "incident")


@router.get("/rules", summary="List alert rules")
def list_rules(session: SessionDep, _: Viewer) -> list[RuleRead]:
    return [RuleRead.model_validate(r) for r in session.scalars(select(AlertRule).order_by(AlertRule.id))]


@router.post("/rules", status_code=201, summary="Create an alert rule (params validated by its type)")
def create_rule(body: RuleCreate, session: SessionDep, who: Manager) -> RuleRead:
    return RuleRead.model_validate(rule_check.create_rule(session, body, actor=who.name))


@router.get("/rules/{rule_id}", summary="Read an alert rule")
def read_rule(rule_id: int, session: SessionDep, _: Viewer) -> RuleRead:
    return RuleRead.model_validate(get_rule(session, rule_id))


@router.patch("/rules/{rule_id}", summary="Update an alert rule")
def update_rule(rule_id: int, body: RuleUpdate, session: SessionDep, who: Manager) -> RuleRead:
    rule = rule_check.update_rule(session, get_rule(session, rule_id), body, actor=who.name)
    return RuleRead.model_validate(rule)


@router.delete("/rules/{rule_id}", status_code=204, summary="Delete an alert rule and its incidents")
def delete_rule(rule_id: int, session: SessionDep, who: Manager) -> Response:
    rule = get_rule(session, rule_id)
    delete_recorded(session, rule, actor=who.name, entity="alert_rule", changes={"name": [rule.name, None]})
    return Response(status_code=204)


@router.post("/rules/{rule_id}/test", summary="Dry run: the incidents this rule would have opened")
def test_rule(
    rule_id: int,
    session: SessionDep,
    _: Viewer,
    days: Annotated[int, Query(ge=1, le=30, description="How many days back")] = 7,
    until: Annotated[IsoTime | None, Query(description="End of the replay (default now)")] = None,
) -> DryRunRead:
    rule = get_rule(session, rule_id)
    end = aware(until, "until") or datetime.now(UTC)
    return DryRunRead.model_validate(dry_run(session, rule, end - timedelta(days=days), end))


@router.get("/incidents", summary="List incidents, newest first")
def list_incidents(
    session: SessionDep,
    _: Viewer,
    status: Annotated[
        str | None, Query(description="firing, acknowledged or resolved; 'open' = not resolved")
    ] = None,
    rule_id: int | None = None,
    brand_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[IncidentRead]:
    stmt = select(Incident).order_by(Incident.opened_at.desc(), Incident.id.desc()).limit(limit)
    if status == "open":
        stmt = stmt.where(Incident.status != "resolved")
    elif status:
        if status not in INCIDENT_STATUSES:
            raise Unprocessable(f"unknown status {status!r}", details=[{"field": "status"}])
        stmt = stmt.where(Incident.status == status)
    stmt = where_given(stmt, (Incident.rule_id, rule_id), (Incident.brand_id, brand_id))
    return [IncidentRead.model_validate(i) for i in session.scalars(stmt)]


def _detail(session: Session, incident: Incident, settings: Settings) -> IncidentDetail:
    rows = session.scalars(
        select(Notification).where(Notification.incident_id == incident.id).order_by(Notification.id)
    )
    out = IncidentDetail.model_validate(incident)
    out.notifications = [NotificationRead.model_validate(n) for n in rows]
    info = brief(session, get_rule(session, incident.rule_id), incident, settings)
    out.explanation, out.proposed_replies = info["explanation"], info["proposed_replies"]
    return out


@router.get("/incidents/{incident_id}", summary="An incident with its evidence and deliveries")
def read_incident(incident_id: int, session: SessionDep, settings: SettingsDep, _: Viewer) -> IncidentDetail:
    return _detail(session, get_incident(session, incident_id), settings)


@router.post("/incidents/{incident_id}/acknowledge", summary="Acknowledge: someone is on it")
def acknowledge(incident_id: int, session: SessionDep, settings: SettingsDep, who: Manager) -> IncidentDetail:
    incident = get_incident(session, incident_id)
    handling.acknowledge(session, incident, by=who.name)
    return _detail(session, incident, settings)


@router.post("/incidents/{incident_id}/resolve", summary="Resolve (the channels that were told hear of it)")
def resolve(incident_id: int, session: SessionDep, settings: SettingsDep, who: Manager) -> IncidentDetail:
    incident = get_incident(session, incident_id)
    handling.resolve(session, incident, by=who.name, settings=settings)
    return _detail(session, incident, settings)
