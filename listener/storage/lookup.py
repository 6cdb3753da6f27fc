"""One row by id (``get_or_404``) or a brand by id or name (``resolve_brand``), or the error naming
what was missing; ``ensure_name_free`` answers 409 for a name already taken (as folded by
``storage.names.name_key``)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from listener.errors import Conflict, NotFound, Unprocessable
from listener.storage.models import Brand
from listener.storage.names import name_key

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
        found = session.scalar(select(Brand).where(Brand.name_key == name_key(brand)))
    if found is None:
        raise Unprocessable(
            f"unknown brand {brand!r}", details=[{"field": "brand", "message": "no such brand"}]
        )
    return found


def resolve_brand_or_all(session: Session, brand: str) -> Brand | None:
    """``resolve_brand``, except that ``all`` (when no brand has that name) or an empty value is
    every brand (None)."""
    if not brand.strip() or (
        brand.strip().lower() == "all"
        and session.scalar(select(Brand.id).where(Brand.name_key == "all")) is None
    ):
        return None
    return resolve_brand(session, brand)


def ensure_name_free(
    session: Session, model: Any, name: str, what: str, *, exclude: int | None = None
) -> None:
    """Conflict (409, "a <what> named … already exists") when another ``model`` row's name folds
    like ``name`` ("Öztürk Ltd" and "ÖZTÜRK LTD" are one name); ``exclude`` is the row being renamed."""
    stmt = select(model.id, model.name).where(model.name_key == name_key(name))
    if exclude is not None:
        stmt = stmt.where(model.id != exclude)
    taken = session.execute(stmt).first()
    if taken is not None:
        raise Conflict(
            f"{what} named {taken.name!r} already exists; names that differ only in case are the same",
            details=[{"field": "name", "existing_id": taken.id}],
        )


def where_given(stmt: Select[Any], *conditions: tuple[Any, Any]) -> Select[Any]:
    """``stmt`` narrowed to ``column == value`` for each ``(column, value)`` whose value is given
    (not None): the optional filters of a list endpoint."""
    for column, value in conditions:
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt
