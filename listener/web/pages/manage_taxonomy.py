"""The topic taxonomy (``/manage/taxonomy``, managers): the taxonomy in force as JSON (topic ->
language -> phrases, crisis terms per language), edited and validated like the API's ``PUT
/taxonomy``, or reset to the packaged default."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from listener.deps import SessionDep
from listener.errors import ListenerError
from listener.pipeline.analysis import current_taxonomy
from listener.pipeline.taxonomy_store import replace_taxonomy, reset_taxonomy
from listener.schemas.catalog import TaxonomyIn
from listener.web.frame import back, page_router, render_form
from listener.web.i18n import N_, translate
from listener.web.manage_forms import json_field, problem
from listener.web.nav import NavItem, register_nav
from listener.web.session import ManagerPage
from nlp.topics import normalize_taxonomy

router = page_router()
register_nav(NavItem("/manage/taxonomy", N_("Topic taxonomy"), role="manager", section="manage", order=70))


def _page(request: Request, who: ManagerPage, source: str, text: str, error: str | None = None) -> Response:
    context = {"source": source, "text": text, "error": error}
    return render_form(request, who, "manage_taxonomy.html", context)


@router.get("/manage/taxonomy")
def taxonomy(request: Request, session: SessionDep, who: ManagerPage) -> Response:
    """The taxonomy in force, ready to edit."""
    source, data = current_taxonomy(session)
    norm = normalize_taxonomy(data)
    shown = {"topics": norm["topics"], "crisis": norm["crisis"]}
    return _page(request, who, source, json.dumps(shown, ensure_ascii=False, indent=2))


@router.post("/manage/taxonomy")
def save(
    request: Request,
    session: SessionDep,
    who: ManagerPage,
    taxonomy: Annotated[str, Form(max_length=500_000)] = "",
    action: Annotated[str, Form(max_length=10)] = "save",
) -> Response:
    """Replace the taxonomy (``action=save``) or go back to the default (``action=reset``)."""
    if action == "reset":
        reset_taxonomy(session, actor=who.principal.name)
        return back(request, "/manage/taxonomy", translate(who.locale, "The default taxonomy applies again."))
    try:
        data = TaxonomyIn.model_validate(json_field(taxonomy, "taxonomy")).model_dump()
        replace_taxonomy(session, data, actor=who.principal.name)
    except (ValidationError, ListenerError) as exc:
        session.rollback()
        return _page(request, who, "custom", taxonomy, problem(exc))
    return back(
        request, "/manage/taxonomy", translate(who.locale, "Taxonomy saved; new mentions use it now.")
    )
