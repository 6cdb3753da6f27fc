"""Watched sources: platform, params (validated by the platform's collector), interval, health."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from collectors import COLLECTORS, CollectorError, validate_params
from listener.deps import Manager, SessionDep, SettingsDep, Viewer
from listener.errors import Unprocessable, validation_details
from listener.schemas.catalog import SourceCreate, SourceRead, SourceUpdate
from listener.settings import Settings
from listener.storage.audit import add_recorded, record
from listener.storage.lookup import get_or_404
from listener.storage.models import Source
from listener.worker.control import wake

router = APIRouter(prefix="/sources", tags=["sources"])


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


def _get(session: Session, source_id: int) -> Source:
    return get_or_404(session, Source, source_id, "source")


@router.get("", summary="List sources with their health")
def list_sources(session: SessionDep, _: Viewer) -> list[SourceRead]:
    return [SourceRead.model_validate(s) for s in session.scalars(select(Source).order_by(Source.id))]


@router.post("", status_code=201, summary="Create a source")
def create_source(body: SourceCreate, session: SessionDep, settings: SettingsDep, who: Manager) -> SourceRead:
    params = checked_params(body.platform, body.params, settings)
    source = Source(
        name=body.name,
        platform=body.platform,
        params=params,
        interval_seconds=body.interval_seconds,
        enabled=body.enabled,
    )
    add_recorded(
        session,
        source,
        actor=who.name,
        entity="source",
        changes={"name": body.name, "platform": body.platform},
    )
    return SourceRead.model_validate(source)


@router.get("/{source_id}", summary="Read a source")
def read_source(source_id: int, session: SessionDep, _: Viewer) -> SourceRead:
    return SourceRead.model_validate(_get(session, source_id))


@router.patch("/{source_id}", summary="Update a source")
def update_source(
    source_id: int, body: SourceUpdate, session: SessionDep, settings: SettingsDep, who: Manager
) -> SourceRead:
    source = _get(session, source_id)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("params") is not None:
        changes["params"] = checked_params(source.platform, changes["params"], settings)
    params_changed = changes.get("params") is not None and changes["params"] != source.params
    for name, value in changes.items():
        if value is not None or name == "interval_seconds":
            setattr(source, name, value)
    # new params (another host, query or account) may fix what paused the source or got it a
    # 401/403: run it again at the next tick instead of waiting for `collect --once`
    wake(source, enabled_now=bool(changes.get("enabled")), params_changed=params_changed)
    session.flush()
    record(
        session,
        actor=who.name,
        entity="source",
        entity_id=source.id,
        action="update",
        changes={k: True for k in changes},
    )
    return SourceRead.model_validate(source)


@router.delete("/{source_id}", status_code=204, summary="Delete a source (its mentions stay)")
def delete_source(source_id: int, session: SessionDep, who: Manager) -> Response:
    session.delete(_get(session, source_id))
    record(session, actor=who.name, entity="source", entity_id=source_id, action="delete", changes={})
    return Response(status_code=204)
