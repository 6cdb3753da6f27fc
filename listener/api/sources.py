"""Watched sources: platform, params (validated by the platform's collector), interval, health."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.deps import Manager, SessionDep, SettingsDep, Viewer
from listener.engine import source_check
from listener.schemas.catalog import SourceCreate, SourceRead, SourceUpdate
from listener.storage.audit import delete_recorded, update_recorded
from listener.storage.lookup import get_or_404
from listener.storage.models import Source
from listener.worker.control import wake

router = APIRouter(prefix="/sources", tags=["sources"])


def _get(session: Session, source_id: int) -> Source:
    return get_or_404(session, Source, source_id, "source")


@router.get("", summary="List sources with their health")
def list_sources(session: SessionDep, _: Viewer) -> list[SourceRead]:
    return [SourceRead.model_validate(s) for s in session.scalars(select(Source).order_by(Source.id))]


@router.post("", status_code=201, summary="Create a source")
def create_source(body: SourceCreate, session: SessionDep, settings: SettingsDep, who: Manager) -> SourceRead:
    source = source_check.create_source(session, body, settings, actor=who.name)
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
        changes["params"] = source_check.checked_params(source.platform, changes["params"], settings)
    params_changed = changes.get("params") is not None and changes["params"] != source.params
    # new params (another host, query or account) may fix what paused the source or got it a
    # 401/403: run it again at the next tick instead of waiting for `collect --once`
    wake(source, enabled_now=bool(changes.get("enabled")), params_changed=params_changed)
    to_set = {k: v for k, v in changes.items() if v is not None or k == "interval_seconds"}
    update_recorded(
        session, source, to_set, actor=who.name, entity="source", audit=dict.fromkeys(changes, True)
    )
    return SourceRead.model_validate(source)


@router.delete("/{source_id}", status_code=204, summary="Delete a source (its mentions stay)")
def delete_source(source_id: int, session: SessionDep, who: Manager) -> Response:
    delete_recorded(session, _get(session, source_id), actor=who.name, entity="source")
    return Response(status_code=204)
