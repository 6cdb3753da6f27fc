"""Fixtures of the collection tests: a local RSS server, a session factory on the test database
and an HTTP client with a short timeout."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from collectors.http import make_client
from listener.settings import Settings
from listener.storage.db import make_session_factory
from tests.worker.feed_server import FeedServer


@pytest.fixture
def server() -> Iterator[FeedServer]:
    srv = FeedServer()
    yield srv
    srv.close()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def client(settings: Settings) -> Iterator[httpx.Client]:
    with make_client(settings.model_copy(update={"http_timeout": 5.0})) as c:
        yield c
