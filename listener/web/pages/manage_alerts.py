"""Channels and silences (manager): each channel's deliveries with a test button and on / off;
silences in force and to come, a form to add one and a button to end one now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from alerts.notifiers import stored_view
from listener.deps import SessionDep
from listener.engine import handling
from listener.errors import ListenerError
from listener.storage.audit import update_recorded
from listener.storage.models import AlertRule, Brand, Channel, Notification, Silence
from listener.web.frame import back, find_or_404, page_router, render, render_form
from listener.web.i18n import N_, translate
from listener.web.nav import NavItem, register_nav
from listener.web.session import ManagerPage

router = page_router(prefix="/manage")
register_nav(
    NavItem("/manage/channels", N_("Channels"), role="manager", section="manage", order=50),
    NavItem("/manage/silences", N_("Silences"), role="manager", section="manage", order=55),
)


@router.get("/channels")
def channels(request: Request, session: SessionDep, who: ManagerPage) -> Response:
    """Every channel: where it delivers (never its secrets) and how its deliveries went."""
    counts: dict[int, dict[str, int]] = {}
    for channel_id, status, n in session.execute(
        select(Notification.channel_id, Notification.status, func.count()).group_by(
            Notification.channel_id, Notification.status
        )
    ):
        counts.setdefault(channel_id, {})[status] = n
    rows = []
    for c in session.scalars(select(Channel).order_by(Channel.name)):
        shown, _ = stored_view(c.type, c.config)
        rows.append({"channel": c, "config": shown, "counts": counts.get(c.id, {})})
    return render(request, who, "manage_channels.html", {"rows": rows})


@router.post("/channels/{channel_id}/test")
def test(request: Request, session: SessionDep, who: ManagerPage, channel_id: int) -> Response:
    """Send a test message now and say how it went."""
    channel = find_or_404(session, Channel, channel_id, N_("channel"))
    sent = handling.test_channel(session, channel, request.app.state.outbound)
    if sent.status == "sent":
        return back(
            request,
            "/manage/channels",
            translate(who.locale, "Test message sent to %(name)s.", name=channel.name),
        )
    message = translate(
        who.locale,
        "The test message to %(name)s failed: %(error)s",
        name=channel.name,
        error=sent.last_error or "?",
    )
    return back(request, "/manage/channels", message, "error")


@router.post("/channels/{channel_id}/enabled")
def switch(
    request: Request, session: SessionDep, who: ManagerPage, channel_id: int, on: Annotated[bool, Form()]
) -> Response:
    """Turn a channel on or off (off: rules skip it)."""
    channel = find_or_404(session, Channel, channel_id, N_("channel"))
    update_recorded(session, channel, {"enabled": on}, actor=who.principal.name, entity="channel",
                    audit={"enabled": [channel.enabled, on]})  # fmt: skip
    return back(request, "/manage/channels", translate(who.locale, "Saved %(name)s.", name=channel.name))


def _silences_page(
    request: Request, session: SessionDep, who: ManagerPage, error: str | None = None
) -> Response:
    now = datetime.now(UTC)
    rows = list(
        session.scalars(select(Silence).order_by(Silence.ends_at.desc(), Silence.id.desc()).limit(200))
    )
    context = {
        "current": [s for s in rows if s.ends_at > now],
        "past": [s for s in rows if s.ends_at <= now][:20],
        "now": now,
        "rules": {r.id: r.name for r in session.scalars(select(AlertRule).order_by(AlertRule.name))},
        "brands": {b.id: b.name for b in session.scalars(select(Brand).order_by(Brand.name))},
        "hours": handling.SILENCE_HOURS,
        "error": error,
    }
    return render_form(request, who, "manage_silences.html", context)


@router.get("/silences")
def silences(request: Request, session: SessionDep, who: ManagerPage) -> Response:
    """Silences in force or to come, the last ones that ended, and a form for a new one."""
    return _silences_page(request, session, who)


@router.post("/silences")
def add(
    request: Request,
    session: SessionDep,
    who: ManagerPage,
    hours: Annotated[int, Form(ge=1, le=24 * 30)],
    comment: Annotated[str, Form(max_length=2000)] = "",
    rule_id: Annotated[str, Form(max_length=20)] = "",
    brand_id: Annotated[str, Form(max_length=20)] = "",
    topic: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """A new silence for a rule, a brand and/or a topic, starting now."""
    try:
        handling.add_silence(
            session,
            by=who.principal.name,
            ends_at=datetime.now(UTC) + timedelta(hours=hours),
            comment=comment.strip(),
            rule_id=int(rule_id) if rule_id.isdigit() else None,
            brand_id=int(brand_id) if brand_id.isdigit() else None,
            topic=topic.strip() or None,
        )
    except ListenerError as exc:
        session.rollback()
        return _silences_page(request, session, who, exc.message)
    return back(request, "/manage/silences", translate(who.locale, "Notifications silenced."))


@router.post("/silences/{silence_id}/end")
def end(request: Request, session: SessionDep, who: ManagerPage, silence_id: int) -> Response:
    """End a silence now."""
    handling.end_silence(
        session, find_or_404(session, Silence, silence_id, N_("silence")), by=who.principal.name
    )
    return back(request, "/manage/silences", translate(who.locale, "Silence ended."))
