"""Hacker News stories and comments through the Algolia search API.

Endpoint: ``GET {hackernews_base_url}/api/v1/search_by_date`` (newest first) with
``query``, ``tags=(story,comment)`` (OR), ``hitsPerPage``, ``page`` and
``numericFilters=created_at_i>X``. Auth: none. Rate limit: 10,000 requests/hour per IP (no headers).

Cursor: the newest ``created_at_i`` seen, as a decimal string. A query returns at most 1,000 hits
(``nbPages`` stops there), so when more match, the window is split: the next requests add
``created_at_i<oldest-seen`` and page again, until the window is exhausted or ``max_requests`` is
spent (then a warning says the backfill was cut short; the cursor still moves to the newest hit).

Backfill: ``created_at_i<position`` and ``created_at_i>=oldest``, newest first; the position is
the oldest second seen (+1, so hits sharing that second on the next page are not lost).

Fields: a story's ``title`` is its title and its ``text`` the ``story_text`` (empty for a link
story); a comment's ``text`` is ``comment_text`` and its title is empty (``story_title`` names the
story it sits under, not the comment).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field

from collectors.base import BackfillParams, CollectorError, HttpCollector, Platform
from collectors.http import expect, fetch, parse_json
from collectors.normalise import from_epoch, html_to_text
from collectors.records import Author, BackfillPage, Batch, RawMention

log = logging.getLogger(__name__)

ITEM_URL = "https://news.ycombinator.com/item?id={}"
MAX_RESULTS_PER_QUERY = 1000
BACKFILL_REQUESTS = 5  # per backfill step; the worker takes one step per run
HnTag = Literal["story", "comment", "ask_hn", "show_hn", "poll", "job"]


class HackerNewsParams(BackfillParams):
    """What to search for on Hacker News."""

    query: str = Field(min_length=1, max_length=500)
    tags: list[HnTag] = Field(default_factory=lambda: ["story", "comment"], min_length=1)
    hits_per_page: int = Field(100, ge=1, le=1000)
    max_requests: int = Field(20, ge=1, le=200)


class HackerNewsCollector(
    HttpCollector, platform=Platform.hackernews, params=HackerNewsParams, every=timedelta(minutes=10)
):
    """Searches Algolia's HN index by date."""

    def collect(self, params: BaseModel, cursor: str | None) -> Batch:
        """Fetch hits newer than the cursor, splitting the time window past 1,000 hits."""
        assert isinstance(params, HackerNewsParams)
        since = _load_cursor(cursor)
        url = params.base(self.settings.hackernews_base_url) + "/api/v1/search_by_date"
        mentions: dict[str, RawMention] = {}
        warnings: list[str] = []
        upper: int | None = None
        page, requests = 0, 0
        while True:
            if requests >= params.max_requests:
                warnings.append(f"backfill cut short after {requests} requests; older hits skipped")
                break
            filters = [f"created_at_i>{since}"] if since is not None else []
            if upper is not None:
                filters.append(f"created_at_i<{upper}")
            query = {
                "query": params.query,
                "tags": "(" + ",".join(params.tags) + ")",
                "hitsPerPage": params.hits_per_page,
                "page": page,
            }
            if filters:
                query["numericFilters"] = ",".join(filters)
            payload, hits = self._search(url, query)
            requests += 1
            for hit in hits:
                mention = _to_mention(hit)
                if mention is not None:
                    mentions.setdefault(mention.external_id, mention)
            nb_pages = int(payload.get("nbPages") or 0)
            if since is None:
                break  # the first run takes the newest page only; no backfill of all history
            if hits and page + 1 < nb_pages:
                page += 1
                continue
            per_page = int(payload.get("hitsPerPage") or params.hits_per_page)
            window_capped = int(payload.get("nbHits") or 0) > (page + 1) * per_page
            if not hits or not window_capped:
                break  # the window is exhausted
            upper = min(int(h["created_at_i"]) for h in hits if "created_at_i" in h)
            page = 0
        newest = max((int(m.published_at.timestamp()) for m in mentions.values()), default=None)
        next_cursor = str(max(newest, since or 0)) if newest is not None else cursor
        return Batch(mentions=list(mentions.values()), next_cursor=next_cursor, warnings=warnings)

    def backfill(self, params: BaseModel, position: str | None, oldest: datetime) -> BackfillPage:
        """One step of history: hits created before ``position`` (epoch second; None = now) and not
        before ``oldest``, newest first, up to ``BACKFILL_REQUESTS`` requests."""
        assert isinstance(params, HackerNewsParams)
        upper = _load_cursor(position)
        url = params.base(self.settings.hackernews_base_url) + "/api/v1/search_by_date"
        found: dict[str, RawMention] = {}
        for _ in range(min(params.max_requests, BACKFILL_REQUESTS)):
            filters = [f"created_at_i>={int(oldest.timestamp())}"]
            if upper is not None:
                filters.append(f"created_at_i<{upper}")
            query = {"query": params.query, "tags": "(" + ",".join(params.tags) + ")", "page": 0,
                     "hitsPerPage": params.hits_per_page, "numericFilters": ",".join(filters)}  # fmt: skip
            _, hits = self._search(url, query)
            for mention in filter(None, map(_to_mention, hits)):
                found.setdefault(mention.external_id, mention)
            created = [int(h["created_at_i"]) for h in hits if isinstance(h.get("created_at_i"), int)]
            if len(hits) < params.hits_per_page or not created:
                return BackfillPage(list(found.values()), None, True)
            # the next window ends at the oldest second seen, inclusive, so ties there are not lost;
            # a full page of one single second moves past it (the only way to make progress)
            nxt = min(created) + 1
            upper = nxt if upper is None or nxt < upper else min(created)
        return BackfillPage(list(found.values()), str(upper), False)

    def _search(self, url: str, query: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        resp = fetch(self.client, "GET", url, params=query)
        payload = expect(parse_json(resp), dict, resp, "a search result object")
        hits = payload.get("hits")
        if not isinstance(hits, list):
            raise CollectorError("Algolia response has no hits list")
        return payload, [h for h in hits if isinstance(h, dict)]


def _load_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        return int(cursor)
    except ValueError:
        raise CollectorError(f"hackernews cursor must be an epoch second, got {cursor[:40]!r}") from None


def _to_mention(hit: dict[str, Any]) -> RawMention | None:
    object_id = hit.get("objectID")
    created = hit.get("created_at_i")
    if not object_id or created is None:
        log.debug("skipping HN hit without objectID/created_at_i")
        return None
    tags = hit.get("_tags") or []
    is_comment = "comment" in tags
    # A comment has no title of its own (``story_title`` is the story's: never its title), and a
    # link story has no text (its title is not repeated as text).
    body = hit.get("comment_text") if is_comment else hit.get("story_text")
    title = None if is_comment else hit.get("title")
    text = html_to_text(body)
    engagement = {}
    if isinstance(hit.get("points"), int):
        engagement["score"] = hit["points"]
    if isinstance(hit.get("num_comments"), int):
        engagement["comments"] = hit["num_comments"]
    return RawMention(
        platform=Platform.hackernews.value,
        external_id=str(object_id),
        url=ITEM_URL.format(object_id),
        text=text,
        title=html_to_text(title) or None,
        kind="comment" if is_comment else "post",
        author=Author(handle=hit.get("author"), name=None, reach=None),
        engagement=engagement,
        rating=None,
        published_at=from_epoch(int(created)),
        language=None,
    )
