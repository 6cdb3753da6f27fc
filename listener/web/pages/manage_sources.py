"""Sources (manager): each source's health (status, last success, last error, failures in a row,
rate budget, next run, mentions collected) and pause / resume."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select

from listener.deps import SessionDep
from listener.storage.models import Source
from listener.web.frame import back, find_or_404, page_router, render
from listener.web.i18n import N_, translate
from listener.web.nav import NavItem, register_nav
from listener.web.session import ManagerPage
from listener.worker.control import set_enabled

router = page_router(prefix="/manage")
register_nav(NavItem("/manage/sources", N_("Sources"), role="manager", section="manage", order=10))


@router.get("/sources")
def sources(request: Request, session: SessionDep, who: ManagerPage) -> Response:
    """Every source, the unhealthy ones first."""
    rows = list(session.scalars(select(Source).order_by(Source.platform, Source.name)))
    rows.sort(key=lambda s: (s.status == "ok" and s.enabled, s.platform, s.name))
    return render(request, who, "manage_sources.html", {"sources": rows})


def _switch(request: Request, session: SessionDep, who: ManagerPage, source_id: int, on: bool) -> Response:
    source = find_or_404(session, Source, source_id, N_("source"))
    set_enabled(session, source, on, by=who.principal.name)
    if on:
        message = translate(who.locale, "Resumed %(name)s.", name=source.name)
    else:
        message = translate(who.locale, "Paused %(name)s.", name=source.name)
    return back(request, "/manage/sources", message)


@router.post("/sources/{source_id}/pause")
def pause(request: Request, session: SessionDep, who: ManagerPage, source_id: int) -> Response:
    """The worker stops collecting from the source until it is resumed."""
    return _switch(request, session, who, source_id, False)


@router.post("/sources/{source_id}/resume")
def resume(request: Request, session: SessionDep, who: ManagerPage, source_id: int) -> Response:
    """Collect again (a source paused after failures runs at the next tick)."""
    return _switch(request, session, who, source_id, True)
