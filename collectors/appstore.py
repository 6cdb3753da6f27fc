"""Apple App Store customer reviews from Apple's public customer-reviews feed (JSON).

Endpoint: ``GET {appstore_base_url}/{country}/rss/customerreviews/page={n}/id={app_id}/
sortby=mostrecent/json`` (one URL) for every app id and storefront country; 50 reviews a page,
at most 10 pages. Auth: none.
Rate limits: undocumented (roughly 20 requests/minute per IP); a 403/429 is mapped as usual.

The JSON wraps every value in ``{"label": …}``: ``feed.entry[]`` has ``id.label`` (review id),
``author.name.label``, ``im:rating.label`` (1–5, kept as ``rating``), ``title.label``,
``content.label``, ``im:version.label``, ``im:voteSum.label``/``im:voteCount.label``,
``updated.label`` (ISO time with offset) and ``link.attributes.href`` (the app-level "write a
review" page, the same for every review: not used). Apple has no page per review, so each review
links to the app's review listing in its storefront, ``REVIEWS_URL``. ``feed.entry`` is a single
object when a page has one review, and absent when it has none.

Cursor: JSON ``{"<app_id>:<country>": iso}``, the newest ``updated`` seen per app and country;
pages are read until a review at or before it (or an empty page, or ``max_pages``).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field, field_validator

from collectors.base import (
    CollectorError,
    CollectorParams,
    HttpCollector,
    Platform,
    checked,
    load_json_cursor,
)
from collectors.http import expect, fetch, parse_json
from collectors.keyed import advance_keyed
from collectors.normalise import parse_datetime
from collectors.records import Author, Batch, RawMention

log = logging.getLogger(__name__)

FEED_PATH = "/{country}/rss/customerreviews/page={page}/id={app_id}/sortby=mostrecent/json"
REVIEWS_URL = "https://apps.apple.com/{country}/app/id{app_id}?see-all=reviews"


def app_store_ids(ids: list[str]) -> list[str]:
    """Numeric App Store ids (a leading ``id`` dropped); ValueError naming the others."""
    cleaned = [i.strip().removeprefix("id") for i in ids]
    return checked(cleaned, str.isdigit, "App Store ids are numbers (the digits after /id in the app URL)")


def _country_code(code: str) -> bool:
    return len(code) == 2 and code.isalpha()


class AppStoreParams(CollectorParams):
    """Numeric App Store ids and the storefront countries (ISO 3166 alpha-2) to read reviews from."""

    app_ids: list[str] = Field(min_length=1, max_length=20)
    countries: list[str] = Field(default_factory=lambda: ["us"], min_length=1, max_length=50)
    max_pages: int = Field(3, ge=1, le=10)

    @field_validator("app_ids")
    @classmethod
    def _numeric_ids(cls, ids: list[str]) -> list[str]:
        return app_store_ids(ids)

    @field_validator("countries")
    @classmethod
    def _country_codes(cls, codes: list[str]) -> list[str]:
        cleaned = [c.strip().lower() for c in codes]
        return checked(cleaned, _country_code, "use two-letter country codes such as us, gb, de")


class AppStoreCollector(
    HttpCollector, platform=Platform.appstore, params=AppStoreParams, every=timedelta(hours=1)
):
    """Reads the most recent reviews of each app in each storefront down to the cursor."""

    def collect(self, params: BaseModel, cursor: str | None) -> Batch:
        """Fetch reviews newer than each app/country cursor."""
        assert isinstance(params, AppStoreParams)
        state = load_json_cursor(cursor, "appstore")
        base = params.base(self.settings.appstore_base_url)
        found: dict[str, RawMention] = {}
        pairs = {
            f"{app_id}:{country}": (app_id, country)
            for app_id in params.app_ids
            for country in params.countries
        }
        next_cursor = advance_keyed(
            cursor,
            state,
            pairs,
            lambda key, since: self._read(base, *pairs[key], since, params.max_pages, found),
        )
        return Batch(mentions=list(found.values()), next_cursor=next_cursor)

    def _read(
        self,
        base: str,
        app_id: str,
        country: str,
        since: datetime | None,
        max_pages: int,
        found: dict[str, RawMention],
    ) -> datetime | None:
        newest: datetime | None = None
        for page in range(1, max_pages + 1):
            url = base + FEED_PATH.format(country=country, page=page, app_id=app_id)
            resp = fetch(self.client, "GET", url)
            feed = expect(parse_json(resp), dict, resp, "a customer-reviews feed").get("feed")
            if not isinstance(feed, dict):
                raise CollectorError(f"{resp.request.url.path}: no feed object in the response")
            entries = feed.get("entry") or []
            entries = [entries] if isinstance(entries, dict) else entries
            reached = False
            reviews = [m for m in (_to_mention(e, app_id, country) for e in entries) if m]
            for review in reviews:
                if since and review.published_at <= since:
                    reached = True
                    continue
                found.setdefault(review.external_id, review)
                newest = review.published_at if newest is None else max(newest, review.published_at)
            if not reviews or reached or since is None:
                break
        return newest


def _label(node: Any) -> str | None:
    if isinstance(node, dict) and isinstance(node.get("label"), str):
        return node["label"]
    return None


def _int_label(node: Any) -> int:
    try:
        return int(_label(node) or 0)
    except ValueError:
        return 0


def _to_mention(entry: Any, app_id: str, country: str) -> RawMention | None:
    if not isinstance(entry, dict):
        return None
    rating_label, review_id = _label(entry.get("im:rating")), _label(entry.get("id"))
    published = parse_datetime(_label(entry.get("updated")))
    if not rating_label or not review_id or published is None:
        return None  # the app's own metadata entry (older feeds) or a broken one
    author = entry.get("author") or {}
    try:
        rating: float | None = float(rating_label)
    except ValueError:
        rating = None
    return RawMention(
        platform=Platform.appstore.value,
        external_id=review_id,
        url=REVIEWS_URL.format(country=country, app_id=app_id),
        text=(_label(entry.get("content")) or "").strip(),
        title=_label(entry.get("title")),
        kind="review",
        author=Author(handle=None, name=_label(author.get("name")) if isinstance(author, dict) else None),
        engagement={
            "helpful": _int_label(entry.get("im:voteSum")),
            "votes": _int_label(entry.get("im:voteCount")),
        },
        rating=rating,
        published_at=published,
        language=None,
    )
