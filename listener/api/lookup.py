"""``get_or_404``: one row by id, or the API's 404 naming what was missing."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.errors import NotFound

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
