"""Bluesky posts through ``app.bsky.feed.searchPosts`` (``sort=latest``).

Endpoint: ``GET {base}/xrpc/app.bsky.feed.searchPosts?q=…&sort=latest&limit=…`` where base is
``params.base_url`` or ``settings.bluesky_base_url`` (the public AppView).

Auth: none by default. Logged out, the AppView refuses ``cursor`` paging, so older pages are asked
for with ``until=<oldest sortAt seen>`` (exclusive) and new ones bounded with ``since=<cursor>``.
With ``LISTENER_BLUESKY_HANDLE`` / ``LISTENER_BLUESKY_APP_PASSWORD`` set (and no per-source
``base_url``), the collector logs in with ``com.atproto.server.createSession`` on
``settings.bluesky_auth_base_url``, sends ``Authorization: Bearer <accessJwt>`` to that host only,
and pages with the response ``cursor``.

Rate limits: ``ratelimit-remaining`` / ``ratelimit-reset`` (epoch), reported on the Batch.

Cursor: the newest ``sortAt`` seen (ISO-8601 UTC; ``sortAt`` ≈ the earlier of ``record.createdAt``
and ``indexedAt``). Posts at or before it are skipped. ``external_id`` is the ``at://`` URI.
Backfill: ``until=<oldest sortAt seen>`` with ``since=<the requested day>``; the position is that
sortAt.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, Field

from collectors.base import (
    AuthError,
    Author,
    BackfillPage,
    BackfillParams,
    Batch,
    CollectorError,
    CollectorParams,
    HttpCollector,
    Platform,
    RawMention,
)
from collectors.http import expect, fetch, parse_json, rate_limit_remaining, rate_limit_reset_at
from collectors.normalise import iso, language_hint, parse_datetime
from collectors.settings import CollectorSettings

log = logging.getLogger(__name__)

SEARCH_PATH = "/xrpc/app.bsky.feed.searchPosts"
SESSION_PATH = "/xrpc/com.atproto.server.createSession"
WEB_URL = "https://bsky.app/profile/{handle}/post/{rkey}"


class BlueskyParams(BackfillParams):
    """A search query (Lucene-like syntax of searchPosts), optionally limited to one language."""

    query: str = Field(min_length=1, max_length=300)
    lang: str | None = Field(None, pattern=r"^[a-z]{2}$")
    limit: int = Field(100, ge=1, le=100)
    max_pages: int = Field(5, ge=1, le=20)


class BlueskyCollector(HttpCollector):
    """Searches posts newest-first down to the cursor."""

    platform: ClassVar[Platform] = Platform.bluesky
    Params: ClassVar[type[BaseModel]] = BlueskyParams
    default_interval: ClassVar[timedelta] = timedelta(minutes=5)

    def __init__(self, client: httpx.Client, settings: CollectorSettings) -> None:
        super().__init__(client, settings)
        self._jwt: str | None = None

    def collect(self, params: BaseModel, cursor: str | None) -> Batch:
        """Fetch posts newer than the cursor; see the module docstring for paging."""
        assert isinstance(params, BlueskyParams)
        since = parse_datetime(cursor) if cursor else None
        if cursor and since is None:
            raise CollectorError(f"bluesky cursor must be an ISO time, got {cursor[:40]!r}")
        logged_in = params.base_url is None and bool(self.settings.bluesky_handle)
        base = self.settings.bluesky_auth_base_url if logged_in else self.settings.bluesky_base_url
        base = params.base(base)
        query: dict[str, Any] = {"q": params.query, "sort": "latest", "limit": params.limit}
        if params.lang:
            query["lang"] = params.lang
        if since:
            query["since"] = iso(since)
        found: dict[str, RawMention] = {}
        newest: datetime | None = None
        warnings: list[str] = []
        resp_headers: httpx.Headers = httpx.Headers()
        for page_no in range(params.max_pages):
            payload, resp_headers = self._search(base, query, logged_in)
            posts = [p for p in payload.get("posts") or [] if isinstance(p, dict)]
            reached = not posts
            oldest: datetime | None = None
            for post in posts:
                mention, sort_at = _to_mention(post)
                if mention is None or sort_at is None:
                    continue
                oldest = sort_at if oldest is None else min(oldest, sort_at)
                if since and sort_at <= since:
                    reached = True
                    continue
                newest = sort_at if newest is None else max(newest, sort_at)
                found.setdefault(mention.external_id, mention)
            next_page = payload.get("cursor")
            if since is None or reached or oldest is None or (logged_in and not next_page):
                break
            if page_no + 1 == params.max_pages:
                warnings.append(f"stopped after {params.max_pages} pages; older posts skipped")
            elif logged_in:
                query["cursor"] = next_page
            else:
                query["until"] = iso(oldest)
        return Batch(
            mentions=list(found.values()),
            next_cursor=iso(newest) if newest and (since is None or newest > since) else cursor,
            rate_limit_remaining=rate_limit_remaining(resp_headers),
            rate_limit_reset_at=rate_limit_reset_at(resp_headers),
            warnings=warnings,
        )

    def backfill(self, params: BaseModel, position: str | None, oldest: datetime) -> BackfillPage:
        """One step of history: pages with ``until=<position>`` (the oldest sortAt seen; None = now)
        and ``since=<oldest>``, newest first, up to ``max_pages``."""
        assert isinstance(params, BlueskyParams)
        logged_in = params.base_url is None and bool(self.settings.bluesky_handle)
        base = params.base(
            self.settings.bluesky_auth_base_url if logged_in else self.settings.bluesky_base_url
        )
        query: dict[str, Any] = {
            "q": params.query,
            "sort": "latest",
            "limit": params.limit,
            "since": iso(oldest),
        }
        if params.lang:
            query["lang"] = params.lang
        until = parse_datetime(position) if position else None
        found: dict[str, RawMention] = {}
        for _ in range(params.max_pages):
            if until is not None:
                query["until"] = iso(until)
            payload, _headers = self._search(base, query, logged_in)
            pairs = [_to_mention(p) for p in payload.get("posts") or [] if isinstance(p, dict)]
            dated = [
                (m, t) for m, t in pairs if m is not None and t is not None and (until is None or t < until)
            ]
            found.update((m.external_id, m) for m, t in dated if t >= oldest)
            if not dated or any(t < oldest for _, t in dated):
                return BackfillPage(list(found.values()), None, True)
            until = min(t for _, t in dated)
        return BackfillPage(list(found.values()), iso(until) if until else None, False)

    def _search(
        self, base: str, query: dict[str, Any], logged_in: bool
    ) -> tuple[dict[str, Any], httpx.Headers]:
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self._session_token()}"} if logged_in else {}
            try:
                resp = fetch(self.client, "GET", base + SEARCH_PATH, params=query, headers=headers)
            except AuthError:
                self._jwt = None  # revoked: log in again next time
                raise
            except CollectorError as exc:
                # An expired accessJwt is a 400 {"error": "ExpiredToken"}: log in again, once.
                if logged_in and attempt == 1 and "ExpiredToken" in (exc.excerpt or ""):
                    self._jwt = None
                    continue
                raise
            return expect(parse_json(resp), dict, resp, "a searchPosts object"), resp.headers
        raise AssertionError("unreachable")

    def _session_token(self) -> str:
        if self._jwt:
            return self._jwt
        password = self.settings.bluesky_app_password.get_secret_value()
        if not password:
            raise AuthError("source needs credentials: set LISTENER_BLUESKY_APP_PASSWORD with the handle")
        url = self.settings.bluesky_auth_base_url.rstrip("/") + SESSION_PATH
        resp = fetch(
            self.client, "POST", url, json={"identifier": self.settings.bluesky_handle, "password": password}
        )
        session = expect(parse_json(resp), dict, resp, "a session object")
        if not session.get("accessJwt"):
            raise AuthError("bluesky createSession returned no accessJwt")
        self._jwt = str(session["accessJwt"])
        return self._jwt


def _to_mention(post: dict[str, Any]) -> tuple[RawMention | None, datetime | None]:
    record = post.get("record") or {}
    author = post.get("author") or {}
    uri = post.get("uri")
    created = parse_datetime(record.get("createdAt"))
    indexed = parse_datetime(post.get("indexedAt"))
    times = [t for t in (created, indexed) if t is not None]
    if not uri or not times:
        return None, None
    handle = author.get("handle") or author.get("did")
    rkey = uri.rsplit("/", 1)[-1]
    langs = record.get("langs") or []
    mention = RawMention(
        platform=Platform.bluesky.value,
        external_id=uri,
        url=WEB_URL.format(handle=handle, rkey=rkey) if handle else None,
        text=(record.get("text") or "").strip(),
        title=None,
        kind="comment" if record.get("reply") else "post",
        author=Author(handle=author.get("handle"), name=author.get("displayName") or None, reach=None),
        engagement={
            "likes": int(post.get("likeCount") or 0),
            "reposts": int(post.get("repostCount") or 0),
            "replies": int(post.get("replyCount") or 0),
            "quotes": int(post.get("quoteCount") or 0),
        },
        rating=None,
        published_at=created or times[0],
        language=language_hint(langs[0]) if langs else None,
        in_reply_to=((record.get("reply") or {}).get("parent") or {}).get("uri"),
    )
    return mention, min(times)
