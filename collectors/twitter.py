"""X (Twitter) posts through the API v2 recent search (the last 7 days).

Endpoint: ``GET {twitter_base_url}/2/tweets/search/recent`` with ``query``, ``max_results``,
``since_id`` (the cursor), ``expansions=author_id,referenced_tweets.id,referenced_tweets.id.author_id``,
``user.fields=public_metrics,username,name``,
``tweet.fields=created_at,lang,public_metrics,conversation_id,entities,referenced_tweets,note_tweet``;
older pages with ``next_token``, up to ``max_pages`` per run (first runs included).

Text: a long post's full text is ``note_tweet.text`` (``text`` holds a 280-character preview); the
API escapes ``&``, ``<`` and ``>`` as entities, which are unescaped; ``t.co`` links are expanded.
Reposts: a ``retweeted`` post is stored AS THE ORIGINAL (its id, author, full text, time and
metrics, from ``includes.tweets`` / ``includes.users``), the way Mastodon reblogs are, so several
reposts of one post are one mention; a repost whose original is missing from ``includes``
(deleted, protected) is stored as itself.

Auth: ``Authorization: Bearer <LISTENER_TWITTER_BEARER_TOKEN>`` (app-only). Without a token the
collector is off: AuthError "needs credentials". Rate limits: ``x-rate-limit-remaining`` /
``x-rate-limit-reset`` (epoch seconds), reported on the Batch; 429 → RetryLater until the reset.

Cursor: the newest search-result id seen (decimal string; a repost's own id, not its original's),
sent back as ``since_id``. Runs page down to ``since_id`` (or ``max_pages``, then a warning when a
cursor was set). A cursor older
than the 7-day window (the API refuses such a ``since_id``) is dropped with a warning.
Reach is the author's ``followers_count`` from ``includes.users``; ``t.co`` links are expanded.
Backfill (within the 7-day window only): ``until_id`` = the oldest id seen and ``start_time`` =
the requested day or the window's start, whichever is later.
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
from collectors.normalise import from_epoch, language_hint, parse_datetime

log = logging.getLogger(__name__)

SEARCH_PATH = "/2/tweets/search/recent"
TWEET_FIELDS = "created_at,lang,public_metrics,conversation_id,entities,referenced_tweets,note_tweet"
EXPANSIONS = "author_id,referenced_tweets.id,referenced_tweets.id.author_id"
USER_FIELDS = "public_metrics,username,name"
TWITTER_EPOCH_MS = 1288834974657  # snowflake ids carry their creation time
SEARCH_WINDOW = timedelta(days=7) - timedelta(minutes=5)


class TwitterParams(BackfillParams):
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
            "expansions": EXPANSIONS,
            "tweet.fields": TWEET_FIELDS,
            "user.fields": USER_FIELDS,
        }
        warnings: list[str] = []
        if cursor and snowflake_time(cursor) < datetime.now(UTC) - SEARCH_WINDOW:
            # recent search refuses a since_id older than its 7-day window: start over from the newest
            warnings.append("cursor is older than the 7-day search window; read the newest page only")
            cursor_for_query = None
        else:
            cursor_for_query = cursor
        if cursor_for_query:
            query["since_id"] = cursor_for_query
        headers = {"Authorization": f"Bearer {token}"}
        found: dict[str, RawMention] = {}
        result_ids: list[str] = []
        resp_headers = httpx.Headers()
        for page_no in range(params.max_pages):
            resp_headers, next_token = self._page(url, query, headers, result_ids, found)
            if not next_token:
                break
            if page_no + 1 == params.max_pages:
                if cursor_for_query:
                    warnings.append(f"stopped after {params.max_pages} pages; older posts skipped")
                break
            query["next_token"] = next_token
        newest = max(result_ids, key=int, default=None)
        return Batch(
            mentions=list(found.values()),
            next_cursor=newest if newest and (not cursor or int(newest) > int(cursor)) else cursor,
            rate_limit_remaining=rate_limit_remaining(resp_headers),
            rate_limit_reset_at=rate_limit_reset_at(resp_headers),
            warnings=warnings,
        )

    def backfill(self, params: BaseModel, position: str | None, oldest: datetime) -> BackfillPage:
        """One step of history inside the 7-day window: ``until_id=<position>`` (the oldest result
        id seen; None = now) and ``start_time`` = the later of ``oldest`` and the window's start."""
        assert isinstance(params, TwitterParams)
        token = self.settings.twitter_bearer_token.get_secret_value()
        if not token:
            raise AuthError("source needs credentials: set LISTENER_TWITTER_BEARER_TOKEN")
        start = max(oldest, datetime.now(UTC) - SEARCH_WINDOW)
        query: dict[str, Any] = {
            "query": params.query,
            "max_results": params.max_results,
            "expansions": EXPANSIONS,
            "tweet.fields": TWEET_FIELDS,
            "user.fields": USER_FIELDS,
            "start_time": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if position:
            query["until_id"] = position
        url = params.base(self.settings.twitter_base_url) + SEARCH_PATH
        found: dict[str, RawMention] = {}
        ids: list[str] = []
        for _ in range(params.max_pages):
            _, next_token = self._page(url, query, {"Authorization": f"Bearer {token}"}, ids, found)
            if not next_token:
                return BackfillPage(list(found.values()), None, True)
            query["next_token"] = next_token
        return BackfillPage(list(found.values()), min(ids, key=int) if ids else position, False)

    def _page(
        self,
        url: str,
        query: dict[str, Any],
        headers: dict[str, str],
        ids: list[str],
        found: dict[str, RawMention],
    ) -> tuple[httpx.Headers, str | None]:
        """One search page into ``found`` (reposts as their originals) and ``ids`` (the results' own
        ids); returns the response headers and ``meta.next_token``."""
        resp = fetch(self.client, "GET", url, params=query, headers=headers)
        payload = expect(parse_json(resp), dict, resp, "a search response")
        includes = payload.get("includes") or {}
        users = {u.get("id"): u for u in includes.get("users") or [] if isinstance(u, dict)}
        originals = {t.get("id"): t for t in includes.get("tweets") or [] if isinstance(t, dict)}
        for tweet in payload.get("data") or []:
            mention = _to_mention(_original_of(tweet, originals), users)
            if mention is not None:
                ids.append(str(tweet["id"]))
                found.setdefault(mention.external_id, mention)
        return resp.headers, (payload.get("meta") or {}).get("next_token")


def _original_of(tweet: Any, originals: dict[str, Any]) -> Any:
    """The reposted post for a repost whose original came in ``includes.tweets``, else the post."""
    if not isinstance(tweet, dict):
        return tweet
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, dict) and ref.get("type") == "retweeted" and ref.get("id") in originals:
            return originals[ref["id"]]
    return tweet


