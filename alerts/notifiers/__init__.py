"""Notifiers and their registry: the only place a channel type is listed.

Each notifier is one module here with a typed ``Config`` (required, secret, URL and host fields), its
``pacing``, whether a repeat is harmless (``idempotent``) and ``send(client, config, message) ->
Outcome``. The API's validation and masking, the stored channel type and the outbox
(``listener/engine/delivery.py``) all read ``NOTIFIERS``. Adding a channel type: a module with the
notifier class, one line below, its tests; ``tests/alerts/test_notifiers_contract.py`` checks it.
"""

from typing import Any

from alerts.notifiers.base import (
    NO_PACING,
    SENT,
    Message,
    Notifier,
    NotifierConfig,
    Outcome,
    Pacing,
    Status,
    retry_after_seconds,
    transport_failure,
)
from alerts.notifiers.email import EmailNotifier
from alerts.notifiers.slack import SlackNotifier
from alerts.notifiers.webhook import WebhookNotifier

NOTIFIERS: dict[str, Notifier] = {
    "webhook": WebhookNotifier(),
    "slack": SlackNotifier(),
    "email": EmailNotifier(),
}


def stored_view(type_: str, config: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, bool]]:
    """A stored channel config as people may see it: without its secret fields, and which secrets
    are set (values never shown). A type this version does not know shows nothing."""
    notifier = NOTIFIERS.get(type_)
    if notifier is None:
        return {}, {}
    secret = notifier.Config.fields_marked("secret")
    raw = dict(config or {})
    return {k: v for k, v in raw.items() if k not in secret}, {k: bool(raw.get(k)) for k in secret}


__all__ = [
    "NOTIFIERS",
    "NO_PACING",
    "SENT",
    "Message",
    "Notifier",
    "NotifierConfig",
    "Outcome",
    "Pacing",
    "Status",
    "retry_after_seconds",
    "stored_view",
    "transport_failure",
]
