"""Fixtures for the publisher tests: a real HTTP server on 127.0.0.1 answering scripted bodies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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
