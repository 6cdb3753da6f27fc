"""Delivery through the outbox to real local servers: Slack and webhooks over HTTP (429, 500,
timeouts, permanent errors), exactly once across crashes, restarts and outages."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from engine_helpers import NOW, SETTINGS, brand, burst, channel, outbound_client, rule
from sinks import Answer, HttpSink
from sqlalchemy import select

from alerts.notifiers import webhook
from alerts.notifiers.pacing import Pacer
from listener.engine import delivery, evaluation
from listener.storage.claims import claim_due
from listener.storage.db import session_scope
from listener.storage.models import Channel, Notification


@pytest.fixture
def sink():
    with HttpSink() as s:
        yield s


@pytest.fixture
def client():
    with outbound_client() as c:
        yield c


def crisis(sessions, *channels_config, per_channel=1):
    """A brand, a frequency rule over the given channels, a burst, evaluated and committed."""
    with session_scope(sessions) as s:
        acme = brand(s)
        chans = [channel(s, type_, **cfg) for type_, cfg in channels_config]
        rule(s, "frequency", brand_id=acme.id, channels=chans, params={"threshold": 3})
        burst(s, acme.id, NOW - timedelta(minutes=45), 5, url="https://x.example/status/1")
        evaluation.evaluate(s, NOW, settings=SETTINGS)
        return [c.id for c in chans]


def statuses(sessions):
    with session_scope(sessions) as s:
        return [(n.status, n.attempts) for n in s.scalars(select(Notification).order_by(Notification.id))]


def test_slack_block_kit_with_text_fallback(sessions, sink, client):
    crisis(sessions, ("slack", {"webhook_url": sink.url + "/services/T/B/x"}))
    with session_scope(sessions) as s:
        report = delivery.deliver_pending(s, client, NOW)
    assert len(report.sent) == 1 and statuses(sessions) == [("sent", 1)]
    (req,) = sink.requests
    assert req.path == "/services/T/B/x"
    body = req.json()
    assert body["text"].startswith("[warning] New incident · Acme")
    kinds = [b["type"] for b in body["blocks"]]
    assert kinds[0] == "header" and "section" in kinds and kinds[-1] == "actions"
    assert any("x.example/status/1" in b.get("text", {}).get("text", "") for b in body["blocks"])
    with session_scope(sessions) as s:  # nothing left to send
        assert delivery.deliver_pending(s, client, NOW + timedelta(hours=1)).sent == []
    assert len(sink.requests) == 1


def test_slack_429_honours_retry_after(sessions, sink, client):
    crisis(sessions, ("slack", {"webhook_url": sink.url + "/hook"}))
    sink.script.append(Answer(429, "rate_limited", {"Retry-After": "120"}))
    with session_scope(sessions) as s:
        report = delivery.deliver_pending(s, client, NOW)
        assert report.retried and not report.sent
        n = s.scalar(select(Notification))
        assert n.status == "failed" and n.next_attempt_at == NOW + timedelta(seconds=120)
        assert "429" in n.last_error
        assert delivery.deliver_pending(s, client, NOW + timedelta(seconds=119)).sent == []
        assert len(delivery.deliver_pending(s, client, NOW + timedelta(seconds=120)).sent) == 1
    assert len(sink.requests) == 2 and statuses(sessions) == [("sent", 2)]


@pytest.mark.parametrize(
    "answer", [Answer(400, "invalid_payload"), Answer(404, "no_service"), Answer(410, "channel_is_archived")]
)
def test_slack_permanent_errors_are_dead_not_retried(sessions, sink, client, answer):
    crisis(sessions, ("slack", {"webhook_url": sink.url + "/hook"}))
    sink.default = answer
    with session_scope(sessions) as s:
        report = delivery.deliver_pending(s, client, NOW)
        assert report.dead and not report.retried
        assert delivery.deliver_pending(s, client, NOW + timedelta(days=1)).dead == []
        n = s.scalar(select(Notification))
        assert n.status == "dead" and answer.body in n.last_error
    assert len(sink.requests) == 1


def test_500_and_timeouts_retry_with_backoff(sessions, sink, client):
    crisis(sessions, ("webhook", {"url": sink.url + "/in", "timeout": 0.3}))
    sink.script.extend([Answer(500, "boom"), Answer(200, "late", delay=1.0)])
    now = NOW
    with session_scope(sessions) as s:
        assert delivery.deliver_pending(s, client, now).retried  # 500
        n = s.scalar(select(Notification))
        assert n.next_attempt_at == now + timedelta(seconds=30)
        now += timedelta(seconds=30)
        assert delivery.deliver_pending(s, client, now).retried  # timeout
        assert n.last_error.startswith("timeout after sending") and n.next_attempt_at == now + timedelta(
            seconds=60
        )
        now += timedelta(seconds=60)
        assert delivery.deliver_pending(s, client, now).sent
    assert statuses(sessions) == [("sent", 3)]


def test_webhook_json_with_hmac_signature(sessions, sink, client):
    crisis(sessions, ("webhook", {"url": sink.url + "/in", "secret": "s3cret"}))
    with session_scope(sessions) as s:
        delivery.deliver_pending(s, client, NOW)
        key = s.scalar(select(Notification.idempotency_key))
    (req,) = sink.requests
    headers = {k.lower(): v for k, v in req.headers.items()}
    assert headers["x-listener-signature"] == webhook.signature("s3cret", req.body)
    assert headers["idempotency-key"] == key and headers["x-listener-event"] == "opened"
    body = req.json()
    assert body["kind"] == "opened" and body["brand"] == "Acme" and body["idempotency_key"] == key
    assert body["evidence"]["mentions"] == 5


def test_crash_between_incident_stored_and_message_sent_neither_loses_nor_doubles(sessions, sink, client):
    crisis(sessions, ("webhook", {"url": sink.url + "/in"}), ("slack", {"webhook_url": sink.url + "/s"}))

    def dying(request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt  # the process dies while sending

    s = sessions()
    with httpx.Client(transport=httpx.MockTransport(dying)) as broken, pytest.raises(KeyboardInterrupt):
        delivery.deliver_pending(s, broken, NOW)
    s.close()  # nothing committed: the claim is rolled back with the crash
    assert statuses(sessions) == [("pending", 0), ("pending", 0)]
    # restart: every message goes out exactly once, however often the loop runs
    for minute in range(3):
        with session_scope(sessions) as s2:
            delivery.deliver_pending(s2, client, NOW + timedelta(minutes=minute), sleep=lambda _: None)
        with session_scope(sessions) as s2:
            evaluation.evaluate(
                s2, NOW + timedelta(minutes=minute), settings=SETTINGS
            )  # and the engine adds no repeat
    assert sorted(r.path for r in sink.requests) == ["/in", "/s"]
    assert statuses(sessions) == [("sent", 1), ("sent", 1)]


def test_slack_down_for_ten_minutes_each_message_arrives_once(sessions, sink, client):
    chans = crisis(sessions, ("slack", {"webhook_url": sink.url + "/s"}))
    sink.default = Answer(503, "down")
    now = NOW
    for _ in range(10):  # ten minutes of outage, the worker ticking every minute
        with session_scope(sessions) as s:
            delivery.deliver_pending(s, client, now, sleep=lambda _: None)
        now += timedelta(minutes=1)
    failed = len(sink.requests)
    sink.requests.clear()
    sink.default = Answer(200, "ok")
    for _ in range(6):  # recovered: within the 5-minute backoff cap it is delivered, once
        with session_scope(sessions) as s:
            delivery.deliver_pending(s, client, now, sleep=lambda _: None)
        now += timedelta(minutes=1)
    assert failed >= 3 and len(sink.requests) == 1 and chans
    assert statuses(sessions)[0][0] == "sent"


def test_slack_is_paced_to_one_message_a_second(sessions, sink, client):
    crisis(sessions, ("slack", {"webhook_url": sink.url + "/s"}))
    with session_scope(sessions) as s:
        c = s.scalar(select(Channel))
        delivery.queue_test(s, c, NOW)
        delivery.queue_test(s, c, NOW)
    waits: list[float] = []
    with session_scope(sessions) as s:
        report = delivery.deliver_pending(s, client, NOW, sleep=waits.append)
    assert len(report.sent) == 3 and len(waits) == 2 and all(0 < w <= 1.0 for w in waits)
    with session_scope(sessions) as s:  # the next round right after still keeps the pace
        delivery.queue_test(s, s.scalar(select(Channel)), NOW)
    with session_scope(sessions) as s:
        assert len(delivery.deliver_pending(s, client, NOW, sleep=waits.append).sent) == 1
    assert len(waits) == 3 and 0 < waits[-1] <= 1.0


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_two_workers_never_send_the_same_row(sessions, sink, client):
    crisis(sessions, ("webhook", {"url": sink.url + "/in"}))
    first = sessions()
    claimed = claim_due(first, Notification, NOW)  # worker 1 holds the row while it sends
    assert claimed is not None
    with session_scope(sessions) as s:
        assert delivery.deliver_pending(s, client, NOW).sent == []  # worker 2 skips it
    first.rollback()
    first.close()
    with session_scope(sessions) as s:
        assert len(delivery.deliver_pending(s, client, NOW).sent) == 1
    assert len(sink.requests) == 1


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_slack_pace_holds_across_workers(sessions, sink, client, monkeypatch):
    crisis(sessions, ("slack", {"webhook_url": sink.url + "/s"}))
    with session_scope(sessions) as s:
        delivery.deliver_pending(s, client, NOW, sleep=lambda _: None)  # worker 1 sends the incident
        delivery.queue_test(s, s.scalar(select(Channel)), NOW)
    monkeypatch.setattr(delivery, "PACER", Pacer())  # worker 2: its own process
    waits: list[float] = []
    with session_scope(sessions) as s:
        assert len(delivery.deliver_pending(s, client, NOW, sleep=waits.append).sent) == 1
    assert len(waits) == 1 and 0 < waits[0] <= 1.0, "the outbox said worker 1 sent a moment ago"
    assert len(sink.requests) == 2
