"""Reddit posts (search) and comments (subreddit comment streams).

Endpoints (newest first, ``raw_json=1`` so text is not HTML-escaped):
- search: ``/search`` or, restricted to subreddits, ``/r/a+b/search?restrict_sr=1`` with ``q``,
  ``sort=new``, ``t=all``;
- comments: ``/r/a+b/comments`` (every new comment in those subreddits; the query stage filters).

Auth: with ``settings.reddit_client_id`` set, OAuth client credentials
(``POST {reddit_base_url}/api/v1/access_token``, HTTP basic auth) and requests to
``reddit_oauth_base_url`` with ``Authorization: bearer …`` (no ``.json`` suffix); otherwise the
public ``{reddit_base_url}/….json`` endpoints with the descriptive User-Agent. ``params.base_url``
replaces the API host in either mode (the token endpoint stays on ``reddit_base_url``).

Rate limits: ``X-Ratelimit-Remaining`` / ``X-Ratelimit-Reset`` (seconds) are reported on the Batch;
when the budget hits 0 while more pages are needed, RetryLater(reset) is raised (the cursor is not
advanced, so nothing is skipped).

Cursor: JSON ``{"created_utc": float, "seen": [fullnames created at that second]}``.

Backfill: each listing's ``after`` pages down to the requested day; position JSON
``{"<path>": "<after fullname>" | "done"}``.

Fields: a post (t3) keeps its ``title`` and its ``selftext`` as text (empty for a link post); a
comment (t1) has its ``body`` as text and no title (``link_title`` is the post's).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

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
)
from collectors.http import expect, fetch, parse_json, rate_limit_remaining, rate_limit_reset_at
from collectors.normalise import from_epoch
from collectors.settings import CollectorSettings

log = logging.getLogger(__name__)

WEB_URL = "https://www.reddit.com"
_SUBREDDIT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{1,20}$")


class RedditParams(BackfillParams):
    """Search query and/or subreddits; ``comments`` also streams the subreddits' new comments."""

    query: str | None = Field(None, min_length=1, max_length=512)
    subreddits: list[str] = Field(default_factory=list, max_length=50)
    comments: bool = False
    limit: int = Field(100, ge=1, le=100)
    max_pages: int = Field(5, ge=1, le=20)

    @field_validator("subreddits")
    @classmethod
    def _valid_names(cls, names: list[str]) -> list[str]:
        cleaned = [n.strip().removeprefix("/").removeprefix("r/") for n in names]
        bad = [n for n in cleaned if not _SUBREDDIT.match(n)]
        if bad:
            raise ValueError(f"not a subreddit name: {', '.join(bad[:5])}")
        return cleaned

    @model_validator(mode="after")
    def _something_to_watch(self) -> RedditParams:
        if not self.query and not self.subreddits:
            raise ValueError("set query, subreddits, or both")
        if self.comments and not self.subreddits:
            raise ValueError("comments needs subreddits")
        return self


