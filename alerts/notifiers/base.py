"""What every notifier shares: the message it is handed, the outcome it returns, its typed channel
configuration (which fields are secrets, which are outbound URLs or hosts), its pacing, and the
``Notifier`` protocol that ``alerts.notifiers.NOTIFIERS`` lists.

A notifier never touches the database: the outbox (``listener/engine/delivery.py``) claims a row,
calls ``send(client, config, message)`` and records the ``Outcome``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Protocol

import httpx
from pydantic import BaseModel, ConfigDict, Field

from outbound.http import refusal_of
from outbound.policy import STRICT, OutboundPolicy, check_host, check_url

# sent: the receiver said yes. retry: nothing (or a refusal worth retrying) reached it.
# unconfirmed: the request went out but no answer came (timeout after sending): it may have
# arrived, so only a notifier whose receiver drops repeats (``idempotent``) is retried.
# dead: retrying cannot help.
Status = Literal["sent", "retry", "unconfirmed", "dead"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one message: ``retry_after`` (seconds) is the server's wish, if it said."""

    status: Status
    error: str | None = None
    retry_after: float | None = None


SENT = Outcome("sent")


@dataclass(frozen=True)
class Message:
    """One notification to send: the payload snapshot, its idempotency ``key`` (stable across
    retries of this notification) and the channel it goes to."""

    payload: dict[str, Any]
    key: str
    channel_id: int

    @property
    def kind(self) -> str:
        """``opened``, ``escalated``, ``resolved``, ``test`` or ``digest``."""
        return str(self.payload.get("kind") or "")


@dataclass(frozen=True)
class Pacing:
    """How fast one receiver may be sent to: at least ``min_gap`` seconds between two messages to
    the same ``key_field`` value (0: no pacing)."""

    min_gap: float = 0.0
    key_field: str | None = None


NO_PACING = Pacing()

# markers for ``Annotated[...]`` config fields
SECRET = "secret"  # write-only: stored and used, never returned by the API nor logged
URL = "url"  # an outbound URL: http(s), checked by the outbound-address policy when saved
HOST = "host"  # an outbound host name or address: checked by the policy when saved


class NotifierConfig(BaseModel):
    """A channel's configuration. Subclasses declare their fields; mark them with
    ``Annotated[str, SECRET]``, ``Annotated[str, URL]`` or ``Annotated[str, HOST]``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timeout: float = Field(10.0, gt=0, le=60, description="seconds to wait for the receiver")

    @classmethod
    def fields_marked(cls, marker: str) -> tuple[str, ...]:
        """The names of the fields annotated with ``marker``."""
        return tuple(name for name, f in cls.model_fields.items() if marker in f.metadata)

    @classmethod
    def required(cls) -> tuple[str, ...]:
        """The fields a channel of this type must have."""
        return tuple(name for name, f in cls.model_fields.items() if f.is_required())

    @classmethod
    def stored(cls, raw: dict[str, Any]) -> NotifierConfig:
        """The config from a stored row: keys this version no longer knows are ignored (a saved
        row is never refused for them); raises ``ValidationError`` when a field is wrong."""
        return cls.model_validate({k: v for k, v in (raw or {}).items() if k in cls.model_fields})

    def check_addresses(self, policy: OutboundPolicy = STRICT) -> None:
        """Save-time check of every URL and host field against ``policy``; raises
        ``outbound.policy.AddressRefused`` with the field name first (``"url: ..."``)."""
        for name in self.fields_marked(URL) + self.fields_marked(HOST):
            value = getattr(self, name)
            if value is None:
                continue
            try:
                check_url(str(value), policy) if name in self.fields_marked(URL) else check_host(
                    value, policy
                )
            except ValueError as exc:
                raise type(exc)(f"{name}: {exc}") from None

    def public(self, raw: dict[str, Any] | None = None) -> dict[str, Any]:
        """``raw`` (default: this config's set fields) without the secret fields."""
        secret = self.fields_marked(SECRET)
        source = raw if raw is not None else self.model_dump(exclude_unset=True, mode="json")
        return {k: v for k, v in source.items() if k not in secret}

    def secrets_set(self) -> dict[str, bool]:
        """Which secret fields have a value (values are never shown)."""
        return {k: bool(getattr(self, k)) for k in self.fields_marked(SECRET)}


class Notifier(Protocol):
    """One channel type: ``type`` (its registry key), ``Config``, ``pacing``, whether a repeat is
    harmless (``idempotent``: the receiver drops a message whose key it has seen), and ``send``."""

    type: ClassVar[str]
    Config: ClassVar[type[NotifierConfig]]
    pacing: ClassVar[Pacing]
    idempotent: ClassVar[bool]

    def send(self, client: httpx.Client, config: Any, message: Message) -> Outcome:
        """Send ``message``; never raises for the receiver's failures (they are the Outcome).
        ``client`` is the outbox's HTTP client; it carries the outbound-address policy that
        non-HTTP senders (SMTP) obey too (``outbound.http.policy_of``)."""
        ...


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header in seconds (HTTP dates are not used by Slack; ignored)."""
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        return None


# transport errors after which the request may have reached the receiver
AFTER_SENDING = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.RemoteProtocolError)


def transport_failure(exc: httpx.HTTPError) -> Outcome:
    """A request that got no answer: dead when the outbound-address policy refused the receiver's
    address (retrying cannot help); unconfirmed when the request was sent and the answer did not
    come (it may have arrived); else retried (nothing was sent: no connection, pool timeout)."""
    refused = refusal_of(exc)
    if refused is not None:
        return Outcome("dead", f"refused by the outbound-address policy: {refused}")
    what = "timeout" if isinstance(exc, httpx.TimeoutException) else type(exc).__name__
    if isinstance(exc, AFTER_SENDING):
        return Outcome("unconfirmed", f"{what} after sending: delivery unconfirmed")
    return Outcome("retry", what)


def post_outcome(
    client: httpx.Client,
    url: str,
    classify: Callable[[int, str, float | None], Outcome],
    *,
    timeout: float,
    **request: Any,
) -> Outcome:
    """POST to ``url`` (``request``: ``json=``, ``content=``, ``headers=``): a request that got no
    answer is classified by ``transport_failure``, an answer by ``classify(status, text, retry_after)``
    (``text``: the body's first 200 characters; ``retry_after``: its ``Retry-After`` in seconds)."""
    try:
        r = client.post(url, timeout=timeout, **request)
    except httpx.HTTPError as exc:
        return transport_failure(exc)
    return classify(r.status_code, r.text.strip()[:200], retry_after_seconds(r.headers.get("Retry-After")))
