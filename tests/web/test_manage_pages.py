"""The management pages over HTTP against the real app (SQLite and PostgreSQL): users and keys
(admin), sources, channels and silences (manager); every action checks the role, not only the page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from listener.accounts import sign_in
from listener.auth import authenticate
from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import ApiKey, Channel, Notification, Silence, Source
from listener.storage.people_models import User
from tests.engine.engine_helpers import brand, channel, rule
from tests.engine.sinks import HttpSink
from tests.web.conftest import email_of, seed_users
from tests.web.test_accounts import _client, _sign_in, _token

KEY = re.compile(r'<code class="key">(lsn_[^<]+)</code>')


@pytest.fixture
def app_engine(engine: Engine) -> Iterator[Engine]:
    seed_users(make_session_factory(engine))
    yield engine


def _as(engine: Engine, role: str) -> TestClient:
    client = _client(engine)
    assert _sign_in(client, role).status_code == 303
    return client


def _post(client: TestClient, path: str, **form: str):  # type: ignore[no-untyped-def]
    return client.post(path, data={**form, "csrf_token": _token(client, "/inbox")})


def test_every_management_page_and_action_checks_the_role(app_engine: Engine) -> None:
    pages = {
        "/manage/users": "admin",
        "/manage/keys": "admin",
        "/manage/sources": "manager",
        "/manage/channels": "manager",
        "/manage/silences": "manager",
    }
    actions = {
        "/manage/users": "admin",
        "/manage/users/1": "admin",
        "/manage/users/1/password": "admin",
        "/manage/keys": "admin",
        "/manage/keys/1/revoke": "admin",
        "/manage/sources/1/pause": "manager",
        "/manage/channels/1/test": "manager",
        "/manage/silences": "manager",
        "/manage/silences/1/end": "manager",
        "/incidents/1/acknowledge": "manager",
    }
    rank = ["viewer", "agent", "manager", "admin"]
    for role in rank:
        client = _as(app_engine, role)
        for path, needed in pages.items():
            status = client.get(path).status_code
            assert status == (200 if rank.index(role) >= rank.index(needed) else 403), (role, path)
        for path, needed in actions.items():
            if rank.index(role) < rank.index(needed):
                answer = _post(
                    client, path, password="x" * 12, hours="1", comment="c", name="n", role="viewer"
                )
                assert answer.status_code == 403, (role, path)
                assert needed in answer.text
    # and nobody signed in is sent to the login page
    assert _client(app_engine).get("/manage/users").headers["location"].startswith("/login?next=")


def test_admin_creates_a_user_who_signs_in_then_disables_them(app_engine: Engine) -> None:
    admin = _as(app_engine, "admin")
    made = _post(
        admin, "/manage/users", email="Deniz@Acme.example", display_name="Deniz", role="agent",
        language="tr", password="deniz passphrase",
    )  # fmt: skip
    assert made.status_code == 303
    assert "Created deniz@acme.example." in admin.get("/manage/users").text
    sessions = make_session_factory(app_engine)
    with session_scope(sessions) as s:
        user = s.scalar(select(User).where(User.email == "deniz@acme.example"))
        assert user is not None and user.role == "agent" and user.language == "tr"
        assert sign_in(s, "deniz@acme.example", "deniz passphrase", "t") is not None
        user_id = user.id
    taken = _post(admin, "/manage/users", email="deniz@acme.example", display_name="D", role="agent")
    assert taken.status_code == 422 and "already exists" in taken.text
    short = _post(
        admin, "/manage/users", email="e@acme.example", display_name="E", role="agent", password="short"
    )
    assert short.status_code == 422 and "at least 10 characters" in short.text
    with session_scope(sessions) as s:
        assert s.scalar(select(User).where(User.email == "e@acme.example")) is None  # nothing half-made
    assert (
        _post(admin, f"/manage/users/{user_id}", role="manager", display_name="Deniz K.").status_code == 303
    )
    assert _post(admin, f"/manage/users/{user_id}", active="false").status_code == 303
    with session_scope(sessions) as s:
        user = s.get(User, user_id)
        assert (user.role, user.display_name, user.active) == ("manager", "Deniz K.", False)
    # an admin cannot lock themselves out
    me = _client(app_engine)
    _sign_in(me, "admin")
    with session_scope(sessions) as s:
        admin_id = s.scalar(select(User.id).where(User.email == email_of("admin")))
    refused = _post(admin, f"/manage/users/{admin_id}", active="false")
    assert refused.status_code == 303
    assert "You cannot disable yourself" in admin.get("/manage/users").text
    with session_scope(sessions) as s:
        assert s.get(User, admin_id).active


def test_admin_creates_a_key_seen_once_and_revokes_it(app_engine: Engine) -> None:
    admin = _as(app_engine, "admin")
    made = _post(admin, "/manage/keys", name="ci-export", role="viewer", user="")
    assert made.status_code == 200
    (key,) = KEY.findall(made.text)
    assert key not in admin.get("/manage/keys").text  # shown once only
    sessions = make_session_factory(app_engine)
    with session_scope(sessions) as s:
        assert authenticate(s, key) is not None
        key_id = s.scalar(select(ApiKey.id).where(ApiKey.name == "ci-export"))
    too_high = _post(admin, "/manage/keys", name="agent-admin", role="admin", user=email_of("agent"))
    assert too_high.status_code == 422 and "agent" in too_high.text
    assert _post(admin, f"/manage/keys/{key_id}/revoke").status_code == 303
    with session_scope(sessions) as s:
        assert authenticate(s, key) is None


def test_manager_pauses_and_resumes_a_source_and_sees_its_health(app_engine: Engine) -> None:
    sessions = make_session_factory(app_engine)
    with session_scope(sessions) as s:
        src = Source(name="acme reviews", platform="replay", params={}, status="paused", enabled=True)
        src.last_error, src.consecutive_failures = "HTTP 503 from the platform", 5
        s.add(src)
        s.flush()
        source_id = src.id
    manager = _as(app_engine, "manager")
    page = manager.get("/manage/sources").text
    assert "HTTP 503 from the platform" in page and "5 failures in a row" in page
    assert _post(manager, f"/manage/sources/{source_id}/resume").status_code == 303
    with session_scope(sessions) as s:
        src = s.get(Source, source_id)
        assert src.enabled and src.status == "ok" and src.consecutive_failures == 0
    assert _post(manager, f"/manage/sources/{source_id}/pause").status_code == 303
    with session_scope(sessions) as s:
        assert s.get(Source, source_id).enabled is False
    assert "paused by hand" in manager.get("/manage/sources").text


def test_manager_tests_a_channel_and_silences_a_brand(app_engine: Engine) -> None:
    sessions = make_session_factory(app_engine)
    with HttpSink() as sink:
        with session_scope(sessions) as s:
            good = channel(s, url=sink.url + "/hook")
            bad = channel(s, url="http://127.0.0.1:9/nothing-listens")
            ids = (good.id, bad.id)
            acme = brand(s)
            rule(s, "mention", brand_id=acme.id)
            brand_id = acme.id
        manager = _as(app_engine, "manager")
        assert _post(manager, f"/manage/channels/{ids[0]}/test").status_code == 303
        assert "Test message sent to" in manager.get("/manage/channels").text
        assert len(sink.requests) == 1 and sink.requests[0].json()["kind"] == "test"
    assert _post(manager, f"/manage/channels/{ids[1]}/test").status_code == 303
    assert "failed" in manager.get("/manage/channels").text
    assert _post(manager, f"/manage/channels/{ids[1]}/enabled", on="false").status_code == 303
    with session_scope(sessions) as s:
        assert s.get(Channel, ids[1]).enabled is False
        assert {n.status for n in s.scalars(select(Notification))} >= {"sent"}

    no_why = _post(manager, "/manage/silences", hours="4", brand_id=str(brand_id), comment=" ")
    assert no_why.status_code == 422
    nothing = _post(manager, "/manage/silences", hours="4", comment="why not")
    assert nothing.status_code == 422 and "at least one of" in nothing.text
    assert (
        _post(
            manager, "/manage/silences", hours="4", brand_id=str(brand_id), comment="launch day"
        ).status_code
        == 303
    )
    page = manager.get("/manage/silences").text
    assert "launch day" in page and "Acme" in page
    with session_scope(sessions) as s:
        (silence,) = s.scalars(select(Silence)).all()
        assert silence.brand_id == brand_id and silence.created_by == email_of("manager")
    assert _post(manager, f"/manage/silences/{silence.id}/end").status_code == 303
    assert "Nothing is silenced." in manager.get("/manage/silences").text
