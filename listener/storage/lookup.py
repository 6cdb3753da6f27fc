"""One row by id (``get_or_404``) or a brand by id or name (``resolve_brand``), or the error naming
what was missing."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from listener.errors import NotFound, Unprocessable
from listener.storage.models import Brand

T = TypeVar("T")


def get_or_404(session: Session, model: type[T], ident: int, what: str, *, lock: bool = False) -> T:
    """The ``model`` row with primary key ``ident`` (``FOR UPDATE`` with ``lock``); NotFound
    ("no <what> with id <ident>") when there is none."""
    if lock:
        row = session.scalar(select(model).where(model.id == ident).with_for_update())  # type: ignore[attr-defined]
    else:
        row = session.get(model, ident)
    if row is None:
        raise NotFound(f"no {what} with id {ident}")
    return row


def resolve_brand(session: Session, brand: str) -> Brand:
    """A brand by id or (case-insensitive) name; 422 when there is none."""
    is_id = brand.isascii() and brand.isdigit() and len(brand) < 19  # not "²"; fits a BIGINT
    found = session.get(Brand, int(brand)) if is_id else None
    if found is None:
        found = session.scalar(select(Brand).where(func.lower(Brand.name) == brand.lower()))
    if found is None:
        raise Unprocessable(
            f"unknown brand {brand!r}", details=[{"field": "brand", "message": "no such brand"}]
        )
    return found
