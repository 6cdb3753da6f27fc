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
    post_outcome,
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
    return post_outcome(client, url, _classify, timeout=timeout, content=data, headers=headers)


def _classify(status: int, text: str, retry_after: float | None) -> Outcome:
    """2xx sent; 408, 429 and 5xx retried (after ``Retry-After`` when given); other answers dead."""
    if 200 <= status < 300:
        return SENT
    if status in (408, 429) or status >= 500:
        return Outcome("retry", f"{status} {text}", retry_after)
    return Outcome("dead", f"{status} {text}")


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
