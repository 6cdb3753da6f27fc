"""Incidents: the list, one incident's page (the spike on a chart over its baseline, evidence,
representative mentions, deliveries, timeline, proposed replies) and the acknowledge / resolve /
silence forms (manager and above), and "Draft for approval" on a proposed reply (agent and above).

The link in Slack and e-mail messages (``page_url``) and the demo's printed link open
``/incidents/{id}``; without a session the login page comes back here afterwards.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import Response

from listener.deps import SessionDep
from listener.engine import handling
from listener.engine.payload import brief
from listener.engine.proposals import draft_proposal
from listener.errors import ListenerError
from listener.storage.models import AlertRule, Brand, Incident
from listener.web import i18n
from listener.web.frame import back, find_or_404, page_router, render
from listener.web.i18n import N_, translate
from listener.web.incident_chart import spike_chart
from listener.web.incident_view import (
    STATUS_FILTERS,
    active_silences,
    deliveries,
    incident_rows,
    timeline,
)
from listener.web.nav import NavItem, register_nav
from listener.web.session import AgentPage, ManagerPage, PageUserDep

router = page_router()
register_nav(NavItem("/incidents", N_("Incidents"), order=40))


@router.get("/incidents")
def incident_list(
    request: Request,
    session: SessionDep,
    who: PageUserDep,
    status: Annotated[str, Query(pattern="^(open|firing|acknowledged|resolved|all)$")] = "open",
) -> Response:
    """Incidents, newest first; ``status=open`` (default) hides the resolved ones."""
    rows = incident_rows(session, status)
    return render(
        request, who, "incidents.html", {"rows": rows, "status": status, "statuses": STATUS_FILTERS}
    )


@router.get("/incidents/{incident_id}")
def incident_page(request: Request, session: SessionDep, who: PageUserDep, incident_id: int) -> Response:
    """One incident: what happened, why it is unusual, who was told, and what to do."""
    incident = find_or_404(session, Incident, incident_id, N_("incident"))
    rule = session.get(AlertRule, incident.rule_id)
    settings = request.app.state.settings
    info = brief(session, rule, incident, settings) if rule else {"explanation": {}, "proposed_replies": []}
    sent = deliveries(session, incident)
    with i18n.use_locale(who.locale):
        events = timeline(session, incident, sent)
        chart = spike_chart(session, incident)
    context = {
        "incident": incident,
        "rule": rule,
        "brand": session.get(Brand, incident.brand_id) if incident.brand_id else None,
        "info": info,
        "deliveries": sent,
        "events": events,
        "silences": active_silences(session, incident, datetime.now(UTC)),
        "silence_hours": handling.SILENCE_HOURS,
        "can_handle": who.can("manager"),
        "can_draft": who.can("agent"),
        "drafted": None,
        "chart": chart,
    }
    return render(request, who, "incident.html", context)


def _done(request: Request, incident_id: int, message: str) -> Response:
    return back(request, f"/incidents/{incident_id}", message)


@router.post("/incidents/{incident_id}/acknowledge")
def acknowledge(request: Request, session: SessionDep, who: ManagerPage, incident_id: int) -> Response:
    """Someone is on it (manager and above)."""
    incident = find_or_404(session, Incident, incident_id, N_("incident"))
    try:
        handling.acknowledge(session, incident, by=who.principal.name)
    except ListenerError:
        return back(request, f"/incidents/{incident_id}", translate(who.locale, "Already resolved."), "error")
    return _done(request, incident_id, translate(who.locale, "Incident acknowledged."))


@router.post("/incidents/{incident_id}/resolve")
def resolve(request: Request, session: SessionDep, who: ManagerPage, incident_id: int) -> Response:
    """Resolve: the channels that were told hear of it (manager and above)."""
    incident = find_or_404(session, Incident, incident_id, N_("incident"))
    handling.resolve(session, incident, by=who.principal.name, settings=request.app.state.settings)
    return _done(request, incident_id, translate(who.locale, "Incident resolved."))


@router.post("/incidents/{incident_id}/silence")
def silence(
    request: Request,
    session: SessionDep,
    who: ManagerPage,
    incident_id: int,
    hours: Annotated[int, Form(ge=1, le=24 * 30)],
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Silence the incident's rule for its brand for ``hours`` (manager and above)."""
    incident = find_or_404(session, Incident, incident_id, N_("incident"))
    if not comment.strip():
        message = translate(who.locale, "Say why you silence it.")
        return back(request, f"/incidents/{incident_id}#silence", message, "error")
    until = datetime.now(UTC) + timedelta(hours=hours)
    handling.silence_incident(session, incident, by=who.principal.name, until=until, comment=comment.strip())
    return _done(request, incident_id, translate(who.locale, "Notifications silenced."))


@router.post("/incidents/{incident_id}/drafts")
def draft(
    request: Request,
    session: SessionDep,
    who: AgentPage,
    incident_id: int,
    template_id: Annotated[int, Form(ge=1)],
) -> Response:
    """Draft one proposed reply of the incident (agent and above); the drafts await approval."""
    incident = find_or_404(session, Incident, incident_id, N_("incident"))
    replies = draft_proposal(
        session, incident, request.app.state.settings, who=who.principal, template_id=template_id
    )
    message = translate(who.locale, "%(n)s draft(s) await approval.", n=len(replies))
    return back(request, f"/incidents/{incident_id}#replies", message)
