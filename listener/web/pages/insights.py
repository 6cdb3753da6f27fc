"""Top authors and trends of a brand (or all brands) in a range: the lists of ``GET /api/v1/authors``
and ``GET /api/v1/trends`` as pages, with the overview's brand and period form."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from listener.deps import SessionDep
from listener.reporting.authors import SORTS, top_authors
from listener.reporting.trends import rising
from listener.web.frame import page_router, render_form
from listener.web.i18n import N_
from listener.web.nav import NavItem, register_nav
from listener.web.ranges import AskedDep, brand_filter, page_context
from listener.web.session import PageUserDep

router = page_router()
register_nav(NavItem("/authors", N_("Authors"), order=60), NavItem("/trends", N_("Trends"), order=61))
Text = Annotated[str, Query(max_length=200)]


@router.get("/authors")
def authors_page(
    request: Request,
    session: SessionDep,
    who: PageUserDep,
    ask: AskedDep,
    sort: Text = "influence",
) -> Response:
    """The top 50 authors by influence, reach or mentions."""
    found, rng, context = page_context(session, who, ask)
    sort = sort if sort in SORTS else "influence"
    rows = top_authors(session, brand_filter(found, rng), limit=50, sort=sort)
    context |= {"action": "/authors", "authors": rows, "sort": sort}
    return render_form(request, who, "authors.html", context)


@router.get("/trends")
def trends_page(request: Request, session: SessionDep, who: PageUserDep, ask: AskedDep) -> Response:
    """Topics, hashtags and terms rising against the periods before."""
    found, rng, context = page_context(session, who, ask)
    found_trends = rising(session, brand_filter(found), rng)
    context |= {"action": "/trends", "trends": found_trends}
    return render_form(request, who, "trends.html", context)
