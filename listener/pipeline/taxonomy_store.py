"""Replacing the global topic taxonomy, or going back to the packaged default: one home for the
API's ``/taxonomy`` and the taxonomy page. New mentions are tagged with the change at once;
``listener reanalyze`` re-tags stored ones."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from listener.storage.audit import record
from listener.storage.models import Taxonomy


def replace_taxonomy(session: Session, data: dict[str, Any], *, actor: str) -> None:
    """Store ``data`` (a validated ``TaxonomyIn`` dump) as the global taxonomy."""
    row = session.get(Taxonomy, 1)
    if row is None:
        session.add(Taxonomy(id=1, data=data, updated_by=actor))
    else:
        row.data, row.updated_by = data, actor
    session.flush()
    changes = {"topics": sorted(data["topics"])}
    record(session, actor=actor, entity="taxonomy", entity_id=1, action="replace", changes=changes)


def reset_taxonomy(session: Session, *, actor: str) -> bool:
    """Drop the custom taxonomy (the packaged default applies again); False when there was none."""
    row = session.get(Taxonomy, 1)
    if row is None:
        return False
    session.delete(row)
    record(session, actor=actor, entity="taxonomy", entity_id=1, action="reset", changes={})
    return True
