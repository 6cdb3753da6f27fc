"""Notifiers: one module per channel type, each ``send(config, payload, *, key, ...) -> Outcome``.

A notifier never touches the database: the delivery loop (``listener.delivery``) claims an outbox
row, calls the notifier, and records the ``Outcome`` (sent, retry later, or dead).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import httpx

from outbound.http import refusal_of

Status = Literal["sent", "retry", "dead"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one message: ``retry_after`` (seconds) is the server's wish, if it said."""

    status: Status
    error: str | None = None
    retry_after: float | None = None


SENT = Outcome("sent")


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header in seconds (HTTP dates are not used by Slack; ignored)."""
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        return None


def transport_failure(exc: httpx.HTTPError) -> Outcome:
    """A request that got no answer: dead when the outbound-address policy refused the receiver's
    address (retrying cannot help), else retried."""
    refused = refusal_of(exc)
    if refused is not None:
        return Outcome("dead", f"refused by the outbound-address policy: {refused}")
    return Outcome("retry", "timeout" if isinstance(exc, httpx.TimeoutException) else type(exc).__name__)
