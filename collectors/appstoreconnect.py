"""Customer reviews of the brand's own iOS apps through the App Store Connect API (with replies).

Endpoint: ``GET {appstoreconnect_base_url}/v1/apps/{app_id}/customerReviews`` with
``sort=-createdDate``, ``limit``, ``include=response`` and sparse ``fields[…]``; the next page is
``links.next`` (followed only on the same host). A review is a JSON:API resource
``{"type": "customerReviews", "id", "attributes": {rating, title, body, reviewerNickname,
createdDate, territory}, "relationships": {"response": {"data": {"type", "id"}}}}``; the developer's
reply is the ``customerReviewResponses`` resource in ``included`` (``responseBody``,
``lastModifiedDate``, ``state``). Only a ``PUBLISHED`` reply is stored (as a sent public reply).
The public RSS collector (``appstore``) stays for anyone's app; this one needs the app's API key.

Auth: an App Store Connect API key. The collector signs an ES256 JWT (header ``kid`` =
``LISTENER_APPSTORECONNECT_KEY_ID``; claims ``iss`` = ``LISTENER_APPSTORECONNECT_ISSUER_ID``,
``aud`` = ``appstoreconnect-v1``, 20 minutes) with the ``.p8`` key
(``LISTENER_APPSTORECONNECT_PRIVATE_KEY``: the PEM or its path) and sends it as a bearer token to
the configured host only (a per-source ``base_url`` elsewhere gets none). Missing key: AuthError.
Rate limits: an hourly budget per key; ``X-Rate-Limit: user-hour-lim:3600;user-hour-rem:…``;
429/5xx → RetryLater as usual.

Cursor: JSON ``{"<app_id>": iso}``, the newest ``createdDate`` per app; pages are read until a
review at or before it, the last page, or ``max_pages`` (then a warning when a cursor was set).

Fields: ``rating``; ``title``; ``body`` as text; ``reviewerNickname`` as the author's name;
``details.territory`` (ISO 3166 alpha-3 storefront); the URL is the app's review listing (Apple
has no page per review). Reviews carry no language: the NLP stage detects it.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, Field, field_validator

from collectors.base import (
    Author,
    Batch,
    CollectorError,
    CollectorParams,
    HttpCollector,
    Platform,
    PlatformReply,
    RawMention,
)
from collectors.http import expect, fetch, parse_json, rate_limit_remaining
from collectors.keyed import dump_keyed, load_keyed, take_newer
from collectors.keys import appstoreconnect_token
from collectors.normalise import iso, parse_datetime
from collectors.settings import CollectorSettings

log = logging.getLogger(__name__)

REVIEWS_PATH = "/v1/apps/{app_id}/customerReviews"
REVIEWS_URL = "https://apps.apple.com/app/id{app_id}?see-all=reviews"
FIELDS = {
    "fields[customerReviews]": "rating,title,body,reviewerNickname,createdDate,territory,response",
    "fields[customerReviewResponses]": "responseBody,lastModifiedDate,state",
}
_REMAINING = re.compile(r"user-hour-rem:(\d+)")


class AppStoreConnectParams(CollectorParams):
    """Apple ids of the brand's own apps (the digits in the App Store URL after ``id``)."""

    app_ids: list[str] = Field(min_length=1, max_length=20)
    max_pages: int = Field(10, ge=1, le=50)
    page_size: int = Field(200, ge=1, le=200)

    @field_validator("app_ids")
    @classmethod
    def _numeric(cls, ids: list[str]) -> list[str]:
        cleaned = [i.strip().removeprefix("id") for i in ids]
        bad = [i for i in cleaned if not i.isdigit()]
        if bad:
            raise ValueError(f"App Store ids are numbers (the digits after /id in the app URL): {bad[:5]}")
        return cleaned


