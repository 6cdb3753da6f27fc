"""Google Play reviews of the brand's own apps through the Google Play Developer API.

Endpoint: ``GET {googleplay_base_url}/androidpublisher/v3/applications/{package}/reviews`` with
``maxResults`` and ``token`` (``tokenPagination.nextPageToken`` of the previous page). The API
returns reviews created or changed in the last seven days, most recently changed first; a review's
``comments[]`` hold one ``userComment`` (``text``, ``lastModified {seconds, nanos}``,
``starRating``, ``reviewerLanguage``, ``device``, ``androidOsVersion``, ``appVersionCode``,
``appVersionName``, ``thumbsUpCount``/``thumbsDownCount``, ``deviceMetadata``) and, once the
developer answered, one ``developerComment`` (``text``, ``lastModified``). A review written with a
title arrives as ``"title\\tbody"``.

Auth: a service account with access to the apps in Play Console. ``LISTENER_GOOGLEPLAY_SERVICE_ACCOUNT``
holds its JSON key (or the key file's path); the collector signs an RS256 JWT
(``iss`` = ``client_email``, ``scope`` = androidpublisher, ``aud`` = the token URL) with the key's
``private_key`` and exchanges it at ``googleplay_token_url`` (grant type ``jwt-bearer``) for a
bearer token, sent only to ``googleplay_base_url`` (a per-source ``base_url`` on another host gets
no token). Missing or refused credentials: AuthError.
Quota: 200 requests/hour for reviews per app by default; 429/5xx → RetryLater as usual.

Cursor: JSON ``{"<package>": iso}``, the newest ``lastModified`` seen per app. Pages are read until
a review at or before it, the last page, or ``max_pages`` (then a warning when a cursor was set).
A review edited after it was collected keeps its first version (the ``reviewId`` is stored once).

Fields: ``rating`` = ``starRating``, ``language`` = ``reviewerLanguage``, ``details`` =
``app_version`` (name, else code), ``device`` (``deviceMetadata`` maker and model, else
``device``), ``os_version`` (Android API level); ``reply`` = the developer's reply.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

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
    excerpt_of,
)
from collectors.http import expect, fetch, parse_json
from collectors.keyed import dump_keyed, load_keyed, take_newer
from collectors.keys import google_access_token
from collectors.normalise import from_epoch, iso, language_hint, parse_datetime
from collectors.settings import CollectorSettings

log = logging.getLogger(__name__)

REVIEWS_PATH = "/androidpublisher/v3/applications/{package}/reviews"
REVIEW_URL = "https://play.google.com/store/apps/details?id={package}&reviewId={review}"
_PACKAGE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$")


class GooglePlayParams(CollectorParams):
    """The package names of the brand's own apps (the service account must have access to them)."""

    package_names: list[str] = Field(min_length=1, max_length=20)
    max_pages: int = Field(10, ge=1, le=50)
    page_size: int = Field(100, ge=1, le=100)

    @field_validator("package_names")
    @classmethod
    def _packages(cls, names: list[str]) -> list[str]:
        cleaned = [n.strip() for n in names]
        bad = [n for n in cleaned if not _PACKAGE.match(n)]
        if bad:
            raise ValueError(f"not an Android package name (like com.example.app): {bad[:5]}")
        return cleaned


