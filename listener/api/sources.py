"""Watched sources: platform, params (validated by the platform's collector), interval, health."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.deps import Manager, SessionDep, SettingsDep, Viewer
from listener.engine import source_check
from listener.schemas.catalog import SourceCreate, SourceRead, SourceUpdate
from listener.storage.audit import delete_recorded
from listener.storage.lookup import get_or_404
from listener.storage.models import Source

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
    source = source_check.update_source(session, _get(session, source_id), body, settings, actor=who.name)
    return SourceRead.model_validate(source)


@router.delete("/{source_id}", status_code=204, summary="Delete a source (its mentions stay)")
def delete_source(source_id: int, session: SessionDep, who: Manager) -> Response:
    delete_recorded(session, _get(session, source_id), actor=who.name, entity="source")
    return Response(status_code=204)