class AppStoreConnectCollector(HttpCollector):
    """Reads each owned app's reviews newest first down to its cursor."""

    platform: ClassVar[Platform] = Platform.appstoreconnect
    Params: ClassVar[type[BaseModel]] = AppStoreConnectParams
    default_interval: ClassVar[timedelta] = timedelta(hours=1)

    def __init__(self, client: httpx.Client, settings: CollectorSettings) -> None:
        super().__init__(client, settings)
        self._remaining: int | None = None

    def collect(self, params: BaseModel, cursor: str | None) -> Batch:
        """Fetch reviews created after each app's cursor."""
        assert isinstance(params, AppStoreConnectParams)
        state = load_keyed(cursor, "appstoreconnect")
        self._remaining = None
        base = params.base(self.settings.appstoreconnect_base_url)
        configured = urlsplit(self.settings.appstoreconnect_base_url).netloc
        headers = self._auth() if urlsplit(base).netloc == configured else {}
        found: dict[str, RawMention] = {}
        warnings: list[str] = []
        new_state = dict(state)
        for app_id in params.app_ids:
            since = parse_datetime(state.get(app_id))
            newest = self._read(base, app_id, since, params, headers, found, warnings)
            if newest and (since is None or newest > since):
                new_state[app_id] = iso(newest)
        return Batch(
            mentions=list(found.values()),
            next_cursor=dump_keyed(cursor, state, new_state),
            rate_limit_remaining=self._remaining,
            warnings=warnings,
        )

    def _read(
        self,
        base: str,
        app_id: str,
        since: datetime | None,
        params: AppStoreConnectParams,
        headers: dict[str, str],
        found: dict[str, RawMention],
        warnings: list[str],
    ) -> datetime | None:
        url = base + REVIEWS_PATH.format(app_id=app_id)
        first = {"sort": "-createdDate", "limit": params.page_size, "include": "response"}
        query: dict[str, Any] | None = first | FIELDS
        newest: datetime | None = None
        for page_no in range(params.max_pages):
            resp = fetch(self.client, "GET", url, params=query, headers=headers)
            left = _remaining(resp.headers)
            self._remaining = self._remaining if left is None else left  # pages may omit the header
            payload = expect(parse_json(resp), dict, resp, "a customerReviews document")
            data = payload.get("data")
            if not isinstance(data, list):
                raise CollectorError(f"{app_id}: customerReviews answer has no data list")
            replies = _published_replies(payload.get("included"))
            mentions = [m for m in (_to_mention(r, app_id, replies) for r in data) if m]
            newest, reached = take_newer(mentions, since, found, newest)
            next_url = (payload.get("links") or {}).get("next")
            if reached or not isinstance(next_url, str) or not next_url:
                break
            if urlsplit(next_url).netloc != urlsplit(base).netloc:
                warnings.append(f"{app_id}: next page link points to another host; not followed")
                break
            if page_no + 1 == params.max_pages:
                if since is not None:
                    warnings.append(f"{app_id}: stopped after {params.max_pages} pages; older ones skipped")
                break
            url, query = next_url, None  # the link carries the cursor and the other parameters
        return newest

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {appstoreconnect_token(self.settings)}"}


def _remaining(headers: httpx.Headers) -> int | None:
    match = _REMAINING.search(headers.get("x-rate-limit", ""))
    return int(match.group(1)) if match else rate_limit_remaining(headers)


def _published_replies(included: Any) -> dict[str, PlatformReply]:
    """``{response id: reply}`` for the published ``customerReviewResponses`` in ``included``."""
    out: dict[str, PlatformReply] = {}
    for res in included if isinstance(included, list) else []:
        if not isinstance(res, dict) or res.get("type") != "customerReviewResponses":
            continue
        attrs = res.get("attributes") or {}
        body = str(attrs.get("responseBody") or "").strip()
        if body and attrs.get("state", "PUBLISHED") == "PUBLISHED" and res.get("id"):
            out[str(res["id"])] = PlatformReply(
                text=body, replied_at=parse_datetime(attrs.get("lastModifiedDate"))
            )
    return out


def _to_mention(resource: Any, app_id: str, replies: dict[str, PlatformReply]) -> RawMention | None:
    if not isinstance(resource, dict) or resource.get("type") != "customerReviews" or not resource.get("id"):
        return None
    attrs = resource.get("attributes") or {}
    published = parse_datetime(attrs.get("createdDate"))
    if published is None:
        log.debug("skipping an App Store Connect review without createdDate")
        return None
    link = ((resource.get("relationships") or {}).get("response") or {}).get("data") or {}
    rating = attrs.get("rating")
    territory = attrs.get("territory")
    return RawMention(
        platform=Platform.appstoreconnect.value,
        external_id=str(resource["id"]),
        url=REVIEWS_URL.format(app_id=app_id),
        text=str(attrs.get("body") or "").strip(),
        title=str(attrs.get("title") or "").strip() or None,
        kind="review",
        author=Author(handle=None, name=attrs.get("reviewerNickname") or None, reach=None),
        engagement={},
        rating=float(rating) if isinstance(rating, int | float) and 1 <= rating <= 5 else None,
        published_at=published,
        language=None,
        details={"territory": territory} if isinstance(territory, str) and territory else {},
        reply=replies.get(str(link.get("id"))) if isinstance(link, dict) else None,
    )
