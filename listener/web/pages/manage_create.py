"""New channel and new source (manager): the type is chosen from the registries (``NOTIFIERS``,
``COLLECTORS``), its typed config or params become form fields (``listener.web.model_form``), and
the form is checked by the same functions as the API (``engine.channel_check.create_channel``,
``engine.source_check.create_source``). A refused form comes back with the message and what was
typed, secret fields always empty; a new channel is then tested with the list's "Send a test"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from alerts.notifiers import NOTIFIERS
from collectors import COLLECTORS
from listener.deps import SessionDep
from listener.engine.channel_check import create_channel
from listener.engine.source_check import create_source
from listener.errors import ListenerError
from listener.schemas.alerts import ChannelCreate
from listener.schemas.catalog import SourceCreate
from listener.web.frame import back, page_router, render_form
from listener.web.i18n import translate
from listener.web.manage_forms import problem
from listener.web.model_form import FormField, form_fields, read_fields, shown_values
from listener.web.session import ManagerPage

router = page_router(prefix="/manage")
CONFIG = "config."  # the inputs of a channel's config fields
PARAMS = "params."  # the inputs of a source's params fields
PLATFORMS = tuple(p.value for p in COLLECTORS)


def channel_fields(type_: str) -> list[FormField]:
    """The inputs of a channel type's config (secret fields as password inputs)."""
    config = NOTIFIERS[type_].Config
    return form_fields(config, config.fields_marked("secret"))


def source_fields(platform: str) -> list[FormField]:
    """The inputs of a platform's params."""
    return form_fields(COLLECTORS[next(p for p in COLLECTORS if p.value == platform)].Params)


def _interval(platform: str) -> int:
    collector = next(c for p, c in COLLECTORS.items() if p.value == platform)
    return int(collector.default_interval.total_seconds())


def _page(
    request: Request, who: ManagerPage, template: str, fields: list[FormField], form: dict[str, Any],
    error: str | None = None, **context: Any,
) -> Response:  # fmt: skip
    """The form (again, with ``error`` and what was typed, when it was refused)."""
    context.update(fields=fields, values=shown_values(fields, form.get("raw")), form=form, error=error)
    return render_form(request, who, template, context)


def _store(
    request: Request, session: SessionDep, who: ManagerPage, create: Callable[..., Any],
    schema: type[BaseModel], data: dict[str, Any],
) -> tuple[Any, str | None]:  # fmt: skip
    """``create(session, body, settings, actor=...)`` with ``data`` read by the API's ``schema``: the
    new row, or None and what was wrong (nothing stored)."""
    try:
        body = schema.model_validate(data)
        return create(session, body, request.app.state.settings, actor=who.principal.name), None
    except (ValidationError, ListenerError) as exc:
        session.rollback()
        return None, problem(exc)


def channel_page(
    request: Request, who: ManagerPage, type_: str, form: dict[str, Any], error: str | None = None,
    editing: Any = None,
) -> Response:  # fmt: skip
    """The channel form (new, or changing ``editing``)."""
    fields = channel_fields(type_)
    return _page(
        request,
        who,
        "manage_channel_new.html",
        fields,
        form,
        error,
        types=tuple(NOTIFIERS),
        type=type_,
        prefix=CONFIG,
        editing=editing,
    )


@router.get("/channels/new")
def new_channel(request: Request, who: ManagerPage, type: str = "webhook") -> Response:  # noqa: A002
    """The form for a new channel of ``type`` (a select of the registered types)."""
    chosen = type if type in NOTIFIERS else "webhook"
    return channel_page(request, who, chosen, {"name": "", "enabled": True})


@router.post("/channels")
async def add_channel(request: Request, session: SessionDep, who: ManagerPage) -> Response:
    """Create the channel, or the form again with what was wrong."""
    posted = await request.form()
    type_ = str(posted.get("type") or "")
    if type_ not in NOTIFIERS:
        return channel_page(
            request, who, "webhook", {"name": ""}, translate(who.locale, "Choose a channel type.")
        )
    raw = read_fields(channel_fields(type_), posted, CONFIG)
    form = {"name": str(posted.get("name") or "")[:200], "enabled": "enabled" in posted, "raw": raw}
    data = {"name": form["name"], "type": type_, "config": raw, "enabled": form["enabled"]}
    channel, error = _store(request, session, who, create_channel, ChannelCreate, data)
    if error:
        return channel_page(request, who, type_, form, error)
    message = translate(who.locale, "Channel %(name)s created; send a test to check it.", name=channel.name)
    return back(request, "/manage/channels", message)


def source_page(
    request: Request, who: ManagerPage, platform: str, form: dict[str, Any], error: str | None = None,
    editing: Any = None,
) -> Response:  # fmt: skip
    """The source form (new, or changing ``editing``)."""
    return _page(
        request, who, "manage_source_new.html", source_fields(platform), form, error,
        platforms=PLATFORMS, platform=platform, prefix=PARAMS, default_interval=_interval(platform),
        editing=editing,
    )  # fmt: skip


@router.get("/sources/new")
def new_source(request: Request, who: ManagerPage, platform: str = "rss") -> Response:
    """The form for a new source on ``platform`` (a select of the registered collectors)."""
    chosen = platform if platform in PLATFORMS else "rss"
    return source_page(request, who, chosen, {"name": "", "interval": "", "paused": False})


@router.post("/sources")
async def add_source(request: Request, session: SessionDep, who: ManagerPage) -> Response:
    """Create the source (collected from the worker's next tick unless paused), or the form again."""
    posted = await request.form()
    platform = str(posted.get("platform") or "")
    if platform not in PLATFORMS:
        return source_page(request, who, "rss", {"name": ""}, translate(who.locale, "Choose a platform."))
    interval = str(posted.get("interval_seconds") or "").strip()
    form = {"name": str(posted.get("name") or "")[:200], "interval": interval, "paused": "paused" in posted,
            "raw": read_fields(source_fields(platform), posted, PARAMS)}  # fmt: skip
    data = {"name": form["name"], "platform": platform, "params": form["raw"], "enabled": not form["paused"]}
    if interval:
        data["interval_seconds"] = int(interval) if interval.isdigit() else interval
    source, error = _store(request, session, who, create_source, SourceCreate, data)
    if error:
        return source_page(request, who, platform, form, error)
    return back(request, "/manage/sources", translate(who.locale, "Source %(name)s added.", name=source.name))