class GooglePlayCollector(HttpCollector):
    """Reads each app's reviews newest first down to its cursor."""

    platform: ClassVar[Platform] = Platform.googleplay
    Params: ClassVar[type[BaseModel]] = GooglePlayParams
    default_interval: ClassVar[timedelta] = timedelta(hours=1)

    def __init__(self, client: httpx.Client, settings: CollectorSettings) -> None:
        super().__init__(client, settings)
        self._token: str | None = None
        self._signed = True

    def collect(self, params: BaseModel, cursor: str | None) -> Batch:
        """Fetch reviews changed after each app's cursor."""
        assert isinstance(params, GooglePlayParams)
        state = load_keyed(cursor, "googleplay")
        base = params.base(self.settings.googleplay_base_url)
        # the bearer token goes to the configured host only, never to a per-source base_url elsewhere
        self._signed = urlsplit(base).netloc == urlsplit(self.settings.googleplay_base_url).netloc
        found: dict[str, RawMention] = {}
        warnings: list[str] = []
        new_state = dict(state)
        for package in params.package_names:
            since = parse_datetime(state.get(package))
            newest = self._read(base, package, since, params, found, warnings)
            if newest and (since is None or newest > since):
                new_state[package] = iso(newest)
        return Batch(
            mentions=list(found.values()),
            next_cursor=dump_keyed(cursor, state, new_state),
            warnings=warnings,
        )

    def _read(
        self,
        base: str,
        package: str,
        since: datetime | None,
        params: GooglePlayParams,
        found: dict[str, RawMention],
        warnings: list[str],
    ) -> datetime | None:
        url = base + REVIEWS_PATH.format(package=quote(package))
        query: dict[str, Any] = {"maxResults": params.page_size}
        newest: datetime | None = None
        for page_no in range(params.max_pages):
            headers = self._auth() if self._signed else {}
            resp = fetch(self.client, "GET", url, params=query, headers=headers)
            payload = expect(parse_json(resp), dict, resp, "a reviews list")
            reviews = payload.get("reviews", [])
            if not isinstance(reviews, list):
                raise CollectorError(f"{package}: reviews is not a list", excerpt=excerpt_of(resp.content))
            mentions = [m for m in (_to_mention(r, package) for r in reviews) if m]
            newest, reached = take_newer(mentions, since, found, newest)
            token = (payload.get("tokenPagination") or {}).get("nextPageToken")
            if reached or not token:
                break
            if page_no + 1 == params.max_pages:
                if since is not None:
                    warnings.append(f"{package}: stopped after {params.max_pages} pages; older ones skipped")
                break
            query["token"] = token
        return newest

    def _auth(self) -> dict[str, str]:
        if self._token is None:
            self._token = self._exchange()
        return {"Authorization": f"Bearer {self._token}"}

    def _exchange(self) -> str:
        """Sign the service account's JWT and trade it for an access token at the token URL."""
        return google_access_token(self.client, self.settings)


def proto_timestamp(node: Any) -> datetime | None:
    """A protobuf Timestamp in JSON: ``{"seconds": "1709409667", "nanos": 0}`` (seconds may be a string)."""
    if not isinstance(node, dict):
        return None
    try:
        return from_epoch(int(node["seconds"]) + int(node.get("nanos") or 0) / 1e9)
    except (KeyError, TypeError, ValueError):
        return None


def _comment(review: dict[str, Any], kind: str) -> dict[str, Any] | None:
    for comment in review.get("comments") or []:
        if isinstance(comment, dict) and isinstance(comment.get(kind), dict):
            return comment[kind]
    return None


def _to_mention(review: Any, package: str) -> RawMention | None:
    if not isinstance(review, dict) or not review.get("reviewId"):
        return None
    user = _comment(review, "userComment")
    published = proto_timestamp((user or {}).get("lastModified"))
    if user is None or published is None:
        log.debug("skipping a Google Play review without a dated userComment")
        return None
    text = str(user.get("text") or "").strip()
    title, _, body = text.partition("\t") if "\t" in text else ("", "", text)
    rating = user.get("starRating")
    developer = _comment(review, "developerComment")
    reply = None
    if developer and str(developer.get("text") or "").strip():
        replied_at = proto_timestamp(developer.get("lastModified"))
        reply = PlatformReply(text=str(developer["text"]).strip(), replied_at=replied_at)
    engagement = {k: user[f] for k, f in (("helpful", "thumbsUpCount"), ("unhelpful", "thumbsDownCount"))
                  if isinstance(user.get(f), int)}  # fmt: skip
    return RawMention(
        platform=Platform.googleplay.value,
        external_id=str(review["reviewId"]),
        url=REVIEW_URL.format(package=package, review=quote(str(review["reviewId"]), safe="")),
        text=body.strip(),
        title=title.strip() or None,
        kind="review",
        author=Author(handle=None, name=review.get("authorName") or None, reach=None),
        engagement=engagement,
        rating=float(rating) if isinstance(rating, int | float) and 1 <= rating <= 5 else None,
        published_at=published,
        language=language_hint(user.get("reviewerLanguage")),
        details=_details(user),
        reply=reply,
    )


def _details(user: dict[str, Any]) -> dict[str, str]:
    meta = user.get("deviceMetadata") if isinstance(user.get("deviceMetadata"), dict) else {}
    model = " ".join(str(meta[k]).strip() for k in ("manufacturer", "productName") if meta.get(k))
    values = {
        "app_version": user.get("appVersionName") or user.get("appVersionCode"),
        "device": model or user.get("device"),
        "os_version": user.get("androidOsVersion"),
    }
    return {k: str(v)[:200] for k, v in values.items() if v not in (None, "")}
