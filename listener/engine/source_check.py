"""Checking, creating and changing a watched source (the API's sources and the source pages): params
validated by the platform's collector (``collectors.validate_params``, with this installation's
outbound-address policy and replay directory)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from collectors import COLLECTORS, CollectorError, validate_params
from listener.errors import Unprocessable, validation_details
from listener.schemas.catalog import SourceCreate, SourceUpdate
from listener.settings import Settings
from listener.storage.audit import add_recorded, update_recorded
from listener.storage.models import Source
from listener.worker.control import wake


def checked_params(platform: str, params: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """``params`` validated by the platform's ``Params`` model (with this installation's
    outbound-address policy and replay directory), as JSON; 422 naming the field."""
    try:
        model = validate_params(platform, params, settings=settings)
    except CollectorError as exc:
        known = [p.value for p in COLLECTORS]
        raise Unprocessable(
            str(exc), details=[{"field": "platform", "message": f"use one of {known}"}]
        ) from exc
    except ValidationError as exc:
        details = validation_details(list(exc.errors()))
        for d in details:
            d["field"] = "params." + (d["field"] or "")
        raise Unprocessable(
            f"invalid params for platform {platform!r}: {details[0]['field']}: {details[0]['message']}",
            details=details,
        ) from exc
    return model.model_dump(mode="json", exclude_unset=True)


def create_source(session: Session, body: SourceCreate, settings: Settings, *, actor: str) -> Source:
    """Check and store a new source, recorded in the audit trail."""
    params = checked_params(body.platform, body.params, settings)
    source = Source(
        name=body.name,
        platform=body.platform,
        params=params,
        interval_seconds=body.interval_seconds,
        enabled=body.enabled,
    )
    add_recorded(
        session, source, actor=actor, entity="source", changes={"name": body.name, "platform": body.platform}
    )
    return source


def update_source(
    session: Session, source: Source, body: SourceUpdate, settings: Settings, *, actor: str
) -> Source:
    """Apply the fields ``body`` sets (params checked as on creation and replacing the stored ones),
    recorded in the audit trail by field name only."""
    changes = body.model_dump(exclude_unset=True)
    if changes.get("params") is not None:
        changes["params"] = checked_params(source.platform, changes["params"], settings)
    params_changed = changes.get("params") is not None and changes["params"] != source.params
    # new params (another host, query or account) may fix what paused the source or got it a
    # 401/403: run it again at the next tick instead of waiting for `collect --once`
    wake(source, enabled_now=bool(changes.get("enabled")), params_changed=params_changed)
    to_set = {k: v for k, v in changes.items() if v is not None or k == "interval_seconds"}
    update_recorded(session, source, to_set, actor=actor, entity="source", audit=dict.fromkeys(changes, True))
    return source
