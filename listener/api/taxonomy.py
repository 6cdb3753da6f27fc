"""The global topic taxonomy: read it, replace it (manager), or go back to the packaged default.

Per-brand topics live on the brand (``topics`` of ``/brands``). After a change, new mentions are
tagged with it at once; ``listener reanalyze`` re-tags stored ones.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from listener.deps import Manager, SessionDep, Viewer
from listener.pipeline.analysis import current_taxonomy
from listener.pipeline.taxonomy_store import replace_taxonomy, reset_taxonomy
from listener.schemas.catalog import TaxonomyIn, TaxonomyRead
from nlp.topics import normalize_taxonomy, taxonomy_version

router = APIRouter(prefix="/taxonomy", tags=["nlp"])


def _read(source: str, data: dict) -> TaxonomyRead:
    norm = normalize_taxonomy(data)
    return TaxonomyRead(
        source=source, version=taxonomy_version(norm), topics=norm["topics"], crisis=norm["crisis"]
    )


@router.get("", summary="The topic taxonomy in force")
def get_taxonomy(session: SessionDep, _: Viewer) -> TaxonomyRead:
    return _read(*current_taxonomy(session))


@router.put("", summary="Replace the global taxonomy")
def put_taxonomy(body: TaxonomyIn, session: SessionDep, who: Manager) -> TaxonomyRead:
    data = body.model_dump()
    replace_taxonomy(session, data, actor=who.name)
    return _read("custom", data)


@router.delete("", status_code=204, summary="Go back to the packaged default taxonomy")
def reset(session: SessionDep, who: Manager) -> Response:
    reset_taxonomy(session, actor=who.name)
    return Response(status_code=204)
