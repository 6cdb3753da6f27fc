"""The start page (``/``): the overview for a signed-in person (the login page otherwise, which comes
back here). A link to the old feed with filters (``/?incident=7``, ``/?sentiment=negative``, as
messages sent before the inbox carried them) opens the inbox with the same filters: there is one
list of mentions, ``/inbox``."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse

from listener.web.frame import page_router
from listener.web.session import PageUserDep

router = page_router()


@router.get("/")
def home(request: Request, who: PageUserDep) -> RedirectResponse:
    """303 to ``/overview``, or to ``/inbox?<the same query>`` when the link carries filters."""
    query = request.url.query
    return RedirectResponse(f"/inbox?{query}" if query else "/overview", status_code=303)
