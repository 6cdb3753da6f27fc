"""Delivery that never doubles (issue 16.4), against real slow receivers on 127.0.0.1 that answer
after the client's timeout: Slack messages arrive exactly once and wait as ``unconfirmed``; webhook
retries carry the same ``Idempotency-Key``; SMTP after the data is unconfirmed; a receiver that is
down (nothing sent) is still retried until everything arrives once; a manager resends by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from engine_helpers import NOW, SETTINGS, brand, burst, channel, outbound_client, rule
from sinks import Answer, HttpSink, SmtpSink, free_port
from sqlalchemy import select

from listener.engine import delivery, evaluation
from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import AuditEvent, Channel, Notification

SLOW = 3.0  # seconds the slow receiver takes to answer
TIMEOUT = 1.0  # the channel's timeout: the answer comes too late
MAIL = {"from_addr": "listener@example.com", "to": ["team@example.com"]}


@pytest.fixture
def outbox():
    """The outbox's HTTP client, as the worker builds it."""
    with outbound_client() as c:
        yield c


def crisis(sessions, *channels_config):
    with session_scope(sessions) as s:
        acme = brand(s)
        chans = [channel(s, type_, **cfg) for type_, cfg in channels_config]
        rule(s, "frequency", brand_id=acme.id, channels=chans, params={"threshold": 3})
        burst(s, acme.id, NOW - timedelta(minutes=45), 5)
        evaluation.evaluate(s, NOW, settings=SETTINGS)
        return [c.id for c in chans]


def rows(sessions):
    with session_scope(sessions) as s:
        return [(n.status, n.attempts) for n in s.scalars(select(Notification).order_by(Notification.id))]


def rounds(sessions, outbox, start, minutes=30):
    """The worker's delivery job over ``minutes`` (one round a minute)."""
    for minute in range(minutes):
        with session_scope(sessions) as s:
            delivery.deliver_pending(s, outbox, start + timedelta(minutes=minute), sleep=lambda _: None)


def test_a_slow_slack_gets_each_message_exactly_once(sessions, outbox):
    with HttpSink() as slack:
        slack.default = Answer(200, "ok", delay=SLOW)
        crisis(sessions, ("slack", {"webhook_url": slack.url + "/services/T/B/x", "timeout": TIMEOUT}))
        with session_scope(sessions) as s:
            c = s.scalar(select(Channel))
            delivery.queue_test(s, c, NOW)
            delivery.queue_test(s, c, NOW)
        with session_scope(sessions) as s:
            report = delivery.deliver_pending(s, outbox, NOW, sleep=lambda _: None)
        assert len(report.unconfirmed) == 3 and not report.retried and not report.sent
        rounds(sessions, outbox, NOW + timedelta(minutes=1))  # half an hour of worker rounds
        arrived = slack.drain(at_least=3)
    assert len(arrived) == 3  # each message once: nothing was resent
    assert sorted("Test message" in r.json()["text"] for r in arrived) == [False, True, True]
    assert rows(sessions) == [("unconfirmed", 1)] * 3
    with session_scope(sessions) as s:
        n = s.scalar(select(Notification).limit(1))
        assert n.sent_at is not None and "unconfirmed" in n.last_error


def test_webhook_retries_after_a_timeout_carry_the_same_idempotency_key(sessions, outbox):
    with HttpSink() as hook:
        hook.script.extend([Answer(200, "late", delay=SLOW), Answer(200, "late again", delay=SLOW)])
        crisis(sessions, ("webhook", {"url": hook.url + "/in", "timeout": TIMEOUT}))
        now = NOW
        with session_scope(sessions) as s:
            assert delivery.deliver_pending(s, outbox, now).retried  # sent, no answer: retried
            n = s.scalar(select(Notification))
            assert n.status == "failed" and n.last_error.startswith("timeout after sending")
            key = n.idempotency_key
        rounds(sessions, outbox, now + timedelta(minutes=1), minutes=10)
        arrived = hook.drain(at_least=3)
    assert len(arrived) == 3  # two late answers, then a prompt one
    keys = {r.headers.get("Idempotency-Key") for r in arrived}
    assert keys == {key}  # the receiver can drop the repeats
    assert {r.json()["idempotency_key"] for r in arrived} == {key}
    assert rows(sessions) == [("sent", 3)]


