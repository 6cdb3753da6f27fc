"""Email over SMTP (plain, STARTTLS or TLS; optional auth): multipart text + HTML from the Jinja2
templates in ``alerts/templates/email``. Updates of one incident thread under its first email:
``In-Reply-To`` and ``References`` point at the incident's root ``Message-ID``. A daily digest
(``listener.digest``) is a message of its own; a scheduled report comes rendered, with its own
recipients, images and attachments (``alerts.notifiers.prerendered``)."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from alerts.notifiers import SENT, Outcome, prerendered
from alerts.notifiers.rendering import render, subject
from outbound import smtp as outbound_smtp
from outbound.policy import STRICT, AddressRefused, OutboundPolicy

log = logging.getLogger(__name__)


def domain(config: dict[str, Any]) -> str:
    """The Message-ID domain: the sender's."""
    sender = str(config.get("from_addr") or "listener@localhost")
    return sender.rsplit("@", 1)[-1].strip("> ") or "localhost"


def thread_id(payload: dict[str, Any], channel_id: int, config: dict[str, Any]) -> str:
    """The root Message-ID of an incident's thread on one channel."""
    return f"<listener-incident-{payload.get('incident_id')}-channel-{channel_id}@{domain(config)}>"


def build(config: dict[str, Any], payload: dict[str, Any], *, key: str, channel_id: int) -> EmailMessage:
    """The message for one notification."""
    msg = EmailMessage()
    msg["Subject"] = subject(payload)
    msg["From"] = config.get("from_addr") or "listener@localhost"
    msg["To"] = ", ".join(prerendered.recipients(payload, config.get("to") or []))
    msg["Date"] = formatdate(localtime=False)
    root = thread_id(payload, channel_id, config)
    if payload.get("kind") in ("digest", "test"):
        msg["Message-ID"] = f"<{key}@{domain(config)}>"
    elif payload.get("kind") == "opened":
        msg["Message-ID"] = root
    else:
        msg["Message-ID"] = f"<{key}@{domain(config)}>"
        if payload.get("incident_id") is not None:
            msg["In-Reply-To"] = root
            msg["References"] = root
    msg["X-Listener-Idempotency-Key"] = key
    unsubscribe = config.get("unsubscribe") or f"mailto:{msg['From']}?subject=unsubscribe"
    msg["List-Unsubscribe"] = f"<{unsubscribe}>"
    msg["Auto-Submitted"] = "auto-generated"
    if prerendered.is_prerendered(payload):  # a scheduled report, rendered when it was queued
        prerendered.fill(msg, payload)
        return msg
    template = "digest" if payload.get("kind") == "digest" else "incident"
    msg.set_content(render(f"email/{template}.txt.j2", payload))
    msg.add_alternative(render(f"email/{template}.html.j2", payload), subtype="html")
    return msg


def _connect(config: dict[str, Any], policy: OutboundPolicy) -> smtplib.SMTP:
    host = str(config.get("host") or "127.0.0.1")
    security = config.get("security") or "plain"
    port = int(config.get("port") or (465 if security == "tls" else 587 if security == "starttls" else 25))
    timeout = float(config.get("timeout", 10.0))
    context = ssl.create_default_context(cafile=config.get("ca_file") or None)
    if config.get("insecure_tls"):
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    # resolve once, check every address, connect to a checked one (outbound.smtp)
    smtp = outbound_smtp.connect(
        host, port, policy=policy, tls=security == "tls", timeout=timeout,
        **({"context": context} if security == "tls" else {}),
    )  # fmt: skip
    if security == "starttls":
        smtp.starttls(context=context)
    if config.get("username"):
        smtp.login(str(config["username"]), str(config.get("password") or ""))
    return smtp


def send(
    config: dict[str, Any],
    payload: dict[str, Any],
    *,
    key: str,
    channel_id: int,
    policy: OutboundPolicy = STRICT,
) -> Outcome:
    """Send one message; 5xx refusals, bad credentials and a host the outbound-address ``policy``
    refuses are dead, the rest retries."""
    if not prerendered.recipients(payload, config.get("to") or []):
        return Outcome("dead", "channel has no recipients")
    msg = build(config, payload, key=key, channel_id=channel_id)
    try:
        smtp = _connect(config, policy)
        try:
            smtp.send_message(msg)
        finally:
            with contextlib.suppress(smtplib.SMTPException):
                smtp.quit()
    except AddressRefused as exc:
        return Outcome("dead", f"refused by the outbound-address policy: {exc}"[:300])
    except smtplib.SMTPAuthenticationError as exc:
        return Outcome("dead", f"authentication failed ({exc.smtp_code})")
    except smtplib.SMTPRecipientsRefused as exc:
        return Outcome("dead", f"recipients refused: {', '.join(exc.recipients)}")
    except smtplib.SMTPResponseException as exc:
        status = "dead" if exc.smtp_code >= 500 else "retry"
        return Outcome(status, f"{exc.smtp_code} {exc.smtp_error!r}"[:200])
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome("retry", f"{type(exc).__name__}: {exc}"[:200])
    return SENT
