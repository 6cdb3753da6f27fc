"""Pages for people: a login form (an API key, kept in an HttpOnly cookie) and the mention feed.

With ``pages_anonymous`` (the demo, on localhost) the pages read without a key, as a viewer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.orm import Session

from listener.auth import Principal
from listener.deps import FilterDep, SessionDep, principal_for
from listener.engine.payload import brief
from listener.engine.proposals import draft_proposal
from listener.engine.suggestions import ANSWERED, Library, suggest
from listener.errors import Forbidden, Unauthorized
from listener.pipeline.feed import brand_names, decode_cursor, encode_cursor, mention_reads
from listener.storage.lookup import get_or_404
from listener.storage.mentions import MentionFilter, feed_page
from listener.storage.models import AlertRule, Incident

router = APIRouter(include_in_schema=False)
COOKIE = "listener_key"
_env = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
)
templates = Jinja2Templates(env=_env)


def _principal(request: Request, session) -> Principal | None:  # type: ignore[no-untyped-def]
    if request.app.state.settings.pages_anonymous:
        return Principal(name="anonymous", role="viewer")
    try:
        return principal_for(session, request.cookies.get(COOKIE))
    except Unauthorized:
        return None


@router.get("/", response_class=HTMLResponse)
def feed(request: Request, session: SessionDep, filters: FilterDep, cursor: str | None = None) -> Response:
    who = _principal(request, session)
    if who is None:
        return RedirectResponse("/login", status_code=303)
    rows, after = feed_page(session, filters, after=decode_cursor(cursor), limit=50)
    names = brand_names(session)
    params = {k: v for k, v in request.query_params.items() if k != "cursor"}
    settings = request.app.state.settings
    wanted = [
        m
        for m in rows
        if m.sentiment_label == "negative" or m.crisis_terms or m.kind == "review" or m.status in ANSWERED
    ]
    library = Library.load(session) if wanted else None
    help_for = {
        m.id: suggest(session, m, settings, who=who, channel="public", limit=1, library=library)
        for m in wanted
    }
    return templates.TemplateResponse(
        request,
        "feed.html",
        {
            "mentions": mention_reads(session, rows),
            "help_for": help_for,
            "next_cursor": encode_cursor(after),
            "params": params,
            "brands": sorted(names.values()),
            "who": who,
            **_incident_panel(request, session, filters),
        },
    )


def _incident_panel(request: Request, session: Session, filters: MentionFilter) -> dict[str, Any]:
    """The incident a feed filtered by ``incident=`` belongs to: explanation and proposed replies."""
    raw = request.query_params.get("incident")
    if filters.ids is None or not raw:
        return {"incident": None}
    incident = session.get(Incident, int(raw))
    if incident is None:
        return {"incident": None}
    settings = request.app.state.settings
    rule = session.get(AlertRule, incident.rule_id)
    who = _principal(request, session)
    return {
        "incident": incident,
        "info": brief(session, rule, incident, settings)
        if rule
        else {"explanation": {}, "proposed_replies": []},
        "can_draft": bool(who and who.can("agent")),
        "drafted": request.query_params.get("drafted"),
    }


@router.post("/incidents/{incident_id}/drafts", response_class=HTMLResponse)
def draft(
    request: Request, session: SessionDep, incident_id: int, template_id: Annotated[int, Form(ge=1)]
) -> Response:
    """Draft one proposed reply of an incident (an agent's key), then back to the incident's feed."""
    who = _principal(request, session)
    if who is None:
        return RedirectResponse("/login", status_code=303)
    if not who.can("agent"):
        raise Forbidden(f"drafting needs the 'agent' role or above; your key has {who.role!r}")
    incident = get_or_404(session, Incident, incident_id, "incident")
    replies = draft_proposal(session, incident, request.app.state.settings, who=who, template_id=template_id)
    return RedirectResponse(f"/?incident={incident.id}&drafted={len(replies)}#replies", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return templates.TemplateResponse(request, "login.html", {"error": None})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, session: SessionDep, key: Annotated[str, Form(max_length=200)]) -> Response:
    try:
        principal_for(session, key.strip())
    except Unauthorized as exc:
        return templates.TemplateResponse(request, "login.html", {"error": exc.message}, status_code=401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        COOKIE, key.strip(), httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
    return response
