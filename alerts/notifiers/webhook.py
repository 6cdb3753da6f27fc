"""Generic webhook: the payload as JSON, signed with HMAC-SHA256 over the exact body bytes.

Headers: ``X-Listener-Signature: sha256=<hex>``, ``X-Listener-Event: <kind>`` and
``Idempotency-Key: <key>`` (the same on every retry, so a receiver can drop repeats)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

import httpx

from alerts.notifiers import SENT, Outcome, retry_after_seconds, transport_failure

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Listener-Signature"


def body(payload: dict[str, Any], key: str) -> bytes:
    """The exact bytes posted (and signed)."""
    return json.dumps({**payload, "idempotency_key": key}, sort_keys=True, separators=(",", ":")).encode()


def signature(secret: str, data: bytes) -> str:
    """``sha256=<hex HMAC>`` of ``data`` under ``secret``."""
    return "sha256=" + hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def send(client: httpx.Client, config: dict[str, Any], payload: dict[str, Any], *, key: str) -> Outcome:
    """POST the payload; 2xx is sent, 408/429/5xx/timeouts retry, other 4xx are dead."""
    url = config.get("url")
    if not url:
        return Outcome("dead", "channel has no url")
    data = body(payload, key)
    headers = {
        "Content-Type": "application/json",
        "X-Listener-Event": str(payload.get("kind")),
        "Idempotency-Key": key,
    }
    if config.get("secret"):
        headers[SIGNATURE_HEADER] = signature(str(config["secret"]), data)
    try:
        r = client.post(url, content=data, headers=headers, timeout=float(config.get("timeout", 10.0)))
    except httpx.HTTPError as exc:
        return transport_failure(exc)
    if 200 <= r.status_code < 300:
        return SENT
    text = r.text.strip()[:200]
    if r.status_code in (408, 429) or r.status_code >= 500:
        return Outcome("retry", f"{r.status_code} {text}", retry_after_seconds(r.headers.get("Retry-After")))
    return Outcome("dead", f"{r.status_code} {text}")
