"""Pages for people: a login form (an API key, kept in an HttpOnly cookie) and the mention feed.

With ``pages_anonymous`` (the demo, on localhost) the pages read without a key, as a viewer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from listener.auth import Principal
from listener.deps import FilterDep, SessionDep, principal_for
from listener.engine.suggestions import ANSWERED, Library, suggest
from listener.errors import Unauthorized
from listener.pipeline.feed import brand_names, decode_cursor, encode_cursor, mention_reads
from listener.storage.mentions import feed_page

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
        },
    )


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
