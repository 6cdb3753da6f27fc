"""Daily email digests over a real SMTP server (aiosmtpd on 127.0.0.1), through the worker's tick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine_helpers import NOW, SETTINGS, brand, burst, channel, mention, outbound_client, rule
from sinks import SmtpSink
from sqlalchemy import func, select

from listener.engine import digest
from listener.storage.db import session_scope
from listener.storage.models import Channel, Notification
from listener.worker import alert_jobs

DAY1 = NOW.replace(hour=8, minute=0) + timedelta(days=1)  # 2026-11-20 08:00 UTC: the first digest


def digest_channel(session, port: int, **kw):
    c = channel(
        session,
        "email",
        host="127.0.0.1",
        port=port,
        from_addr="alerts@listener.example",
        to=["pr@acme.example"],
        digest=True,
        **kw,
    )
    c.created_at = NOW - timedelta(hours=1)  # after that day's digest hour: the first is tomorrow
    return c


def tick(sessions, at: datetime) -> None:
    with outbound_client() as client:
        alert_jobs.tick(sessions, SETTINGS, client, at)


def test_a_digest_channel_gets_one_daily_message_instead_of_incident_mail(sessions):
    with SmtpSink() as smtp:
        with session_scope(sessions) as s:
            acme = brand(s)
            globex = brand(s, "Globex")
            mail = digest_channel(s, smtp.port)
            r = rule(
                s,
                "frequency",
                brand_id=acme.id,
                channels=[mail],
                params={"threshold": 3},
                resolve_after_minutes=60,
                name="Acme complaints",
            )
            r.severity = "critical"
            burst(s, acme.id, NOW - timedelta(minutes=50), 4, text="Acme <b>leaked</b> my card")
            mention(s, globex.id, NOW - timedelta(hours=2))
        tick(sessions, NOW)
        assert smtp.messages == [], "a digest channel gets no per-incident mail"

        tick(sessions, DAY1 - timedelta(minutes=1))  # before the hour: nothing yet
        assert smtp.messages == []
        tick(sessions, DAY1 + timedelta(minutes=3))
        tick(sessions, DAY1 + timedelta(minutes=4))  # the next tick does not send it again
        assert len(smtp.messages) == 1
        first = smtp.messages[0]

        tick(sessions, DAY1 + timedelta(days=1, minutes=1))  # the next day: a second digest
        assert len(smtp.messages) == 2
        second = smtp.messages[1]

    assert first["Subject"] == "[Listener] daily digest 2026-11-20: 1 incident, 0 open"
    assert first["To"] == "pr@acme.example" and first["In-Reply-To"] is None
    assert first["Message-ID"] == f"<digest-{mail.id}-2026-11-20@listener.example>"
    text = first.get_body(("plain",)).get_content()
    html = first.get_body(("html",)).get_content()
    assert "1 opened, 1 resolved, 0 still open" in text
    assert "[critical] resolved · Acme · Acme complaints" in text
    assert "- Acme: 4, 100% negative, 0 the day before" in text
    assert "- Globex: 1, 0% negative" in text
    assert "/api/v1/incidents/" in text and "Feed for this day:" in text
    assert "Acme complaints" in html and "<table" in html
    # the incident was resolved on the first day: the second digest is a quiet day
    assert second["Subject"] == "[Listener] daily digest 2026-11-21: no incidents"
    assert "No incidents: a quiet day." in second.get_body(("plain",)).get_content()


def test_the_digest_lists_incidents_still_open_at_its_hour(sessions):
    with SmtpSink() as smtp:
        with session_scope(sessions) as s:
            acme = brand(s)
            mail = digest_channel(s, smtp.port, digest_hour=9, digest_timezone="Europe/Istanbul")
            rule(s, "frequency", brand_id=acme.id, channels=[mail], params={"threshold": 3})
            burst(s, acme.id, NOW - timedelta(minutes=50), 4)
        tick(sessions, NOW)
        # 09:00 in Istanbul is 06:00 UTC
        istanbul_nine = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
        with session_scope(sessions) as s:  # only the digest: keep the incident open
            digest.queue_due(s, istanbul_nine - timedelta(seconds=1))
            digest.queue_due(s, istanbul_nine + timedelta(seconds=1))
        with session_scope(sessions) as s, outbound_client() as client:
            alert_jobs.delivery.deliver_pending(s, client, istanbul_nine + timedelta(seconds=2))
        assert len(smtp.messages) == 1
    msg = smtp.messages[0]
    assert msg["Subject"] == "[Listener] daily digest 2026-11-20: 1 incident, 1 open"
    text = msg.get_body(("plain",)).get_content()
    assert "(Europe/Istanbul)" in text and "1 still open" in text
    assert "Covers 2026-11-19T06:00:00+00:00 to 2026-11-20T06:00:00+00:00" in text


def test_each_channel_and_day_is_queued_once(sessions):
    with session_scope(sessions) as s:
        mail = digest_channel(s, 25)
        fresh = digest_channel(s, 25)
        fresh.created_at = DAY1 + timedelta(hours=1)  # created after the 20th's digest hour
        instant = channel(s, "email", host="127.0.0.1", from_addr="a@b.example", to=["c@d.example"])
        instant.created_at = NOW
    for _ in range(3):
        with session_scope(sessions) as s:
            digest.queue_due(s, DAY1 + timedelta(hours=2))
    with session_scope(sessions) as s:
        rows = s.execute(select(Notification.channel_id, Notification.idempotency_key)).all()
        assert rows == [(mail.id, f"digest-{mail.id}-2026-11-20")]
        assert s.scalar(select(func.count()).select_from(Channel)) == 3


def test_the_period_is_a_local_day_across_daylight_saving():
    config = {"digest": True, "digest_hour": 8, "digest_timezone": "America/New_York"}
    # New York falls back on 2026-11-01: the day before that digest is 25 hours long
    p = digest.latest_period(config, datetime(2026, 11, 1, 14, 0, tzinfo=UTC))
    assert p.day.isoformat() == "2026-11-01"
    assert p.end == datetime(2026, 11, 1, 13, 0, tzinfo=UTC)  # 08:00 EST
    assert p.end - p.start == timedelta(hours=25)
    # before the hour it is still the previous day's digest
    assert digest.latest_period(config, datetime(2026, 11, 2, 12, 59, tzinfo=UTC)).day.isoformat() == (
        "2026-11-01"
    )


def test_digest_settings_are_validated_by_the_api(api):
    m = api.as_("manager")
    email = {"host": "127.0.0.1", "from_addr": "a@b.example", "to": ["c@d.example"]}
    cases = [
        ("slack", {"webhook_url": "https://hooks.slack.com/services/x", "digest": True}, "config.digest"),
        ("email", {**email, "digest": "yes"}, "config.digest"),
        ("email", {**email, "digest": True, "digest_hour": 24}, "config.digest_hour"),
        ("email", {**email, "digest": True, "digest_hour": "8"}, "config.digest_hour"),
        ("email", {**email, "digest": True, "digest_timezone": "Mars/Olympus"}, "config.digest_timezone"),
    ]
    for i, (type_, config, field) in enumerate(cases):
        r = m.post("/api/v1/channels", json={"name": f"bad-{i}", "type": type_, "config": config})
        assert r.status_code == 422, config
        assert r.json()["error"]["details"][0]["field"] == field
    ok = m.post(
        "/api/v1/channels",
        json={
            "name": "pr digest",
            "type": "email",
            "config": {**email, "digest": True, "digest_hour": 7, "digest_timezone": "Europe/Istanbul"},
        },
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["config"]["digest"] is True and ok.json()["config"]["digest_hour"] == 7
    off = m.patch(f"/api/v1/channels/{ok.json()['id']}", json={"config": {"digest_hour": -1}})
    assert off.status_code == 422
    assert m.get(f"/api/v1/channels/{ok.json()['id']}").json()["config"]["digest_hour"] == 7
