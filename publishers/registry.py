"""The one place a publisher is listed: ``PUBLISHERS`` maps a platform (as collectors name it) to
the class that answers there."""

from __future__ import annotations

from typing import Any

from publishers.comments import RedditPublisher, YouTubePublisher
from publishers.http import HttpPublisher
from publishers.settings import PublisherSettings
from publishers.stores import AppStoreConnectPublisher, GooglePlayPublisher
from publishers.threads import BlueskyPublisher, MastodonPublisher, XPublisher

PUBLISHERS: dict[str, type[HttpPublisher]] = {
    p.platform: p
    for p in (
        AppStoreConnectPublisher,
        GooglePlayPublisher,
        XPublisher,
        MastodonPublisher,
        BlueskyPublisher,
        YouTubePublisher,
        RedditPublisher,
    )
}


def get_publisher(platform: str) -> type[HttpPublisher] | None:
    """The publisher class for ``platform``; None when replies there are sent by hand."""
    return PUBLISHERS.get(platform)


def describe(settings: PublisherSettings) -> list[dict[str, Any]]:
    """Every publisher: platform, capabilities, channels, limits, the variables it needs and
    whether they are set (never their values)."""
    out = []
    for name, cls in sorted(PUBLISHERS.items()):
        configured = cls(None, settings).configured()  # type: ignore[arg-type] - no request is made
        out.append(
            {
                "platform": name,
                "capabilities": sorted(cls.capabilities),
                "channels": sorted(cls.channels),
                "limits": cls.limits.as_dict(),
                "credentials": list(cls.credentials),
                "configured": configured,
            }
        )
    return out
