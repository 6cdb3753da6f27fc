"""The contract every collector follows: what it receives, what it returns, what it raises.

A collector turns one source's params and cursor into a :class:`Batch` of :class:`RawMention`.
It never touches the database and never sleeps: the job that runs it persists the mentions and
``Batch.next_cursor`` in one transaction, and reschedules on :class:`RetryLater`.

``Author``, ``RawMention`` and ``Batch`` are ``dataclass(slots=True)``: plain, cheap records with
no validation cost (the collectors build them from already-checked payloads). ``RawMention``'s fields
map 1:1 to the ingest API.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar, Literal, Protocol

import httpx
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationInfo, field_validator

from collectors.normalise import http_url
from collectors.settings import CollectorSettings
from outbound.policy import AddressRefused, check_url

log = logging.getLogger(__name__)

MentionKind = Literal["post", "comment", "review", "news"]
EXCERPT_CHARS = 200


class Platform(StrEnum):
    """Every platform Listener can collect from; each has one entry in ``registry.COLLECTORS``."""

    rss = "rss"
    hackernews = "hackernews"
    reddit = "reddit"
    mastodon = "mastodon"
    bluesky = "bluesky"
    youtube = "youtube"
    appstore = "appstore"
    twitter = "twitter"
    googleplay = "googleplay"
    appstoreconnect = "appstoreconnect"
    replay = "replay"


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


class CollectorError(Exception):
    """Bad params, credentials or payload: record on the source and surface to the operator.

    ``excerpt`` holds the first characters of the offending response body (never secrets).
    """

    def __init__(self, message: str, *, excerpt: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.excerpt = excerpt

    def __str__(self) -> str:
        return f"{self.message} (body: {self.excerpt!r})" if self.excerpt else self.message


class AuthError(CollectorError):
    """The platform refused us (401/403) or credentials are not configured."""


class RetryLater(Exception):  # noqa: N818 - the name says what the job should do
    """Transient failure (429, 5xx, timeout): reschedule after ``after_seconds`` (None = use backoff)."""

    def __init__(self, after_seconds: float | None, reason: str) -> None:
        super().__init__(reason)
        self.after_seconds = after_seconds
        self.reason = reason

    def __str__(self) -> str:
        when = "backoff" if self.after_seconds is None else f"{self.after_seconds:.0f}s"
        return f"retry later ({when}): {self.reason}"


def excerpt_of(body: bytes | str, limit: int = EXCERPT_CHARS) -> str:
    """The first ``limit`` characters of a body, decoded leniently, for error messages."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "")


class CollectorParams(BaseModel):
    """Base for every ``Params`` model: unknown fields are errors, and ``base_url`` overrides the
    platform host from settings (a Mastodon instance, a Bluesky AppView, a proxy)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    base_url: HttpUrl | None = None

    @field_validator("base_url")
    @classmethod
    def _base_url_allowed(cls, url: HttpUrl | None, info: ValidationInfo) -> HttpUrl | None:
        if url is not None:
            allowed_url(str(url), info)
        return url

    def base(self, default: str) -> str:
        """The API base URL to use, without a trailing slash."""
        return str(self.base_url or default).rstrip("/")


class BackfillParams(CollectorParams):
    """``Params`` of a platform that can walk its history: ``backfill_days`` asks the worker to read
    that many days back, a bounded step per run, besides the new mentions."""

    backfill_days: int | None = Field(None, ge=1, le=365)


def allowed_url(url: str, info: ValidationInfo) -> str:
    """Save-time outbound-address check for a params URL, under the policy of the settings passed
    as validation context (``validate_params(..., settings=...)``); without settings the check
    waits for connect time. Raises ValueError with the reason."""
    settings = (info.context or {}).get("settings")
    if settings is not None:
        try:
            check_url(url, settings.outbound_policy())
        except AddressRefused as exc:
            raise ValueError(str(exc)) from None
    return url


class HttpCollector:
    """The opening collectors share: they keep the HTTP client and the settings they are given."""

    def __init__(self, client: httpx.Client, settings: CollectorSettings) -> None:
        self.client = client
        self.settings = settings


def load_json_cursor(cursor: str | None, platform: str) -> dict[str, str]:
    """A cursor kept as a JSON object of strings (``{"<stream>": "<position>"}``); ``{}`` for none.

    Raises CollectorError naming the platform when the cursor is not such an object."""
    if not cursor:
        return {}
    try:
        data = json.loads(cursor)
    except ValueError:
        raise CollectorError(f"unreadable {platform} cursor {cursor[:40]!r}") from None
    if not isinstance(data, dict):
        raise CollectorError(f"{platform} cursor must be a JSON object")
    return {str(k): str(v) for k, v in data.items()}


def dump_json_cursor(cursor: str | None, before: dict[str, str], after: dict[str, str]) -> str | None:
    """The cursor to return for a JSON-object cursor: unchanged when nothing moved, else ``after``."""
    return cursor if after == before else json.dumps(after, sort_keys=True)


class Collector(Protocol):
    """One platform's fetcher.

    Inputs: ``params`` (an instance of the collector's ``Params``, validated when the source was
    saved) and the source's ``cursor`` (opaque string from the previous ``Batch``, None the first time).
    Output: a :class:`Batch`. Raises :class:`RetryLater` on 429/5xx/timeouts, :class:`AuthError`
    on 401/403 or missing credentials, :class:`CollectorError` on bad params or payloads.
    No DB access and no sleeping.
    """

    platform: ClassVar[Platform]
    Params: ClassVar[type[BaseModel]]
    default_interval: ClassVar[timedelta]

    def __init__(self, client: httpx.Client, settings: CollectorSettings) -> None: ...

    def collect(self, params: BaseModel, cursor: str | None) -> Batch: ...


class Backfills(Protocol):
    """A collector that can also walk older pages (HN, Reddit, Mastodon, Bluesky, YouTube, X).

    ``backfill(params, position, oldest)`` reads one bounded step (the params' page budget) older
    than ``position`` (None: from the newest) and not older than ``oldest``; it raises like
    ``collect``. The job stores the mentions and the returned position in one transaction."""

    def backfill(self, params: BaseModel, position: str | None, oldest: datetime) -> BackfillPage: ...
