"""HTTP API under ``/api/v1``: one router per resource, gathered in ``api_router``."""

from fastapi import APIRouter

from listener.api import (
    alerts,
    analyze,
    brands,
    incident_replies,
    ingest,
    keys,
    mentions,
    queries,
    replies,
    sources,
    stats,
    taxonomy,
    templates,
)

api_router = APIRouter(prefix="/api/v1")
for module in (
    brands,
    queries,
    sources,
    ingest,
    mentions,
    stats,
    analyze,
    taxonomy,
    templates,
    replies,
    keys,
    alerts,
    incident_replies,
):
    api_router.include_router(module.router)

__all__ = ["api_router"]
