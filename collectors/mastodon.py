"""Mastodon hashtag timelines and status search on one instance.

Endpoints on ``params.base_url`` or ``settings.mastodon_base_url``:
- ``GET /api/v1/timelines/tag/:tag`` for each tag (public, no auth needed);
- ``GET /api/v2/search?q=…&type=statuses`` for ``query`` (most instances return statuses only to
  logged-in users: set ``LISTENER_MASTODON_ACCESS_TOKEN``; it is sent as ``Authorization: Bearer``
  only to the configured ``mastodon_base_url`` host, never to another instance).

Paging is newest first: the first page is asked with ``since_id=<cursor>``, then the
``Link: <…>; rel="next"`` page (``max_id`` = the oldest id seen) is followed until a status at or
below the cursor, an empty or short page, no next link, or ``max_pages`` (then a warning: older
statuses were skipped). Where an answer has no ``Link`` header (``/api/v2/search``), the next page
is the same request with ``max_id``. A next link on another host is not followed (a warning).
Runs without a cursor read the same way, up to ``max_pages``. Rate limits: ``X-RateLimit-Remaining``
/ ``X-RateLimit-Reset`` (ISO time), reported on the Batch (300 requests / 5 min by default).
A ``/api/v2/search`` answer without a ``statuses`` list is a CollectorError, not an empty page.
Backfill: per stream, ``max_id`` pages (the ``rel="next"`` links) down to the requested day; the
position is JSON ``{"<stream>": "<max_id>" | "done"}``.

Cursor: JSON ``{"tag:<name>": "<status id>", "search": "<status id>"}`` (newest id per stream).
``external_id`` is the status ``uri`` (the same across instances), the URL its web page.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

from pydantic import BaseModel, Field, field_validator, model_validator

from collectors.base import (
    Author,
    BackfillPage,
    BackfillParams,
    Batch,
    CollectorError,
    CollectorParams,
    HttpCollector,
    Platform,
    RawMention,
    dump_json_cursor,
    excerpt_of,
    load_json_cursor,
)
from collectors.http import expect, fetch, parse_json, rate_limit_remaining, rate_limit_reset_at
from collectors.normalise import html_to_text, language_hint, parse_datetime

log = logging.getLogger(__name__)

_TAG = re.compile(r"^\w{1,100}$")


class MastodonParams(BackfillParams):
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
        streams = _streams(params)
        found: dict[str, RawMention] = {}
        self._remaining: int | None = None
        self._reset_at: datetime | None = None
        new_state = dict(state)
        warnings: list[str] = []
        for key, path, query in streams:
            newest = self._read_stream(base, path, query, params, state.get(key), found, warnings)
            if newest is not None:
                new_state[key] = newest
        return Batch(
            mentions=list(found.values()),
            next_cursor=dump_json_cursor(cursor, state, new_state),
            rate_limit_remaining=self._remaining,
            rate_limit_reset_at=self._reset_at,
            warnings=warnings,
        )

    def backfill(self, params: BaseModel, position: str | None, oldest: datetime) -> BackfillPage:
        """One step of history per stream: pages below the stream's ``max_id`` (None = the newest),
        following ``rel="next"``, until a status older than ``oldest`` or ``max_pages``."""
        assert isinstance(params, MastodonParams)
        state = load_json_cursor(position, "mastodon")
        base = params.base(self.settings.mastodon_base_url)
        found: dict[str, RawMention] = {}
        for key, path, query in _streams(params):
            if state.get(key) == "done":
                continue
            url, page_query = base + path, query | {"limit": params.limit}
            if state.get(key):
                page_query["max_id"] = state[key]
            for _ in range(params.max_pages):
                statuses, next_url = self._get(url, page_query)
                ids = [str(st["id"]) for st in statuses if isinstance(st, dict) and st.get("id")]
                mentions = [m for m in (_to_mention(st, base) for st in statuses) if m]
                found.update((m.external_id, m) for m in mentions if m.published_at >= oldest)
                if not ids or any(m.published_at < oldest for m in mentions):
                    state[key] = "done"
                    break
                state[key] = min(ids, key=_id_key)
                if next_url is None or _origin(next_url) != _origin(base):
                    url, page_query = base + path, query | {"limit": params.limit, "max_id": state[key]}
                else:
                    url, page_query = next_url, None
        done = all(state.get(key) == "done" for key, _, _ in _streams(params))
        return BackfillPage(list(found.values()), json.dumps(state, sort_keys=True), done)

    def _read_stream(
        self,
        base: str,
        path: str,
        query: dict[str, Any],
        params: MastodonParams,
        since: str | None,
        found: dict[str, RawMention],
        warnings: list[str],
    ) -> str | None:
        """Read one stream newest first down to ``since``; return the newest id seen."""
        newest: str | None = None
        url: str | None = base + path
        page_query: dict[str, Any] | None = query | {"limit": params.limit}
        if since:
            page_query["since_id"] = since
        for page_no in range(params.max_pages):
            assert url is not None
            statuses, next_url = self._get(url, page_query)
            ids = [str(s["id"]) for s in statuses if isinstance(s, dict) and s.get("id")]
            reached = False
            for status in statuses:
                if since and isinstance(status, dict) and _id_key(str(status.get("id"))) <= _id_key(since):
                    reached = True
                    continue
                mention = _to_mention(status, base)
                if mention is not None:
                    found.setdefault(mention.external_id, mention)
            if not ids:
                break
            top = max(ids, key=_id_key)
            newest = top if newest is None else max(newest, top, key=_id_key)
            if reached:
                break
            if next_url is None:  # no Link header (search): a full page asks for the one below it
                if len(statuses) < params.limit:
                    break
                url = base + path
                page_query = query | {"limit": params.limit, "max_id": min(ids, key=_id_key)}
            elif _origin(next_url) != _origin(base):
                warnings.append(f"{path}: next page link points to another host; not followed")
                break
            else:
                url, page_query = next_url, None
            if page_no + 1 == params.max_pages and since:
                warnings.append(f"{path}: stopped after {params.max_pages} pages; older statuses skipped")
        return newest

    def _get(self, url: str, query: dict[str, Any] | None) -> tuple[list[Any], str | None]:
        """One page of statuses and the ``rel="next"`` link, if any."""
        headers = {}
        token = self.settings.mastodon_access_token.get_secret_value()
        if token and urlsplit(url).hostname == urlsplit(self.settings.mastodon_base_url).hostname:
            headers["Authorization"] = f"Bearer {token}"
        resp = fetch(self.client, "GET", url, params=query, headers=headers)
        self._remaining = rate_limit_remaining(resp.headers)
        self._reset_at = rate_limit_reset_at(resp.headers)
        payload = parse_json(resp)
        if urlsplit(url).path.endswith("/api/v2/search"):
            payload = expect(payload, dict, resp, "a search result object").get("statuses")
            if payload is None:
                raise CollectorError(
                    f"{urlsplit(url).hostname}/api/v2/search: answer has no statuses list",
                    excerpt=excerpt_of(resp.content),
                )
        statuses = expect(payload, list, resp, "a list of statuses")
        next_link = resp.links.get("next", {}).get("url") if "link" in resp.headers else None
        return statuses, next_link


def _streams(params: MastodonParams) -> list[tuple[str, str, dict[str, Any]]]:
    """``(cursor key, path, query)`` of each tag timeline and of the statuses search."""
    streams: list[tuple[str, str, dict[str, Any]]] = [
        (f"tag:{tag}", f"/api/v1/timelines/tag/{quote(tag)}", {}) for tag in params.tags
    ]
    if params.query:
        streams.append(("search", "/api/v2/search", {"q": params.query, "type": "statuses"}))
    return streams


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port


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
        in_reply_to=str(status["in_reply_to_id"]) if status.get("in_reply_to_id") else None,
    )
