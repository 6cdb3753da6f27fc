"""Creating a brand (with its competitors, created as brands when missing): one home for the API's
``POST /brands`` and the brands page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.errors import Unprocessable
from listener.schemas.catalog import BrandCreate
from listener.storage.audit import add_recorded
from listener.storage.lookup import ensure_name_free
from listener.storage.models import Brand
from listener.storage.names import name_key


def competitors_of(session: Session, names: list[str], own: str) -> list[Brand]:
    """The brands called ``names`` (created when missing); Unprocessable when one is ``own``."""
    if any(name_key(n) == name_key(own) for n in names):
        raise Unprocessable("a brand cannot be its own competitor", details=[{"field": "competitors"}])
    out = []
    for name in names:
        found = session.scalar(select(Brand).where(Brand.name_key == name_key(name)))
        if found is None:
            found = Brand(name=name, aliases=[], products=[], lexicon={})
            session.add(found)
        out.append(found)
    return out


def create_brand(session: Session, body: BrandCreate, *, actor: str) -> Brand:
    """Check the name is free and store the brand with its competitors, recorded in the audit trail."""
    ensure_name_free(session, Brand, body.name, "a brand")
    brand = Brand(**body.model_dump(exclude={"competitors"}))
    brand.competitors = competitors_of(session, body.competitors, body.name)
    changes = body.model_dump(mode="json", exclude_unset=True)
    add_recorded(session, brand, actor=actor, entity="brand", changes=changes)
    return brand
