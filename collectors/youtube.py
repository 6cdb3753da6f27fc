"""YouTube comments (and their replies) on videos or on everything related to a channel.

Endpoints on ``params.base_url`` or ``settings.youtube_base_url`` (``…/youtube/v3``):
- ``GET /commentThreads?part=snippet,replies&videoId=…`` or ``…&allThreadsRelatedToChannelId=…``
  with ``order=time``, ``maxResults=100``, ``textFormat=plainText``, paged by ``pageToken``;
- ``GET /comments?part=snippet&parentId=<thread>`` when ``totalReplyCount`` is more than the
  replies inlined in the thread (the API inlines at most five).

Auth: the API key (``LISTENER_YOUTUBE_API_KEY``), sent in the ``X-Goog-Api-Key`` header, which
Google APIs accept in place of the ``key=`` query parameter (a system parameter): a URL with the key
would end up in httpx's request log and in proxies' access logs. Without a key the collector raises
AuthError "needs credentials". The key never appears in errors or logs.
Quota: 10,000 units/day; each list call costs 1. A 403 ``quotaExceeded``/``rateLimitExceeded`` is a
RetryLater until the quota resets (midnight Pacific time).

Cursor: JSON ``{"video:<id>": iso, "channel:<id>": iso}``, the newest ``publishedAt`` seen per
target. Threads are read newest-first down to it; replies newer than it are kept. For threads older
than the cursor only the replies inlined on pages already fetched are seen (no extra requests).
Backfill: ``pageToken`` pages per target down to the requested day (inlined replies only);
position JSON ``{"<target>": "<pageToken>" | "done"}``.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from pydantic import BaseModel, Field, field_validator, model_validator

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
    RetryLater,
    dump_json_cursor,
    load_json_cursor,
)
from collectors.http import check_response, expect, fetch, parse_json
from collectors.normalise import html_to_text, iso, parse_datetime

log = logging.getLogger(__name__)

WATCH_URL = "https://www.youtube.com/watch?v={video}&lc={comment}"
_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_QUOTA_REASONS = frozenset({"quotaExceeded", "rateLimitExceeded", "dailyLimitExceeded"})


class YouTubeParams(BackfillParams):
    """Videos to watch and/or a channel whose videos' comments are all collected."""

    video_ids: list[str] = Field(default_factory=list, max_length=50)
    channel_id: str | None = Field(None, pattern=r"^UC[A-Za-z0-9_-]{22}$")
    include_replies: bool = True
    max_pages: int = Field(5, ge=1, le=50)

    @field_validator("video_ids")
    @classmethod
    def _valid_ids(cls, ids: list[str]) -> list[str]:
        bad = [v for v in ids if not _VIDEO_ID.match(v)]
        if bad:
            raise ValueError(f"not a YouTube video id: {', '.join(bad[:5])}")
        return ids

    @model_validator(mode="after")
    def _something_to_watch(self) -> YouTubeParams:
        if not self.video_ids and not self.channel_id:
            raise ValueError("set video_ids, channel_id, or both")
        return self


