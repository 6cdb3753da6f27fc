"""The contract every collector follows: what it receives, what it returns, what it raises.

A collector turns one source's params and cursor into a :class:`Batch` of :class:`RawMention`.
It never touches the database and never sleeps: the job that runs it persists the mentions and
``Batch.next_cursor`` in one transaction, and reschedules on :class:`RetryLater`.

The records it returns (``RawMention``, ``Batch``, ``BackfillPage``) live in ``collectors.records``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar, Protocol

import httpx
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationInfo, field_validator

from collectors.records import BackfillPage, Batch
from collectors.settings import CollectorSettings
from outbound.policy import AddressRefused, check_url

log = logging.getLogger(__name__)

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
    """The opening collectors share. The class line names the platform, the ``Params`` model and
    the default interval (``class RssCollector(HttpCollector, platform=Platform.rss,
    params=RssParams, every=timedelta(minutes=15))``); an instance keeps the HTTP client and the
    settings it is given."""

    platform: ClassVar[Platform]
    Params: ClassVar[type[BaseModel]]
    default_interval: ClassVar[timedelta]

    def __init_subclass__(
        cls, *, platform: Platform, params: type[BaseModel], every: timedelta, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        cls.platform, cls.Params, cls.default_interval = platform, params, every

    def __init__(self, client: httpx.Client, settings: CollectorSettings) -> None:
        self.client = client
        self.settings = settings


def checked(values: list[str], ok: Callable[[str], object], problem: str) -> list[str]:
    """``values`` when ``ok`` holds for each one; else ValueError ``"<problem>: <the first five bad>"``
    (for ``Params`` validators of lists of names and ids)."""
    bad = [v for v in values if not ok(v)]
    if bad:
        raise ValueError(f"{problem}: {', '.join(bad[:5])}")
    return values


def something_to_watch(params: BaseModel, first: str, second: str) -> None:
    """ValueError ``"set <first>, <second>, or both"`` when both fields of ``params`` are empty."""
    if not getattr(params, first) and not getattr(params, second):
        raise ValueError(f"set {first}, {second}, or both")


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
