"""X (Twitter) posts through the API v2 recent search (the last 7 days).

Endpoint: ``GET {twitter_base_url}/2/tweets/search/recent`` with ``query``, ``max_results``,
``since_id`` (the cursor), ``expansions=author_id``, ``user.fields=public_metrics,username,name``,
``tweet.fields=created_at,lang,public_metrics,conversation_id,entities,referenced_tweets``;
older pages with ``next_token``.

Auth: ``Authorization: Bearer <LISTENER_TWITTER_BEARER_TOKEN>`` (app-only). Without a token the
collector is off: AuthError "needs credentials". Rate limits: ``x-rate-limit-remaining`` /
``x-rate-limit-reset`` (epoch seconds), reported on the Batch; 429 → RetryLater until the reset.

Cursor: the newest tweet id seen (decimal string), sent back as ``since_id``. The first run reads
one page; later runs page down to ``since_id`` (or ``max_pages``, then a warning). A cursor older
than the 7-day window (the API refuses such a ``since_id``) is dropped with a warning.
Reach is the author's ``followers_count`` from ``includes.users``; ``t.co`` links are expanded.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, Field

from collectors.base import (
    AuthError,
    Author,
    Batch,
    CollectorError,
    CollectorParams,
    HttpCollector,
    Platform,
    RawMention,
)
from collectors.http import expect, fetch, parse_json, rate_limit_remaining, rate_limit_reset_at
from collectors.normalise import from_epoch, language_hint, parse_datetime

log = logging.getLogger(__name__)

SEARCH_PATH = "/2/tweets/search/recent"
TWEET_FIELDS = "created_at,lang,public_metrics,conversation_id,entities,referenced_tweets"
USER_FIELDS = "public_metrics,username,name"
TWITTER_EPOCH_MS = 1288834974657  # snowflake ids carry their creation time
SEARCH_WINDOW = timedelta(days=7) - timedelta(minutes=5)


class TwitterParams(CollectorParams):
    """A recent-search query in X's search syntax (e.g. ``"acme" -is:retweet lang:en``)."""

    query: str = Field(min_length=1, max_length=512)
    max_results: int = Field(100, ge=10, le=100)
    max_pages: int = Field(5, ge=1, le=50)


class TwitterCollector(HttpCollector):
    """Searches recent posts newest-first down to ``since_id``."""

    platform: ClassVar[Platform] = Platform.twitter
    Params: ClassVar[type[BaseModel]] = TwitterParams
    default_interval: ClassVar[timedelta] = timedelta(minutes=15)

    def collect(self, params: BaseModel, cursor: str | None) -> Batch:
        """Fetch posts with ids above the cursor."""
        assert isinstance(params, TwitterParams)
        token = self.settings.twitter_bearer_token.get_secret_value()
        if not token:
            raise AuthError("source needs credentials: set LISTENER_TWITTER_BEARER_TOKEN")
        if cursor is not None and not cursor.isdigit():
            raise CollectorError(f"twitter cursor must be a tweet id, got {cursor[:40]!r}")
        url = params.base(self.settings.twitter_base_url) + SEARCH_PATH
        query: dict[str, Any] = {
            "query": params.query,
            "max_results": params.max_results,
            "expansions": "author_id",
            "tweet.fields": TWEET_FIELDS,
            "user.fields": USER_FIELDS,
        }
        warnings: list[str] = []
        if cursor and _snowflake_time(cursor) < datetime.now(UTC) - SEARCH_WINDOW:
            # recent search refuses a since_id older than its 7-day window: start over from the newest
            warnings.append("cursor is older than the 7-day search window; read the newest page only")
            cursor_for_query = None
        else:
            cursor_for_query = cursor
        if cursor_for_query:
            query["since_id"] = cursor_for_query
        headers = {"Authorization": f"Bearer {token}"}
        found: dict[str, RawMention] = {}
        resp_headers = httpx.Headers()
        for page_no in range(params.max_pages):
            resp = fetch(self.client, "GET", url, params=query, headers=headers)
            resp_headers = resp.headers
            payload = expect(parse_json(resp), dict, resp, "a search response")
            users = {u.get("id"): u for u in (payload.get("includes") or {}).get("users") or []}
            for tweet in payload.get("data") or []:
                mention = _to_mention(tweet, users)
                if mention is not None:
                    found.setdefault(mention.external_id, mention)
            next_token = (payload.get("meta") or {}).get("next_token")
            if not cursor_for_query or not next_token:
                break
            if page_no + 1 == params.max_pages:
                warnings.append(f"stopped after {params.max_pages} pages; older posts skipped")
            query["next_token"] = next_token
        newest = max(found, key=int, default=None)
        return Batch(
            mentions=list(found.values()),
            next_cursor=newest if newest and (not cursor or int(newest) > int(cursor)) else cursor,
            rate_limit_remaining=rate_limit_remaining(resp_headers),
            rate_limit_reset_at=rate_limit_reset_at(resp_headers),
            warnings=warnings,
        )


def _to_mention(tweet: Any, users: dict[str, Any]) -> RawMention | None:
    if not isinstance(tweet, dict) or not str(tweet.get("id", "")).isdigit():
        return None
    tweet_id = str(tweet["id"])
    user = users.get(tweet.get("author_id")) or {}
    username = user.get("username")
    metrics = tweet.get("public_metrics") or {}
    followers = (user.get("public_metrics") or {}).get("followers_count")
    referenced = {r.get("type") for r in tweet.get("referenced_tweets") or []}
    conversation = tweet.get("conversation_id")
    is_reply = "replied_to" in referenced or (conversation is not None and conversation != tweet_id)
    engagement = {
        "likes": metrics.get("like_count"),
        "reposts": metrics.get("retweet_count"),
        "replies": metrics.get("reply_count"),
        "quotes": metrics.get("quote_count"),
        "views": metrics.get("impression_count"),
    }
    return RawMention(
        platform=Platform.twitter.value,
        external_id=tweet_id,
        url=f"https://x.com/{username}/status/{tweet_id}"
        if username
        else f"https://x.com/i/status/{tweet_id}",
        text=_expand_links(tweet),
        title=None,
        kind="comment" if is_reply else "post",
        author=Author(handle=username, name=user.get("name"), reach=followers),
        engagement={k: int(v) for k, v in engagement.items() if isinstance(v, int)},
        rating=None,
        published_at=parse_datetime(tweet.get("created_at")) or _snowflake_time(tweet_id),
        language=language_hint(tweet.get("lang")),
    )


def _snowflake_time(tweet_id: str) -> datetime:
    """When a tweet was created, from its snowflake id."""
    return from_epoch(((int(tweet_id) >> 22) + TWITTER_EPOCH_MS) / 1000)


def _expand_links(tweet: dict[str, Any]) -> str:
    text = str(tweet.get("text") or "")
    for link in (tweet.get("entities") or {}).get("urls") or []:
        short, expanded = link.get("url"), link.get("expanded_url")
        if short and expanded:
            text = text.replace(short, expanded)
    return text.strip()
