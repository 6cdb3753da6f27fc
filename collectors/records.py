"""What a collector returns: ``RawMention`` (with its ``Author`` and ``PlatformReply``), the
``Batch`` of one ``collect`` call and the ``BackfillPage`` of one ``backfill`` step.

They are ``dataclass(slots=True)``: plain, cheap records with no validation cost (the collectors
build them from already-checked payloads). ``RawMention``'s fields map 1:1 to the ingest API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from collectors.normalise import http_url

MentionKind = Literal["post", "comment", "review", "news"]


@dataclass(slots=True)
class Author:
    """Who wrote a mention. ``reach`` is followers/subscribers where the platform tells us."""

    handle: str | None = None
    name: str | None = None
    reach: int | None = None


@dataclass(slots=True)
class PlatformReply:
    """The brand's public answer already on the platform (a developer's reply to a review)."""

    text: str
    replied_at: datetime | None = None


@dataclass(slots=True)
class RawMention:
    """One post, comment, review or news item as a platform returned it, normalised.

    ``external_id`` is unique per platform (the DB dedup key); ``published_at`` is tz-aware UTC;
    ``text`` is plain text (no HTML); ``language`` is the platform's ISO 639-1 hint, if any.
    ``details`` are further short facts the platform gives (``app_version``, ``device``,
    ``os_version``); ``reply`` is the brand's existing public reply, stored as a sent reply;
    ``in_reply_to`` is the platform id of the post this one answers (in the form the platform's
    publisher stores for our replies), so a customer's answer joins the thread.
    """

    platform: str
    external_id: str
    url: str | None
    text: str
    title: str | None
    kind: MentionKind
    author: Author
    engagement: dict[str, int]
    rating: float | None
    published_at: datetime
    language: str | None
    details: dict[str, str] = field(default_factory=dict)
    reply: PlatformReply | None = None
    in_reply_to: str | None = None

    def __post_init__(self) -> None:
        # a link from outside is kept only as http(s) with a host: never javascript:, data:, …
        self.url = http_url(self.url)


@dataclass(slots=True)
class Batch:
    """What one ``collect`` call returns.

    ``next_cursor`` is what the job stores for the next call (unchanged when nothing new arrived);
    ``not_modified`` is true when the platform answered 304 for everything; ``warnings`` are
    non-fatal problems (a bozo feed, a truncated backfill) the job may show on the source.
    """

    mentions: list[RawMention]
    next_cursor: str | None
    rate_limit_remaining: int | None = None
    rate_limit_reset_at: datetime | None = None
    not_modified: bool = False
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # the ingest API's rule on every path: a mention without text and title is never stored
        kept = [m for m in self.mentions if (m.text or "").strip() or (m.title or "").strip()]
        if len(kept) < len(self.mentions):
            self.warnings.append(f"dropped {len(self.mentions) - len(kept)} item(s) without text or title")
            self.mentions = kept


@dataclass(slots=True)
class BackfillPage:
    """What one ``backfill`` step returns: older mentions, where the next step starts (opaque,
    stored by the job with the batch) and whether the walk reached ``oldest`` or the platform's end."""

    mentions: list[RawMention]
    position: str | None
    done: bool
