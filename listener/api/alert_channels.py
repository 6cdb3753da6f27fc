"""Silences, delivery channels (write-only secrets, a test message) and the delivery log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from listener.deps import Manager, SessionDep, SettingsDep, Viewer
from listener.engine import digest, handling
from listener.errors import Unprocessable
from listener.schemas.alerts import (
    ChannelCreate,
    ChannelRead,
    ChannelUpdate,
    NotificationRead,
    SilenceCreate,
    SilenceRead,
    SilenceUpdate,
)
from listener.storage.alert_models import NOTIFICATION_STATUSES, SECRET_FIELDS
from listener.storage.audit import add_recorded, record
from listener.storage.lookup import ensure_name_free, get_or_404
from listener.storage.models import Channel, Notification, Silence
from listener.storage.times import aware
from outbound.policy import AddressRefused, OutboundPolicy, check_host, check_url

router = APIRouter(tags=["alerts"])
REQUIRED = {"slack": ("webhook_url",), "email": ("host", "from_addr", "to"), "webhook": ("url",)}
URL_FIELDS = {"slack": "webhook_url", "webhook": "url"}


def _now() -> datetime:
    return datetime.now(UTC)


# --- silences -----------------------------------------------------------------------------------


def _silence_read(s: Silence, now: datetime) -> SilenceRead:
    out = SilenceRead.model_validate(s)
    out.active = s.starts_at <= now < s.ends_at
    return out


def get_silence(session: Session, silence_id: int) -> Silence:
    return get_or_404(session, Silence, silence_id, "silence")


@router.get("/silences", summary="List silences (active and future first)")
def list_silences(session: SessionDep, _: Viewer) -> list[SilenceRead]:
    now = _now()
    rows = session.scalars(select(Silence).order_by(Silence.ends_at.desc(), Silence.id.desc()))
    return [_silence_read(s, now) for s in rows]


@router.post("/silences", status_code=201, summary="Silence notifications of a rule / brand / topic")
def create_silence(body: SilenceCreate, session: SessionDep, who: Manager) -> SilenceRead:
    ends = aware(body.ends_at, "ends_at")
    assert ends is not None
    silence = handling.add_silence(
        session,
        by=who.name,
        starts_at=aware(body.starts_at, "starts_at"),
        ends_at=ends,
        comment=body.comment,
        rule_id=body.rule_id,
        brand_id=body.brand_id,
        topic=body.topic,
    )
    return _silence_read(silence, _now())


@router.get("/silences/{silence_id}", summary="Read a silence")
def read_silence(silence_id: int, session: SessionDep, _: Viewer) -> SilenceRead:
    return _silence_read(get_silence(session, silence_id), _now())


@router.patch("/silences/{silence_id}", summary="Extend or shorten a silence, or change its comment")
def update_silence(silence_id: int, body: SilenceUpdate, session: SessionDep, who: Manager) -> SilenceRead:
    silence = get_silence(session, silence_id)
    changes: dict[str, Any] = {}
    if body.ends_at is not None:
        ends = aware(body.ends_at, "ends_at")
        if ends is None or ends <= silence.starts_at:
            raise Unprocessable("ends_at must be after starts_at", details=[{"field": "ends_at"}])
        changes["ends_at"] = [silence.ends_at.isoformat(), ends.isoformat()]
        silence.ends_at = ends
    if body.comment is not None:
        changes["comment"] = [silence.comment, body.comment]
        silence.comment = body.comment
    session.flush()
    record(session, actor=who.name, entity="silence", entity_id=silence.id, action="update", changes=changes)
    return _silence_read(silence, _now())


@router.delete("/silences/{silence_id}", status_code=204, summary="Delete a silence")
def delete_silence(silence_id: int, session: SessionDep, who: Manager) -> Response:
    session.delete(get_silence(session, silence_id))
    record(session, actor=who.name, entity="silence", entity_id=silence_id, action="delete", changes={})
    return Response(status_code=204)


# --- channels -----------------------------------------------------------------------------------


def _channel_read(session: Session, c: Channel) -> ChannelRead:
    secret = SECRET_FIELDS.get(c.type, ())
    config = dict(c.config or {})
    counts = session.execute(
        select(Notification.status, func.count())
        .where(Notification.channel_id == c.id)
        .group_by(Notification.status)
    ).all()
    return ChannelRead(
        id=c.id,
        name=c.name,
        type=c.type,
        config={k: v for k, v in config.items() if k not in secret},
        secrets={k: bool(config.get(k)) for k in secret},
        enabled=c.enabled,
        deliveries={status: n for status, n in counts},
        created_at=c.created_at,
        updated_at=c.updated_at,
    )


def _check_config(type_: str, config: dict[str, Any], policy: OutboundPolicy) -> None:
    missing = [k for k in REQUIRED[type_] if not config.get(k)]
    if missing:
        raise Unprocessable(
            f"a {type_} channel needs {', '.join(missing)}",
            details=[{"field": f"config.{k}"} for k in missing],
        )
    # the outbound-address policy: no loopback, private, link-local or metadata receivers
    address_field = URL_FIELDS.get(type_) or ("host" if type_ == "email" else None)
    if address_field is not None and config.get(address_field) is not None:
        value = str(config[address_field])
        try:
            check_url(value, policy) if address_field != "host" else check_host(value, policy)
        except AddressRefused as exc:
            raise Unprocessable(
                f"config.{address_field}: {exc}", details=[{"field": f"config.{address_field}"}]
            ) from None
    if type_ == "email":
        to = config.get("to")
        if not isinstance(to, list) or not all(isinstance(a, str) and "@" in a for a in to):
            raise Unprocessable("config.to must be a list of addresses", details=[{"field": "config.to"}])
        if config.get("security", "plain") not in ("plain", "starttls", "tls"):
            raise Unprocessable(
                "config.security is plain, starttls or tls", details=[{"field": "config.security"}]
            )
    _check_digest(type_, config)


def _check_digest(type_: str, config: dict[str, Any]) -> None:
    """``digest`` (email only, true/false), ``digest_hour`` (0-23), ``digest_timezone`` (IANA)."""
    given = [k for k in ("digest", "digest_hour", "digest_timezone") if k in config]
    if given and type_ != "email":
        raise Unprocessable(
            "only email channels take a daily digest", details=[{"field": f"config.{given[0]}"}]
        )
    if "digest" in config and not isinstance(config["digest"], bool):
        raise Unprocessable("config.digest is true or false", details=[{"field": "config.digest"}])
    hour = config.get("digest_hour", digest.DEFAULT_HOUR)
    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
        raise Unprocessable(
            "config.digest_hour is an hour from 0 to 23", details=[{"field": "config.digest_hour"}]
        )
    try:
        digest.zone(config)
    except ValueError as exc:
        raise Unprocessable(
            f"config.digest_timezone: {exc} (use an IANA name such as Europe/Istanbul)",
            details=[{"field": "config.digest_timezone"}],
        ) from None


def get_channel(session: Session, channel_id: int) -> Channel:
    return get_or_404(session, Channel, channel_id, "channel")


def _public(type_: str, config: dict[str, Any]) -> dict[str, Any]:
    secret = SECRET_FIELDS.get(type_, ())
    return {k: ("<set>" if k in secret else v) for k, v in config.items()}


@router.get("/channels", summary="List delivery channels (secrets are never returned)")
def list_channels(session: SessionDep, _: Viewer) -> list[ChannelRead]:
    return [_channel_read(session, c) for c in session.scalars(select(Channel).order_by(Channel.id))]


@router.post("/channels", status_code=201, summary="Create a Slack, email or webhook channel")
def create_channel(
    body: ChannelCreate, session: SessionDep, settings: SettingsDep, who: Manager
) -> ChannelRead:
    ensure_name_free(session, Channel, body.name, "a channel")
    _check_config(body.type, body.config, settings.outbound_policy())
    channel = Channel(name=body.name, type=body.type, config=body.config, enabled=body.enabled)
    add_recorded(
        session,
        channel,
        actor=who.name,
        entity="channel",
        changes={"name": body.name, "type": body.type, "config": _public(body.type, body.config)},
    )
    return _channel_read(session, channel)


@router.get("/channels/{channel_id}", summary="Read a channel and its delivery counts")
def read_channel(channel_id: int, session: SessionDep, _: Viewer) -> ChannelRead:
    return _channel_read(session, get_channel(session, channel_id))


@router.patch("/channels/{channel_id}", summary="Update a channel (secret fields left out are kept)")
def update_channel(
    channel_id: int, body: ChannelUpdate, session: SessionDep, settings: SettingsDep, who: Manager
) -> ChannelRead:
    channel = get_channel(session, channel_id)
    if body.name is not None and body.name != channel.name:
        ensure_name_free(session, Channel, body.name, "a channel", exclude=channel.id)
        channel.name = body.name
    if body.config is not None:
        merged = {**(channel.config or {}), **body.config}
        _check_config(channel.type, merged, settings.outbound_policy())
        channel.config = merged
    if body.enabled is not None:
        channel.enabled = body.enabled
    session.flush()
    record(
        session,
        actor=who.name,
        entity="channel",
        entity_id=channel.id,
        action="update",
        changes=_public(channel.type, body.model_dump(exclude_unset=True).get("config") or {}),
    )
    return _channel_read(session, channel)


@router.delete("/channels/{channel_id}", status_code=204, summary="Delete a channel")
def delete_channel(channel_id: int, session: SessionDep, who: Manager) -> Response:
    session.delete(get_channel(session, channel_id))
    record(session, actor=who.name, entity="channel", entity_id=channel_id, action="delete", changes={})
    return Response(status_code=204)


@router.post("/channels/{channel_id}/test", summary="Send a test message now; returns its delivery")
def test_channel(channel_id: int, session: SessionDep, settings: SettingsDep, _: Manager) -> NotificationRead:
    return NotificationRead.model_validate(
        handling.test_channel(session, get_channel(session, channel_id), settings)
    )


# --- delivery log -------------------------------------------------------------------------------


@router.get("/notifications", summary="Delivery log: every notification with its status, newest first")
def list_notifications(
    session: SessionDep,
    _: Viewer,
    status: Annotated[str | None, Query(description="one of: " + ", ".join(NOTIFICATION_STATUSES))] = None,
    channel_id: int | None = None,
    incident_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[NotificationRead]:
    if status is not None and status not in NOTIFICATION_STATUSES:
        raise Unprocessable(
            f"unknown status {status!r}; use one of {', '.join(NOTIFICATION_STATUSES)}",
            details=[{"field": "status", "message": "unknown status"}],
        )
    stmt = select(Notification).order_by(Notification.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(Notification.status == status)
    if channel_id is not None:
        stmt = stmt.where(Notification.channel_id == channel_id)
    if incident_id is not None:
        stmt = stmt.where(Notification.incident_id == incident_id)
    return [NotificationRead.model_validate(n) for n in session.scalars(stmt)]
