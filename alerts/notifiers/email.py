"""Email over SMTP (plain, STARTTLS or TLS; optional auth): multipart text + HTML from the Jinja2
templates in ``alerts/templates/email``. Updates of one incident thread under its first email:
``In-Reply-To`` and ``References`` point at the incident's root ``Message-ID``. A daily digest
(``listener/engine/digest.py``) is a message of its own; a scheduled report comes rendered, with its
own recipients, images and attachments (``alerts.notifiers.prerendered``).

The SMTP connection obeys the outbound-address policy carried by the outbox's client
(``outbound.http.policy_of``). A timeout or a dropped connection after the message data was sent
is ``unconfirmed`` (the server may have queued it; mail servers drop no repeats), not retried."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from pydantic import Field, StrictBool, StrictInt, field_validator

from alerts.notifiers import prerendered
from alerts.notifiers.base import HOST, NO_PACING, SECRET, SENT, Message, NotifierConfig, Outcome, Pacing
from alerts.notifiers.rendering import render, subject
from outbound import smtp as outbound_smtp
from outbound.http import policy_of
from outbound.policy import AddressRefused, OutboundPolicy

log = logging.getLogger(__name__)

Connection = outbound_smtp.CheckedSMTP | outbound_smtp.CheckedSMTP_SSL
DIGEST_HOUR = 8  # local hour a daily digest goes out when the channel names none


class EmailConfig(NotifierConfig):
    """An SMTP server, the sender and the recipients; optionally a daily digest instead of one
    message per incident change."""

    host: Annotated[str, HOST]
    from_addr: str = Field(min_length=3, max_length=320, pattern=r"@")
    to: list[Annotated[str, Field(min_length=3, max_length=320, pattern=r"@")]] = Field(min_length=1)
    port: int | None = Field(None, ge=1, le=65535, description="default: 25, 587 (starttls), 465 (tls)")
    security: Literal["plain", "starttls", "tls"] = "plain"
    username: str | None = None
    password: Annotated[str | None, SECRET] = None
    ca_file: str | None = None
    insecure_tls: StrictBool = False
    unsubscribe: str | None = Field(None, max_length=2000)
    digest: StrictBool = False
    digest_hour: StrictInt = Field(DIGEST_HOUR, ge=0, le=23)
    digest_timezone: str = Field("UTC", description="IANA name, e.g. Europe/Istanbul")

    @field_validator("digest_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Europe/Istanbul)"
            ) from None
        return value


def domain(config: EmailConfig) -> str:
    """The Message-ID domain: the sender's."""
    return config.from_addr.rsplit("@", 1)[-1].strip("> ") or "localhost"


def thread_id(payload: dict[str, Any], channel_id: int, config: EmailConfig) -> str:
    """The root Message-ID of an incident's thread on one channel."""
    return f"<listener-incident-{payload.get('incident_id')}-channel-{channel_id}@{domain(config)}>"


def build(config: EmailConfig, message: Message) -> EmailMessage:
    """The email for one notification."""
    payload, key = message.payload, message.key
    msg = EmailMessage()
    msg["Subject"] = subject(payload)
    msg["From"] = config.from_addr
    msg["To"] = ", ".join(prerendered.recipients(payload, config.to))
    msg["Date"] = formatdate(localtime=False)
    root = thread_id(payload, message.channel_id, config)
    if message.kind in ("digest", "test"):
        msg["Message-ID"] = f"<{key}@{domain(config)}>"
    elif message.kind == "opened":
        msg["Message-ID"] = root
    else:
        msg["Message-ID"] = f"<{key}@{domain(config)}>"
        if payload.get("incident_id") is not None:
            msg["In-Reply-To"] = root
            msg["References"] = root
    msg["X-Listener-Idempotency-Key"] = key
    unsubscribe = config.unsubscribe or f"mailto:{msg['From']}?subject=unsubscribe"
    msg["List-Unsubscribe"] = f"<{unsubscribe}>"
    msg["Auto-Submitted"] = "auto-generated"
    if prerendered.is_prerendered(payload):  # a scheduled report, rendered when it was queued
        prerendered.fill(msg, payload)
        return msg
    template = "digest" if message.kind == "digest" else "incident"
    msg.set_content(render(f"email/{template}.txt.j2", payload))
    msg.add_alternative(render(f"email/{template}.html.j2", payload), subtype="html")
    return msg


def _connect(config: EmailConfig, policy: OutboundPolicy) -> Connection:
    default_port = {"tls": 465, "starttls": 587}.get(config.security, 25)
    context = ssl.create_default_context(cafile=config.ca_file or None)
    if config.insecure_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    # resolve once, check every address, connect to a checked one (outbound.smtp)
    smtp = outbound_smtp.connect(
        config.host, config.port or default_port, policy=policy, tls=config.security == "tls",
        timeout=config.timeout, **({"context": context} if config.security == "tls" else {}),
    )  # fmt: skip
    if config.security == "starttls":
        smtp.starttls(context=context)
    if config.username:
        smtp.login(config.username, config.password or "")
    return smtp


def _failure(exc: Exception, after_data: bool) -> Outcome:
    if isinstance(exc, AddressRefused):
        return Outcome("dead", f"refused by the outbound-address policy: {exc}"[:300])
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return Outcome("dead", f"authentication failed ({exc.smtp_code})")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return Outcome("dead", f"recipients refused: {', '.join(exc.recipients)}")
    if isinstance(exc, smtplib.SMTPResponseException):
        return Outcome(
            "dead" if exc.smtp_code >= 500 else "retry", f"{exc.smtp_code} {exc.smtp_error!r}"[:200]
        )
    if after_data:  # the server has the message and did not answer: it may have queued it
        return Outcome("unconfirmed", f"{type(exc).__name__} after the message data: delivery unconfirmed")
    return Outcome("retry", f"{type(exc).__name__}: {exc}"[:200])


class EmailNotifier:
    """Multipart email over SMTP."""

    type: ClassVar[str] = "email"
    Config: ClassVar[type[EmailConfig]] = EmailConfig
    pacing: ClassVar[Pacing] = NO_PACING
    idempotent: ClassVar[bool] = False  # a mail server queues a repeat as a second mail

    def send(self, client: httpx.Client, config: EmailConfig, message: Message) -> Outcome:
        """Send one email under the outbound-address policy of ``client``; 5xx refusals, bad
        credentials and a refused host are dead, a failure after the data is unconfirmed, the rest
        retries."""
        msg = build(config, message)
        smtp: Connection | None = None
        try:
            smtp = _connect(config, policy_of(client))
            try:
                smtp.send_message(msg)
            finally:
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    smtp.quit()
        except (AddressRefused, smtplib.SMTPException, OSError) as exc:
            return _failure(exc, after_data=smtp is not None and smtp.body_sent)
        return SENT
