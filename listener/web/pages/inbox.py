"""The inbox (``/inbox``): the feed with every filter as a control, "assigned to me", saved searches,
duplicates collapsed (with a control to show them), a count of new arrivals for the page's script,
and bulk actions (status, assign, tag, re-label) that work as a plain form."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.datastructures import QueryParams

from collectors.base import Platform
from listener.deps import SessionDep
from listener.engine.suggestions import card_help
from listener.errors import ListenerError
from listener.pipeline.feed import brand_names, decode_cursor, encode_cursor, mention_reads
from listener.schemas.mentions import MentionPatch
from listener.storage.audit import patch_many
from listener.storage.inbox_queries import copy_counts, newer_count, people_by_name
from listener.storage.mentions import feed_page
from listener.storage.models import MENTION_KINDS, MENTION_STATUSES, SENTIMENT_LABELS
from listener.storage.saved_searches import delete_search, save_search, searches_of
from listener.web.frame import back, page_router, render
from listener.web.i18n import N_, translate
from listener.web.inbox_query import PERIODS, page_link, read_query, saved_query
from listener.web.nav import NavItem, register_nav
from listener.web.session import AgentPage, PageUser, PageUserDep, safe_next

router = page_router()
register_nav(NavItem("/inbox", N_("Inbox"), order=15))
PAGE = 50
PLATFORMS = tuple(sorted(p.value for p in Platform if p.value != "replay"))
LANGUAGES = ("en", "tr", "de", "fr", "es")
BULK_ACTIONS = ("status", "assign_me", "assign", "unassign", "add_tag", "remove_tag", "sentiment")


@router.get("/inbox")
def inbox(request: Request, session: SessionDep, who: PageUserDep, cursor: str | None = None) -> Response:
    """The filtered feed, newest first, 50 a page."""
    query = read_query(session, request.query_params, who.principal.name)
    rows, after = [], None
    try:
        if not query.error:  # a filter that could not be read shows nothing rather than everything
            rows, after = feed_page(session, query.filters, after=decode_cursor(cursor), limit=PAGE)
    except ListenerError as exc:
        query.error = exc.message
    settings = request.app.state.settings
    help_for = card_help(session, rows, settings, who.principal)
    context = {
        "mentions": mention_reads(session, rows),
        "help_for": help_for,
        "copies": copy_counts(session, [m.id for m in rows]),
        "next_link": page_link(request.query_params, cursor=encode_cursor(after)) if after else None,
        "newest_id": max((m.id for m in rows), default=0) if not cursor else None,
        "query": query,
        "brands": sorted(brand_names(session).values()),
        "people": people_by_name(session),
        "options": {
            "platform": PLATFORMS,
            "kind": MENTION_KINDS,
            "sentiment": SENTIMENT_LABELS,
            "status": MENTION_STATUSES,
            "language": LANGUAGES,
            "period": tuple(PERIODS),
        },
        "searches": searches_of(session, who.user_id) if who.user_id else [],
        "saved_query": saved_query(request.query_params),
        "show_dups_link": page_link(request.query_params, dups="show"),
        "hide_dups_link": page_link(request.query_params, dups=None),
        "mine_link": page_link(request.query_params, mine="1", assignee=None),
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "bulk_actions": BULK_ACTIONS,
    }
    return render(request, who, "inbox.html", context, status_code=422 if query.error else 200)


@router.get("/inbox/arrivals")
def arrivals(request: Request, session: SessionDep, who: PageUserDep, after: int = 0) -> Response:
    """How many mentions matching the inbox's filters arrived after mention ``after`` (for the
    page's script, which offers to show them)."""
    query = read_query(session, request.query_params, who.principal.name)
    if query.error:
        return JSONResponse({"count": 0, "error": query.error}, status_code=422)
    return JSONResponse({"count": newer_count(session, query.filters, max(after, 0))})


def _bulk_changes(action: str, value: str, who: PageUser) -> dict:
    """The ``MentionPatch`` fields a bulk action means (validated by the schema)."""
    raw: dict = {
        "status": {"status": value},
        "assign_me": {"assignee": who.principal.name},
        "assign": {"assignee": value},
        "unassign": {"assignee": None},
        "add_tag": {"add_tags": [value]},
        "remove_tag": {"remove_tags": [value]},
        "sentiment": {"sentiment": {"label": value}},
    }[action]
    return MentionPatch.model_validate(raw).model_dump(exclude_unset=True)


@router.post("/inbox/bulk")
def bulk(
    request: Request,
    session: SessionDep,
    who: AgentPage,
    action: Annotated[str, Form(max_length=20)],
    ids: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies defaults
    value: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/inbox",  # noqa: A002
) -> Response:
    """Apply one change to the selected mentions (agent and above)."""
    url = safe_next(next, "/inbox")
    chosen = [int(i) for i in ids if i.isdigit() and len(i) < 19][:1000]
    if not chosen:
        return back(request, url, translate(who.locale, "Select at least one mention."), "error")
    if action not in BULK_ACTIONS:
        return back(request, url, translate(who.locale, "Choose an action."), "error")
    try:
        changes = _bulk_changes(action, value.strip(), who)
        updated = patch_many(session, chosen, changes, actor=who.principal.name)
    except ValidationError as exc:
        problem = exc.errors()[0].get("msg", "")
        return back(request, url, translate(who.locale, "Not changed: %(why)s", why=problem), "error")
    except ListenerError as exc:
        return back(request, url, translate(who.locale, "Not changed: %(why)s", why=exc.message), "error")
    message = translate(who.locale, "%(n)s of %(m)s mention(s) changed.", n=len(updated), m=len(chosen))
    return back(request, url, message)


@router.post("/inbox/searches")
def save(
    request: Request,
    session: SessionDep,
    who: PageUserDep,
    name: Annotated[str, Form(max_length=200)] = "",
    query: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Save the inbox's current filters under a name (people signed in as themselves)."""
    if who.user_id is None:
        return back(
            request, "/inbox", translate(who.locale, "Sign in as a person to save searches."), "error"
        )
    kept = saved_query(QueryParams(query.lstrip("?")))
    try:
        save_search(session, who.user_id, name, kept)
    except ListenerError as exc:
        return back(request, f"/inbox?{kept}", exc.message, "error")
    return back(request, f"/inbox?{kept}", translate(who.locale, "Search saved."))


@router.post("/inbox/searches/{search_id}/delete")
def forget(request: Request, session: SessionDep, who: PageUserDep, search_id: int) -> Response:
    """Delete one of the person's saved searches."""
    try:
        delete_search(session, who.user_id or 0, search_id)
    except ListenerError as exc:
        return back(request, "/inbox", exc.message, "error")
    return back(request, "/inbox", translate(who.locale, "Saved search deleted."))
