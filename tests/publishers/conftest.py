"""Fixtures for the publisher tests: a real HTTP server on 127.0.0.1 answering scripted bodies, the
API fixtures, and service settings whose X host is that server (the publish queue tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from listener.settings import Settings
from tests.api.conftest import acme, api, app, client, keys  # noqa: F401  (the API fixtures)
from tests.collectors.collectors_testkit import LocalServer


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    """A threaded HTTP server on 127.0.0.1 that answers ``local_server.serve([...])`` in order."""
    server = LocalServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def settings(db_url: str, local_server: LocalServer) -> Settings:
    return Settings(
        database_url=db_url,
        _env_file=None,
        http_timeout=0.5,
        twitter_base_url=local_server.url,
        twitter_user_token="x-user-token",
    )
