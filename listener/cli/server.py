"""Serving the app with uvicorn: loaded only by ``listener serve`` and ``listener demo`` (the app
imports every router, the reports and the NLP pipeline)."""

from __future__ import annotations

import uvicorn
from sqlalchemy import Engine

from listener.app import create_app
from listener.settings import Settings


def serve_app(settings: Settings, engine: Engine) -> None:
    """Serve the API and the pages on ``settings.host:settings.port`` until stopped."""
    uvicorn.run(
        create_app(settings, engine=engine, serving=True),
        host=settings.host,
        port=settings.port,
        log_level="warning",
    )