def _to_mention(tweet: Any, users: dict[str, Any]) -> RawMention | None:
    if not isinstance(tweet, dict) or not str(tweet.get("id", "")).isdigit():
        return None
    tweet_id = str(tweet["id"])
    user = users.get(tweet.get("author_id")) or {}
    username = user.get("username")
    metrics = tweet.get("public_metrics") or {}
    followers = (user.get("public_metrics") or {}).get("followers_count")
    referenced = {r.get("type") for r in tweet.get("referenced_tweets") or []}
    replied_to = [
        str(r["id"])
        for r in tweet.get("referenced_tweets") or []
        if r.get("type") == "replied_to" and r.get("id")
    ]
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
        published_at=parse_datetime(tweet.get("created_at")) or snowflake_time(tweet_id),
        language=language_hint(tweet.get("lang")),
        in_reply_to=replied_to[0] if replied_to else None,
    )


def snowflake_time(tweet_id: str) -> datetime:
    """When a tweet was created, from its snowflake id."""
    return from_epoch(((int(tweet_id) >> 22) + TWITTER_EPOCH_MS) / 1000)


def _expand_links(tweet: dict[str, Any]) -> str:
    """The post's full text (``note_tweet`` for long posts), unescaped, with ``t.co`` links expanded."""
    note = tweet.get("note_tweet")
    source = note if isinstance(note, dict) and note.get("text") else tweet
    text = str(source.get("text") or "")
    for link in (source.get("entities") or {}).get("urls") or []:
        short, expanded = link.get("url"), link.get("expanded_url")
        if short and expanded:
            text = text.replace(short, expanded)
    # X escapes exactly these three; a literal "&amp;" typed by a user arrives as "&amp;amp;"
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()
