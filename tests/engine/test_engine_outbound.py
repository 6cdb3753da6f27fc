"""The outbound-address policy on the service's paths, with no allow list (as in production):
internal addresses are a 422 naming the field when saved, and refused again when the worker
connects (to a name that resolves to 127.0.0.1), for sources, webhooks, Slack and SMTP."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from engine_helpers import NOW, SETTINGS, brand, burst, channel, rule
from sinks import HttpSink, SmtpSink
from sqlalchemy import select

from collectors.http import make_client
from listener.engine import delivery, evaluation
from listener.settings import Settings
from listener.storage.db import session_scope
from listener.storage.models import Mention, Notification, Source
from listener.worker.collection import run_source
from listener.worker.leases import claim_due

INTERNAL = [
    "127.0.0.1", "localhost", "[::1]", "0.0.0.0", "169.254.169.254", "10.0.0.1", "2130706433",
    "[::ffff:169.254.169.254]", "0x7f.1", "metadata.google.internal",
]  # fmt: skip


MAIL = {"from_addr": "a@b.example", "to": ["x@y.example"]}


@pytest.fixture
def settings(db_url: str) -> Settings:
    """No outbound allow list: the production default."""
    return Settings(database_url=db_url, _env_file=None, outbound_allow="")


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("host", INTERNAL)
def test_internal_receivers_and_sources_are_422_naming_the_field(api, host: str) -> None:
    m = api.as_("manager")
    url = f"http://{host}:8080/hook"
    attempts = [
        ("/api/v1/channels", {"name": "w", "type": "webhook", "config": {"url": url}}, "config.url"),
        ("/api/v1/channels", {"name": "s", "type": "slack", "config": {"webhook_url": url}}, "config.webhook_url"),  # noqa: E501
        ("/api/v1/channels", {"name": "e", "type": "email", "config": {"host": host, **MAIL}}, "config.host"),
        ("/api/v1/sources", {"name": "r", "platform": "rss", "params": {"urls": [url]}}, "params.urls"),
        (
            "/api/v1/sources",
            {"name": "h", "platform": "hackernews", "params": {"query": "acme", "base_url": url}},
            "params.base_url",
        ),
    ]  # fmt: skip
    for path, body, field in attempts:
        resp = m.post(path, json=body)
        assert resp.status_code == 422, (path, body, resp.text)
        assert field in {d["field"] for d in resp.json()["error"]["details"]}, resp.text
    assert m.get("/api/v1/channels").json() == [] and m.get("/api/v1/sources").json() == []
    ok = m.post(
        "/api/v1/channels",
        json={"name": "ok", "type": "webhook", "config": {"url": "https://hooks.example.com/x"}},
    )
    assert ok.status_code == 201


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_patch_to_an_internal_address_is_422_too(api) -> None:
    m = api.as_("manager")
    made = m.post(
        "/api/v1/channels", json={"name": "w", "type": "webhook", "config": {"url": "https://h.example/x"}}
    )
    resp = m.patch(
        f"/api/v1/channels/{made.json()['id']}", json={"config": {"url": "http://169.254.169.254/"}}
    )
    assert resp.status_code == 422 and resp.json()["error"]["details"][0]["field"] == "config.url"


def test_webhook_slack_and_smtp_to_a_name_resolving_to_loopback_are_refused_when_sending(
    sessions, settings: Settings
) -> None:
    with HttpSink() as sink, SmtpSink() as smtp:
        port = sink.url.rsplit(":", 1)[1]
        with session_scope(sessions) as s:  # stored before the policy existed (no API check)
            acme = brand(s)
            chans = [
                channel(s, "webhook", url=f"http://localhost:{port}/in"),
                channel(s, "slack", webhook_url=f"http://localhost:{port}/slack"),
                channel(s, "email", host="localhost", port=smtp.port, **MAIL),
            ]  # fmt: skip
            rule(s, "frequency", brand_id=acme.id, channels=chans, params={"threshold": 3})
            burst(s, acme.id, NOW - timedelta(minutes=45), 5)
            evaluation.evaluate(s, NOW, settings=SETTINGS)
        with session_scope(sessions) as s, delivery.outbound_client(settings) as client:
            report = delivery.deliver_pending(s, client, NOW, sleep=lambda _: None)
        assert len(report.dead) == 3 and report.sent == report.retried == []
        with session_scope(sessions) as s:
            errors = [n.last_error for n in s.scalars(select(Notification))]
        assert all("refused by the outbound-address policy" in e and "127.0.0.1" in e for e in errors), errors
        assert sink.requests == [] and smtp.messages == []

        allowed = settings.model_copy(update={"outbound_allow": "127.0.0.0/8"})
        with session_scope(sessions) as s:
            for n in s.scalars(select(Notification)):
                n.status, n.attempts, n.next_attempt_at = "pending", 0, NOW
        with session_scope(sessions) as s, delivery.outbound_client(allowed) as client:
            assert len(delivery.deliver_pending(s, client, NOW, sleep=lambda _: None).sent) == 3
        assert len(sink.requests) == 2 and len(smtp.messages) == 1


def test_a_source_whose_name_rebinds_to_loopback_is_refused_when_collected(
    sessions, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = socket.getaddrinfo

    def rebinding(host: str, *args: Any, **kwargs: Any) -> Any:  # saved as public, resolves to loopback
        return real("127.0.0.1" if host == "feed.example.test" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with HttpSink() as sink:
        feed = sink.url.replace("127.0.0.1", "feed.example.test") + "/f.xml"
        with session_scope(sessions) as s:
            s.add(Source(name="feed", platform="rss", params={"urls": [feed]}))
        now = datetime.now(UTC)
        with session_scope(sessions) as s:
            (sid,) = claim_due(s, worker="w", now=now)
        with make_client(settings) as client:
            result = run_source(sessions, settings, client, sid, worker="w", now=now)
        assert "refused to connect to feed.example.test" in (result.error or "")
        assert "(127.0.0.1)" in (result.error or "")
        assert result.status == "backoff" and sink.requests == []
    with session_scope(sessions) as s:
        assert s.scalar(select(Mention.id)) is None
