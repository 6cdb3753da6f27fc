"""RSS 0.9x/1.0/2.0, Atom and JSON Feed sources (news sites, blogs, Google Alerts, Google News).

Endpoint: each URL in ``params.urls``, fetched with httpx and parsed by feedparser (bytes plus the
response headers, so the charset is right). Auth: none.

Conditional GET: the ETag / Last-Modified of each URL are kept in the cursor and sent back as
``If-None-Match`` / ``If-Modified-Since``; a 304 for every URL gives ``Batch(not_modified=True)``.

Cursor: JSON ``{"feeds": {url: {"etag": str|None, "modified": str|None, "newest": iso|None}}}``.
Entries published before ``newest`` are skipped (entries at the same time are kept: the DB key
``(platform, external_id)`` drops repeats). A broken body (cut short, or malformed beyond the
slips feedparser recovers from: see ``feeds.broken``) fails that feed: none of its entries is
stored and its ETag and cursor stay, so the next pass fetches it whole. A recoverable slip (an HTML
entity, an undeclared prefix, a guessed charset) only adds a warning. With several URLs, one
failing feed becomes a warning and keeps its old cursor; only when every URL fails is the first
error raised. Errors name the problem, never the body's text.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Literal

import httpx
from pydantic import BaseModel, Field, HttpUrl, ValidationInfo, field_validator

from collectors.base import CollectorError, CollectorParams, HttpCollector, Platform, RetryLater, allowed_url
from collectors.feeds import broken, parse_feed, recoverable_problem
from collectors.http import fetch
from collectors.normalise import (
    canonical_url,
    fix_mojibake,
    from_struct_time,
    html_to_text,
    iso,
    language_hint,
    parse_datetime,
)
from collectors.records import Author, Batch, RawMention

log = logging.getLogger(__name__)


class RssParams(CollectorParams):
    """Feed URLs to watch and the kind of mention their entries are."""

    urls: list[HttpUrl] = Field(min_length=1, max_length=50)
    kind: Literal["news", "post", "review"] = "news"

    @field_validator("urls")
    @classmethod
    def _urls_allowed(cls, urls: list[HttpUrl], info: ValidationInfo) -> list[HttpUrl]:
        for url in urls:
            allowed_url(str(url), info)
        return urls


class RssCollector(HttpCollector, platform=Platform.rss, params=RssParams, every=timedelta(minutes=15)):
    """Fetches feeds conditionally and turns entries into mentions."""

    def collect(self, params: BaseModel, cursor: str | None) -> Batch:
        """Fetch every feed newer than the cursor; see the module docstring for the rules."""
        assert isinstance(params, RssParams)
        state = _load_cursor(cursor)
        mentions: list[RawMention] = []
        warnings: list[str] = []
        errors: list[CollectorError | RetryLater] = []
        unchanged = 0
        for raw_url in params.urls:
            url = str(raw_url)
            feed_state = dict(state.get(url, {}))
            try:
                found, was_304 = self._collect_feed(url, feed_state, params.kind, warnings)
            except (CollectorError, RetryLater) as exc:
                errors.append(exc)
                warnings.append(f"{url}: {exc}")
                continue
            unchanged += was_304
            mentions.extend(found)
            state[url] = {k: v for k, v in feed_state.items() if v}
        if errors and len(errors) == len(params.urls):
            raise errors[0]
        return Batch(
            mentions=mentions,
            next_cursor=cursor if state == _load_cursor(cursor) else _dump_cursor(state),
            not_modified=unchanged == len(params.urls),
            warnings=warnings,
        )

    def _collect_feed(
        self, url: str, state: dict[str, Any], kind: str, warnings: list[str]
    ) -> tuple[list[RawMention], bool]:
        """One feed's new mentions, and whether it answered 304; updates ``state`` in place."""
        headers = {}
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("modified"):
            headers["If-Modified-Since"] = state["modified"]
        resp = fetch(self.client, "GET", url, headers=headers)
        if resp.status_code == 304:
            return [], True
        parsed = parse_feed(resp.content, dict(resp.headers))
        if parsed["bozo"] and not parsed["entries"] and not parsed.get("version"):
            raise CollectorError(f"{url} is not a feed ({type(parsed.get('bozo_exception')).__name__})")
        problem = broken(resp.content, parsed)
        if problem:  # nothing from a broken body: no entry stored, no ETag or cursor moved
            raise CollectorError(f"{url}: {problem}")
        note = recoverable_problem(parsed)
        if note:
            warnings.append(f"{url}: {note}")
        state["etag"] = resp.headers.get("etag")
        state["modified"] = resp.headers.get("last-modified")
        newest = parse_datetime(state.get("newest"))
        fallback_time = _response_time(resp)
        language = language_hint(parsed["feed"].get("language"))
        mentions, dated = [], []
        for entry in parsed["entries"]:
            mention, has_date = _to_mention(entry, url, kind, language, fallback_time)
            if has_date and newest and mention.published_at < newest:
                continue
            mentions.append(mention)
            if has_date:
                dated.append(mention.published_at)
        if dated:  # undated entries (stamped with the fetch time) never move the cursor
            state["newest"] = iso(max([*dated, newest]) if newest else max(dated))
        return mentions, False


def _load_cursor(cursor: str | None) -> dict[str, dict[str, Any]]:
    if not cursor:
        return {}
    try:
        feeds = json.loads(cursor).get("feeds", {})
    except (ValueError, AttributeError):
        log.warning("ignoring unreadable rss cursor")
        return {}
    return feeds if isinstance(feeds, dict) else {}


def _dump_cursor(state: dict[str, dict[str, Any]]) -> str:
    return json.dumps({"feeds": state}, sort_keys=True)


def _response_time(resp: httpx.Response) -> datetime:
    date = resp.headers.get("date")
    if date:
        try:
            return parsedate_to_datetime(date).astimezone(UTC)
        except (TypeError, ValueError):
            pass
    return datetime.now(UTC)


def _to_mention(
    entry: Any, feed_url: str, kind: str, language: str | None, fallback: datetime
) -> tuple[RawMention, bool]:
    """The entry as a mention, and whether it carried its own date (else ``fallback`` is used)."""
    link = canonical_url(entry.get("link"))
    title = fix_mojibake(html_to_text(entry.get("title"))) or None
    content = entry.get("content") or []
    body = content[0].get("value") if content else entry.get("summary")
    text = fix_mojibake(html_to_text(body)) or title or ""
    published = (
        from_struct_time(entry.get("published_parsed"))
        or from_struct_time(entry.get("updated_parsed"))
        or parse_datetime(entry.get("published"))
    )
    external_id = entry.get("id") or link
    if not external_id:
        digest = hashlib.sha1(f"{feed_url}\n{title}\n{text[:200]}".encode()).hexdigest()
        external_id = f"sha1:{digest}"
    author_name = fix_mojibake(html_to_text(entry.get("author"))) or None
    email = str((entry.get("author_detail") or {}).get("email") or "").strip()
    mention = RawMention(
        platform=Platform.rss.value,
        external_id=external_id,
        url=link,
        text=text,
        title=title,
        kind=kind,  # type: ignore[arg-type]
        author=Author(handle=email or author_name, name=author_name, reach=None),
        engagement={},
        rating=None,
        published_at=published or fallback,
        language=language_hint(entry.get("language")) or language,
    )
    return mention, published is not None
