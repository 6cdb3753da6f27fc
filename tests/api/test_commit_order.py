"""A 2xx answer means the change is stored: the request's transaction commits before the response
is sent, checked over a real HTTP server with a commit slowed down on purpose."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from listener.app import create_app
from listener.storage.models import Mention
from tests.factories import mentions
from tests.served import serve


@pytest.fixture
def slow_commit(monkeypatch):
    real = Session.commit

    def commit(self):  # type: ignore[no-untyped-def]
        time.sleep(0.4)
        real(self)

    monkeypatch.setattr(Session, "commit", commit)


def test_ingest_rows_are_committed_when_the_response_arrives(settings, engine, keys, acme_brand, slow_commit):
    with serve(create_app(settings, engine=engine)) as base:
        resp = httpx.post(
            f"{base}/api/v1/ingest",
            json={"mentions": mentions(20)},
            headers={"Authorization": f"Bearer {keys['manager']}"},
            timeout=60,
        )
        assert resp.status_code == 200, resp.text
        with engine.connect() as conn:  # another connection, at once
            stored = conn.scalar(select(func.count()).select_from(Mention))
    assert stored == 20


@pytest.fixture
def acme_brand(engine):
    from listener.storage.db import make_session_factory, session_scope
    from listener.storage.models import Brand

    with session_scope(make_session_factory(engine)) as s:
        s.add(Brand(name="Acme", aliases=[], products=[], lexicon={}))
