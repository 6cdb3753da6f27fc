"""Drafting a reply to a mention: the first step of the reply workflow (draft → approve / reject →
sent). The API's ``POST /mentions/{id}/replies`` and an incident's proposed replies both draft here."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from alerts.replies import TemplateError, render
from listener.auth import Principal
from listener.engine.suggestions import context_for, limit_for, with_case_id
from listener.errors import Unprocessable
from listener.settings import Settings
from listener.storage.audit import record
from listener.storage.models import Mention
from listener.storage.reply_models import Reply, ReplyTemplate

log = logging.getLogger(__name__)


def draft_reply(
    session: Session,
    m: Mention,
    settings: Settings,
    *,
    who: Principal,
    channel: str,
    template_id: int | None = None,
    text: str | None = None,
    **audit: object,
) -> Reply:
    """A draft reply to ``m`` from a template (rendered for the mention) or ``text`` (wins when
    both); Unprocessable when the template is unknown, for another channel, or the text is too long
    for the platform. The mention moves to ``in_progress``; the audit trail records the draft."""
    if template_id is not None:
        t = session.get(ReplyTemplate, template_id)
        if t is None:
            raise Unprocessable(f"no template with id {template_id}", details=[{"field": "template_id"}])
        if t.channel != channel:
            raise Unprocessable(
                f"template {t.name!r} is for {t.channel}, not {channel}", details=[{"field": "channel"}]
            )
        if text is None:
            try:
                ctx = context_for(session, m, settings, who)
                text = render(t.body, with_case_id(session, m, settings, ctx, t.body))
            except TemplateError as exc:
                raise Unprocessable(str(exc), details=[{"field": "template_id"}]) from exc
    if text is None:
        raise Unprocessable("give a template_id or a text", details=[{"field": "text"}])
    cap = limit_for(settings, m.platform, channel)
    if cap is not None and len(text) > cap:
        raise Unprocessable(
            f"the reply is {len(text)} characters; {m.platform} allows {cap} in public",
            details=[{"field": "text", "length": len(text), "limit": cap}],
        )
    reply = Reply(
        mention_id=m.id,
        template_id=template_id,
        channel=channel,
        text=text,
        status="draft",
        created_by=who.name,
        created_by_user_id=who.user_id,
    )
    session.add(reply)
    session.flush()
    if m.status == "new":
        m.status = "in_progress"
    changes = {"reply_id": reply.id, "status": reply.status, "template_id": template_id, **audit}
    record(session, actor=who.name, entity="mention", entity_id=m.id, action="reply_drafted", changes=changes)
    return reply
