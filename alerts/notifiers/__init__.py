"""Notifiers and their registry: the only place a channel type is listed.

Each notifier is one module here with a typed ``Config`` (required, secret, URL and host fields), its
``pacing``, whether a repeat is harmless (``idempotent``) and ``send(client, config, message) ->
Outcome``. The API's validation and masking, the stored channel type and the outbox
(``listener/engine/delivery.py``) all read ``NOTIFIERS``. Adding a channel type: a module with the
notifier class, one line below, its tests; ``tests/alerts/test_notifiers_contract.py`` checks it.
"""

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
    "transport_failure",
]
