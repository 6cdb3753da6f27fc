"""The demo data set (Acme with competitors Globex and Initech, 14 days ending with a crisis on
19 November) seeded into the per-test database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from listener.demo.seed import seed
from listener.settings import Settings
from listener.storage.db import make_session_factory

DEMO_START = datetime(2026, 11, 6, tzinfo=UTC)
DEMO_END = datetime(2026, 11, 20, tzinfo=UTC)
CRISIS_DAY = datetime(2026, 11, 19, tzinfo=UTC)


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def demo(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """The demo seeded (brands, queries, the 503 sample mentions); returns the session factory."""
    report = seed(sessions, Settings(_env_file=None))
    assert report.created > 400, report
    return sessions
