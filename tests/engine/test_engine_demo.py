"""The demo crisis opens one incident, visible in the API and delivered to a local channel."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from engine_helpers import SETTINGS, outbound_client
from sinks import HttpSink

from listener.demo.alerts import replay, seed_alerts
from listener.demo.seed import seed
from listener.engine import delivery
from listener.storage.db import make_session_factory, session_scope


@pytest.mark.parametrize("backend", ["sqlite"])
def test_demo_crisis_opens_one_incident_and_delivers_it(api, engine):
    sessions = make_session_factory(engine)
    seed(sessions, SETTINGS)
    with HttpSink() as sink:
        with session_scope(sessions) as s:
            seed_alerts(
                s, channel={"name": "local", "type": "webhook", "config": {"url": sink.url + "/demo"}}
            )
        opened = replay(sessions, SETTINGS, now=datetime(2026, 11, 20, 6, tzinfo=UTC))
        assert len(opened) == 1
        (incident,) = api.as_("viewer").get("/api/v1/incidents").json()
        at = datetime.fromisoformat(incident["opened_at"])
        assert datetime(2026, 11, 19, 14, tzinfo=UTC) <= at <= datetime(2026, 11, 19, 18, tzinfo=UTC)
        assert incident["severity"] == "critical" and incident["value"] >= 5
        with session_scope(sessions) as s, outbound_client() as client:
            report = delivery.deliver_pending(s, client, at)
        assert len(report.sent) == 1
        body = sink.requests[0].json()
        assert body["brand"] == "Acme" and body["kind"] == "opened"
        assert any(
            "breach" in t or "sızıntı" in t
            for t in body["evidence"]["top_terms"] + [body["samples"][0]["text"].lower()]
        )


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_demo_incident_resolves_itself_by_the_tick_after_the_replay(api, engine):
    """Replayed on 2026-12-06, the crisis of 2026-11-19 must not stay firing for 16 days."""
    sessions = make_session_factory(engine)
    seed(sessions, SETTINGS)
    with session_scope(sessions) as s:
        seed_alerts(s)
    now = datetime(2026, 12, 6, 0, 40, tzinfo=UTC)
    assert len(replay(sessions, SETTINGS, now=now)) == 1
    (incident,) = api.as_("viewer").get("/api/v1/incidents").json()
    assert incident["status"] == "resolved" and incident["resolved_by"] == "auto"
    # quiet after the crisis night: resolved during the replay or, at the latest, by the tick at `now`
    assert datetime(2026, 11, 19, tzinfo=UTC) < datetime.fromisoformat(incident["resolved_at"]) <= now
