"""Reply templates (``/manage/templates``, managers): the library, a form to add one, an editor with
a live preview (``/manage/templates/preview``, the sample values of ``engine.template_check``) that
also works as a plain "Preview" button without the script."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from listener.deps import SessionDep
from listener.engine.template_check import create_template, preview, update_template
from listener.errors import ListenerError
from listener.schemas.replies import LANGUAGES, TemplateCreate, TemplateUpdate
from listener.storage.lookup import get_or_404
from listener.storage.reply_models import ReplyTemplate
from listener.web.frame import back, page_router, render_form
from listener.web.i18n import N_, translate
from listener.web.manage_forms import json_field, problem
from listener.web.nav import NavItem, register_nav
from listener.web.session import ManagerPage

router = page_router()
register_nav(NavItem("/manage/templates", N_("Reply templates"), role="manager", section="manage", order=60))
TONES = ("neutral", "apologetic", "empathetic", "grateful", "informative", "urgent")
Field = Annotated[str, Form(max_length=6000)]


def _page(request: Request, session: SessionDep, who: ManagerPage, form: dict, **extra: object) -> Response:
    rows = list(session.scalars(select(ReplyTemplate).order_by(ReplyTemplate.language, ReplyTemplate.name)))
    context = {
        "rows": rows,
        "form": form,
        "template_languages": LANGUAGES,
        "tones": TONES,
        "error": None,
        "preview": preview(form["body"]) if form.get("body") else None,
        **extra,
    }
    return render_form(request, who, "manage_templates.html", context)


def _form(t: ReplyTemplate | None = None) -> dict:
    if t is None:
        return {
            "id": None,
            "name": "",
            "language": "en",
            "channel": "public",
            "tone": "neutral",
            "body": "",
            "conditions": "{}",
            "enabled": True,
        }
    return {
        "id": t.id,
        "name": t.name,
        "language": t.language,
        "channel": t.channel,
        "tone": t.tone,
        "body": t.body,
        "conditions": json.dumps(t.conditions or {}, ensure_ascii=False),
        "enabled": t.enabled,
    }


@router.get("/manage/templates")
def templates(request: Request, session: SessionDep, who: ManagerPage, edit: int | None = None) -> Response:
    """The library, and the editor (a new template, or ``?edit=ID``)."""
    t = get_or_404(session, ReplyTemplate, edit, "template") if edit else None
    return _page(request, session, who, _form(t))


@router.post("/manage/templates/preview")
def live_preview(who: ManagerPage, body: Field = "") -> JSONResponse:
    """The body rendered with sample values, for the editor's script: ``{"text", "length"}`` or
    ``{"error"}``."""
    return JSONResponse(preview(body))


@router.post("/manage/templates")
def save(
    request: Request,
    session: SessionDep,
    who: ManagerPage,
    name: Annotated[str, Form(max_length=200)] = "",
    language: Annotated[str, Form(max_length=8)] = "en",
    channel: Annotated[str, Form(max_length=8)] = "public",
    tone: Annotated[str, Form(max_length=32)] = "neutral",
    body: Field = "",
    conditions: Field = "",
    enabled: Annotated[str, Form(max_length=5)] = "",
    template_id: Annotated[str, Form(max_length=18)] = "",
    action: Annotated[str, Form(max_length=10)] = "save",
) -> Response:
    """Create (no ``template_id``) or update a template; ``action=preview`` only shows the preview."""
    form = {
        "id": int(template_id) if template_id.isdigit() else None,
        "name": name,
        "language": language,
        "channel": channel,
        "tone": tone,
        "body": body,
        "conditions": conditions,
        "enabled": bool(enabled),
    }
    if action == "preview":
        return _page(request, session, who, form)
    settings = request.app.state.settings
    try:
        data = {k: form[k] for k in ("name", "language", "channel", "tone", "body", "enabled")}
        data["conditions"] = json_field(conditions, "conditions")
        if form["id"] is None:
            t = create_template(
                session, settings, TemplateCreate.model_validate(data), actor=who.principal.name
            )
        else:
            t = get_or_404(session, ReplyTemplate, form["id"], "template")
            update_template(
                session, settings, t, TemplateUpdate.model_validate(data), actor=who.principal.name
            )
    except (ValidationError, ListenerError) as exc:
        session.rollback()
        return _page(request, session, who, form, error=problem(exc))
    return back(request, f"/manage/templates?edit={t.id}", translate(who.locale, "Template saved."))
