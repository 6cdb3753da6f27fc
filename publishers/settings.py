"""What publishers are configured with: the collectors' platform hosts and keys (one App Store
Connect key, Google Play service account, Mastodon token and Bluesky app password both read and
answer), plus the credentials only posting needs.

``PublisherSettings`` is a plain pydantic model: publishers read nothing from the environment. The
service's ``listener.settings.Settings`` inherits it (as it inherits ``CollectorSettings``), so each
field is read from ``LISTENER_<FIELD>`` there. Secrets are ``SecretStr``: never logged or returned.
"""

from __future__ import annotations

from pydantic import Field, SecretStr

from collectors.settings import CollectorSettings


class PublisherSettings(CollectorSettings):
    """Publisher configuration; every field is also a ``LISTENER_*`` variable of the service."""

    twitter_user_token: SecretStr = Field(
        SecretStr(""),
        description="X OAuth 2.0 user-context access token with tweet.write (app-only bearers cannot post)",
    )
    youtube_oauth_token: SecretStr = Field(
        SecretStr(""),
        description="YouTube OAuth 2.0 access token with the youtube.force-ssl scope (API keys cannot post)",
    )
    reddit_username: str = Field("", description="Reddit account that posts replies (script app)")
    reddit_password: SecretStr = Field(SecretStr(""), description="Password of LISTENER_REDDIT_USERNAME")
    publish_attempts: int = Field(
        8, ge=1, le=50, description="Tries before a reply that keeps failing transiently is marked failed"
    )
