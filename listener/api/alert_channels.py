"""Silences and delivery channels (typed configs from the notifier registry, write-only secrets, a
test message). The delivery log is ``api/notifications.py``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.notifiers import stored_view
from listener.deps import Manager, OutboundDep, SessionDep, SettingsDep, Viewer
from listener.engine import handling
from listener.engine.channel_check import create_channel as create_channel_row
from listener.engine.channel_check import update_channel as update_channel_row
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
from listener.storage.audit import delete_recorded, update_recorded
from listener.storage.lookup import get_or_404
from listener.storage.models import Channel, Notification, Silence
from listener.storage.times import aware

router = APIRouter(tags=["alerts"])


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
    new: dict[str, Any] = {}
    changes: dict[str, Any] = {}
    if body.ends_at is not None:
        ends = aware(body.ends_at, "ends_at")
        if ends is None or ends <= silence.starts_at:
            raise Unprocessable("ends_at must be after starts_at", details=[{"field": "ends_at"}])
        new["ends_at"], changes["ends_at"] = ends, [silence.ends_at.isoformat(), ends.isoformat()]
    if body.comment is not None:
        new["comment"], changes["comment"] = body.comment, [silence.comment, body.comment]
    update_recorded(session, silence, new, actor=who.name, entity="silence", audit=changes)
    return _silence_read(silence, _now())


@router.delete("/silences/{silence_id}", status_code=204, summary="Delete a silence")
def delete_silence(silence_id: int, session: SessionDep, who: Manager) -> Response:
    delete_recorded(session, get_silence(session, silence_id), actor=who.name, entity="silence")
    return Response(status_code=204)


# --- channels -----------------------------------------------------------------------------------


def _channel_read(session: Session, c: Channel) -> ChannelRead:
    config, secrets = stored_view(c.type, c.config)
    counts = session.execute(
        select(Notification.status, func.count())
        .where(Notification.channel_id == c.id)
        .group_by(Notification.status)
    ).all()
    return ChannelRead(
        id=c.id,
        name=c.name,
        type=c.type,
        config=config,
        secrets=secrets,
        enabled=c.enabled,
        deliveries={status: n for status, n in counts},
        created_at=c.created_at,
        updated_at=c.updated_at,
    )


def get_channel(session: Session, channel_id: int) -> Channel:
    return get_or_404(session, Channel, channel_id, "channel")


@router.get("/channels", summary="List delivery channels (secrets are never returned)")
def list_channels(session: SessionDep, _: Viewer) -> list[ChannelRead]:
    return [_channel_read(session, c) for c in session.scalars(select(Channel).order_by(Channel.id))]


@router.post(
    "/channels", status_code=201, summary="Create a channel of a registered type (Slack, email, webhook)"
)
def create_channel(
    body: ChannelCreate, session: SessionDep, settings: SettingsDep, who: Manager
) -> ChannelRead:
    channel = create_channel_row(session, body, settings, actor=who.name)
    return _channel_read(session, channel)


@router.get("/channels/{channel_id}", summary="Read a channel and its delivery counts")
def read_channel(channel_id: int, session: SessionDep, _: Viewer) -> ChannelRead:
    return _channel_read(session, get_channel(session, channel_id))


@router.patch("/channels/{channel_id}", summary="Update a channel (secret fields left out are kept)")
def update_channel(
    channel_id: int, body: ChannelUpdate, session: SessionDep, settings: SettingsDep, who: Manager
) -> ChannelRead:
    channel = get_channel(session, channel_id)
    update_channel_row(session, channel, body, settings, actor=who.name)
    return _channel_read(session, channel)


@router.delete("/channels/{channel_id}", status_code=204, summary="Delete a channel")
def delete_channel(channel_id: int, session: SessionDep, who: Manager) -> Response:
    delete_recorded(session, get_channel(session, channel_id), actor=who.name, entity="channel")
    return Response(status_code=204)


@router.post("/channels/{channel_id}/test", summary="Send a test message now; returns its delivery")
def test_channel(channel_id: int, session: SessionDep, client: OutboundDep, _: Manager) -> NotificationRead:
    return NotificationRead.model_validate(
        handling.test_channel(session, get_channel(session, channel_id), client)
    )
