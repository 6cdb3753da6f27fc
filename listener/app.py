"""``create_app(settings)``: the FastAPI application (API, pages, API docs, health, metrics). Runs no
scheduler."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from listener import __version__
from listener.api import api_router
from listener.api import errors as api_errors
from listener.middleware import BodyLimitMiddleware, Metrics, MetricsMiddleware
from listener.settings import Settings
from listener.storage.db import make_engine, make_session_factory
from listener.web import frame, pages

log = logging.getLogger(__name__)

DESCRIPTION = """Social listening and reputation monitoring.

Authenticate with `Authorization: Bearer <api key>` (create one with `listener keys create`).
Every error is `{"error": {"code", "message", "details"}}`.
"""


def create_app(settings: Settings, *, engine=None) -> FastAPI:  # type: ignore[no-untyped-def]
    """Build the app on ``settings``; pass ``engine`` to share one (tests, the demo)."""
    engine = engine or make_engine(settings.database_url)
    # Swagger UI (/docs) and ReDoc (/redoc) from the assets fastapi-offline ships: no CDN
    app: FastAPI = FastAPIOffline(title="Listener", version=__version__, description=DESCRIPTION)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = make_session_factory(engine)
    app.state.metrics = Metrics()
    api_errors.install(app)
    app.include_router(api_router)
    app.include_router(pages.router)
    frame.install(app)

    @app.get("/healthz", tags=["health"], summary="Liveness: the database answers")
    def healthz() -> JSONResponse:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # report, never raise: this is what load balancers poll
            log.warning("health check failed: %s", type(exc).__name__)
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok", "version": __version__})

    @app.get("/metrics", tags=["health"], summary="Prometheus metrics")
    def metrics() -> Response:
        return Response(generate_latest(app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    return app
