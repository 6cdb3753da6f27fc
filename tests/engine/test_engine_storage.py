"""The alert tables on both backends: constraints that keep the engine honest, and the migration."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from engine_helpers import NOW, SETTINGS, brand, burst, channel, rule
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from listener.storage import migrate
from listener.storage.db import make_engine, session_scope
from listener.storage.models import Incident, Notification
from listener.worker import alert_jobs
from tests.conftest import PG_ADMIN_URL, _pg_unavailable

ALERT_TABLES = {"alert_rule", "incident", "silence", "channel", "notification"}


def _incident(rule_id: int, status: str = "firing") -> Incident:
    return Incident(
        rule_id=rule_id, scope_key="spike", status=status, first_seen=NOW, last_seen=NOW, opened_at=NOW
    )


def test_one_open_incident_per_rule_and_key(sessions):
    with session_scope(sessions) as s:
        r = rule(s, brand_id=None)
        s.add(_incident(r.id, "resolved"))
        s.add(_incident(r.id, "resolved"))
        s.add(_incident(r.id, "firing"))
        rule_id = r.id
    with pytest.raises(IntegrityError), session_scope(sessions) as s:
        s.add(_incident(rule_id, "acknowledged"))


def test_idempotency_key_is_unique(sessions):
    with session_scope(sessions) as s:
        c = channel(s)
        s.add(Notification(channel_id=c.id, kind="test", payload={}, idempotency_key="k"))
        channel_id = c.id
    with pytest.raises(IntegrityError), session_scope(sessions) as s:
        s.add(Notification(channel_id=channel_id, kind="test", payload={}, idempotency_key="k"))


def test_rule_check_constraints(sessions):
    with pytest.raises(IntegrityError), session_scope(sessions) as s:
        rule(s, brand_id=None, severity="apocalyptic")


def test_worker_jobs_evaluate_then_deliver(sessions):
    import httpx

    with session_scope(sessions) as s:
        acme = brand(s)
        c = channel(s, url="http://127.0.0.1:9/nothing")
        rule(s, "frequency", brand_id=acme.id, channels=[c], params={"threshold": 2})
        burst(s, acme.id, NOW - timedelta(minutes=45), 3)
    seen = []
    transport = httpx.MockTransport(lambda req: seen.append(req) or httpx.Response(200))
    with httpx.Client(transport=transport) as client:
        alert_jobs.tick(sessions, SETTINGS, client, NOW)
        alert_jobs.tick(sessions, SETTINGS, client, NOW + timedelta(minutes=1))
    assert len(seen) == 1


@pytest.fixture
def fresh_url(backend: str, tmp_path):  # type: ignore[no-untyped-def]
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"listener_alerts_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        _pg_unavailable(str(exc).splitlines()[0][:200])
    yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_alerts_migration_up_down_up(fresh_url):
    eng = make_engine(fresh_url)
    try:
        migrate.upgrade(eng, "6a1b2c3d4e5f")
        assert not ALERT_TABLES & set(inspect(eng).get_table_names())
        migrate.upgrade(eng, "7b2c3d4e5f6a")
        assert set(inspect(eng).get_table_names()) >= ALERT_TABLES
        indexes = {i["name"] for i in inspect(eng).get_indexes("incident")}
        assert "ix_incident_open" in indexes
        migrate.downgrade(eng, "6a1b2c3d4e5f")
        assert not ALERT_TABLES & set(inspect(eng).get_table_names())
        migrate.upgrade(eng)
        assert set(inspect(eng).get_table_names()) >= ALERT_TABLES
    finally:
        eng.dispose()
