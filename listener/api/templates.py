"""The reply template library (manager and up to change, viewer to read)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.deps import Manager, SessionDep, SettingsDep, Viewer
from listener.engine import template_check
from listener.schemas.replies import TemplateCreate, TemplateRead, TemplateUpdate
from listener.storage.audit import delete_recorded
from listener.storage.lookup import get_or_404
from listener.storage.reply_models import ReplyTemplate

router = APIRouter(prefix="/templates", tags=["replies"])


def _get(session: Session, template_id: int) -> ReplyTemplate:
    return get_or_404(session, ReplyTemplate, template_id, "template")


@router.get("", summary="List templates")
def list_templates(
    session: SessionDep,
    _: Viewer,
    language: Annotated[str | None, Query(max_length=8)] = None,
    channel: Annotated[str | None, Query(pattern="^(dm|public)$")] = None,
) -> list[TemplateRead]:
    stmt = select(ReplyTemplate).order_by(ReplyTemplate.id)
    if language:
        stmt = stmt.where(ReplyTemplate.language == language)
    if channel:
        stmt = stmt.where(ReplyTemplate.channel == channel)
    return [TemplateRead.model_validate(t) for t in session.scalars(stmt)]


@router.post("", status_code=201, summary="Create a template (checked: variables, sandbox, length)")
def create_template(
    body: TemplateCreate, session: SessionDep, settings: SettingsDep, who: Manager
) -> TemplateRead:
    return TemplateRead.model_validate(
        template_check.create_template(session, settings, body, actor=who.name)
    )


@router.get("/{template_id}", summary="Read a template")
def read_template(template_id: int, session: SessionDep, _: Viewer) -> TemplateRead:
    return TemplateRead.model_validate(_get(session, template_id))


@router.patch("/{template_id}", summary="Update a template")
def update_template(
    template_id: int, body: TemplateUpdate, session: SessionDep, settings: SettingsDep, who: Manager
) -> TemplateRead:
    t = template_check.update_template(session, settings, _get(session, template_id), body, actor=who.name)
    return TemplateRead.model_validate(t)


@router.delete("/{template_id}", status_code=204, summary="Delete a template (past replies keep their text)")
def delete_template(template_id: int, session: SessionDep, who: Manager) -> Response:
    delete_recorded(session, _get(session, template_id), actor=who.name, entity="reply_template")
    return Response(status_code=204)