class RedditCollector(HttpCollector):
    """Reads Reddit listings newest-first down to the cursor."""

    platform: ClassVar[Platform] = Platform.reddit
    Params: ClassVar[type[BaseModel]] = RedditParams
    default_interval: ClassVar[timedelta] = timedelta(minutes=5)

    def __init__(self, client: httpx.Client, settings: CollectorSettings) -> None:
        super().__init__(client, settings)
        self._token: str | None = None
        self._token_expires: datetime | None = None
        self._remaining: int | None = None
        self._reset_at: datetime | None = None

    def collect(self, params: BaseModel, cursor: str | None) -> Batch:
        """Fetch new posts (search) and comments down to the cursor."""
        assert isinstance(params, RedditParams)
        since, seen = _load_cursor(cursor)
        self._remaining, self._reset_at = None, None
        warnings: list[str] = []
        found: dict[str, RawMention] = {}
        for path, query in _listings(params):
            complete = self._read_listing(path, query, params, since, seen, found)
            if not complete:
                warnings.append(f"{path}: stopped after {params.max_pages} pages; older items skipped")
        return Batch(
            mentions=list(found.values()),
            next_cursor=_next_cursor(found.values(), since, seen, cursor),
            rate_limit_remaining=self._remaining,
            rate_limit_reset_at=self._reset_at,
            warnings=warnings,
        )

    def _read_listing(
        self,
        path: str,
        query: dict[str, Any],
        params: RedditParams,
        since: float | None,
        seen: set[str],
        found: dict[str, RawMention],
    ) -> bool:
        """Page one listing; True when it reached the cursor (or the end)."""
        after: str | None = None
        for page in range(params.max_pages):
            if page and self._remaining is not None and self._remaining <= 0:
                wait = (self._reset_at - datetime.now(UTC)).total_seconds() if self._reset_at else None
                raise RetryLater(wait, "reddit rate-limit budget spent")
            listing = self._get(path, query | {"limit": params.limit, "raw_json": 1, "after": after}, params)
            children = listing.get("children") or []
            reached = False
            for child in children:
                mention = _to_mention(child)
                if mention is None:
                    continue
                if _already_seen(mention, since, seen):
                    reached = True  # keep reading this page: stickied items sit out of order
                    continue
                found.setdefault(mention.external_id, mention)
            after = listing.get("after")
            if since is None or reached or not children or not after:
                return True
        return False

    def backfill(self, params: BaseModel, position: str | None, oldest: datetime) -> BackfillPage:
        """One step of history per listing: ``after`` pages (newest first) until an item older than
        ``oldest``, the listing's end (Reddit keeps about 1,000 items per listing) or ``max_pages``."""
        assert isinstance(params, RedditParams)
        state = json.loads(position) if position else {}
        found: dict[str, RawMention] = {}
        for path, query in _listings(params):
            for _ in range(params.max_pages if state.get(path) != "done" else 0):
                page = query | {"limit": params.limit, "raw_json": 1, "after": state.get(path)}
                listing = self._get(path, page, params)
                mentions = [m for m in map(_to_mention, listing.get("children") or []) if m]
                found.update((m.external_id, m) for m in mentions if m.published_at >= oldest)
                if not listing.get("after") or not mentions or any(m.published_at < oldest for m in mentions):
                    state[path] = "done"
                    break
                state[path] = listing["after"]
        done = all(state.get(path) == "done" for path, _ in _listings(params))
        return BackfillPage(list(found.values()), json.dumps(state, sort_keys=True), done)

    def _get(self, path: str, query: dict[str, Any], params: RedditParams) -> dict[str, Any]:
        query = {k: v for k, v in query.items() if v is not None}
        headers = {}
        if self.settings.reddit_client_id:
            headers["Authorization"] = f"bearer {self._access_token()}"
            url = params.base(self.settings.reddit_oauth_base_url) + path
        else:
            url = params.base(self.settings.reddit_base_url) + path + ".json"
        try:
            resp = fetch(self.client, "GET", url, params=query, headers=headers)
        except AuthError:
            self._token = None  # revoked or expired early: ask for a new one next time
            raise
        self._remaining = rate_limit_remaining(resp.headers)
        self._reset_at = rate_limit_reset_at(resp.headers)
        payload = expect(parse_json(resp), dict, resp, "a Reddit Listing")
        if payload.get("kind") != "Listing" or not isinstance(payload.get("data"), dict):
            raise CollectorError(f"{resp.request.url.path}: expected a Reddit Listing")
        return payload["data"]

    def _access_token(self) -> str:
        now = datetime.now(UTC)
        if self._token and self._token_expires and now < self._token_expires:
            return self._token
        resp = fetch(
            self.client,
            "POST",
            self.settings.reddit_base_url.rstrip("/") + "/api/v1/access_token",
            data={"grant_type": "client_credentials"},
            auth=(self.settings.reddit_client_id, self.settings.reddit_client_secret.get_secret_value()),
        )
        payload = expect(parse_json(resp), dict, resp, "a token object")
        token = payload.get("access_token")
        if not token:
            raise CollectorError("reddit token response has no access_token (check client id/secret)")
        self._token = str(token)
        self._token_expires = now + timedelta(seconds=int(payload.get("expires_in") or 3600) - 60)
        return self._token


def _listings(params: RedditParams) -> list[tuple[str, dict[str, Any]]]:
    """``(path, query)`` of the search and the comment stream the params ask for."""
    subs = "+".join(params.subreddits)
    listings: list[tuple[str, dict[str, Any]]] = []
    if params.query:
        path = f"/r/{subs}/search" if subs else "/search"
        query = {"q": params.query, "sort": "new", "t": "all"}
        listings.append((path, query | ({"restrict_sr": "1"} if subs else {})))
    if params.comments:
        listings.append((f"/r/{subs}/comments", {}))
    return listings


def _load_cursor(cursor: str | None) -> tuple[float | None, set[str]]:
    if not cursor:
        return None, set()
    try:
        data = json.loads(cursor)
        return float(data["created_utc"]), set(data.get("seen") or [])
    except (ValueError, KeyError, TypeError):
        raise CollectorError(f"unreadable reddit cursor {cursor[:40]!r}") from None


def _already_seen(mention: RawMention, since: float | None, seen: set[str]) -> bool:
    created = mention.published_at.timestamp()
    return since is not None and (created < since or (created == since and mention.external_id in seen))


def _next_cursor(mentions: Any, since: float | None, seen: set[str], cursor: str | None) -> str | None:
    items = [(m.published_at.timestamp(), m.external_id) for m in mentions]
    if not items:
        return cursor
    newest = max(t for t, _ in items)
    if since is not None and since > newest:
        return cursor
    at_newest = {name for t, name in items if t == newest} | (seen if since == newest else set())
    return json.dumps({"created_utc": newest, "seen": sorted(at_newest)})


def _to_mention(child: dict[str, Any]) -> RawMention | None:
    kind, data = child.get("kind"), child.get("data") or {}
    if kind not in ("t1", "t3") or not data.get("name") or data.get("created_utc") is None:
        return None  # "more" stubs and anything unexpected
    author = data.get("author")
    engagement = {"score": int(data.get("score") or 0)}
    if kind == "t3":
        engagement["comments"] = int(data.get("num_comments") or 0)
        text, title = data.get("selftext") or "", data.get("title")  # a link post has no text
    else:
        text, title = data.get("body") or "", None  # ``link_title`` is the post's title, not the comment's
    permalink = data.get("permalink")
    return RawMention(
        platform=Platform.reddit.value,
        external_id=data["name"],
        url=WEB_URL + permalink.split("?")[0] if permalink else None,
        text=text.strip(),
        title=title,
        kind="post" if kind == "t3" else "comment",
        author=Author(handle=None if author in (None, "[deleted]") else author, name=None, reach=None),
        engagement=engagement,
        rating=None,
        published_at=from_epoch(float(data["created_utc"])),
        language=None,
        in_reply_to=data.get("parent_id") if kind == "t1" else None,
    )