def test_an_smtp_server_that_answers_late_after_the_data_is_unconfirmed(sessions, outbox):
    with SmtpSink(delay=SLOW) as smtp:
        crisis(sessions, ("email", {"host": "127.0.0.1", "port": smtp.port, "timeout": TIMEOUT, **MAIL}))
        with session_scope(sessions) as s:
            report = delivery.deliver_pending(s, outbox, NOW)
        assert len(report.unconfirmed) == 1
        rounds(sessions, outbox, NOW + timedelta(minutes=1), minutes=10)
    assert len(smtp.messages) == 1  # queued once, never again
    assert rows(sessions) == [("unconfirmed", 1)]


def test_receivers_that_are_down_get_everything_once_when_they_come_back(sessions, outbox):
    """Nothing reaches a receiver that is down (connection refused): that is retried, not
    unconfirmed, and every message arrives once after the outage."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    crisis(sessions, ("slack", {"webhook_url": url + "/s"}), ("webhook", {"url": url + "/in"}))
    with session_scope(sessions) as s:
        c = s.scalar(select(Channel).where(Channel.type == "slack"))
        for _ in range(3):
            delivery.queue_test(s, c, NOW)
    now = NOW
    for _ in range(5):  # five minutes of outage
        with session_scope(sessions) as s:
            report = delivery.deliver_pending(s, outbox, now, sleep=lambda _: None)
            assert not report.sent and not report.unconfirmed
        now += timedelta(minutes=1)
    assert {status for status, _ in rows(sessions)} == {"failed"}
    with HttpSink(port=port) as back:
        rounds(sessions, outbox, now, minutes=8)
        arrived = back.drain(at_least=5)
    assert sorted(r.path for r in arrived) == ["/in", "/s", "/s", "/s", "/s"]
    assert {status for status, _ in rows(sessions)} == {"sent"}


def test_a_manager_lists_unconfirmed_and_resends_one_by_hand(api, engine):
    sessions = make_session_factory(engine)
    with HttpSink() as slack:
        slack.default = Answer(200, "ok", delay=SLOW)
        crisis(sessions, ("slack", {"webhook_url": slack.url + "/services/T/B/x", "timeout": TIMEOUT}))
        with session_scope(sessions) as s, outbound_client() as c:
            delivery.deliver_pending(s, c, NOW)
        slack.drain(at_least=1)
        listed = api.as_("viewer").get("/api/v1/notifications", params={"status": "unconfirmed"})
        assert listed.status_code == 200 and [n["status"] for n in listed.json()] == ["unconfirmed"]
        (n,) = listed.json()
        assert api.as_("viewer").get("/api/v1/notifications", params={"status": "sent"}).json() == []
        assert api.as_("viewer").post(f"/api/v1/notifications/{n['id']}/resend").status_code == 403
        slack.default = Answer(200, "ok")  # the channel is fine again; a person checked it
        manager = api.as_("manager")
        again = manager.post(f"/api/v1/notifications/{n['id']}/resend")
        assert again.status_code == 200, again.text
        assert again.json()["status"] == "sent" and again.json()["attempts"] == 2
        assert len(slack.drain(at_least=2)) == 2  # the resend is the only repeat
        done = manager.post(f"/api/v1/notifications/{n['id']}/resend")
        assert done.status_code == 409 and "only unconfirmed, failed, dead" in done.json()["error"]["message"]
        assert manager.post("/api/v1/notifications/999999/resend").status_code == 404
    with session_scope(sessions) as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.entity == "notification")).all()
        assert [(e.action, e.entity_id, e.changes["status"]) for e in events] == [
            ("resend", n["id"], ["unconfirmed", "pending"])
        ]
