"""The approval queue (``/approvals``, managers): drafts awaiting approval, oldest first, each with
its mention, to approve or reject in place (the forms post to the mention page's reply actions)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select

from listener.deps import SessionDep
from listener.engine.four_eyes import drafted_by
from listener.engine.reply_flow import queue
from listener.pipeline.feed import mention_reads
from listener.storage.inbox_queries import people_by_name
from listener.storage.models import Mention
from listener.web.frame import page_router, render
from listener.web.i18n import N_
from listener.web.nav import NavItem, register_nav
from listener.web.session import ManagerPage

router = page_router()
register_nav(NavItem("/approvals", N_("Approvals"), role="manager", order=25))


@router.get("/approvals")
def approvals(request: Request, session: SessionDep, who: ManagerPage) -> Response:
    """Drafts awaiting approval (up to 200), with the mention each answers."""
    drafts = queue(session, "draft", limit=200)
    ids = list({r.mention_id for r in drafts})
    mentions = list(session.scalars(select(Mention).where(Mention.id.in_(ids)))) if ids else []
    context = {
        "drafts": drafts,
        "mentions": {m.id: m for m in mention_reads(session, mentions)},
        "mine": {r.id for r in drafts if drafted_by(r, who.principal)},
        "four_eyes": request.app.state.settings.reply_four_eyes,
        "people": people_by_name(session),
    }
    return render(request, who, "approvals.html", context)
