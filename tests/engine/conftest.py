"""Fixtures for the alert engine tests: sessions on the per-test database (SQLite and PostgreSQL)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


@pytest.fixture
def sessions(engine: Engine):  # type: ignore[no-untyped-def]
    from listener.storage.db import make_session_factory

    return make_session_factory(engine)


from tests.api.conftest import acme, api, app, client, keys  # noqa: E402, F401  (the API fixtures)
