"""Reply templates stored through one door (the API's templates and the template editor): checked
first (the language, the sandboxed Jinja2 body and, for public replies, the platforms' length
limits), recorded in the audit trail; and the editor's live preview."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from alerts.replies import SAMPLE, TemplateError, check_template, render
from listener.errors import Unprocessable
from listener.schemas.replies import LANGUAGES, TemplateCreate, TemplateUpdate
from listener.settings import Settings
from listener.storage.audit import add_recorded, update_recorded
from listener.storage.lookup import ensure_name_free
from listener.storage.reply_models import ReplyTemplate


def validate_template(
    settings: Settings, *, body: str, language: str, channel: str, conditions: dict[str, Any]
) -> None:
    """Unprocessable (naming the field) when the template cannot be stored as given."""
    if language not in LANGUAGES:
        raise Unprocessable(
            f"unsupported language {language!r}; use one of {', '.join(LANGUAGES)}",
            details=[{"field": "language"}],
        )
    try:
        check_template(body)
    except TemplateError as exc:
        raise Unprocessable(str(exc), details=[{"field": "body", "message": str(exc)}]) from exc
    if channel == "public":
        text = render(body, SAMPLE)
        platforms = conditions.get("platforms") or list(settings.reply_length_limits)
        for p in platforms:
            cap = settings.reply_length_limits.get(p)
            if cap is not None and len(text) > cap:
                raise Unprocessable(
                    f"rendered with sample values the reply is {len(text)} characters; {p} allows {cap}",
                    details=[{"field": "body", "platform": p, "length": len(text), "limit": cap}],
                )


def preview(body: str) -> dict[str, Any]:
    """``body`` rendered with the sample values: ``{"text", "length"}``, or ``{"error"}`` when the
    template does not pass the sandbox's checks (the editor's live preview)."""
    try:
        check_template(body)
        text = render(body, SAMPLE)
    except TemplateError as exc:
        return {"error": str(exc)}
    return {"text": text, "length": len(text)}


def create_template(
    session: Session, settings: Settings, body: TemplateCreate, *, actor: str
) -> ReplyTemplate:
    """Check and store a new template."""
    conditions = body.conditions.model_dump(exclude_none=True)
    validate_template(
        settings, body=body.body, language=body.language, channel=body.channel, conditions=conditions
    )
    ensure_name_free(session, ReplyTemplate, body.name, "a template")
    t = ReplyTemplate(**body.model_dump(exclude={"conditions"}), conditions=conditions, created_by=actor)
    add_recorded(session, t, actor=actor, entity="reply_template", changes={"name": t.name})
    return t


def update_template(
    session: Session, settings: Settings, t: ReplyTemplate, body: TemplateUpdate, *, actor: str
) -> ReplyTemplate:
    """Check the template as it would be after ``body`` and store the change."""
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    if "conditions" in changes:
        changes["conditions"] = body.conditions.model_dump(exclude_none=True)  # type: ignore[union-attr]
    if "name" in changes:
        ensure_name_free(session, ReplyTemplate, changes["name"], "a template", exclude=t.id)
    merged = {"body": t.body, "language": t.language, "channel": t.channel, "conditions": t.conditions}
    merged.update(changes)
    validate_template(
        settings,
        body=merged["body"],
        language=merged["language"],
        channel=merged["channel"],
        conditions=merged["conditions"] or {},
    )
    update_recorded(
        session, t, changes, actor=actor, entity="reply_template", audit=dict.fromkeys(changes, True)
    )
    return t
