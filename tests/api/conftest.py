"""An app on the per-test database, a client, and one key per role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from listener.app import create_app
from listener.auth import create_key
from listener.settings import Settings
from listener.storage.db import make_session_factory, session_scope


@pytest.fixture
def app(settings: Settings, engine: Engine):  # type: ignore[no-untyped-def]
    return create_app(settings, engine=engine)


@pytest.fixture
def keys(engine: Engine) -> dict[str, str]:
    """``{role: key}`` for viewer, agent, manager and admin (named after the role)."""
    out = {}
    with session_scope(make_session_factory(engine)) as session:
        for role in ("viewer", "agent", "manager", "admin"):
            out[role] = create_key(session, name=f"{role}-key", role=role)[1]
    return out


class Api:
    """A TestClient that sends a role's key: ``api.as_("manager").post(...)``."""

    def __init__(self, client: TestClient, keys: dict[str, str]) -> None:
        self.client = client
        self.keys = keys

    def as_(self, role: str) -> TestClient:
        self.client.headers["Authorization"] = f"Bearer {self.keys[role]}"
        return self.client


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        yield c


@pytest.fixture
def api(client: TestClient, keys: dict[str, str]) -> Api:
    return Api(client, keys)


@pytest.fixture
def acme(api: Api) -> dict:
    """The brand Acme with competitors Globex and Initech."""
    resp = api.as_("manager").post(
        "/api/v1/brands",
        json={"name": "Acme", "aliases": ["Acme Corp"], "competitors": ["Globex", "Initech"]},
    )
    assert resp.status_code == 201, resp.text
    return resp.json()
