"""Changing an existing channel's config or source's params (manager): the create forms again
(``manage_create``'s templates and typed fields), filled in with the stored values, and checked by
the same functions as the API's PATCH (``engine.channel_check.update_channel``,
``engine.source_check.update_source``). A secret field is always shown empty; left empty, the
stored secret is kept."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError

from alerts.notifiers import NOTIFIERS
from listener.deps import SessionDep
from listener.engine.channel_check import update_channel
from listener.engine.source_check import update_source
from listener.errors import ListenerError
from listener.schemas.alerts import ChannelUpdate
from listener.schemas.catalog import SourceUpdate
from listener.storage.models import Channel, Source
from listener.web.frame import back, find_or_404, page_router
from listener.web.i18n import N_, translate
from listener.web.manage_forms import problem
from listener.web.model_form import read_fields
from listener.web.pages.manage_create import (
    CONFIG,
    PARAMS,
    PLATFORMS,
    channel_fields,
    channel_page,
    source_fields,
    source_page,
)
from listener.web.session import ManagerPage, PageNotFound

router = page_router(prefix="/manage")


def _channel(session: SessionDep, channel_id: int) -> Channel:
    channel = find_or_404(session, Channel, channel_id, N_("channel"))
    if channel.type not in NOTIFIERS:
        raise PageNotFound(N_("channel"))  # a type this version does not know
    return channel


@router.get("/channels/{channel_id}/edit")
def edit_channel(request: Request, session: SessionDep, who: ManagerPage, channel_id: int) -> Response:
    """The channel's form filled in with its stored config (secret fields empty)."""
    channel = _channel(session, channel_id)
    form = {"name": channel.name, "enabled": channel.enabled, "raw": dict(channel.config or {})}
    return channel_page(request, who, channel.type, form, editing=channel)


@router.post("/channels/{channel_id}")
async def change_channel(
    request: Request, session: SessionDep, who: ManagerPage, channel_id: int
) -> Response:
    """Save the changed channel (an empty secret keeps the stored one), or the form again."""
    channel = _channel(session, channel_id)
    posted = await request.form()
    raw = read_fields(channel_fields(channel.type), posted, CONFIG)
    form = {"name": str(posted.get("name") or "")[:200], "enabled": "enabled" in posted, "raw": raw}
    try:
        body = ChannelUpdate.model_validate({"name": form["name"], "config": raw, "enabled": form["enabled"]})
        update_channel(
            session, channel, body, request.app.state.settings, actor=who.principal.name, replace=True
        )
    except (ValidationError, ListenerError) as exc:
        session.rollback()
        return channel_page(request, who, channel.type, form, problem(exc), editing=channel)
    return back(
        request, "/manage/channels", translate(who.locale, "Channel %(name)s saved.", name=channel.name)
    )


def _source(session: SessionDep, source_id: int) -> Source:
    source = find_or_404(session, Source, source_id, N_("source"))
    if source.platform not in PLATFORMS:
        raise PageNotFound(N_("source"))
    return source


@router.get("/sources/{source_id}/edit")
def edit_source(request: Request, session: SessionDep, who: ManagerPage, source_id: int) -> Response:
    """The source's form filled in with its stored params and interval."""
    source = _source(session, source_id)
    interval = str(source.interval_seconds) if source.interval_seconds else ""
    form: dict[str, Any] = {"name": source.name, "interval": interval, "raw": dict(source.params or {})}
    return source_page(request, who, source.platform, form, editing=source)


@router.post("/sources/{source_id}")
async def change_source(request: Request, session: SessionDep, who: ManagerPage, source_id: int) -> Response:
    """Save the changed source (its params replace the stored ones), or the form again."""
    source = _source(session, source_id)
    posted = await request.form()
    interval = str(posted.get("interval_seconds") or "").strip()
    raw = read_fields(source_fields(source.platform), posted, PARAMS)
    form = {"name": str(posted.get("name") or "")[:200], "interval": interval, "raw": raw}
    data: dict[str, Any] = {"name": form["name"], "params": raw}
    data["interval_seconds"] = (int(interval) if interval.isdigit() else interval) if interval else None
    try:
        body = SourceUpdate.model_validate(data)
        update_source(session, source, body, request.app.state.settings, actor=who.principal.name)
    except (ValidationError, ListenerError) as exc:
        session.rollback()
        return source_page(request, who, source.platform, form, problem(exc), editing=source)
    return back(request, "/manage/sources", translate(who.locale, "Source %(name)s saved.", name=source.name))
