"""Email delivery to a real SMTP server (aiosmtpd on 127.0.0.1): both parts, headers, threading."""

from __future__ import annotations

from datetime import timedelta

import pytest
from engine_helpers import NOW, SETTINGS, brand, burst, channel, outbound_client, rule
from sinks import SmtpSink
from sqlalchemy import select

from listener.engine import delivery, evaluation
from listener.storage.db import session_scope
from listener.storage.models import Notification


def email_config(port: int, **kw):
    return {
        "host": "127.0.0.1",
        "port": port,
        "security": "plain",
        "from_addr": "alerts@listener.example",
        "to": ["oncall@acme.example", "pr@acme.example"],
        **kw,
    }


def deliver(sessions, now):
    with session_scope(sessions) as s, outbound_client() as client:
        return delivery.deliver_pending(s, client, now)


def test_incident_emails_thread_under_the_first(sessions):
    with SmtpSink() as smtp:
        with session_scope(sessions) as s:
            acme = brand(s)
            c = channel(s, "email", **email_config(smtp.port))
            rule(
                s,
                "frequency",
                brand_id=acme.id,
                channels=[c],
                params={"threshold": 3},
                resolve_after_minutes=30,
            )
            burst(s, acme.id, NOW - timedelta(minutes=50), 4, text="Acme <b>leaked</b> my card #breach")
            evaluation.evaluate(s, NOW, settings=SETTINGS)
        deliver(sessions, NOW)
        with session_scope(sessions) as s:
            burst(s, s.scalar(select(evaluation.Incident.brand_id)), NOW - timedelta(minutes=40), 5)
            evaluation.evaluate(s, NOW + timedelta(minutes=1), settings=SETTINGS)  # 9 >= 2 x 4: escalated
        deliver(sessions, NOW + timedelta(minutes=1))
        with session_scope(sessions) as s:
            evaluation.evaluate(s, NOW + timedelta(minutes=120), settings=SETTINGS)  # quiet: resolved
        deliver(sessions, NOW + timedelta(minutes=120))
        first, second, third = smtp.messages
        assert [e.rcpt_tos for e in smtp.envelopes] == [["oncall@acme.example", "pr@acme.example"]] * 3
    root = first["Message-ID"]
    assert root.startswith("<listener-incident-") and root.endswith("@listener.example>")
    assert first["In-Reply-To"] is None
    for later in (second, third):
        assert later["In-Reply-To"] == root and later["References"] == root
        assert later["Message-ID"] != root
        assert later["Subject"] == "Re: " + first["Subject"]
    assert "Acme incident #" in first["Subject"]
    assert first["List-Unsubscribe"].startswith("<mailto:")
    assert first["From"] == "alerts@listener.example"
    text = first.get_body(("plain",)).get_content()
    html = first.get_body(("html",)).get_content()
    assert "New incident" in text and "Representative mentions" in text and "<b>leaked</b>" in text
    assert "&lt;b&gt;leaked&lt;/b&gt;" in html and "<b>leaked</b>" not in html, "untrusted text is escaped"
    assert "Mentions of this incident" in html and 'href="http' in html
    assert "Escalated" in second.get_body(("plain",)).get_content()
    assert "Resolved" in third.get_body(("plain",)).get_content()


@pytest.mark.filterwarnings("ignore:Requiring AUTH")
def test_smtp_auth_and_wrong_password(sessions):
    with SmtpSink(username="listener", password="right") as smtp:
        with session_scope(sessions) as s:
            good = channel(s, "email", **email_config(smtp.port, username="listener", password="right"))
            bad = channel(s, "email", **email_config(smtp.port, username="listener", password="wrong"))
            delivery.queue_test(s, good, NOW)
            delivery.queue_test(s, bad, NOW)
        report = deliver(sessions, NOW)
        assert len(report.sent) == 1 and len(report.dead) + len(report.retried) == 1
        (msg,) = smtp.messages
        assert msg["Subject"] == "[Listener] test message"
    with session_scope(sessions) as s:
        refused = s.scalar(select(Notification).where(Notification.status != "sent"))
        assert refused.channel_id == bad.id and refused.last_error
        assert "wrong" not in refused.last_error, "secrets never end up in errors"


def test_smtp_server_down_retries(sessions):
    from sinks import free_port

    with session_scope(sessions) as s:
        c = channel(s, "email", **email_config(free_port(), timeout=1))
        delivery.queue_test(s, c, NOW)
    report = deliver(sessions, NOW)
    assert report.retried and not report.sent


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_tls_modes_refuse_a_plain_server(sessions, security):
    """STARTTLS / TLS against a server without TLS fails (and is retried), never falls back to plain."""
    with SmtpSink() as smtp:
        with session_scope(sessions) as s:
            c = channel(s, "email", **email_config(smtp.port, security=security, timeout=2))
            delivery.queue_test(s, c, NOW)
        report = deliver(sessions, NOW)
        assert report.retried or report.dead
        assert smtp.messages == []


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    """A throwaway CA (trustme) and a certificate it issued for 127.0.0.1: ``((cert, key), ca)``."""
    import trustme

    d = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    issued = ca.issue_cert("127.0.0.1")
    crt, key, ca_file = d / "cert.pem", d / "key.pem", d / "ca.pem"
    issued.cert_chain_pems[0].write_to_path(str(crt))
    issued.private_key_pem.write_to_path(str(key))
    ca.cert_pem.write_to_path(str(ca_file))
    return (str(crt), str(key)), str(ca_file)


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_starttls_and_tls_with_a_verified_certificate(sessions, tls, security):
    cert, ca_file = tls
    with SmtpSink(tls=security, cert=cert) as smtp:
        with session_scope(sessions) as s:
            c = channel(s, "email", **email_config(smtp.port, security=security, ca_file=ca_file, timeout=5))
            delivery.queue_test(s, c, NOW)
        report = deliver(sessions, NOW)
        assert report.sent, report
        (msg,) = smtp.messages
        assert msg["Subject"] == "[Listener] test message"
        assert msg.get_body(("html",)) is not None


def test_tls_refuses_an_unverified_certificate(sessions, tls):
    cert, _ = tls  # issued by a CA the client was not told about
    with SmtpSink(tls="tls", cert=cert) as smtp:
        with session_scope(sessions) as s:
            c = channel(s, "email", **email_config(smtp.port, security="tls", timeout=5))
            delivery.queue_test(s, c, NOW)
        report = deliver(sessions, NOW)
        assert not report.sent and smtp.messages == []
