"""HTTP API under ``/api/v1``: one router per resource, gathered in ``api_router``."""

from fastapi import APIRouter

from listener.api import (
    alerts,
    analyze,
    brands,
    incident_replies,
    ingest,
    insights,
    keys,
    mentions,
    publishing,
    queries,
    replies,
    reports,
    sources,
    stats,
    stream,
    subscriptions,
    taxonomy,
    templates,
    users,
)
from listener.api.errors import ERROR_RESPONSES

api_router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
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
    publishing,
    keys,
    users,
    alerts,
    incident_replies,
    insights,
    stream,
    subscriptions,
    reports,
):
    api_router.include_router(module.router)

__all__ = ["api_router"]
