"""One mention (``/mentions/{id}``): its text and analysis with the drivers of its sentiment, its
history (the audit trail), its cluster's copies, its replies and suggested replies; agents change
status, assignee, tags, notes and sentiment and draft replies; managers approve or reject drafts
(the four-eyes rule of ``engine.reply_flow``); approved replies are sent on the platform through the
publish queue (``engine.publishing``) or marked sent by hand. The thread shows the customer's answers
to our sent replies (and, on an answer, the mention it answers)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import select

from listener.deps import SessionDep
from listener.engine.drafting import draft_reply
from listener.engine.four_eyes import drafted_by
from listener.engine.publishing import queue_reply
from listener.engine.reply_flow import mark_sent, replies_of, review
from listener.engine.suggestions import suggest
from listener.errors import ListenerError
from listener.pipeline.feed import mention_reads
from listener.schemas.mentions import MentionPatch
from listener.schemas.replies import SentIn
from listener.storage.audit import apply_patch, history
from listener.storage.base import utcnow
from listener.storage.inbox_queries import cluster_of, people_by_name
from listener.storage.lookup import get_or_404
from listener.storage.models import MENTION_STATUSES, Mention
from listener.storage.reply_models import Reply, ReplyPublication
from listener.storage.threads import thread_of
from listener.web.frame import back, page_router, render
from listener.web.i18n import translate
from listener.web.session import AgentPage, ManagerPage, PageUser, PageUserDep, safe_next
from publishers.registry import get_publisher

router = page_router()
Text = Annotated[str, Form(max_length=5000)]


def _problem(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(e.get("msg", "") for e in exc.errors())
    return getattr(exc, "message", str(exc))


@router.get("/mentions/{mention_id}")
def mention_page(request: Request, session: SessionDep, who: PageUserDep, mention_id: int) -> Response:
    """Everything about one mention, and what the person's role may do with it."""
    m = get_or_404(session, Mention, mention_id, "mention")
    settings = request.app.state.settings
    help_ = suggest(session, m, settings, who=who.principal, limit=3)
    replies = replies_of(session, m.id)
    cluster = cluster_of(session, m)
    thread = thread_of(session, m)
    pubs = select(ReplyPublication).where(ReplyPublication.reply_id.in_([r.id for r in replies] or [0]))
    context = {
        "m": mention_reads(session, [m])[0],
        "help": help_,
        "replies": replies,
        "mine": {r.id for r in replies if drafted_by(r, who.principal)},
        "four_eyes": settings.reply_four_eyes,
        "cluster": mention_reads(session, cluster),
        "events": history(session, m.id),
        "people": people_by_name(session),
        "statuses": MENTION_STATUSES,
        "here": f"/mentions/{m.id}",
        "answers": mention_reads(session, thread.answers),
        "answers_to": mention_reads(session, [thread.answers_to])[0] if thread.answers_to else None,
        "publications": {p.reply_id: p for p in session.scalars(pubs)},
        "can_publish": get_publisher(m.platform) is not None,
    }
    return render(request, who, "mention.html", context)


def _patch(session: SessionDep, who: PageUser, mention_id: int, raw: dict) -> str | None:
    """Apply one validated change; the problem as text when it was refused."""
    m = get_or_404(session, Mention, mention_id, "mention", lock=True)
    try:
        changes = MentionPatch.model_validate(raw).model_dump(exclude_unset=True)
        apply_patch(session, m, changes, actor=who.principal.name)
        session.flush()
    except (ValidationError, ListenerError) as exc:
        return _problem(exc)
    return None


@router.post("/mentions/{mention_id}/update")
def update(
    request: Request,
    session: SessionDep,
    who: AgentPage,
    mention_id: int,
    field: Annotated[str, Form(max_length=20)],
    value: Text = "",
) -> Response:
    """One change from the mention page: status, assignee (``me`` for oneself), a tag added or
    removed, a note, or the sentiment label."""
    value = value.strip()
    raw: dict = {
        "status": {"status": value},
        "assignee": {"assignee": who.principal.name if value == "me" else (value or None)},
        "add_tag": {"add_tags": [value]},
        "remove_tag": {"remove_tags": [value]},
        "note": {"note": value},
        "sentiment": {"sentiment": {"label": value}},
    }.get(field, {})
    problem = _patch(session, who, mention_id, raw) if raw else "unknown field"
    url = f"/mentions/{mention_id}"
    if problem:
        return back(request, url, translate(who.locale, "Not changed: %(why)s", why=problem), "error")
    return back(request, url, translate(who.locale, "Saved."))


