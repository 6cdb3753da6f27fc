"""The mention feed (``/``): filters, mention cards, one suggested reply per card that needs one, and
the incident panel for ``/?incident=N`` (its proposed replies, which an agent drafts for approval)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from listener.deps import FilterDep, SessionDep
from listener.engine.payload import brief
from listener.engine.proposals import draft_proposal
from listener.engine.suggestions import card_help
from listener.pipeline.feed import brand_names, decode_cursor, encode_cursor, mention_reads
from listener.storage.lookup import get_or_404
from listener.storage.mentions import MentionFilter, feed_page
from listener.storage.models import AlertRule, Incident
from listener.web.frame import back, page_router, render
from listener.web.i18n import N_, translate
from listener.web.nav import NavItem, register_nav
from listener.web.session import AgentPage, PageUser, PageUserDep

router = page_router()
register_nav(NavItem("/", N_("Mentions"), order=20))


@router.get("/")
def feed(
    request: Request, session: SessionDep, who: PageUserDep, filters: FilterDep, cursor: str | None = None
) -> Response:
    """The feed, newest first, 50 a page."""
    rows, after = feed_page(session, filters, after=decode_cursor(cursor), limit=50)
    names = brand_names(session)
    params = {k: v for k, v in request.query_params.items() if k != "cursor"}
    settings = request.app.state.settings
    help_for = card_help(session, rows, settings, who.principal)
    context = {
        "mentions": mention_reads(session, rows),
        "help_for": help_for,
        "next_cursor": encode_cursor(after),
        "params": params,
        "brands": sorted(names.values()),
        **_incident_panel(request, session, filters, who),
    }
    return render(request, who, "feed.html", context)


def _incident_panel(
    request: Request, session: Session, filters: MentionFilter, who: PageUser
) -> dict[str, Any]:
    """The incident a feed filtered by ``incident=`` belongs to: explanation and proposed replies."""
    raw = request.query_params.get("incident")
    if filters.ids is None or not raw:
        return {"incident": None}
    incident = session.get(Incident, int(raw))
    if incident is None:
        return {"incident": None}
    settings = request.app.state.settings
    rule = session.get(AlertRule, incident.rule_id)
    return {
        "incident": incident,
        "info": brief(session, rule, incident, settings)
        if rule
        else {"explanation": {}, "proposed_replies": []},
        "can_draft": who.can("agent"),
        "drafted": request.query_params.get("drafted"),
    }


@router.post("/incidents/{incident_id}/drafts")
def draft(
    request: Request,
    session: SessionDep,
    who: AgentPage,
    incident_id: int,
    template_id: Annotated[int, Form(ge=1)],
) -> Response:
    """Draft one proposed reply of an incident (agent and above), then back to the incident's feed."""
    incident = get_or_404(session, Incident, incident_id, "incident")
    replies = draft_proposal(
        session, incident, request.app.state.settings, who=who.principal, template_id=template_id
    )
    message = translate(who.locale, "%(n)s draft(s) await approval.", n=len(replies))
    return back(request, f"/?incident={incident.id}&drafted={len(replies)}#replies", message)
