"""``create_app(settings)``: the FastAPI application (API, pages, API docs, health, metrics). Runs no
scheduler."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from listener import __version__
from listener.api import api_router
from listener.api import errors as api_errors
from listener.auth import KeyCache
from listener.engine.delivery import outbound_client
from listener.middleware import BodyLimitMiddleware, Metrics, MetricsMiddleware
from listener.pipeline.feed_cache import FeedCache
from listener.settings import Settings
from listener.storage.changes import make_clock
from listener.storage.db import make_engine, make_read_session_factory, make_session_factory
from listener.web import frame, pages
from nlp import NlpInput, get_pipeline

log = logging.getLogger(__name__)

DESCRIPTION = """Social listening and reputation monitoring.

Authenticate with `Authorization: Bearer <api key>` (create one with `listener keys create`).
Every error is `{"error": {"code", "message", "details"}}`.
"""


def warm_up() -> None:
    """What ``listener serve`` does before its first request: every language's sentiment model is
    loaded (not by the first request with a Turkish text, a second's wait), then the heap built so
    far (pipeline, models, lexicons: millions of long-lived objects) is moved out of the garbage
    collector's sight (``gc.freeze``), so that the full collections a 1,000-mention ingest triggers
    no longer walk it (about a tenth of an ingest request's time before)."""
    pipeline = get_pipeline()
    list(pipeline.run([NlpInput(text="Acme is great"), NlpInput(text="Acme çok güzel", language="tr")]))
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # the process-wide NLP pipeline is built once, before the first ingest request waits for it
    await run_in_threadpool(warm_up if app.state.serving else get_pipeline)
    app.state.change_clock.start()  # feed pages are kept only while it runs
    yield
    app.state.change_clock.stop()
    app.state.close_reads()  # the feed's read pool (listener.storage.db.make_read_session_factory)
    app.state.outbound.close()  # the app's outbound HTTP client (channel tests, resends)


def create_app(settings: Settings, *, engine=None, serving: bool = False) -> FastAPI:  # type: ignore[no-untyped-def]
    """Build the app on ``settings``; pass ``engine`` to share one (tests, the demo). ``serving``:
    the app is this process's whole life (``listener serve``), so its startup runs :func:`warm_up`."""
    engine = engine or make_engine(settings.database_url)
    outbound = outbound_client(settings)  # one client for the app's sends (channel tests, resends)
    # Swagger UI (/docs) and ReDoc (/redoc) from the assets fastapi-offline ships: no CDN
    app: FastAPI = FastAPIOffline(
        title="Listener", version=__version__, description=DESCRIPTION, lifespan=_lifespan
    )
    app.state.settings = settings
    app.state.serving = serving
    app.state.outbound = outbound
    app.state.engine = engine
    app.state.sessions = make_session_factory(engine)
    app.state.read_sessions, app.state.close_reads = make_read_session_factory(engine)
    app.state.key_cache = KeyCache(settings.auth_cache_seconds)
    app.state.change_clock = make_clock(engine)
    app.state.feed_cache = FeedCache(settings.feed_cache_mb * 1024 * 1024)
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
