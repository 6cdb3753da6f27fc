"""Generic webhook: the payload as JSON, signed with HMAC-SHA256 over the exact body bytes.

Headers: ``X-Listener-Signature: sha256=<hex>``, ``X-Listener-Event: <kind>`` and
``Idempotency-Key: <key>`` (the same on every retry of one notification, so a receiver drops
repeats). Because of that key a timeout after sending is retried like any failure: the receiver
that already has the message answers the repeat without acting on it twice."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Annotated, Any, ClassVar

import httpx

from alerts.notifiers.base import (
    NO_PACING,
    SECRET,
    SENT,
    URL,
    Message,
    NotifierConfig,
    Outcome,
    Pacing,
    retry_after_seconds,
    transport_failure,
)

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Listener-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def body(payload: dict[str, Any], key: str) -> bytes:
    """The exact bytes posted (and signed)."""
    return json.dumps({**payload, "idempotency_key": key}, sort_keys=True, separators=(",", ":")).encode()


def signature(secret: str, data: bytes) -> str:
    """``sha256=<hex HMAC>`` of ``data`` under ``secret``."""
    return "sha256=" + hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def post_signed(
    client: httpx.Client, url: str, data: bytes, *, key: str, event: str, secret: str | None, timeout: float
) -> Outcome:
    """POST ``data`` with the event, idempotency and (given a ``secret``) signature headers; 2xx is
    sent, 408/429/5xx/timeouts retry, other 4xx are dead. Shared by every signed JSON push."""
    headers = {"Content-Type": "application/json", "X-Listener-Event": event, IDEMPOTENCY_HEADER: key}
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret, data)
    try:
        r = client.post(url, content=data, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        return transport_failure(exc)
    if 200 <= r.status_code < 300:
        return SENT
    text = r.text.strip()[:200]
    if r.status_code in (408, 429) or r.status_code >= 500:
        return Outcome("retry", f"{r.status_code} {text}", retry_after_seconds(r.headers.get("Retry-After")))
    return Outcome("dead", f"{r.status_code} {text}")


class WebhookConfig(NotifierConfig):
    """The receiver's URL and an optional signing secret."""

    url: Annotated[str, URL]
    secret: Annotated[str | None, SECRET] = None


class WebhookNotifier:
    """Signed JSON to any HTTP receiver."""

    type: ClassVar[str] = "webhook"
    Config: ClassVar[type[WebhookConfig]] = WebhookConfig
    pacing: ClassVar[Pacing] = NO_PACING
    idempotent: ClassVar[bool] = True  # Idempotency-Key: a repeat is dropped by the receiver

    def send(self, client: httpx.Client, config: WebhookConfig, message: Message) -> Outcome:
        """POST the payload with its idempotency key."""
        return post_signed(
            client,
            config.url,
            body(message.payload, message.key),
            key=message.key,
            event=message.kind,
            secret=config.secret,
            timeout=config.timeout,
        )
