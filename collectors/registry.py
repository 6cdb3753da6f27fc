"""The one place a platform is listed: ``COLLECTORS`` maps each :class:`Platform` to its class."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel

from collectors.appstore import AppStoreCollector
from collectors.appstoreconnect import AppStoreConnectCollector
from collectors.base import Collector, CollectorError, Platform
from collectors.bluesky import BlueskyCollector
from collectors.googleplay import GooglePlayCollector
from collectors.hackernews import HackerNewsCollector
from collectors.mastodon import MastodonCollector
from collectors.reddit import RedditCollector
from collectors.replay import ReplayCollector
from collectors.rss import RssCollector
from collectors.twitter import TwitterCollector
from collectors.youtube import YouTubeCollector

log = logging.getLogger(__name__)

COLLECTORS: dict[Platform, type[Collector]] = {
    Platform.rss: RssCollector,
    Platform.hackernews: HackerNewsCollector,
    Platform.reddit: RedditCollector,
    Platform.mastodon: MastodonCollector,
    Platform.bluesky: BlueskyCollector,
    Platform.youtube: YouTubeCollector,
    Platform.appstore: AppStoreCollector,
    Platform.twitter: TwitterCollector,
    Platform.googleplay: GooglePlayCollector,
    Platform.appstoreconnect: AppStoreConnectCollector,
    Platform.replay: ReplayCollector,
}


def get_collector(platform: Platform | str) -> type[Collector]:
    """The collector class for a platform; CollectorError for an unknown one."""
    try:
        return COLLECTORS[Platform(platform)]
    except (ValueError, KeyError) as exc:
        known = ", ".join(p.value for p in COLLECTORS)
        raise CollectorError(f"unknown platform {platform!r} (known: {known})") from exc


def validate_params(platform: Platform | str, raw: dict[str, Any]) -> BaseModel:
    """Validate a source's params against the platform's ``Params`` model.

    Raises pydantic ``ValidationError`` (each error's ``loc`` names the field; the API renders it as
    a 422) or CollectorError for an unknown platform.
    """
    return get_collector(platform).Params.model_validate(raw)
