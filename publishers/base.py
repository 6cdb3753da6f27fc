"""The contract every publisher follows: what it answers, what it returns, what it raises.

A publisher posts one approved reply (:class:`Outgoing`) where the customer wrote and returns the
platform's id, URL and timestamp (:class:`Published`). It never touches the database and never
sleeps. What went wrong decides what the outbox may do next:

- :class:`Deferred` (429, 500/503, no connection): the platform did not take the reply; send it
  again at ``retry_at`` (:class:`RateLimited` carries the platform's reset time).
- :class:`Unconfirmed` (a timeout or a dropped connection after the request went out, 502/504):
  the reply may be on the platform; it is never sent again without a person checking.
- :class:`PublishError` (401/403 → :class:`Refused`, other 4xx, a reply that breaks the platform's
  limits → :class:`InvalidReply`): the platform's reason is kept on the reply; a person retries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Protocol

import httpx

from publishers.settings import PublisherSettings


class Capability(StrEnum):
    """What a platform's API lets a brand do with its answer."""

    public_reply = "public_reply"
    dm = "dm"
    edit = "edit"
    delete = "delete"


@dataclass(frozen=True, slots=True)
class Limits:
    """What a reply must look like: at most ``max_chars`` characters, plain text (no markup) when
    ``plain_text``, ``counted`` says how the platform counts (``characters`` or ``graphemes``)."""

    max_chars: int
    plain_text: bool = True
    counted: str = "characters"

    def as_dict(self) -> dict[str, Any]:
        """The limits as JSON for the API."""
        return {"max_chars": self.max_chars, "plain_text": self.plain_text, "counted": self.counted}


@dataclass(slots=True)
class Target:
    """The customer's post being answered, as the collector stored it."""

    platform: str
    external_id: str
    url: str | None = None
    in_reply_to: str | None = None
    author_handle: str | None = None
    details: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Outgoing:
    """One reply to send: ``key`` is the reply's idempotency key (sent where the platform takes one)."""

    target: Target
    text: str
    channel: str
    key: str


@dataclass(slots=True)
class Published:
    """The platform's record of our reply: its id, a link to it and when the platform says it was made."""

    external_id: str
    url: str | None
    published_at: datetime | None


class PublishError(Exception):
    """The platform refused the reply (or it can never be sent as is): ``reason`` is the platform's
    own words where it gave any, ``status`` the HTTP status. Never carries credentials."""

    def __init__(self, reason: str, *, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status

    def __str__(self) -> str:
        return f"{self.reason} (HTTP {self.status})" if self.status else self.reason


class Refused(PublishError):
    """401/403, or credentials not configured: a person must fix the credentials, then retry."""


class InvalidReply(PublishError):
    """The text breaks the platform's limits or the channel is not offered; ``details`` say which."""

    def __init__(self, reason: str, details: list[dict[str, Any]]) -> None:
        super().__init__(reason)
        self.details = details


class Deferred(Exception):  # noqa: N818 - the name says what the outbox does
    """The platform did not take the reply (nothing was posted): send again at ``retry_at`` (None:
    back off)."""

    def __init__(self, reason: str, *, retry_at: datetime | None = None, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_at = retry_at
        self.status = status


class RateLimited(Deferred):
    """429 (or the platform's own rate-limit answer): wait until ``retry_at``, the reset time."""


class Unconfirmed(Exception):  # noqa: N818 - a state, not a failure
    """The request went out and no answer came back: the reply may be posted. Never resent blindly."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Publisher(Protocol):
    """One platform's poster. ``credentials`` names the ``LISTENER_*`` variables it needs."""

    platform: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]
    limits: ClassVar[Limits]
    credentials: ClassVar[tuple[str, ...]]
    channels: ClassVar[frozenset[str]]

    def __init__(self, client: httpx.Client, settings: PublisherSettings) -> None: ...

    def configured(self) -> bool:
        """True when every credential it needs is set (values are never returned)."""
        ...

    def reply(self, outgoing: Outgoing) -> Published:
        """Post ``outgoing``; raises as the module docstring says."""
        ...
