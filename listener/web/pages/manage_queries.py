"""Brands and their queries (``/manage/queries``, managers): every brand with its boolean queries,
forms to add a brand (with aliases and competitors) and to add and edit queries, the syntax checked
as the manager types (``/manage/queries/check``, the same check as on save) and again on submit."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from listener.deps import SessionDep
from listener.errors import ListenerError
from listener.pipeline.query_check import create_query, query_problem, update_query
from listener.schemas.catalog import BrandCreate, QueryCreate, QueryUpdate
from listener.storage.brands import create_brand
from listener.storage.lookup import get_or_404
from listener.storage.models import Brand, Query
from listener.web.frame import back, page_router, render_form
from listener.web.i18n import N_, translate
from listener.web.manage_forms import problem
from listener.web.nav import NavItem, register_nav
from listener.web.session import ManagerPage

router = page_router()
register_nav(NavItem("/manage/queries", N_("Brands and queries"), role="manager", section="manage", order=20))
Expression = Annotated[str, Form(max_length=4000)]


def _page(request: Request, session: SessionDep, who: ManagerPage, **extra: object) -> Response:
    brands = list(session.scalars(select(Brand).order_by(Brand.name)))
    queries = list(session.scalars(select(Query).order_by(Query.id)))
    context = {
        "brands": brands,
        "by_brand": {b.id: [q for q in queries if q.brand_id == b.id] for b in brands},
        "error": None,
        "pointer": None,
        "form": {},
        **extra,
    }
    return render_form(request, who, "manage_queries.html", context)


@router.get("/manage/queries")
def queries(request: Request, session: SessionDep, who: ManagerPage) -> Response:
    """Brands with their queries and the forms to change them."""
    return _page(request, session, who)


@router.post("/manage/queries/check")
def check(who: ManagerPage, expression: Expression = "") -> JSONResponse:
    """``{"ok": true}`` or ``{"ok": false, "position", "message", "pointer"}`` for the editor."""
    found = query_problem(expression) if expression.strip() else None
    return JSONResponse({"ok": True} if found is None else {"ok": False, **found})


@router.post("/manage/queries")
def save(
    request: Request,
    session: SessionDep,
    who: ManagerPage,
    expression: Expression,
    name: Annotated[str, Form(max_length=200)] = "",
    brand_id: Annotated[str, Form(max_length=18)] = "",
    role: Annotated[str, Form(max_length=16)] = "own",
    enabled: Annotated[str, Form(max_length=5)] = "",
    query_id: Annotated[str, Form(max_length=18)] = "",
) -> Response:
    """Add a query to a brand, or change one (``query_id``); refused with the syntax error shown."""
    form = {"name": name, "brand_id": brand_id, "role": role, "expression": expression, "query_id": query_id}
    try:
        data = {"name": name, "expression": expression, "role": role, "enabled": bool(enabled)}
        if query_id.isdigit():
            q = get_or_404(session, Query, int(query_id), "query")
            update_query(session, q, QueryUpdate.model_validate(data), actor=who.principal.name)
        else:
            data["brand_id"] = int(brand_id) if brand_id.isdigit() else 0
            q = create_query(session, QueryCreate.model_validate(data), actor=who.principal.name)
    except (ValidationError, ListenerError) as exc:
        session.rollback()
        return _page(request, session, who, error=problem(exc), form=form, pointer=query_problem(expression))
    return back(request, f"/manage/queries#query-{q.id}", translate(who.locale, "Query saved."))


def _names(raw: str) -> list[str]:
    return [n.strip() for n in raw.split(",") if n.strip()]


@router.post("/manage/brands")
def add_brand(
    request: Request,
    session: SessionDep,
    who: ManagerPage,
    name: Annotated[str, Form(max_length=200)] = "",
    aliases: Annotated[str, Form(max_length=4000)] = "",
    competitors: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Add a brand (competitors named are created as brands when missing)."""
    try:
        body = BrandCreate.model_validate(
            {"name": name, "aliases": _names(aliases), "competitors": _names(competitors)}
        )
        brand = create_brand(session, body, actor=who.principal.name)
    except (ValidationError, ListenerError) as exc:
        session.rollback()
        return _page(request, session, who, error=problem(exc), form={"brand_name": name})
    return back(
        request,
        f"/manage/queries#brand-{brand.id}",
        translate(who.locale, "Brand %(name)s added.", name=brand.name),
    )
