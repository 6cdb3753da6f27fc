"""Brands and their competitors (manager and up to change, viewer to read)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.deps import Manager, SessionDep, Viewer
from listener.schemas.catalog import BrandCreate, BrandRead, BrandUpdate
from listener.storage import brands as brand_store
from listener.storage.audit import delete_recorded, update_recorded
from listener.storage.brands import competitors_of
from listener.storage.lookup import ensure_name_free, get_or_404
from listener.storage.mentions import promote_links
from listener.storage.models import Brand

router = APIRouter(prefix="/brands", tags=["brands"])


def get_brand(session: Session, brand_id: int) -> Brand:
    return get_or_404(session, Brand, brand_id, "brand")


@router.get("", summary="List brands")
def list_brands(session: SessionDep, _: Viewer) -> list[BrandRead]:
    return [BrandRead.model_validate(b) for b in session.scalars(select(Brand).order_by(Brand.name))]


@router.post("", status_code=201, summary="Create a brand (competitors are created as brands if missing)")
def create_brand(body: BrandCreate, session: SessionDep, who: Manager) -> BrandRead:
    return BrandRead.model_validate(brand_store.create_brand(session, body, actor=who.name))


@router.get("/{brand_id}", summary="Read a brand")
def read_brand(brand_id: int, session: SessionDep, _: Viewer) -> BrandRead:
    return BrandRead.model_validate(get_brand(session, brand_id))


@router.patch("/{brand_id}", summary="Update a brand")
def update_brand(brand_id: int, body: BrandUpdate, session: SessionDep, who: Manager) -> BrandRead:
    brand = get_brand(session, brand_id)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("name"):
        ensure_name_free(session, Brand, changes["name"], "a brand", exclude=brand.id)
    if "competitors" in changes and changes["competitors"] is not None:
        brand.competitors = competitors_of(
            session, changes.pop("competitors"), changes.get("name") or brand.name
        )
    to_set = {k: v for k, v in changes.items() if v is not None}
    update_recorded(session, brand, to_set, actor=who.name, entity="brand", audit=_public(body))
    return BrandRead.model_validate(brand)


@router.delete(
    "/{brand_id}",
    status_code=204,
    summary="Delete a brand (its mentions stay, linked to their other brands or unlinked)",
)
def delete_brand(brand_id: int, session: SessionDep, who: Manager) -> Response:
    brand = get_brand(session, brand_id)
    promote_links(session, brand_id)
    delete_recorded(session, brand, actor=who.name, entity="brand", changes={"name": brand.name})
    return Response(status_code=204)


def _public(body: Any) -> dict[str, Any]:
    return body.model_dump(mode="json", exclude_unset=True)