@router.post("/mentions/{mention_id}/replies")
def draft(
    request: Request,
    session: SessionDep,
    who: AgentPage,
    mention_id: int,
    channel: Annotated[str, Form(pattern="^(dm|public)$")] = "public",
    template_id: Annotated[str, Form(max_length=18)] = "",
    text: Text = "",
) -> Response:
    """Draft a reply from a suggestion (``template_id``) or written by hand (``text``)."""
    m = get_or_404(session, Mention, mention_id, "mention")
    url = f"/mentions/{m.id}#replies"
    try:
        draft_reply(
            session,
            m,
            request.app.state.settings,
            who=who.principal,
            channel=channel,
            template_id=int(template_id) if template_id.isdigit() else None,
            text=text.strip() or None,
        )
    except ListenerError as exc:
        return back(request, url, translate(who.locale, "Not drafted: %(why)s", why=exc.message), "error")
    return back(request, url, translate(who.locale, "Draft saved; a manager approves it next."))


def _reply(session: SessionDep, reply_id: int) -> Reply:
    return get_or_404(session, Reply, reply_id, "reply", lock=True)


def _after(reply: Reply, next_: str) -> str:
    return safe_next(next_, f"/mentions/{reply.mention_id}#replies")


Comment = Annotated[str, Form(max_length=2000)]
Next = Annotated[str, Form(max_length=2000)]


@router.post("/replies/{reply_id}/sent")
def sent(
    request: Request,
    session: SessionDep,
    who: AgentPage,
    reply_id: int,
    external_url: Annotated[str, Form(max_length=4096)] = "",
    next: Next = "",  # noqa: A002
) -> Response:
    """Mark an approved reply as posted (optionally with the link to it)."""
    r = _reply(session, reply_id)
    try:
        body = SentIn.model_validate({"external_url": external_url.strip() or None})
        mark_sent(session, r, who.principal, external_url=body.external_url)
    except (ValidationError, ListenerError) as exc:
        return back(
            request, _after(r, next), translate(who.locale, "Not marked: %(why)s", why=_problem(exc)), "error"
        )
    return back(request, _after(r, next), translate(who.locale, "Marked as sent."))


@router.post("/replies/{reply_id}/publish")
def publish(
    request: Request,
    session: SessionDep,
    who: AgentPage,
    reply_id: int,
    next: Next = "",  # noqa: A002
) -> Response:
    """Send an approved reply on the customer's platform (queued; the worker posts it once), or
    queue a failed one again; the reason when it cannot be sent (no credentials, too long, …)."""
    r = _reply(session, reply_id)
    try:
        queue_reply(session, r, request.app.state.settings, who=who.principal.name, now=utcnow())
    except ListenerError as exc:
        return back(
            request, _after(r, next), translate(who.locale, "Not sent: %(why)s", why=exc.message), "error"
        )
    return back(
        request, _after(r, next), translate(who.locale, "Queued: the reply is posted in a few seconds.")
    )


@router.post("/replies/{reply_id}/{verdict}")
def decide(
    request: Request,
    session: SessionDep,
    who: ManagerPage,
    reply_id: int,
    verdict: Literal["approve", "reject"],
    comment: Comment = "",
    next: Next = "",  # noqa: A002
) -> Response:
    """Approve a draft (a manager who did not draft it, under the four-eyes rule) or reject it
    (a comment says why)."""
    r = _reply(session, reply_id)
    note = comment.strip() or None
    if verdict == "reject" and note is None:
        message = translate(who.locale, "Say why the draft is rejected.")
        return back(request, _after(r, next), message, "error")
    status = "approved" if verdict == "approve" else "rejected"
    try:
        review(session, request.app.state.settings, r, who.principal, status, note)
    except ListenerError as exc:
        return back(request, _after(r, next), exc.message, "error")
    done = (
        translate(who.locale, "Reply approved.")
        if status == "approved"
        else translate(who.locale, "Reply rejected.")
    )
    return back(request, _after(r, next), done)
