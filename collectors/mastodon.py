"""Mastodon hashtag timelines and status search on one instance.

Endpoints on ``params.base_url`` or ``settings.mastodon_base_url``:
- ``GET /api/v1/timelines/tag/:tag`` for each tag (public, no auth needed);
- ``GET /api/v2/search?q=…&type=statuses`` for ``query`` (most instances return statuses only to
  logged-in users: set ``LISTENER_MASTODON_ACCESS_TOKEN``; it is sent as ``Authorization: Bearer``
  only to the configured ``mastodon_base_url`` host, never to another instance).

Paging is forward from the cursor with ``min_id`` (the page just after it, so nothing is skipped);
the first run takes the newest page only. Rate limits: ``X-RateLimit-Remaining`` /
``X-RateLimit-Reset`` (ISO time), reported on the Batch (300 requests / 5 min by default).

Cursor: JSON ``{"tag:<name>": "<status id>", "search": "<status id>"}`` (newest id per stream).
``external_id`` is the status ``uri`` (the same across instances), the URL its web page.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

from pydantic import BaseModel, Field, field_validator, model_validator

from collectors.base import (
    Author,
    Batch,
    CollectorParams,
    HttpCollector,
    Platform,
    RawMention,
    dump_json_cursor,
    load_json_cursor,
)
from collectors.http import expect, fetch, parse_json, rate_limit_remaining, rate_limit_reset_at
from collectors.normalise import html_to_text, language_hint, parse_datetime

log = logging.getLogger(__name__)

_TAG = re.compile(r"^\w{1,100}$")


class MastodonParams(CollectorParams):
    """Hashtags (without ``#``) and/or a full-text query on one instance."""

    tags: list[str] = Field(default_factory=list, max_length=20)
    query: str | None = Field(None, min_length=1, max_length=500)
    limit: int = Field(40, ge=1, le=40)
    max_pages: int = Field(5, ge=1, le=20)

    @field_validator("tags")
    @classmethod
    def _valid_tags(cls, tags: list[str]) -> list[str]:
        cleaned = [t.strip().lstrip("#") for t in tags]
        bad = [t for t in cleaned if not _TAG.match(t)]
        if bad:
            raise ValueError(f"not a hashtag: {', '.join(bad[:5])}")
        return cleaned

    @model_validator(mode="after")
    def _something_to_watch(self) -> MastodonParams:
        if not self.tags and not self.query:
            raise ValueError("set tags, query, or both")
        return self


class MastodonCollector(HttpCollector):
    """Reads tag timelines and statuses search forward from the cursor."""

    platform: ClassVar[Platform] = Platform.mastodon
    Params: ClassVar[type[BaseModel]] = MastodonParams
    default_interval: ClassVar[timedelta] = timedelta(minutes=5)

    def collect(self, params: BaseModel, cursor: str | None) -> Batch:
        """Fetch statuses newer than each stream's cursor id."""
        assert isinstance(params, MastodonParams)
        state = load_json_cursor(cursor, "mastodon")
        base = params.base(self.settings.mastodon_base_url)
        streams: list[tuple[str, str, dict[str, Any]]] = [
            (f"tag:{tag}", f"/api/v1/timelines/tag/{quote(tag)}", {}) for tag in params.tags
        ]
        if params.query:
            streams.append(("search", "/api/v2/search", {"q": params.query, "type": "statuses"}))
        found: dict[str, RawMention] = {}
        self._remaining: int | None = None
        self._reset_at: datetime | None = None
        new_state = dict(state)
        for key, path, query in streams:
            newest = self._read_stream(base, path, query, params, state.get(key), found)
            if newest is not None:
                new_state[key] = newest
        return Batch(
            mentions=list(found.values()),
            next_cursor=dump_json_cursor(cursor, state, new_state),
            rate_limit_remaining=self._remaining,
            rate_limit_reset_at=self._reset_at,
        )

    def _read_stream(
        self,
        base: str,
        path: str,
        query: dict[str, Any],
        params: MastodonParams,
        min_id: str | None,
        found: dict[str, RawMention],
    ) -> str | None:
        newest: str | None = None
        for _ in range(params.max_pages):
            page = query | {"limit": params.limit} | ({"min_id": min_id} if min_id else {})
            statuses = self._get(base, path, page)
            for status in statuses:
                mention = _to_mention(status, base)
                if mention is not None:
                    found.setdefault(mention.external_id, mention)
            ids = [str(s["id"]) for s in statuses if isinstance(s, dict) and s.get("id")]
            if not ids:
                break
            top = max(ids, key=_id_key)
            newest = top if newest is None else max(newest, top, key=_id_key)
            if min_id is None or len(statuses) < params.limit:
                break
            min_id = top
        return newest

    def _get(self, base: str, path: str, query: dict[str, Any]) -> list[Any]:
        headers = {}
        token = self.settings.mastodon_access_token.get_secret_value()
        if token and urlsplit(base).hostname == urlsplit(self.settings.mastodon_base_url).hostname:
            headers["Authorization"] = f"Bearer {token}"
        resp = fetch(self.client, "GET", base + path, params=query, headers=headers)
        self._remaining = rate_limit_remaining(resp.headers)
        self._reset_at = rate_limit_reset_at(resp.headers)
        payload = parse_json(resp)
        if path.endswith("/search"):
            payload = expect(payload, dict, resp, "a search result object").get("statuses", [])
        return expect(payload, list, resp, "a list of statuses")


def _id_key(status_id: str) -> tuple[int, str]:
    """Mastodon ids are snowflake-like decimal strings: compare by length, then text."""
    return (len(status_id), status_id)


def _to_mention(status: Any, base: str) -> RawMention | None:
    if not isinstance(status, dict):
        return None
    status = status.get("reblog") or status
    account = status.get("account") or {}
    published = parse_datetime(status.get("created_at"))
    if not status.get("id") or published is None:
        return None
    acct = account.get("acct")
    if acct and "@" not in acct:
        acct = f"{acct}@{urlsplit(base).hostname}"
    text = html_to_text(status.get("content"))
    if status.get("spoiler_text"):
        text = f"{status['spoiler_text']}\n\n{text}"
    return RawMention(
        platform=Platform.mastodon.value,
        external_id=status.get("uri") or f"{base}/statuses/{status['id']}",
        url=status.get("url") or status.get("uri"),
        text=text,
        title=None,
        kind="comment" if status.get("in_reply_to_id") else "post",
        author=Author(
            handle=acct,
            name=account.get("display_name") or None,
            reach=account.get("followers_count"),
        ),
        engagement={
            "likes": int(status.get("favourites_count") or 0),
            "reposts": int(status.get("reblogs_count") or 0),
            "replies": int(status.get("replies_count") or 0),
        },
        rating=None,
        published_at=published,
        language=language_hint(status.get("language")),
    )
