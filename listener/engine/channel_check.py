"""Checking, creating and changing a delivery channel (the API's channels and the channel pages): the
config validated by the channel type's ``Config`` from the notifier registry and its URL and host
fields by the outbound-address policy; secret values never reach the audit log."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from alerts.notifiers import NOTIFIERS, NotifierConfig
from listener.errors import Unprocessable, validation_details
from listener.schemas.alerts import ChannelCreate, ChannelUpdate
from listener.settings import Settings
from listener.storage.audit import add_recorded, update_recorded
from listener.storage.lookup import ensure_name_free
from listener.storage.models import Channel
from outbound.policy import AddressRefused, OutboundPolicy


def check_config(type_: str, raw: dict[str, Any], policy: OutboundPolicy) -> NotifierConfig:
    """``raw`` validated by the channel type's ``Config`` (required fields, types, unknown keys) and
    its URL and host fields by the outbound-address ``policy``; 422 naming ``config.<field>``."""
    config_cls = NOTIFIERS[type_].Config
    try:
        config = config_cls.model_validate(raw)
    except ValidationError as exc:
        details = validation_details([{**e, "loc": ("config", *e["loc"])} for e in exc.errors()])
        missing = [d["field"].removeprefix("config.") for d in details if d["type"] == "missing"]
        if missing:
            message = f"a {type_} channel needs {', '.join(missing)}"
        else:
            message = f"{details[0]['field']}: {details[0]['message']}"
        raise Unprocessable(message, details=details) from None
    try:
        config.check_addresses(policy)
    except AddressRefused as exc:
        field = str(exc).split(":", 1)[0]
        raise Unprocessable(f"config.{exc}", details=[{"field": f"config.{field}"}]) from None
    return config


def public_config(type_: str, config: dict[str, Any]) -> dict[str, Any]:
    """For the audit log: secret values replaced by ``<set>``."""
    secret = NOTIFIERS[type_].Config.fields_marked("secret") if type_ in NOTIFIERS else ()
    return {k: ("<set>" if k in secret else v) for k, v in config.items()}


def create_channel(session: Session, body: ChannelCreate, settings: Settings, *, actor: str) -> Channel:
    """Check and store a new channel (a free name, a valid config), recorded in the audit trail."""
    ensure_name_free(session, Channel, body.name, "a channel")
    check_config(body.type, body.config, settings.outbound_policy())
    channel = Channel(name=body.name, type=body.type, config=body.config, enabled=body.enabled)
    add_recorded(
        session,
        channel,
        actor=actor,
        entity="channel",
        changes={"name": body.name, "type": body.type, "config": public_config(body.type, body.config)},
    )
    return channel


def update_channel(
    session: Session, channel: Channel, body: ChannelUpdate, settings: Settings, *, actor: str,
    replace: bool = False,
) -> Channel:  # fmt: skip
    """Apply the fields ``body`` sets (a free name, a config checked as on creation), recorded in
    the audit trail with secret values hidden. The config is merged into the stored one (the API's
    PATCH: fields left out are kept); with ``replace`` (a whole edit form) it replaces it, except
    that a secret field left out or empty keeps its stored value."""
    new: dict[str, Any] = {}
    if body.name is not None and body.name != channel.name:
        ensure_name_free(session, Channel, body.name, "a channel", exclude=channel.id)
        new["name"] = body.name
    if body.config is not None:
        if channel.type not in NOTIFIERS:
            raise Unprocessable(f"channel type {channel.type!r} is not known to this version")
        if replace:
            stored = channel.config or {}
            kept = {k: stored[k] for k in NOTIFIERS[channel.type].Config.fields_marked("secret")
                    if k in stored and not body.config.get(k)}  # fmt: skip
            new["config"] = {**{k: v for k, v in body.config.items() if v or k not in kept}, **kept}
        else:
            new["config"] = {**(channel.config or {}), **body.config}
        check_config(channel.type, new["config"], settings.outbound_policy())
    if body.enabled is not None:
        new["enabled"] = body.enabled
    audit = public_config(channel.type, body.model_dump(exclude_unset=True).get("config") or {})
    update_recorded(session, channel, new, actor=actor, entity="channel", audit=audit)
    return channel