class YouTubeCollector(HttpCollector):
    """Reads comment threads newest-first down to each target's cursor."""

    platform: ClassVar[Platform] = Platform.youtube
    Params: ClassVar[type[BaseModel]] = YouTubeParams
    default_interval: ClassVar[timedelta] = timedelta(minutes=30)

    def collect(self, params: BaseModel, cursor: str | None) -> Batch:
        """Fetch comments and replies newer than each target's cursor."""
        assert isinstance(params, YouTubeParams)
        if not self.settings.youtube_api_key.get_secret_value():
            raise AuthError("source needs credentials: set LISTENER_YOUTUBE_API_KEY")
        state = load_json_cursor(cursor, "youtube")
        base = params.base(self.settings.youtube_base_url)
        targets = _targets(params)
        found: dict[str, RawMention] = {}
        warnings: list[str] = []
        new_state = dict(state)
        for key, target in targets:
            since = parse_datetime(state.get(key))
            newest = self._read_target(base, target, since, params, found, warnings)
            if newest and (since is None or newest > since):
                new_state[key] = iso(newest)
        return Batch(
            mentions=list(found.values()),
            next_cursor=dump_json_cursor(cursor, state, new_state),
            warnings=warnings,
        )

    def _read_target(
        self,
        base: str,
        target: dict[str, str],
        since: datetime | None,
        params: YouTubeParams,
        found: dict[str, RawMention],
        warnings: list[str],
    ) -> datetime | None:
        query: dict[str, Any] = target | {
            "part": "snippet,replies", "order": "time", "maxResults": 100, "textFormat": "plainText"
        }  # fmt: skip
        newest: datetime | None = None
        for page_no in range(params.max_pages):
            page = self._get(base + "/commentThreads", query)
            reached = False
            for thread in page.get("items") or []:
                snippet = thread.get("snippet") or {}
                top = _to_mention(snippet.get("topLevelComment") or {}, snippet.get("videoId"))
                if top is None:
                    continue
                old_thread = since is not None and top.published_at <= since
                reached = reached or old_thread
                if not old_thread:
                    top.engagement["replies"] = int(snippet.get("totalReplyCount") or 0)
                    found.setdefault(top.external_id, top)
                    newest = top.published_at if newest is None else max(newest, top.published_at)
                if not params.include_replies:
                    continue
                # Old threads on this page: only their inlined replies (no extra request).
                for reply in self._replies(base, thread, snippet, inline_only=old_thread):
                    if since is None or reply.published_at > since:
                        found.setdefault(reply.external_id, reply)
                        newest = reply.published_at if newest is None else max(newest, reply.published_at)
            token = page.get("nextPageToken")
            if since is None or reached or not token:
                break
            if page_no + 1 == params.max_pages:
                warnings.append(f"{next(iter(target.values()))}: stopped after {params.max_pages} pages")
            query["pageToken"] = token
        return newest

    def backfill(self, params: BaseModel, position: str | None, oldest: datetime) -> BackfillPage:
        """One step of history per target: ``pageToken`` pages (``order=time``) until a thread older
        than ``oldest`` or ``max_pages``; replies only as inlined in the threads (no extra quota)."""
        assert isinstance(params, YouTubeParams)
        if not self.settings.youtube_api_key.get_secret_value():
            raise AuthError("source needs credentials: set LISTENER_YOUTUBE_API_KEY")
        state = load_json_cursor(position, "youtube")
        base = params.base(self.settings.youtube_base_url)
        found: dict[str, RawMention] = {}
        for key, target in _targets(params):
            for _ in range(params.max_pages if state.get(key) != "done" else 0):
                query = target | {"part": "snippet,replies", "order": "time", "maxResults": 100,
                                  "textFormat": "plainText"}  # fmt: skip
                if state.get(key):
                    query["pageToken"] = state[key]
                page = self._get(base + "/commentThreads", query)
                threads = [t for t in page.get("items") or [] if isinstance(t, dict)]
                tops = []
                for thread in threads:
                    snippet = thread.get("snippet") or {}
                    top = _to_mention(snippet.get("topLevelComment") or {}, snippet.get("videoId"))
                    replies = (
                        self._replies(base, thread, snippet, inline_only=True)
                        if params.include_replies
                        else []
                    )
                    tops += [top] if top else []
                    found.update(
                        (m.external_id, m)
                        for m in [*([top] if top else []), *replies]
                        if m.published_at >= oldest
                    )
                if not page.get("nextPageToken") or not tops or any(t.published_at < oldest for t in tops):
                    state[key] = "done"
                    break
                state[key] = str(page["nextPageToken"])
        done = all(state.get(key) == "done" for key, _ in _targets(params))
        return BackfillPage(list(found.values()), json.dumps(state, sort_keys=True), done)

    def _replies(
        self, base: str, thread: dict[str, Any], snippet: dict[str, Any], *, inline_only: bool
    ) -> list[RawMention]:
        video = snippet.get("videoId")
        inline = (thread.get("replies") or {}).get("comments") or []
        replies = [m for m in (_to_mention(c, video) for c in inline) if m]
        if inline_only or int(snippet.get("totalReplyCount") or 0) <= len(inline):
            return replies
        query: dict[str, Any] = {"part": "snippet", "parentId": thread.get("id"), "maxResults": 100,
                                 "textFormat": "plainText"}  # fmt: skip
        replies = []
        for _ in range(10):
            page = self._get(base + "/comments", query)
            replies.extend(m for m in (_to_mention(c, video) for c in page.get("items") or []) if m)
            if not page.get("nextPageToken"):
                break
            query["pageToken"] = page["nextPageToken"]
        return replies

    def _get(self, url: str, query: dict[str, Any]) -> dict[str, Any]:
        key = self.settings.youtube_api_key.get_secret_value()
        resp = fetch(self.client, "GET", url, params=query, headers={"X-Goog-Api-Key": key}, check=False)
        if resp.status_code == 403 and _error_reason(resp) in _QUOTA_REASONS:
            raise RetryLater(seconds_to_pacific_midnight(), "youtube quota exhausted")
        check_response(resp)
        return expect(parse_json(resp), dict, resp, "a YouTube list response")


def _error_reason(resp: httpx.Response) -> str | None:
    try:
        errors = resp.json()["error"]["errors"]
        return str(errors[0].get("reason"))
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None


def seconds_to_pacific_midnight() -> float | None:
    try:
        now = datetime.now(ZoneInfo("America/Los_Angeles"))
    except ZoneInfoNotFoundError:
        return None
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight.astimezone(UTC) - now.astimezone(UTC)).total_seconds()


def _targets(params: YouTubeParams) -> list[tuple[str, dict[str, str]]]:
    """``(cursor key, query)`` of each video and of the channel."""
    targets = [(f"video:{v}", {"videoId": v}) for v in params.video_ids]
    if params.channel_id:
        targets.append((f"channel:{params.channel_id}", {"allThreadsRelatedToChannelId": params.channel_id}))
    return targets


def _to_mention(comment: dict[str, Any], video_id: str | None) -> RawMention | None:
    snippet = comment.get("snippet") or {}
    published = parse_datetime(snippet.get("publishedAt"))
    if not comment.get("id") or published is None:
        return None
    video = snippet.get("videoId") or video_id
    text = snippet.get("textOriginal") or html_to_text(snippet.get("textDisplay"))
    display = snippet.get("authorDisplayName") or None
    return RawMention(
        platform=Platform.youtube.value,
        external_id=comment["id"],
        url=WATCH_URL.format(video=video, comment=comment["id"]) if video else None,
        text=text.strip(),
        title=None,
        kind="comment",
        author=Author(handle=display if display and display.startswith("@") else None, name=display),
        engagement={"likes": int(snippet.get("likeCount") or 0)},
        rating=None,
        published_at=published,
        language=None,
        in_reply_to=snippet.get("parentId") or None,
    )
