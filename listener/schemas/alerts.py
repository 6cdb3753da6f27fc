"""API shapes of the alert engine: rules, incidents, silences, channels, notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, model_validator

from alerts.base import RuleType
from alerts.notifiers import NOTIFIERS
from listener.schemas.common import IsoTime, ReadModel, StrictIn

Name = Annotated[str, Field(min_length=1, max_length=200)]
TemplateName = Annotated[str, Field(min_length=1, max_length=200)]
Severity = Literal["info", "warning", "critical"]
ChannelType = Literal[tuple(NOTIFIERS)]  # type: ignore[valid-type]  # the registered notifiers


class RuleCreate(StrictIn):
    name: Name
    type: RuleType
    params: dict[str, Any] = Field(default_factory=dict, description="validated by the rule type's Params")
    scope: dict[str, Any] = Field(default_factory=dict, description="brand_ids, platforms, topics, …")
    severity: Severity = "warning"
    channels: list[int] = Field(default_factory=list, description="channel ids")
    enabled: StrictBool = True
    resolve_after_minutes: int = Field(120, ge=1, le=7 * 24 * 60)
    reply_templates: list[TemplateName] = Field(
        default_factory=list, max_length=20, description="reply template names its incidents propose"
    )


class RuleUpdate(StrictIn):
    name: Name | None = None
    params: dict[str, Any] | None = None
    scope: dict[str, Any] | None = None
    severity: Severity | None = None
    channels: list[int] | None = None
    enabled: StrictBool | None = None
    resolve_after_minutes: int | None = Field(None, ge=1, le=7 * 24 * 60)
    reply_templates: list[TemplateName] | None = Field(None, max_length=20)


class RuleRead(ReadModel):
    id: int
    name: str
    type: str
    params: dict[str, Any]
    scope: dict[str, Any]
    severity: str
    channels: list[int]
    enabled: bool
    audience: str
    resolve_after_minutes: int
    reply_templates: list[str] = Field(default_factory=list)
    created_by: str
    created_at: datetime
    updated_at: datetime


class DryRunIncident(StrictIn):
    at: datetime
    key: str
    summary: str
    value: float
    expected: float | None = None
    score: float | None = None
    mentions: int = Field(0, description="mentions in the incident (a story grows)")
    resolved_at: datetime | None = Field(None, description="when it would have resolved itself")


class DryRunRead(StrictIn):
    rule_id: int
    since: datetime
    until: datetime
    evaluations: int
    incidents: list[DryRunIncident]


class NotificationRead(ReadModel):
    id: int
    incident_id: int | None
    channel_id: int
    kind: str
    status: str
    attempts: int
    idempotency_key: str
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class IncidentRead(ReadModel):
    id: int
    rule_id: int
    scope_key: str
    brand_id: int | None
    status: str
    severity: str
    summary: str
    value: float
    expected: float | None
    score: float | None
    peak_value: float
    matches: int
    silenced: bool
    opened_at: datetime
    first_seen: datetime
    last_seen: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None


class IncidentDetail(IncidentRead):
    evidence: dict[str, Any]
    notifications: list[NotificationRead] = Field(default_factory=list)
    explanation: dict[str, Any] = Field(
        default_factory=dict,
        description="baseline (volume, negative share), new or rising terms, top authors, "
        "representative mentions (cluster roots), platforms, languages, links",
    )
    proposed_replies: list[dict[str, Any]] = Field(
        default_factory=list, description="templates to consider now, rendered; 'draft' says how to draft one"
    )


class IncidentDraftIn(StrictIn):
    template_id: int
    mention_ids: list[int] | None = Field(
        None, max_length=500, description="evidence mentions to reply to (default: chosen by channel)"
    )


class SilenceCreate(StrictIn):
    rule_id: int | None = None
    brand_id: int | None = None
    topic: str | None = Field(None, min_length=1, max_length=200)
    starts_at: IsoTime | None = None
    ends_at: IsoTime
    comment: str = Field(min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _check(self) -> SilenceCreate:
        if self.rule_id is None and self.brand_id is None and self.topic is None:
            raise ValueError("a silence needs at least one of rule_id, brand_id or topic")
        return self


class SilenceUpdate(StrictIn):
    ends_at: IsoTime | None = None
    comment: str | None = Field(None, min_length=1, max_length=2000)


class SilenceRead(ReadModel):
    id: int
    rule_id: int | None
    brand_id: int | None
    topic: str | None
    starts_at: datetime
    ends_at: datetime
    comment: str
    created_by: str
    created_at: datetime
    active: bool = False


def _config_doc() -> str:
    """Per channel type: its required, secret and address fields (from the registry)."""
    parts = []
    for name, n in NOTIFIERS.items():
        c = n.Config
        secret = ", ".join(c.fields_marked("secret")) or "-"
        addresses = ", ".join(c.fields_marked("url") + c.fields_marked("host")) or "-"
        parts.append(
            f"{name}: needs {', '.join(c.required())}; secret: {secret}; checked addresses: {addresses}"
        )
    return "validated by the channel type's Config. " + " | ".join(parts)


class ChannelCreate(StrictIn):
    name: Name
    type: ChannelType
    config: dict[str, Any] = Field(default_factory=dict, description=_config_doc())
    enabled: StrictBool = True


class ChannelUpdate(StrictIn):
    name: Name | None = None
    config: dict[str, Any] | None = Field(None, description="merged; secret fields left out are kept")
    enabled: StrictBool | None = None


class ChannelRead(StrictIn):
    id: int
    name: str
    type: str
    config: dict[str, Any] = Field(description="without secret fields")
    secrets: dict[str, bool] = Field(description="which secret fields are set (values are never returned)")
    enabled: bool
    deliveries: dict[str, int] = Field(default_factory=dict, description="notifications per status")
    created_at: datetime
    updated_at: datetime
