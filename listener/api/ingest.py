"""``POST /api/v1/ingest``: push up to 1,000 mentions; idempotent on (platform, external_id)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from listener.deps import Manager, SessionDep, SettingsDep
from listener.engine.new_mentions import alert_on_new
from listener.errors import Unprocessable
from listener.pipeline.ingest import store_batch
from listener.pipeline.items import Incoming
from listener.schemas.mentions import IngestRequest, IngestResult

router = APIRouter(tags=["mentions"])


@router.post(
    "/ingest",
    summary="Push mentions (up to 1,000 per request)",
    description="Stores each mention once: posting the same batch again creates nothing and counts "
    "every item as a duplicate. A batch with an invalid item is rejected whole (422, each bad item's "
    "index and field in `details`).",
)
def ingest(
    body: IngestRequest, request: Request, session: SessionDep, settings: SettingsDep, _: Manager
) -> IngestResult:
    if len(body.mentions) > settings.ingest_max_items:
        raise Unprocessable(
            f"at most {settings.ingest_max_items} mentions per request; got {len(body.mentions)}",
            details=[{"field": "mentions", "message": "split the batch"}],
        )
    outcome = store_batch(session, [Incoming.from_api(m) for m in body.mentions])
    alert_on_new(session, outcome.created_ids, settings=settings)
    metrics = request.app.state.metrics
    metrics.ingested.labels("created").inc(outcome.created)
    metrics.ingested.labels("duplicate").inc(outcome.duplicates)
    return IngestResult(
        received=outcome.received,
        created=outcome.created,
        duplicates=outcome.duplicates,
        ids=outcome.created_ids,
    )
